// The browser's room session (src/net/session.ts), run in Node against a real server over
// WebSocket: joining, poses both ways, chat and emotes, refusals reaching the UI state, switching
// worlds, leaving, and getting back in after a dropped connection, within the seat's window and
// after it (the server keeps a seat 8 s here, RECONNECT_SECONDS, instead of the default 20: the
// session learns it from the welcome, and two tests wait it out). The session reaches the server through a loopback proxy that the tests cut the way
// a network does; the other visitors are plain colyseus.js clients connected directly.
import net from 'node:net'
import { matchMaker } from '@colyseus/core'
import { Client, getStateCallbacks, type Room } from 'colyseus.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WorldSession } from '../src/app/session'
import { remotes } from '../src/net/remotes'
import { POS_SCALE, animIndex, type ServerMessages } from '../src/protocol/messages'
import { POSE_FRAME, PoseBook } from '../src/protocol/poseFrame'
import { localMotion } from '../src/state/player'
import { useNet } from '../src/state/net'
import { useWallet } from '../src/wallet/store'
import { resetMotion } from '../src/avatar/controller'
import { startServer, type RunningServer } from '../server/app'
import { testConfig } from '../server/testConfig'
import { until as waitUntil } from '../server/events/testKit'
import { worldRules } from '../server/worlds'
import type { WorldState } from '../server/rooms/WorldState'

const WORLD = 'block-park-village'
const OTHER_WORLD = 'block-park-cloud-ridge'
/** How long the server keeps a dropped seat (RECONNECT_SECONDS): a reconnection's tries at 0,
 * 0.5, 1.5 and 3.5 s fall inside it. */
const WINDOW_S = 8
/** The seat is kept WINDOW_S after a drop, plus a busy machine's delays. */
const SEAT_EXPIRY_WAIT_MS = 90_000

let server: RunningServer
let proxy: Proxy
type Spawn = { x: number; y: number; z: number }
const spawns = new Map<string, Spawn>()
let sessions: WorldSession[] = []
let visitors: Visitor[] = []

beforeAll(async () => {
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off', RECONNECT_SECONDS: String(WINDOW_S) }),
  )
  proxy = await startProxy(server.port)
  for (const w of [WORLD, OTHER_WORLD]) spawns.set(w, (await worldRules('scenes', w)).spawn)
})
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.leave()))
  await Promise.all(visitors.map((v) => v.room.connection.isOpen && v.room.leave().catch(() => {})))
  sessions = []
  visitors = []
  proxy.release()
  proxy.up()
  useWallet.setState({ session: null })
})
afterAll(async () => {
  await proxy.close()
  await server.stop(0)
})

/** testKit's wait, named first here, with a ceiling for a busy machine. */
const until = <T>(what: string, read: () => T, ms = 60_000) => waitUntil(read, what, ms)

/** A session as the app opens one: the avatar at the world's spawn, joined through the proxy. */
async function open(world = WORLD, name = 'Ana') {
  const at = spawns.get(world)!
  resetMotion(localMotion, at.x, at.y, at.z, 0)
  const session = new WorldSession(world, { name, color: '#aa3322' }, { endpoint: proxy.url })
  sessions.push(session)
  await session.start()
  await until('the session online', () => useNet.getState().status === 'online')
  await until('the welcome', () => useNet.getState().instance > 0)
  return session
}

interface Visitor {
  room: Room<WorldState>
  inbox: { chat: ServerMessages['chat'][]; emote: ServerMessages['emote'][] }
  book: PoseBook
  /** Session ids in this visitor's people list (its room state). */
  people(): string[]
}

/** Another visitor: a plain colyseus.js client straight to the server, recording what it gets. */
async function visitor(name: string, world = WORLD): Promise<Visitor> {
  const client = new Client(server.url.replace(/^http/, 'ws'))
  const room = await client.joinOrCreate<WorldState>('world', { world, name, color: '#2255cc' })
  const inbox: Visitor['inbox'] = { chat: [], emote: [] }
  room.onMessage('chat', (m) => inbox.chat.push(m))
  room.onMessage('emote', (m) => inbox.emote.push(m))
  room.onMessage('*', () => {})
  const book = new PoseBook(room.sessionId)
  const $ = getStateCallbacks(room)
  $(room.state).players.onAdd((p, id) => book.addPlayer(id, p.n))
  $(room.state).players.onRemove((p, id) => book.removePlayer(id, p.n))
  room.onMessage(POSE_FRAME, (bytes: Uint8Array) => book.apply(bytes))
  const v: Visitor = { room, inbox, book, people: () => [...(room.state.players?.keys() ?? [])] }
  visitors.push(v)
  await until(`${name} seated`, () => room.state.players?.has(room.sessionId))
  return v
}

