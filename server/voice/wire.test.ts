// Moderation on the wire: a moderator's mute stops the media itself, not only the marks in the
// UI. Against a real Janus (the server's embedded one), a werift publisher joins an event's
// voice room with its seat's ticket and sends RTP (opus frames, 50 a second); a werift
// subscriber, admitted with its own seat's publisher private_id, counts what arrives. The host's
// mute (the event room → RoomVoice.muted → VideoRoom `moderate`) stops the packets on the media
// server; the unmute lets them through again. Every wait counts the publisher's packets, never
// the clock.
import net from 'node:net'
import os from 'node:os'
import type { Room } from 'colyseus.js'
import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import {
  JanusError,
  type JanusHandle,
  type JanusSession,
  type Jsep,
} from '../../src/protocol/janus'
import type { ServerMessages } from '../../src/protocol/messages'
import { VOICE } from '../../src/protocol/voice'
import type { RunningServer } from '../app'
import { attend, createEvent, leaveAll, signIn, until } from '../events/testKit'
import { startEventsServer, stopEventsServer } from '../events/testServer'
import { NO_SUCH_FEED } from '../media/service'
import { VIDEOROOM } from '../media/tokens'
import { joinPublisher, mediaSession, type Publisher } from '../media/testJanus'
import { peer } from '../media/testWerift'

let tmp: string
let server: RunningServer
const sessions: JanusSession[] = []
const peers: RTCPeerConnection[] = []
const stops: (() => void)[] = []

/** One opus frame of silence (TOC 0xf8: CELT, 20 ms); Janus relays payloads unread. */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe])
/** A publisher sends one packet every 20 ms, as a browser's opus does. */
const PACKET_MS = 20
/** Silence is proven when this many packets were sent and none arrived (0.5 s of audio). */
const QUIET_PACKETS = 25
/** How many packets a state may take to show at the subscriber before the test fails. */
const PATIENCE_PACKETS = 500

/** A werift peer (testWerift's), closed after each test. */
function newPeer(): RTCPeerConnection {
  const pc = peer()
  peers.push(pc)
  return pc
}

/** Sets the local description and waits for every candidate to be in it (no trickling). */
async function localWithCandidates(pc: RTCPeerConnection, init: { type: 'offer' | 'answer' }) {
  const desc = init.type === 'offer' ? await pc.createOffer() : await pc.createAnswer()
  const gathered = new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve()
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') {
        unSubscribe()
        resolve()
      }
    })
  })
  await pc.setLocalDescription(desc)
  await gathered
  const sdp = pc.localDescription?.sdp
  if (!sdp) throw new Error('no local description')
  return { type: init.type, sdp } satisfies Jsep
}

async function connected(pc: RTCPeerConnection, who: string) {
  await until(() => pc.connectionState === 'connected', `${who} connected`, 15_000)
}

interface Sender {
  /** Packets written to the track since the connection came up. */
  sent(): number
}

/** Janus' answers to the publishes, for their candidates. */
const answers: string[] = []

/** The addresses of an SDP's ICE candidates (`a=candidate:f c udp prio ADDRESS port typ …`). */
const candidateAddresses = (sdp: string) =>
  [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ/gm)].map((m) => m[1]!)

/** Publishes one audio track from `p` and sends an opus frame every PACKET_MS once connected. */
async function publishRtp(p: Publisher): Promise<Sender> {
  const pc = newPeer()
  const track = new MediaStreamTrack({ kind: 'audio' })
  pc.addTransceiver(track, { direction: 'sendonly' })
  const offer = await localWithCandidates(pc, { type: 'offer' })
  const { jsep } = await p.handle.message({ request: 'publish', audio: true, video: false }, offer)
  if (jsep?.type !== 'answer') throw new Error('Janus did not answer the publish')
  await pc.setRemoteDescription({ type: 'answer', sdp: jsep.sdp })
  await connected(pc, 'the publisher')
  answers.push(jsep.sdp)
  let n = 0
  const timer = setInterval(() => {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: n & 0xffff,
      timestamp: (n * 960) >>> 0,
      ssrc: 1,
    })
    track.writeRtp(new RtpPacket(header, OPUS_SILENCE))
    n++
  }, PACKET_MS)
  stops.push(() => clearInterval(timer))
  return { sent: () => n }
}

