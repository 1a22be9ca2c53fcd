// Voice in rooms through the real stack: a whole server (events, PGlite, sign-in) with its
// embedded Janus, colyseus.js visitors, and their media-server side at the signalling level
// (testJanus.ts). Tickets and the `voice` state, the sweep, leaving, moderator mutes that hold
// across a voice rejoin, kicks, bad input and floods; and a server without Janus.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { JanusSession } from '../../src/protocol/janus'
import type { ServerMessages } from '../../src/protocol/messages'
import { VOICE } from '../../src/protocol/voice'
import { startServer, type RunningServer } from '../app'
import { loadConfig } from '../config'
import { attend, createEvent, leaveAll, signIn, until } from '../events/testKit'
import { TEST_WORLD } from '../events/testScenes'
import { startEventsServer, stopEventsServer } from '../events/testServer'
import type { WorldState } from '../rooms/WorldState'
import { NO_JANUS_REASON } from '../media/janus'
import type { MediaRoom } from '../media/service'
import { joinPublisher, mediaSession, publishFake, type Publisher } from '../media/testJanus'

let tmp: string
let server: RunningServer
const rooms: Room[] = []
const sessions: JanusSession[] = []

type VoiceInbox = {
  error: ServerMessages['error'][]
  pong: ServerMessages['pong'][]
  'voice.ticket': ServerMessages['voice.ticket'][]
  'voice.token': ServerMessages['voice.token'][]
  'voice.muted': ServerMessages['voice.muted'][]
  'voice.ended': ServerMessages['voice.ended'][]
}

function listen(room: Room): VoiceInbox {
  const inbox: VoiceInbox = {
    error: [],
    pong: [],
    'voice.ticket': [],
    'voice.token': [],
    'voice.muted': [],
    'voice.ended': [],
  }
  for (const type of Object.keys(inbox) as (keyof VoiceInbox)[]) {
    room.onMessage(type, (m) => (inbox[type] as unknown[]).push(m))
  }
  room.onMessage('*', () => {})
  return inbox
}

async function visitor(name: string, url = server.url) {
  const client = new Client(url.replace(/^http/, 'ws'))
  const room = await client.joinOrCreate<WorldState>('world', { world: TEST_WORLD, name })
  rooms.push(room)
  return { room, inbox: listen(room) }
}

/** Asks for voice and waits for the ticket. */
async function ticket(v: { room: Room; inbox: VoiceInbox }) {
  const n = v.inbox['voice.ticket'].length
  v.room.send('voice.join', {})
  return until(() => v.inbox['voice.ticket'][n], 'a voice ticket')
}

/** The seat's media side: joins with its ticket (and publishes the made-up audio). */
async function onMedia(t: ServerMessages['voice.ticket'], display: string, publish = false) {
  const s = await mediaSession(t.url, t.token)
  sessions.push(s)
  const p = await joinPublisher(s, t.room, t.feed, t.pass, display)
  if (publish) await publishFake(p)
  return p
}

const mediaRoom = (id: number): MediaRoom => ({
  id,
  secret: '',
  generation: server.voice.generation,
})
const feedsOn = async (id: number) =>
  (await server.voice.participants(mediaRoom(id))).map((p) => p.id)

