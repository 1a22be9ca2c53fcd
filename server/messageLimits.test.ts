// Every client message type's rate limit, as docs/protocol.md states it, one table over the
// registry (src/protocol/messages.ts): a type whose rate the docs do not state, or that has no
// row here, fails. Each row sends a burst past the limit from a fresh seat over a real
// WebSocket; the excess is refused with `rate_limited` and dropped (only the accepted messages
// take effect), while the sender and another visitor keep being served. Also the limit across
// all types. World types run in a world room, event types in an event room (as the host).
import { defaultLook } from '../src/protocol/avatar'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REACTIONS } from '../src/protocol/events'
import {
  ClientMessages,
  type ClientMessageType,
  type ServerMessages,
} from '../src/protocol/messages'
import { type RunningServer } from './app'
import { attend, createEvent, leaveAll, signIn, until, wallet } from './events/testKit'
import { startEventsServer, stopEventsServer } from './events/testServer'
import { protocolDoc, stated, withClockHeld } from './testLimits'
import { TEST_WORLD } from './events/testScenes'
import { worldRules } from './worlds'
import type { WorldState } from './rooms/WorldState'

/** Messages past the burst in each row. */
const EXCESS = 4

/** Waits on state with a ceiling on performance.now() (Date.now() may be held). */
async function waitFor(ok: () => unknown, what: string, ms = 10_000) {
  const end = performance.now() + ms
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

let tmp: string
let server: RunningServer
let spawn: { x: number; y: number; z: number }
let hostToken: string
let eventId: string
const rooms: Room[] = []

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('msglimits'))
  spawn = (await worldRules(path.join(tmp, 'scenes'), TEST_WORLD)).spawn
  hostToken = await signIn(server.url, 0)
  eventId = (await createEvent(server.url, hostToken)).id
}, 60_000)

afterEach(() => leaveAll(rooms))

afterAll(() => stopEventsServer(server, tmp))

// ---- what the docs state ------------------------------------------------------------------

/** The rate docs/protocol.md states for `type`: its row in the client → server table, or
 * "`type` n, m" in the event actions' rate list. */
function documentedRate(type: string): { perSecond: number; burst: number } | null {
  const quoted = type.replace(/[.*]/g, '\\$&')
  const row = new RegExp(
    `^\\| \`${quoted}\` +\\|(?:\\\\\\||[^|])*\\| *([\\d.]+), (\\d+)`,
    'm',
  ).exec(protocolDoc)
  const listed = new RegExp(`\`${quoted}\` ([\\d.]+), (\\d+)`).exec(protocolDoc)
  const m = row ?? listed
  return m ? { perSecond: Number(m[1]), burst: Number(m[2]) } : null
}

// ---- the table --------------------------------------------------------------------------

type Inbox = { [T in keyof ServerMessages]?: ServerMessages[T][] }
interface Sender {
  room: Room
  inbox: Inbox
  client?: Client
}

interface Row {
  /** A payload the server takes (it may still refuse it for a reason other than the rate). */
  payload: () => object
  /** World types in a world room; event types in the event room, sent by its host. */
  room: 'world' | 'event'
  /** How many of the sent messages took effect, as far as the sender can see (null: unseen). */
  seen: ((inbox: Inbox, type: ClientMessageType) => number) | null
}

const errorsOf = (inbox: Inbox, type: string, limited: boolean) =>
  (inbox.error ?? []).filter((e) => e.type === type && (e.code === 'rate_limited') === limited)
    .length
/** Accepted messages answered with an error of their own (not signed in, not allowed, …). */
const answeredWithError = (inbox: Inbox, type: ClientMessageType) => errorsOf(inbox, type, false)
/** Accepted event actions: `event.ok`, or an error other than the rate. */
const eventAnswers = (inbox: Inbox, type: ClientMessageType) =>
  (inbox['event.ok'] ?? []).filter((m) => m.op === type.slice(6)).length +
  answeredWithError(inbox, type)

const space = { space: 'no-such-space' }
const ADDRESS = wallet(3).address

