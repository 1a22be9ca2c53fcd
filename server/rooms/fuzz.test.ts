// Fuzzes the message layer over real WebSockets: reserved and odd type names, non-string types,
// prototype keys, hostile toString/valueOf, deep nesting, every registered type with wrong
// shapes, raw garbage frames. After every case nothing was thrown in this process (the server
// runs here) and a bystander still receives a mover's poses. Seeded: the same cases every run.
import { Client, getStateCallbacks, type Room } from 'colyseus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClientMessages, POS_SCALE, type ServerMessages } from '../../src/protocol/messages'
import { POSE_FRAME, PoseBook } from '../../src/protocol/poseFrame'
import { startServer, type RunningServer } from '../app'
import { testConfig } from '../testConfig'
import { worldRules } from '../worlds'
import type { WorldState } from './WorldState'

const WORLD = 'block-park-village'
const SEED = 0x5eed2026
/** Colyseus' protocol bytes (first byte of every frame). */
const ROOM_DATA = 13
const ROOM_DATA_BYTES = 17
const JOIN_ROOM = 10
const LEAVE_ROOM = 12
/** Attackers sending cases side by side, each on its own socket. */
const LANES = 4

let server: RunningServer
let spawn: { x: number; y: number; z: number }
const crashes: string[] = []
/** The cases on their way (one per lane): a crash names them all. */
const current = new Set<string>()
const onCrash = (err: unknown) =>
  crashes.push(
    `${[...current].join(' | ')}: ${err instanceof Error ? `${err.name}: ${err.message}` : typeof err}`,
  )

interface Visitor {
  room: Room<WorldState>
  errors: ServerMessages['error'][]
  closed: number | null
}

const visitors: Visitor[] = []

async function join(name: string, options: object = { world: WORLD, name }): Promise<Visitor> {
  const client = new Client(server.url.replace(/^http/, 'ws'))
  const room = await client.joinOrCreate<WorldState>('world', options)
  const v: Visitor = { room, errors: [], closed: null }
  room.onMessage('error', (m: ServerMessages['error']) => v.errors.push(m))
  room.onMessage('*', () => {})
  room.onLeave((code) => (v.closed = code))
  visitors.push(v)
  await until(() => room.state.players?.has(room.sessionId), `${name} seated`)
  return v
}