/** Waits until an asynchronous check holds (the media server is asked each time). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function served(v: { room: Room; inbox: VoiceInbox }) {
  const n = v.inbox.pong.length
  v.room.send('ping', { t: 1 })
  await until(() => v.inbox.pong.length > n, 'a pong')
}

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('voice', { VOICE: 'on' }))
  await server.voice.firstStart
  expect(server.voice.status()).toEqual({ available: true })
}, 60_000)

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.destroy()))
  await leaveAll(rooms)
})

afterAll(() => stopEventsServer(server, tmp))

describe('voice in a world room', () => {
  it('hands out a ticket that admits the seat’s feed, shown to everyone in the state', async () => {
    const a = await visitor('A')
    const b = await visitor('B')
    const t = await ticket(a)
    expect(t).toMatchObject({ radius: VOICE.radius, cap: VOICE.cap, url: server.voice.publicUrl })
    expect(t.expires).toBeGreaterThan(Date.now() + (VOICE.tokenSeconds - 5) * 1000)
    await until(() => b.room.state.voice?.get(a.room.sessionId)?.feed === t.feed, 'A in voice')
    const p = await onMedia(t, a.room.sessionId)
    expect(p.joined).toMatchObject({ videoroom: 'joined', id: t.feed })
    // The pass was used: a second join with it is refused, and the sweep keeps A.
    const again = await mediaSession(t.url, t.token)
    sessions.push(again)
    await eventually(async () => {
      try {
        await joinPublisher(again, t.room, 99, t.pass, 'x')
        return false
      } catch {
        return true
      }
    }, 'the pass retired')
    expect(await feedsOn(t.room)).toContain(t.feed)
    // A fresh token on request.
    a.room.send('voice.renew', {})
    const renewed = await until(() => a.inbox['voice.token'][0], 'a renewed token')
    expect(renewed.expires).toBeGreaterThanOrEqual(t.expires)
  })

  it('kicks a participant whose id is no seat’s feed (a stolen pass)', async () => {
    const a = await visitor('A')
    const t = await ticket(a)
    const thief = await onMedia({ ...t, feed: 31337 }, 'thief')
    expect(thief.joined).toMatchObject({ id: 31337 })
    await eventually(async () => !(await feedsOn(t.room)).includes(31337), 'the stranger kicked')
    // A seat's feed joining under another session's name is a stranger too.
    const b = await visitor('B')
    const tb = await ticket(b)
    await onMedia(tb, a.room.sessionId)
    await eventually(async () => !(await feedsOn(tb.room)).includes(tb.feed), 'the impostor kicked')
  })

  it('kicks the feed when the seat leaves voice or the room', async () => {
    const a = await visitor('A')
    const b = await visitor('B')
    const ta = await ticket(a)
    const tb = await ticket(b)
    await onMedia(ta, a.room.sessionId)
    await onMedia(tb, b.room.sessionId)
    expect((await feedsOn(ta.room)).sort()).toEqual([ta.feed, tb.feed].sort())
    a.room.send('voice.leave', {})
    await eventually(
      async () => !(await feedsOn(ta.room)).includes(ta.feed),
      'A off the media server',
    )
    await until(() => !b.room.state.voice.has(a.room.sessionId), 'A out of the voice state')
    await b.room.leave()
    await eventually(
      async () => !(await feedsOn(tb.room)).includes(tb.feed),
      'B off the media server',
    )
  })

  it('shows a self mute, and refuses bad payloads, messages out of voice and floods', async () => {
    const a = await visitor('A')
    const other = await visitor('O')
    a.room.send('voice.mute', { muted: true })
    await until(() => a.inbox.error.find((e) => e.code === 'voice_refused'), 'not in voice')
    const t = await ticket(a)
    a.room.send('voice.mute', { muted: true })
    await until(() => other.room.state.voice.get(a.room.sessionId)?.muted, 'the muted mark')
    expect(other.room.state.voice.get(a.room.sessionId)?.feed).toBe(t.feed)
    for (const [type, payload] of [
      ['voice.mute', { muted: 'yes' }],
      ['voice.join', { room: 1 }],
      ['voice.renew', []],
      ['voice.leave', { x: 'y'.repeat(2000) }],
    ] as const) {
      a.room.send(type, payload)
    }
    await until(
      () => a.inbox.error.filter((e) => /bad_shape|too_large/.test(e.code)).length >= 4,
      'refusals',
    )
    // A flood of joins: the rate refuses the excess; the room serves everyone throughout.
    for (let i = 0; i < 10; i++) a.room.send('voice.join', {})
    await until(
      () => a.inbox.error.some((e) => e.code === 'rate_limited' && e.type === 'voice.join'),
      'rate',
    )
    await served(other)
    await served(a)
    expect(a.room.connection.isOpen).toBe(true)
  })
})

describe('voice in an event', () => {
  it('mutes an attendee on the media server, across a voice rejoin; a kick ends the feed', async () => {
    const hostToken = await signIn(server.url, 0)
    const event = await createEvent(server.url, hostToken)
    const host = await attend(server.url, event.id, 'Host', hostToken)
    const guest = await attend(server.url, event.id, 'Guest')
    const gi = listen(guest.room)
    const first = await ticket({ room: guest.room, inbox: gi })
    const p1 = await onMedia(first, guest.room.sessionId, true)
    const mute = { action: 'mute', session: guest.room.sessionId, minutes: 5 }
    expect(await host.act('event.moderate', mute)).toBe(null)
    const mutedOn = (p: Publisher, feed: number) =>
      p.events.find((e) => e.data?.moderation === 'muted' && e.data.id === feed)
    await until(() => mutedOn(p1, first.feed), 'the mute on the media server')
    await until(() => gi['voice.muted'][0], 'voice.muted')
    await until(() => host.room.state.voice.get(guest.room.sessionId)?.muted, 'the muted mark')
    // Unmuting oneself does not lift a moderator's mute.
    guest.room.send('voice.mute', { muted: false })
    await until(() => gi['voice.muted'][1], 'voice.muted again')
    expect(host.room.state.voice.get(guest.room.sessionId)?.muted).toBe(true)
    // Leave voice and come back: the new feed is muted as soon as it publishes.
    guest.room.send('voice.leave', {})
    const second = await ticket({ room: guest.room, inbox: gi })
    expect(second.feed).not.toBe(first.feed)
    const p2 = await onMedia(second, guest.room.sessionId, true)
    await until(() => mutedOn(p2, second.feed), 'the mute re-applied')
    expect(await feedsOn(second.room)).not.toContain(first.feed)
    // A kick ends the feed.
    expect(
      await host.act('event.moderate', { action: 'kick', session: guest.room.sessionId }),
    ).toBe(null)
    await guest.closed
    await eventually(
      async () => !(await feedsOn(second.room)).includes(second.feed),
      'the feed kicked',
    )
  })
})

describe('a server without Janus', () => {
  let bare: RunningServer
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-novoice-'))
    bare = await startServer(
      loadConfig({
        PORT: '0',
        CLIENT: 'none',
        CHAIN: 'off',
        DATA_DIR: dir,
        SCENES_DIR: path.join(tmp, 'scenes'),
        JANUS_BIN: path.join(dir, 'no-janus'),
      }),
    )
    await bare.voice.firstStart
  })
  afterAll(async () => {
    await bare?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers voice.join with voice_off and the reason, and says so at /api/voice/status', async () => {
    const res = await fetch(new URL('/api/voice/status', bare.url))
    const status = (await res.json()) as { available: boolean; reason: string }
    expect(status.available).toBe(false)
    expect(status.reason).toContain(NO_JANUS_REASON)
    const a = await visitor('A', bare.url)
    a.room.send('voice.join', {})
    const err = await until(() => a.inbox.error.find((e) => e.type === 'voice.join'), 'refusal')
    expect(err.code).toBe('voice_off')
    expect(err.message).toContain(NO_JANUS_REASON)
    await served(a)
  })
})