interface Receiver {
  handle: JanusHandle
  /** RTP packets received on the subscription. */
  received(): number
}

/** Subscribes to `feed`'s audio (mid "0") with the private id of the subscriber's own seat. */
async function subscribeRtp(
  session: JanusSession,
  room: number,
  feed: number,
  privateId: number,
): Promise<Receiver> {
  const handle = await session.attach(VIDEOROOM)
  const join = {
    request: 'join',
    ptype: 'subscriber',
    room,
    private_id: privateId,
    streams: [{ feed, mid: VOICE.audioMid }],
  }
  // The publisher's peer connection may be up a moment before Janus counts its feed as
  // publishing: until then the join is "No such feed". Asked again while that is the answer.
  let reply: Awaited<ReturnType<JanusHandle['message']>> | undefined
  for (let attempt = 1; !reply; attempt++) {
    try {
      reply = await handle.message(join)
    } catch (err) {
      if (!(err instanceof JanusError) || err.code !== NO_SUCH_FEED || attempt >= 100) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const { jsep } = reply
  if (jsep?.type !== 'offer') throw new Error('Janus sent no offer for the subscription')
  const pc = newPeer()
  let n = 0
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => n++)
  })
  await pc.setRemoteDescription({ type: 'offer', sdp: jsep.sdp })
  const answer = await localWithCandidates(pc, { type: 'answer' })
  await handle.message({ request: 'start' }, answer)
  await connected(pc, 'the subscriber')
  return { handle, received: () => n }
}

const tick = () => new Promise((r) => setTimeout(r, PACKET_MS))

/** Waits until `want` packets more arrive; fails once PATIENCE_PACKETS were sent without. */
async function flows(pub: Sender, sub: Receiver, what: string, want = QUIET_PACKETS - 5) {
  const [sent0, got0] = [pub.sent(), sub.received()]
  while (sub.received() - got0 < want) {
    if (pub.sent() - sent0 > PATIENCE_PACKETS) {
      throw new Error(
        `${what}: ${sub.received() - got0} of ${pub.sent() - sent0} packets sent arrived`,
      )
    }
    await tick()
  }
  return { sent: pub.sent() - sent0, received: sub.received() - got0 }
}

/**
 * Waits until QUIET_PACKETS were sent in a row and none of them arrived; fails once
 * PATIENCE_PACKETS were sent without such a run. Returns what arrived before the quiet.
 */
async function quiet(pub: Sender, sub: Receiver, what: string) {
  const [sent0, got0] = [pub.sent(), sub.received()]
  let [quietFrom, last] = [pub.sent(), sub.received()]
  while (pub.sent() - quietFrom < QUIET_PACKETS) {
    if (sub.received() !== last) [quietFrom, last] = [pub.sent(), sub.received()]
    if (pub.sent() - sent0 > PATIENCE_PACKETS) {
      throw new Error(
        `${what}: packets still arrive (${sub.received() - got0} of ${pub.sent() - sent0} sent)`,
      )
    }
    await tick()
  }
  return { sent: pub.sent() - sent0, arrivedBeforeQuiet: last - got0 }
}

type Tickets = ServerMessages['voice.ticket'][]

async function ticketFor(room: Room): Promise<ServerMessages['voice.ticket']> {
  const tickets: Tickets = []
  room.onMessage('voice.ticket', (t: ServerMessages['voice.ticket']) => tickets.push(t))
  room.send('voice.join', {})
  return until(() => tickets[0], 'a voice ticket')
}