async function until(ok: () => unknown, what: string, ms = 10_000) {
  const end = Date.now() + ms
  while (!ok()) {
    if (crashes.length > 0) return
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function nested(depth: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v }
  return v
}

/** Payloads no registered message accepts (or that attack the decoder and the validator). */
const hostile = (): [string, unknown][] => [
  ['undefined', undefined],
  ['null', null],
  ['number', -1],
  ['huge number', 1e308],
  ['long string', 'x'.repeat(600)],
  ['array', [1, 'two', { three: 3 }]],
  ['hostile toString', { toString: 'x', valueOf: 'y' }],
  ['object toString', { toString: {}, valueOf: {}, toJSON: 1 }],
  ['__proto__ key', JSON.parse('{"__proto__":{"polluted":1},"x":1}')],
  ['constructor.prototype', { constructor: { prototype: { polluted: 1 } } }],
  ['deep nesting', nested(300)],
  ['date, set, map', { d: new Date(0), s: new Set([1]), m: new Map([[1, 2]]) }],
  ['bytes', new Uint8Array(16)],
]

/** Keys and values from every message's shape, shuffled into wrong shapes. */
const KEYS = [
  ...['x', 'y', 'z', 'h', 'a', 'text', 'emote', 't', 'token', 'space', 'base', 'id'],
  ...['placement', 'version', 'address', 'add', 'action', 'media', 'position', 'slide'],
  ...['live', 'reaction', 'up', 'session', 'minutes', 'role', '__proto__', 'constructor'],
]
const VALUES: unknown[] = [
  ...[0, -0.5, 1e9, 'walk', 'load', 'kick', '', '0x' + 'a'.repeat(40), true, false, null],
  ...[[], {}, { kind: 'slot', slot: 'a' }, { toString: 'x' }, 'ba\u0000d', '🙂'.repeat(30)],
]

function randomObject(next: () => number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  const n = 1 + Math.floor(next() * 5)
  for (let i = 0; i < n; i++) {
    const k = KEYS[Math.floor(next() * KEYS.length)]!
    Object.defineProperty(o, k, {
      value: VALUES[Math.floor(next() * VALUES.length)],
      enumerable: true,
      configurable: true,
      writable: true,
    })
  }
  return o
}

/** A message type in Colyseus' encoding (msgpack str), for raw frames. */
function typeBytes(type: string): number[] {
  const b = [...new TextEncoder().encode(type)]
  return b.length < 32 ? [0xa0 | b.length, ...b] : [0xd9, b.length, ...b]
}

interface Case {
  name: string
  send(room: Room): void
}

function cases(): Case[] {
  const next = rng(SEED)
  const out: Case[] = []
  const msg = (name: string, type: string | number, payload: unknown) =>
    out.push({ name, send: (room) => room.send(type, payload) })
  const raw = (name: string, bytes: number[] | Uint8Array | string) =>
    out.push({
      name,
      // A string goes out as a text frame (the transport hands it to WebSocket.send as it is).
      send: (room) =>
        room.connection.send(typeof bytes === 'string' ? (bytes as never) : new Uint8Array(bytes)),
    })

  // Colyseus' reserved names and names that look up prototype members.
  const odd = ['__no_message_handler', '*', '__proto__', 'constructor', 'toString', 'valueOf']
  odd.push('hasOwnProperty', '', ' pose', 'POSE', 'x'.repeat(300), '\u202e', '🙂'.repeat(40))
  for (const type of odd) {
    for (const [what, payload] of hostile().slice(0, 8))
      msg(`type "${type}" + ${what}`, type, payload)
  }
  // Non-string types (Colyseus decodes them as numbers).
  for (const type of [0, 1, 13, -1, 65535, 2 ** 31, 1.5, -1e300]) msg(`type ${type}`, type, {})
  // Every registered type with every wrong shape, and seeded random objects.
  for (const type of Object.keys(ClientMessages)) {
    for (const [what, payload] of hostile()) msg(`"${type}" + ${what}`, type, payload)
    for (let i = 0; i < 3; i++) {
      const payload = randomObject(next)
      msg(`"${type}" + ${JSON.stringify(Object.keys(payload))}`, type, payload)
    }
  }
  // Bytes messages, for reserved and registered types.
  for (const type of ['__no_message_handler', '*', 'pose', 'chat', 'event.screen']) {
    raw(`bytes "${type}"`, [
      ROOM_DATA_BYTES,
      ...typeBytes(type),
      ...'x'
        .repeat(200)
        .split('')
        .map(() => 120),
    ])
  }
  // Raw frames: hand-made msgpack and garbage.
  const chat = typeBytes('chat')
  raw('deeply nested arrays', [ROOM_DATA, ...chat, ...new Array<number>(3000).fill(0x91), 0xc0])
  raw('deeply nested maps', [
    ROOM_DATA,
    ...chat,
    ...[].concat(...new Array(1500).fill([0x81, 0xa1, 0x76])),
    0xc0,
  ])
  raw('truncated str type', [ROOM_DATA, 0xd9, 200, 0x61])
  raw('truncated payload', [ROOM_DATA, ...chat, 0x82, 0xa4])
  raw('error extension', [ROOM_DATA, ...chat, 0xd4, 0x65, 0x00])
  raw('regexp extension', [ROOM_DATA, ...chat, 0xc7, 0x04, 0x78, 0x92, 0xa1, 0x61, 0xc0])
  raw('reserved ext -1 (date) bad size', [ROOM_DATA, ...chat, 0xc7, 0x03, 0xff, 1, 2, 3])
  raw('type code only', [ROOM_DATA])
  raw('bytes code only', [ROOM_DATA_BYTES])
  raw('join again', [JOIN_ROOM, 1, 2, 3])
  raw('empty frame', [])
  raw('text frame', '{"type":"pose","x":1}')
  for (let i = 0; i < 30; i++) {
    const len = Math.floor(next() * 64)
    const bytes = Array.from({ length: len }, () => Math.floor(next() * 256))
    const first = [ROOM_DATA, ROOM_DATA_BYTES, JOIN_ROOM, 14, 15, 0, 255][Math.floor(next() * 7)]!
    raw(`garbage ${i} (${first}, ${len} bytes)`, [first, ...bytes])
  }
  raw('leave', [LEAVE_ROOM])
  return out
}

beforeAll(async () => {
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off', MAX_CLIENTS: '1000', AOI: 'off' }),
  )
  spawn = (await worldRules('scenes', WORLD)).spawn
})
afterAll(async () => {
  await Promise.all(visitors.map((v) => v.room.connection.isOpen && v.room.leave().catch(() => {})))
  await server.stop()
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
})