// Record over every registry type: a new message type does not compile without a row.
const ROWS: Record<ClientMessageType, Row> = {
  pose: { payload: () => ({ ...spawn, h: 0, a: 'idle' }), room: 'world', seen: null },
  chat: {
    payload: () => ({ text: 'hello' }),
    room: 'world',
    seen: (inbox) => inbox.chat?.length ?? 0,
  },
  emote: {
    payload: () => ({ emote: 'wave' }),
    room: 'world',
    seen: (inbox) => inbox.emote?.length ?? 0,
  },
  ping: { payload: () => ({ t: 1 }), room: 'world', seen: (inbox) => inbox.pong?.length ?? 0 },
  auth: { payload: () => ({ token: 'not-a-session' }), room: 'world', seen: answeredWithError },
  // A ticket, or voice_off (no Janus) / voice_refused (already joining): each is an answer.
  'voice.join': {
    payload: () => ({}),
    room: 'world',
    seen: (inbox, type) => (inbox['voice.ticket']?.length ?? 0) + answeredWithError(inbox, type),
  },
  // Not in voice: each is answered with voice_refused, after the rate check.
  'voice.leave': { payload: () => ({}), room: 'world', seen: answeredWithError },
  'voice.mute': { payload: () => ({ muted: true }), room: 'world', seen: answeredWithError },
  'voice.renew': { payload: () => ({}), room: 'world', seen: answeredWithError },
  // The live stage (docs/stage.md), sent by the event's host: a ticket or an error each.
  'stage.golive': {
    payload: () => ({ audio: true, video: 'none' }),
    room: 'event',
    seen: (inbox, type) => (inbox['stage.publish']?.length ?? 0) + answeredWithError(inbox, type),
  },
  'stage.stop': { payload: () => ({}), room: 'event', seen: eventAnswers },
  'stage.source': { payload: () => ({ source: 'file' }), room: 'event', seen: eventAnswers },
  'stage.level': { payload: () => ({ db: 6 }), room: 'event', seen: eventAnswers },
  'stage.watch': {
    payload: () => ({}),
    room: 'event',
    seen: (inbox, type) => (inbox['stage.watch']?.length ?? 0) + answeredWithError(inbox, type),
  },
  'stage.renew': { payload: () => ({}), room: 'event', seen: answeredWithError },
  'space.claim': { payload: () => space, room: 'world', seen: answeredWithError },
  'space.release': { payload: () => space, room: 'world', seen: answeredWithError },
  'space.place': {
    payload: () => ({
      ...space,
      base: 0,
      token: { chainId: 31337, contract: ADDRESS, tokenId: '1' },
      placement: { kind: 'slot', slot: 'a' },
    }),
    room: 'world',
    seen: answeredWithError,
  },
  'space.move': {
    payload: () => ({ ...space, base: 0, id: 'x', placement: { kind: 'slot', slot: 'a' } }),
    room: 'world',
    seen: answeredWithError,
  },
  'space.remove': {
    payload: () => ({ ...space, base: 0, id: 'x' }),
    room: 'world',
    seen: answeredWithError,
  },
  'space.restore': {
    payload: () => ({ ...space, version: 1 }),
    room: 'world',
    seen: answeredWithError,
  },
  'space.history': { payload: () => space, room: 'world', seen: answeredWithError },
  'space.collaborator': {
    payload: () => ({ ...space, address: ADDRESS, add: true }),
    room: 'world',
    seen: answeredWithError,
  },
  'space.mode': {
    payload: () => ({ ...space, mode: 'immersive' }),
    room: 'world',
    seen: answeredWithError,
  },
  // The test world is not a builder world: each is answered with not_builder_world.
  'build.edit': {
    payload: () => ({ ref: 1, edit: { from: [0, 0, 0], to: [0, 0, 0], material: 1 } }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.prefab': {
    payload: () => ({ ref: 1, prefab: 'house', at: [0, 0, 0], rotate: 0 }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.terrain': {
    payload: () => ({ ref: 1, op: 'raise', at: [1, 1, 1], radius: 1, material: 1 }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.paste': {
    payload: () => ({
      ref: 1,
      from: [0, 0, 0],
      to: [1, 1, 1],
      at: [4, 4, 4],
      turn: 0,
      mirror: false,
    }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.poi': {
    payload: () => ({
      action: 'set',
      kind: 'landmark',
      title: { 'zh-CN': '桥', en: 'Bridge' },
      body: { 'zh-CN': '石桥', en: 'A stone bridge' },
      position: [1, 1, 1],
    }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.portal': {
    payload: () => ({ action: 'remove', id: 'p' }),
    room: 'world',
    seen: answeredWithError,
  },
  'tour.arrive': {
    payload: () => ({ tour: 'no-such-tour', stop: 'a' }),
    room: 'world',
    seen: answeredWithError,
  },
  'tour.lead': {
    payload: () => ({ tour: 'no-such-tour', stop: 0 }),
    room: 'world',
    seen: answeredWithError,
  },
  // Not signed in: each offer is answered "refused" (no wallet to give from).
  'gift.offer': {
    payload: () => ({ to: 'nobody', chainId: 31337, contract: ADDRESS, tokenId: '1' }),
    room: 'world',
    seen: (inbox) => (inbox['gift.update'] ?? []).length,
  },
  // An answer to an offer that does not exist changes nothing anyone sees.
  'gift.answer': {
    payload: () => ({ id: 'g0123456789ab', accept: true }),
    room: 'world',
    seen: null,
  },
  // Nor do these, for an offer that does not exist.
  'gift.cancel': {
    payload: () => ({ id: 'g0123456789ab' }),
    room: 'world',
    seen: null,
  },
  'gift.prepare': {
    payload: () => ({ id: 'g0123456789ab' }),
    room: 'world',
    seen: null,
  },
  'gift.send': {
    payload: () => ({ id: 'g0123456789ab', raw: '0x02' }),
    room: 'world',
    seen: null,
  },
  // Seen by everyone through the room's state, not in a message.
  'avatar.look': { payload: () => ({ look: defaultLook('#aa3322') }), room: 'world', seen: null },
  'build.plot': {
    payload: () => ({ action: 'remove', id: 'p' }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.stage': {
    payload: () => ({ action: 'remove', id: 's' }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.line': {
    payload: () => ({ ref: 1, from: [1, 1, 1], to: [2, 2, 2], size: 1, material: 1 }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.colour': {
    payload: () => ({ colour: '#12ab34' }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.spawn': {
    payload: () => ({ position: [1, 1, 1], heading: 0 }),
    room: 'world',
    seen: answeredWithError,
  },
  'build.undo': { payload: () => ({}), room: 'world', seen: answeredWithError },
  'build.redo': { payload: () => ({}), room: 'world', seen: answeredWithError },
  'build.save': { payload: () => ({ note: 'x' }), room: 'world', seen: answeredWithError },
  'build.restore': { payload: () => ({ version: 1 }), room: 'world', seen: answeredWithError },
  'event.screen': {
    payload: () => ({ action: 'load', media: { kind: 'slides', urls: ['/assets/a.png'] } }),
    room: 'event',
    seen: eventAnswers,
  },
  'event.live': { payload: () => ({ live: true }), room: 'event', seen: eventAnswers },
  'event.announce': { payload: () => ({ text: 'hello' }), room: 'event', seen: eventAnswers },
  'event.react': {
    payload: () => ({ reaction: REACTIONS[0] }),
    room: 'event',
    // Counted per 250 ms window and sent to everyone as sums.
    seen: (inbox) =>
      (inbox['event.reactions'] ?? []).reduce((n, r) => n + (r[REACTIONS[0]] ?? 0), 0),
  },
  'event.hand': { payload: () => ({ up: true }), room: 'event', seen: eventAnswers },
  // Nobody's hand is raised: answered with `unknown_target`, after the rate check.
  'event.call': { payload: () => ({ session: 'nobody' }), room: 'event', seen: eventAnswers },
  'event.moderate': {
    payload: () => ({ action: 'unban', address: ADDRESS }),
    room: 'event',
    seen: eventAnswers,
  },
  'event.role': {
    payload: () => ({ address: ADDRESS, role: 'performer' }),
    room: 'event',
    seen: eventAnswers,
  },
}

const SERVER_TYPES = [
  'welcome',
  'error',
  'chat',
  'emote',
  'pong',
  'event.ok',
  'event.reactions',
  'voice.ticket',
  'gift.update',
  'gift.transaction',
] as const

async function worldSeat(name: string): Promise<Sender> {
  const client = new Client(server.url.replace(/^http/, 'ws'))
  const room = await client.joinOrCreate<WorldState>('world', { world: TEST_WORLD, name })
  rooms.push(room)
  const inbox: Inbox = {}
  for (const t of SERVER_TYPES) {
    inbox[t] = []
    room.onMessage(t, (m) => (inbox[t] as unknown[]).push(m))
  }
  room.onMessage('*', () => {})
  await until(() => inbox.welcome!.length > 0, `${name}'s welcome`)
  return { room, inbox, client }
}

async function eventSeat(name: string, token?: string): Promise<Sender> {
  const a = await attend(server.url, eventId, name, token)
  const inbox = a.inbox as Inbox
  inbox.emote = []
  inbox.pong = []
  a.room.onMessage('emote', (m) => inbox.emote!.push(m))
  a.room.onMessage('pong', (m) => inbox.pong!.push(m))
  return { room: a.room, inbox }
}

/** Sends a ping (an emote when pings are under test) and waits for its answer: everything the
 * server did synchronously with the earlier messages has reached this client by then. */
async function served(s: Sender, type?: ClientMessageType) {
  if (type === 'ping') {
    const n = s.inbox.emote!.length
    s.room.send('emote', { emote: 'clap' })
    await waitFor(() => s.inbox.emote!.length > n, 'the emote back')
  } else {
    const n = s.inbox.pong!.length
    s.room.send('ping', { t: 2 })
    await waitFor(() => s.inbox.pong!.length > n, 'the pong')
  }
}

describe('every client message type', () => {
  it('has a rate in the registry, stated in docs/protocol.md, and a row here', () => {
    const types = Object.keys(ClientMessages) as ClientMessageType[]
    expect(Object.keys(ROWS).sort()).toEqual([...types].sort())
    for (const type of types) {
      const rate = ClientMessages[type].rate as { perSecond: number; burst: number } | undefined
      expect(rate, `${type} has no rate`).toBeDefined()
      expect(rate!.perSecond, type).toBeGreaterThan(0)
      expect(Number.isFinite(rate!.perSecond), type).toBe(true)
      expect(rate!.burst, type).toBeGreaterThanOrEqual(1)
      expect(documentedRate(type), `docs/protocol.md states the rate of ${type}`).toEqual(rate)
    }
  })

  it.each(Object.keys(ROWS) as ClientMessageType[])(
    '%s: a burst past the limit is refused and dropped; everyone is still served',
    async (type) => {
      const row = ROWS[type]
      const { perSecond, burst } = ClientMessages[type].rate
      const sender = row.room === 'world' ? await worldSeat('S') : await eventSeat('S', hostToken)
      const other = row.room === 'world' ? await worldSeat('O') : await eventSeat('O')
      const sent = burst + EXCESS
      const refused = await withClockHeld(async () => {
        for (let i = 0; i < sent; i++) sender.room.send(type, row.payload())
        await served(sender, type)
        return errorsOf(sender.inbox, type, true)
      })
      expect(refused, 'exactly the excess is refused').toBe(EXCESS)
      const said = sender.inbox.error!.find((e) => e.code === 'rate_limited')!
      expect(said.message).toContain(`"${type}" is limited to ${perSecond} per second`)
      if (row.seen) {
        // The refused ones were dropped: exactly the others took effect.
        const seen = row.seen
        await until(() => seen(sender.inbox, type) >= burst, `${type} answers`)
        await served(sender, type)
        expect(seen(sender.inbox, type)).toBe(burst)
      }
      if (type === 'chat') {
        await until(() => other.inbox.chat!.length >= burst, 'the chat lines')
        await served(other)
        expect(other.inbox.chat!.length).toBe(burst)
      }
      // Nobody was disconnected, and the other visitor is served throughout.
      await served(other)
      expect(sender.room.connection.isOpen && other.room.connection.isOpen).toBe(true)
      expect(sender.inbox.error!.some((e) => e.code === 'flood')).toBe(false)
    },
    60_000,
  )

  it('is limited across all types too (docs: "at most N messages a second (burst M)")', async () => {
    const [, overall] = stated(
      protocolDoc,
      /a client may send at most (\d+) messages a second \(burst (\d+)\)/,
    ) as [number, number]
    const sender = await worldSeat('S')
    const other = await worldSeat('O')
    // Within every type's own burst, the overall burst and EXCESS more.
    const mix: ClientMessageType[] = []
    for (const type of Object.keys(ROWS) as ClientMessageType[]) {
      if (ROWS[type].room !== 'world' || type === 'ping') continue
      for (let i = 0; i < ClientMessages[type].rate.burst; i++) mix.push(type)
    }
    expect(mix.length).toBeGreaterThanOrEqual(overall + EXCESS)
    const burst = mix.slice(0, overall + EXCESS)
    // The tail is space edits: each is answered, refused by the rate or by the room.
    const edits = burst.filter((t) => t.startsWith('space.')).length
    expect(burst.slice(-EXCESS).every((t) => t.startsWith('space.'))).toBe(true)
    const refused = await withClockHeld(async () => {
      for (const type of burst) sender.room.send(type, ROWS[type].payload())
      await waitFor(
        () => sender.inbox.error!.filter((e) => e.type?.startsWith('space.')).length === edits,
        'an answer to every space edit',
      )
      return sender.inbox.error!.filter((e) => e.message === 'too many messages')
    })
    expect(refused.map((e) => e.type)).toEqual(burst.slice(-EXCESS))
    expect(sender.inbox.error!.some((e) => e.code === 'flood')).toBe(false)
    await served(other)
    // The overall bucket refills at its rate: the sender's pings go through again.
    for (let i = 0; sender.inbox.pong!.length === 0; i++) {
      expect(i, 'a pong within 50 tries').toBeLessThan(50)
      sender.room.send('ping', { t: i })
      await until(() => sender.inbox.pong!.length > 0, 'a pong', 200).catch(() => {})
    }
  }, 60_000)
  it('answers refusals at most at the stated reply rate, and ends the patience where stated', async () => {
    const replies = /Error replies are themselves limited to (\d+) a second \(burst (\d+)\)/.exec(
      protocolDoc,
    )
    const patience = /refusals keep coming \(patience: (\d+), \+(\d+)\/s\)/.exec(protocolDoc)
    expect(replies && patience, 'docs/protocol.md states both').toBeTruthy()
    const [replyBurst, patienceBurst] = [Number(replies![2]), Number(patience![1])]
    const flooder = await worldSeat('F')
    const other = await worldSeat('O')
    const closed = new Promise<number>((resolve) => flooder.room.onLeave(resolve))
    const token = flooder.room.reconnectionToken
    await withClockHeld(async () => {
      // As many refusals as the patience holds: answered up to the reply burst, still served.
      for (let i = 0; i < patienceBurst; i++) flooder.room.send('no-such-type', {})
      await served(flooder)
      expect(flooder.inbox.error!.length).toBe(replyBurst)
      expect(flooder.inbox.error!.every((e) => e.code === 'unknown_type')).toBe(true)
      // One more: `flood`, and the connection closes with 4290 (a ping after it goes unanswered).
      const pongs = flooder.inbox.pong!.length
      flooder.room.send('no-such-type', {})
      flooder.room.send('ping', { t: 3 })
      const answered = waitFor(() => flooder.inbox.pong!.length > pongs, 'a pong').then(() => 0)
      expect(await Promise.race([closed, answered])).toBe(4290)
    })
    expect(flooder.inbox.error!.at(-1)?.code).toBe('flood')
    // No reconnection is offered to a flooder; the others are served.
    await expect(flooder.client!.reconnect(token)).rejects.toMatchObject({
      message: expect.stringMatching(/reconnection token invalid or expired/),
    })
    await until(() => !other.room.state.players.has(flooder.room.sessionId), 'the flooder gone')
    await served(other)
  }, 60_000)
})