async function onMedia(t: ServerMessages['voice.ticket'], display: string) {
  const s = await mediaSession(t.url, t.token)
  sessions.push(s)
  return { session: s, publisher: await joinPublisher(s, t.room, t.feed, t.pass, display) }
}

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('wire', { VOICE: 'on' }))
  await server.voice.firstStart
  expect(server.voice.status()).toEqual({ available: true })
}, 60_000)

afterEach(async () => {
  for (const stop of stops.splice(0)) stop()
  await Promise.all(peers.splice(0).map((pc) => pc.close().catch(() => {})))
  await Promise.all(sessions.splice(0).map((s) => s.destroy()))
  await leaveAll([])
})

afterAll(() => stopEventsServer(server, tmp))

it('a moderator’s mute stops the packets on the media server, the unmute lets them through, a kick ends them', async () => {
  const hostToken = await signIn(server.url, 0)
  const event = await createEvent(server.url, hostToken)
  const host = await attend(server.url, event.id, 'Host', hostToken)
  const speaker = await attend(server.url, event.id, 'Speaker')
  const listener = await attend(server.url, event.id, 'Listener')
  const told: ServerMessages['voice.muted'][] = []
  speaker.room.onMessage('voice.muted', (m: ServerMessages['voice.muted']) => told.push(m))
  const ts = await ticketFor(speaker.room)
  const tl = await ticketFor(listener.room)
  expect(tl.room).toBe(ts.room)
  const a = await onMedia(ts, speaker.room.sessionId)
  const b = await onMedia(tl, listener.room.sessionId)
  const pub = await publishRtp(a.publisher)
  const sub = await subscribeRtp(b.session, tl.room, ts.feed, b.publisher.privateId)
  // The media server offers only this machine's own IPv4 addresses, so nothing leaves the
  // machine (Janus never gathers on a loopback interface: docs/voice.md).
  const own = new Set(
    Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
  )
  const offered = candidateAddresses(answers.at(-1)!)
  expect(offered.length).toBeGreaterThan(0)
  for (const address of offered) {
    expect(net.isIPv4(address), address).toBe(true)
    expect(own.has(address), address).toBe(true)
  }

  const before = await flows(pub, sub, 'before the mute')
  const mute = { action: 'mute', session: speaker.room.sessionId, minutes: 5 }
  expect(await host.act('event.moderate', mute)).toBe(null)
  const muted = await quiet(pub, sub, 'after the mute')
  // Still sending all along: the media server, not the publisher, dropped them.
  const held = await quiet(pub, sub, 'while muted')
  expect(held.arrivedBeforeQuiet).toBe(0)
  expect(host.room.state.voice.get(speaker.room.sessionId)?.muted).toBe(true)

  const unmute = { action: 'unmute', session: speaker.room.sessionId }
  expect(await host.act('event.moderate', unmute)).toBe(null)
  const after = await flows(pub, sub, 'after the unmute')
  // The speaker was told both: muted until a time, then lifted (0: its microphone may send).
  expect(told.map((m) => m.until > Date.now())).toEqual([true, false])
  expect(told[1]).toEqual({ until: 0 })

  // A kick ends the feed on the media server, and with it the subscription's packets.
  expect(
    await host.act('event.moderate', { action: 'kick', session: speaker.room.sessionId }),
  ).toBe(null)
  await speaker.closed
  const kicked = await quiet(pub, sub, 'after the kick')
  console.log(
    `[wire] before the mute ${before.received} arrived of ${before.sent} sent; ` +
      `muted: quiet after ${muted.sent} sent (${muted.arrivedBeforeQuiet} arrived first), ` +
      `then ${held.sent} sent and none arrived; unmuted: ${after.received} of ${after.sent}; ` +
      `kicked: quiet after ${kicked.sent} sent (${kicked.arrivedBeforeQuiet} arrived first)`,
  )
}, 90_000)
