// Bench visitors at the signalling level: a colyseus.js seat in a world or event room, its voice
// or stage ticket, and Janus sessions opened with the tickets' tokens (src/protocol/janus.ts in
// Node). The media itself is a werift peer (bench/voice/peer.ts) or a Chromium page
// (bench/voice/ear.ts): both hand over an SDP and take one back.
import { Client, type Room } from 'colyseus.js'
import { nodeSocket } from '../../server/media/janus'
import { STREAMING, VIDEOROOM } from '../../server/media/tokens'
import { JanusError, JanusSession, type JanusHandle } from '../../src/protocol/janus'
import { NO_SUCH_FEED } from '../../server/media/service'
import type { StagePublishTicket, StageWatchTicket } from '../../src/protocol/stage'
import { VOICE, type VoiceTicket } from '../../src/protocol/voice'
import type { ServerMessages } from '../../src/protocol/messages'
import { withTimeout } from '../lib/swarm'

/** Waits for one of `types` on `room` (or an `error`), sending `send` first. */
export function ask<T>(room: Room, send: [string, object], reply: string, ms: number): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve, reject) => {
      const offReply = room.onMessage(reply, (m: T) => {
        offReply()
        offError()
        resolve(m)
      })
      const offError = room.onMessage('error', (m: ServerMessages['error']) => {
        offReply()
        offError()
        reject(new Error(`${m.code}: ${m.message}`))
      })
      room.send(send[0], send[1])
    }),
    ms,
    `${send[0]} → ${reply}`,
  )
}

export async function joinWorld(url: string, world: string, name: string): Promise<Room> {
  const room = await withTimeout(
    new Client(url).joinOrCreate('world', { world, name, color: '#88ccff' }),
    30_000,
    `${name} join`,
  )
  room.onMessage('*', () => {})
  return room
}

export interface VoiceSeat {
  room: Room
  ticket: VoiceTicket
  session: JanusSession
  pub: JanusHandle
  privateId: number
}

/** voice.join, a Janus session and the publisher join (no media yet). */
export async function joinVoice(room: Room): Promise<VoiceSeat> {
  const ticket = await ask<VoiceTicket>(room, ['voice.join', {}], 'voice.ticket', 20_000)
  const session = await JanusSession.connect(ticket.url, nodeSocket, {
    token: ticket.token,
    timeoutMs: 20_000,
  })
  const pub = await session.attach(VIDEOROOM)
  const joined = await pub.message({
    request: 'join',
    ptype: 'publisher',
    room: ticket.room,
    id: ticket.feed,
    token: ticket.pass,
    display: room.sessionId,
  })
  return { room, ticket, session, pub, privateId: Number(joined.data.private_id) }
}

/** Publishes `offer` on the seat's publisher handle; returns the media server's answer SDP. */
export async function publishOffer(pub: JanusHandle, offer: string): Promise<string> {
  const reply = await pub.message({ request: 'publish' }, { type: 'offer', sdp: offer })
  if (!reply.jsep) throw new Error('the media server did not answer the offer')
  return reply.jsep.sdp
}

/**
 * Subscribes `seat` to `feed`'s audio as the client does; `answer` turns the media server's
 * offer into the listener's answer, which starts the subscription.
 */
export async function subscribeVoice(
  seat: VoiceSeat,
  feed: number,
  answer: (offer: string) => Promise<string>,
): Promise<JanusHandle> {
  const sub = await seat.session.attach(VIDEOROOM)
  const join = () =>
    sub.message({
      request: 'join',
      ptype: 'subscriber',
      room: seat.ticket.room,
      private_id: seat.privateId,
      streams: [{ feed, mid: VOICE.audioMid }],
    })
  // A feed can be subscribed once its media is up: until then VideoRoom says "No such feed".
  let reply = null
  for (let attempt = 0; !reply; attempt++) {
    try {
      reply = await join()
    } catch (err) {
      if (!(err instanceof JanusError) || err.code !== NO_SUCH_FEED || attempt >= 20) throw err
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  if (!reply.jsep) throw new Error('the media server sent no offer for the voice')
  await sub.message({ request: 'start' }, { type: 'answer', sdp: await answer(reply.jsep.sdp) })
  return sub
}

/** stage.golive (sound only) and the publisher join in the stage room; media follows. */
export async function goLive(
  room: Room,
): Promise<{ ticket: StagePublishTicket; session: JanusSession; pub: JanusHandle }> {
  const ticket = await ask<StagePublishTicket>(
    room,
    ['stage.golive', { audio: true, video: 'none' }],
    'stage.publish',
    20_000,
  )
  const session = await JanusSession.connect(ticket.url, nodeSocket, {
    token: ticket.token,
    timeoutMs: 20_000,
  })
  const pub = await session.attach(VIDEOROOM)
  await pub.message({
    request: 'join',
    ptype: 'publisher',
    room: ticket.room,
    id: ticket.feed,
    token: ticket.pass,
    display: room.sessionId,
  })
  return { ticket, session, pub }
}

/** stage.watch (asking again while the server says stage_off, up to `waitMs`). */
export async function watchTicket(room: Room, waitMs: number): Promise<StageWatchTicket> {
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      return await ask<StageWatchTicket>(room, ['stage.watch', {}], 'stage.watch', 15_000)
    } catch (err) {
      if (Date.now() > deadline || !String(err).includes('stage_off')) throw err
      await new Promise((r) => setTimeout(r, 2000 + Math.random() * 500))
    }
  }
}

/** Watches the ticket's mountpoint; `answer` turns its offer into the watcher's answer. */
export async function watchStage(
  ticket: StageWatchTicket,
  answer: (offer: string) => Promise<string>,
): Promise<JanusSession> {
  const session = await JanusSession.connect(ticket.url, nodeSocket, {
    token: ticket.token,
    timeoutMs: 20_000,
  })
  const h = await session.attach(STREAMING)
  const offer = await h.message({ request: 'watch', id: ticket.mountpoint, pin: ticket.pin })
  if (!offer.jsep) throw new Error('the mountpoint sent no offer')
  await h.message({ request: 'start' }, { type: 'answer', sdp: await answer(offer.jsep.sdp) })
  return session
}