const me = () => useNet.getState().sessionId!
const q = (metres: number) => Math.round(metres * POS_SCALE)

describe('world session', { timeout: 120_000 }, () => {
  it('joins the world: online, its instance, itself first in the people list', async () => {
    const bo = await visitor('Bo')
    await open(WORLD, 'Ana')
    const net = useNet.getState()
    expect(net).toMatchObject({ problem: null, instance: 1, capacity: 100, reconnects: 0 })
    await until('both in the people list', () => useNet.getState().people.length === 2)
    expect(useNet.getState().people).toEqual([
      { id: me(), name: 'Ana', color: '#aa3322', look: null },
      { id: bo.room.sessionId, name: 'Bo', color: '#2255cc', look: null },
    ])
    // The other visitor sees the session's seat with its profile.
    await until('Ana at Bo', () => bo.room.state.players.get(me()))
    expect(bo.room.state.players.get(me())).toMatchObject({ name: 'Ana', color: 0xaa3322 })
  })

  it('sends the local pose at its fixed rate and feeds received poses to remote avatars', async () => {
    const bo = await visitor('Bo')
    await open()
    const at = spawns.get(WORLD)!
    // Out: the avatar walks half a metre; the server relays it to Bo.
    localMotion.x = at.x + 0.5
    localMotion.anim = 'walk'
    await until('Ana walking at Bo', () => bo.book.poses.get(me())?.a === animIndex('walk'))
    expect(bo.book.poses.get(me())!.x).toBe(q(at.x + 0.5))
    // In: Bo runs; the session holds Bo as a remote avatar, visible, at Bo's position.
    bo.room.send('pose', { x: at.x, y: at.y, z: at.z - 0.5, h: 0, a: 'run' })
    const remote = await until('Bo running', () => {
      const r = remotes.get(bo.room.sessionId)
      // As the frame loop does: the newest buffered pose, well after its arrival.
      r?.sample(performance.now() + 10_000)
      return r?.motion.anim === 'run' ? r : null
    })
    expect(remote.motion.z).toBeCloseTo(at.z - 0.5, 1)
    expect(useNet.getState().visible).toEqual([bo.room.sessionId])
  })

  it('chats and emotes both ways, and holds a visitor typing too fast', async () => {
    const bo = await visitor('Bo')
    const session = await open()
    expect(session.sendChat('   ')).toBe('empty')
    expect(session.sendChat('  你好  ')).toBe('sent')
    await until('the line at Bo', () => bo.inbox.chat.length === 1)
    expect(bo.inbox.chat[0]).toMatchObject({ from: me(), name: 'Ana', text: '你好' })
    // The client keeps to the server's chat rate (burst 3) instead of drawing refusals.
    const burst = ['2', '3', '4', '5'].map((t) => session.sendChat(t))
    expect(burst[0]).toBe('sent')
    expect(burst[3]).toBe('slow')
    bo.room.send('chat', { text: 'hi Ana' })
    await until('Bo in the log', () => useNet.getState().chat.some((l) => l.text === 'hi Ana'))
    expect(useNet.getState().bubbles[bo.room.sessionId]?.text).toBe('hi Ana')

    // An emote goes to those who receive the avatar: wait until Bo does.
    await until('Ana in view at Bo', () => bo.book.poses.has(me()))
    expect(session.sendEmote('wave')).toBe(true)
    expect(localMotion.emote).toBe('wave')
    await until('the wave at Bo', () => bo.inbox.emote.some((e) => e.from === me()))
    // Bo's emote plays on Bo's avatar here, once that avatar is in view.
    bo.room.send('pose', { ...spawns.get(WORLD)!, h: 0, a: 'idle' })
    await until('Bo in view', () => remotes.get(bo.room.sessionId))
    bo.room.send('emote', { emote: 'dance' })
    await until('Bo dancing', () => remotes.get(bo.room.sessionId)?.motion.emote === 'dance')
    expect(useNet.getState().problem).toBe(null)
  })

  it('shows what the server refused, and moves the avatar back where the server says', async () => {
    const session = await open()
    const at = spawns.get(WORLD)!
    localMotion.x = at.x + 10_000
    await until('the refusal shown', () => useNet.getState().problem)
    expect(useNet.getState().problem).toBe('pose is outside the world')
    await until('the avatar back', () => localMotion.x === at.x)
    // A signed-in wallet whose session the server does not know: said so, seat stays online.
    useNet.getState().showProblem(null)
    useWallet.setState({ session: { token: 'no-such', address: '0x1', expiresAt: '' } })
    // (Refusals of poses sent before the correction arrived may still come first.)
    await until('the sign-in refusal', () =>
      /not a live sign-in session/.test(useNet.getState().problem ?? ''),
    )
    // A space edit gets its refusal's code (this server runs without spaces).
    expect(await session.editSpace('space.claim', { space: 'plaza' })).toMatchObject({
      ok: false,
      code: 'storage_unavailable',
    })
    expect(useNet.getState().status).toBe('online')
  })

  it('says why a join was refused after its tries', async () => {
    const session = new WorldSession(
      'no-such-world',
      { name: 'Ana', color: '#aa3322' },
      {
        endpoint: proxy.url,
      },
    )
    sessions.push(session)
    await session.start()
    expect(useNet.getState()).toMatchObject({ status: 'failed', sessionId: null })
    expect(useNet.getState().problem).toMatch(/unknown world "no-such-world"/)
  })

  it('switches worlds: leaves the first room and shows only the second', async () => {
    const bo = await visitor('Bo', WORLD)
    const cy = await visitor('Cy', OTHER_WORLD)
    const first = await open(WORLD)
    const firstId = me()
    bo.room.send('chat', { text: 'in the village' })
    await until('the village line', () => useNet.getState().chat.length === 1)
    await first.leave()
    const second = await open(OTHER_WORLD)
    expect(second.world).toBe(OTHER_WORLD)
    await until('Cy in the people list', () => useNet.getState().people.length === 2)
    expect(useNet.getState().people.map((p) => p.id)).toEqual([me(), cy.room.sessionId])
    expect(useNet.getState().chat).toEqual([])
    expect(remotes.has(bo.room.sessionId)).toBe(false)
    await until('Ana gone from the village', () => !bo.people().includes(firstId))
    await until('Ana at Cy', () => cy.people().includes(me()))
  })

  it('leaves at once: the seat is freed (not kept for a reconnection) and the state cleared', async () => {
    const bo = await visitor('Bo')
    const cy = await visitor('Cy')
    const session = await open()
    const id = me()
    await until('all in the people list', () => useNet.getState().people.length === 3)
    await until('Ana at Cy', () => cy.people().includes(id))
    // Bo's departure is on its way to the session while it leaves: it must not refill the list.
    proxy.hold()
    await bo.room.leave()
    await until('the patch of Bo leaving on its way', () => proxy.held > 0)
    // So is a chat line: the server sent it to the session before Cy had its own copy.
    cy.room.send('chat', { text: 'bye' })
    await until('the line at Cy', () => cy.inbox.chat.length === 1)
    const leaving = session.leave()
    proxy.release()
    await leaving
    expect(useNet.getState()).toMatchObject({
      status: 'offline',
      sessionId: null,
      people: [],
      chat: [],
    })
    expect(remotes.size).toBe(0)
    expect(session.sendChat('still here?')).toBe('offline')
    // A seat that dropped without a leave is kept WINDOW_S; a leave frees it with the next patch,
    // well before that.
    await until('Ana gone at Cy', () => !cy.people().includes(id), (WINDOW_S - 2) * 1000)
  })

  it('takes the same seat back after a dropped connection, without a duplicate avatar', async () => {
    const bo = await visitor('Bo')
    const session = await open()
    const id = me()
    await until('Ana at Bo', () => bo.people().includes(id))
    bo.room.send('pose', { ...spawns.get(WORLD)!, h: 0, a: 'idle' })
    await until('Bo in view', () => remotes.get(bo.room.sessionId))
    const seen: string[] = []
    const unsubscribe = useNet.subscribe((s) => seen.push(s.status))
    const mark = proxy.requests.length
    proxy.drop()
    await until('back online', () => useNet.getState().reconnects === 1)
    unsubscribe()
    expect(useNet.getState()).toMatchObject({ status: 'online', sessionId: id, problem: null })
    expect(seen).toContain('reconnecting')
    // Only reconnections (the first may come before the server saw the drop), no fresh join.
    expect(new Set(proxy.requests.slice(mark))).toEqual(new Set(['reconnect']))
    // Bo, who has not moved, comes again in full; the seat is live: a new pose reaches Bo.
    await until('Bo in view again', () => remotes.get(bo.room.sessionId))
    localMotion.z += 0.5
    const z = q(localMotion.z)
    await until('the new pose at Bo', () => bo.book.poses.get(id)?.z === z)
    expect(bo.people().sort()).toEqual([bo.room.sessionId, id].sort())
    expect(session.sendChat('back')).toBe('sent')
  })

  it(
    'joins afresh once the network is back after the seat was given up, however long it took',
    async () => {
      const bo = await visitor('Bo')
      await open()
      const old = me()
      await until('Ana at Bo', () => bo.people().includes(old))
      proxy.down()
      await until('the seat given up', () => !bo.people().includes(old), SEAT_EXPIRY_WAIT_MS)
      // The network stays down for several more tries: the session must keep at it.
      const tries = proxy.refused
      await until('four more tries', () => proxy.refused >= tries + 4, SEAT_EXPIRY_WAIT_MS)
      expect(useNet.getState().status).not.toBe('failed')
      const mark = proxy.requests.length
      proxy.up()
      await until('a new seat', () => useNet.getState().status === 'online', SEAT_EXPIRY_WAIT_MS)
      expect(me()).not.toBe(old)
      expect(proxy.requests.slice(mark)).toContain('joinOrCreate')
      await until('the new seat at Bo', () => bo.people().includes(me()))
      expect(bo.people()).toHaveLength(2)
      await until('Bo in the people list', () => useNet.getState().people.length === 2)
    },
    3 * SEAT_EXPIRY_WAIT_MS,
  )

  it(
    'joins afresh at once when it learns of the drop after its room closed',
    async () => {
      await open()
      const old = me()
      // The server loses the connection; the page does not notice yet (a sleeping laptop).
      proxy.silence()
      // The seat expires after WINDOW_S and the room, with nobody left, closes.
      const end = Date.now() + SEAT_EXPIRY_WAIT_MS
      while ((await matchMaker.query({ name: 'world' })).length > 0) {
        if (Date.now() > end) throw new Error('timed out waiting for the room to close')
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(useNet.getState()).toMatchObject({ status: 'online', sessionId: old })
      const mark = proxy.requests.length
      proxy.drop()
      await until('a new seat', () => useNet.getState().status === 'online' && me() !== old)
      // One refused try with the closed room's token, then straight to a fresh join.
      expect(proxy.requests.slice(mark)).toEqual(['reconnect', 'joinOrCreate'])
    },
    3 * SEAT_EXPIRY_WAIT_MS,
  )
})

interface Proxy {
  url: string
  /** Matchmaking calls that went through, in order (`joinOrCreate`, `reconnect`…). */
  requests: string[]
  /** Both ends of every connection close at once, without a close frame. */
  drop(): void
  /** Data frames (not pings) from the server held back since `hold()`. */
  held: number
  /** Holds back what the server sends until `release()` (a slow link). */
  hold(): void
  release(): void
  /** The server's end closes; the client's stays open and hears nothing more. */
  silence(): void
  /** Connections so far that found the network down. */
  refused: number
  /** The network goes down: open connections drop and new ones close at once. */
  down(): void
  up(): void
  close(): Promise<void>
}

/** A TCP proxy on loopback to `port`, which a test cuts the way a network fails. */
async function startProxy(port: number): Promise<Proxy> {
  const pairs = new Set<{ near: net.Socket; far: net.Socket; silent: boolean }>()
  let held: { near: net.Socket; data: Buffer }[] | null = null
  const requests: string[] = []
  let down = false
  const server = net.createServer((near) => {
    if (down) {
      self.refused++
      near.destroy()
      return
    }
    const far = net.connect(port, '127.0.0.1')
    const pair = { near, far, silent: false }
    pairs.add(pair)
    let tail = ''
    near.on('data', (d: Buffer) => {
      // Request lines may straddle chunks: keep a little of the last one.
      const text = tail + d.toString('latin1')
      for (const m of text.matchAll(/POST \/matchmake\/(\w+)\//g)) requests.push(m[1]!)
      tail = text.slice(-40)
      if (!pair.silent) far.write(d)
    })
    far.on('data', (d: Buffer) => {
      if (!held) return near.write(d)
      held.push({ near, data: d })
      // 0x89: a WebSocket ping, which the server sends every few seconds anyway.
      if (d[0] !== 0x89) self.held++
    })
    near.on('close', () => {
      far.destroy()
      pairs.delete(pair)
    })
    far.on('close', () => pair.silent || near.destroy())
    near.on('error', () => {})
    far.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: own } = server.address() as net.AddressInfo
  const self: Proxy = {
    url: `ws://127.0.0.1:${own}`,
    requests,
    refused: 0,
    held: 0,
    hold() {
      held = []
      self.held = 0
    },
    release() {
      for (const h of held ?? []) if (!h.near.destroyed) h.near.write(h.data)
      held = null
    },
    drop() {
      for (const p of pairs) {
        p.near.destroy()
        p.far.destroy()
      }
    },
    silence() {
      for (const p of pairs) {
        p.silent = true
        p.far.destroy()
      }
    },
    down() {
      down = true
      self.drop()
    },
    up() {
      down = false
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return self
}