describe('message fuzzing', () => {
  it('survives every hostile message while others keep receiving poses', async () => {
    const bystander = await join('bystander')
    const mover = await join('mover')
    const book = new PoseBook(bystander.room.sessionId)
    const $ = getStateCallbacks(bystander.room)
    $(bystander.room.state).players.onAdd((p, id) => book.addPlayer(id, p.n))
    $(bystander.room.state).players.onRemove((p, id) => book.removePlayer(id, p.n))
    let frames = 0
    bystander.room.onMessage(POSE_FRAME, (bytes: Uint8Array) => {
      book.apply(bytes)
      if (book.poses.has(mover.room.sessionId)) frames++
    })
    let step = 0
    const walk = setInterval(() => {
      step++
      mover.room.send('pose', { ...spawn, x: spawn.x + (step % 2) * 0.1, h: 0, a: 'walk' })
    }, 60)
    const protoKeys = Object.getOwnPropertyNames(Object.prototype)
    // Each case waits for a patch (PATCH_MS) to bring its proof: attackers of their own take the
    // cases in turn, side by side, so one patch answers several (one after another, the 976
    // cases took 49 s, nearly all of it waiting for patches).
    const all = cases()
    let count = 0
    const lane = async (n: number) => {
      let attacker = await join(`attacker ${n}`)
      let sent = 0
      for (let i = n; i < all.length; i += LANES) {
        const c = all[i]!
        current.add(c.name)
        if (attacker.closed !== null || !attacker.room.connection.isOpen) {
          attacker = await join(`attacker ${n}`)
        }
        const before = frames
        try {
          c.send(attacker.room)
        } catch {
          // The client library could not encode it: nothing reached the server.
        }
        // The attacker's next pose reaching the bystander proves the case was handled (one
        // socket, in order) and poses still flow; unless the server closed the attacker.
        const x = spawn.x + (sent++ % 2) * 0.1
        attacker.room.send('pose', { ...spawn, x, h: 0, a: 'idle' })
        const id = attacker.room.sessionId
        await until(
          () => book.poses.get(id)?.x === Math.round(x * POS_SCALE) || attacker.closed !== null,
          `the attacker's pose after ${c.name}`,
        )
        await until(() => frames > before, `a pose frame after ${c.name}`)
        expect(crashes).toEqual([])
        expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(protoKeys)
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
        expect(bystander.closed, c.name).toBeNull()
        expect(mover.closed, c.name).toBeNull()
        current.delete(c.name)
        count++
      }
    }
    try {
      await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)))
    } finally {
      clearInterval(walk)
    }
    expect(count).toBe(all.length)
    expect(count).toBeGreaterThan(300)
    expect(mover.errors).toEqual([])
  }, 180_000)
})

describe('join options', () => {
  const matchmake = async (room: string, body: string) => {
    const res = await fetch(new URL(`/matchmake/joinOrCreate/${room}`, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    return (await res.json()) as { code?: number; error?: string; sessionId?: string }
  }

  it('refuses a join that names no world instead of seating it in any world room', async () => {
    await join('resident') // a world room exists: a filter without a world would match it
    const bodies = ['{}', '{"name":"x"}', 'null', '"world"', '[1]', '42', '{"world":5}']
    bodies.push('{"world":""}', '{"world":["a"]}', '{"world":"../etc"}')
    bodies.push(JSON.stringify({ world: 'x'.repeat(2000) })) // under the 4 KB body cap (limits.ts)
    for (const body of bodies) {
      const answer = await matchmake('world', body)
      expect(answer.sessionId, body).toBeUndefined()
      expect(answer.code, body).toBe(4211)
      expect(answer.error, body).toMatch(/^bad_options: /)
      expect(answer.error!.length).toBeLessThan(100)
    }
    const client = new Client(server.url.replace(/^http/, 'ws'))
    await expect(client.joinOrCreate('world', { name: 'no world' })).rejects.toThrow(
      /bad_options: join options must be an object with a "world" id/,
    )
  })

  it('refuses a join by room id that names another world', async () => {
    const resident = await join('resident')
    const client = new Client(server.url.replace(/^http/, 'ws'))
    const other = { world: 'block-park-cloud-ridge', name: 'lost' }
    await expect(client.joinById(resident.room.roomId, other)).rejects.toThrow(
      /bad_options: this room is world "block-park-village"/,
    )
    const room = await client.joinById(resident.room.roomId, { world: WORLD, name: 'found' })
    visitors.push({ room: room as Room<WorldState>, errors: [], closed: null })
    expect(room.roomId).toBe(resident.room.roomId)
  })

  it('refuses an event join whose options are not an object naming an event', async () => {
    for (const body of ['null', '"e"', '[1]', '{}', '{"event":7}']) {
      const answer = await matchmake('event', body)
      expect(answer.code, body).toBe(4211)
      // Not an object: refused by matchmaking itself; an object without an event: by the room.
      expect(answer.error, body).toMatch(
        body.startsWith('{') ? /^bad_options: .*"event"/ : /^bad_options: .*JSON object/,
      )
    }
  })
})
