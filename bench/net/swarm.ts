// A swarm of colyseus.js bots in one thread: they join the world room, walk at 10 Hz, and report
// what they received. Runs in the bench process or in a worker thread (bench/net/worker.ts).
//
// Latency: the heading byte is the marker. On every send a bot sets its heading to the next
// value of its own counter, so the server passes a known byte on in its pose frames, and records
// when it sent that byte in `sentAt` (shared by every thread: ms on the machine clock). Every bot
// decodes its pose frames; those that sample latency take now - sentAt[sender][byte] for each
// pose of an avatar already in view (the first pose of an avatar entering view is old news).
//
// Bytes: what each bot's socket reads (WebSocket frames with their headers), from the net.Socket
// under the `ws` WebSocket that colyseus.js uses in Node (Node 20 has no global WebSocket).
import type { Socket } from 'node:net'
import { Client, getStateCallbacks, type Room } from 'colyseus.js'
import type { ServerMessages } from '../../src/protocol/messages'
import { POSE_FRAME, PoseBook } from '../../src/protocol/poseFrame'
import type { WorldState } from '../../server/rooms/WorldState'
import {
  BotSwarm,
  botColor,
  clock,
  listen,
  withTimeout,
  wsOf,
  type JoinTally,
  type Refusals,
} from '../lib/swarm'

export { clock }

export interface SwarmOptions {
  url: string
  world: string
  /** Bots in the whole run (size of the sentAt table). */
  total: number
  spawn: { x: number; y: number; z: number }
  /** Square the bots walk in: [minX, minZ, maxX, maxZ], metres. */
  area: [number, number, number, number]
  /** Bots whose index is a multiple of this record latency (every bot decodes its state). */
  sampleEvery: number
  /** Shared Float64Array(total × 256): when bot i last sent heading byte q (machine clock, ms). */
  sentAt: SharedArrayBuffer
}

export interface JoinResult extends JoinTally {
  roomIds: string[]
}

export interface SwarmReport {
  /** Bots connected when the window opened. */
  clients: number
  /** Lines the schema decoder logged (unknown refs, mismatches, bad strings), exceptions, and
   * pose frames that did not decode or named an avatar the state did not hold. */
  decodeErrors: number
  /** Bots whose state hit at least one decode error (their view of the room is wrong). */
  botsWithDecodeErrors: number
  /** Bots that left during the run without being asked to (close code → count). */
  dropped: Record<string, number>
  /** Bytes read from the bots' sockets during the window. */
  bytes: number
  /** Poses sent during the window. */
  sends: number
  /** Sends due later than one period (skipped to keep 10 Hz without bursts). */
  lateSends: number
  /** Latency histogram in HIST_STEP_MS buckets up to HIST_MAX_MS. */
  hist: Uint32Array
  /** Samples later than HIST_MAX_MS. */
  overflow: number
  /** Server `error` replies by code, and pose corrections. */
  serverErrors: Record<string, number>
  corrections: number
  loopDelayMsP99: number
  loopDelayMsMax: number
}

export const HIST_STEP_MS = 0.1
export const HIST_MAX_MS = 10_000
export const HIST_BUCKETS = HIST_MAX_MS / HIST_STEP_MS

const SEND_PERIOD_MS = 100 // 10 Hz
const TICK_MS = 5
const WALK_SPEED = 4 // m/s: walking, far inside the server's speed allowance
/** Heading wander per step, radians (a persistent random walk: bots drift, not jitter). */
const TURN = 0.35
/** Heading bytes step by 7 per send (coprime with 256: all 256 values before a repeat, 25.6 s). */
const HEADING_STEP = 7

/** Radians that quantizeHeading maps back to exactly q. */
export const headingOf = (q: number) => (q / 256) * Math.PI * 2

interface Bot {
  index: number
  room: Room<WorldState>
  socket: Socket | null
  x: number
  z: number
  dir: number
  movedAt: number
  nextSendAt: number
  counter: number
  bytesAtStart: number
  live: boolean
  decodeErrors: number
}

// The schema decoder rarely throws on a patch it cannot apply: it logs to the console and skips
// (unknown refIds, definition mismatches, invalid strings). Everything it logs while a bot's
// patch is being decoded counts as a decode error of that bot instead of being printed; so do
// exceptions, which colyseus.js would otherwise let escape from the socket's message handler.
/** What a world room (not an event room) sends. */
type Inbox = {
  [T in Exclude<keyof ServerMessages, `event.${string}` | 'error' | 'correction'>]: (
    m: ServerMessages[T],
  ) => void
}

let decoding: Bot | null = null
let hooks = 0
const original = { error: console.error, warn: console.warn }

function hookConsole() {
  if (hooks++ > 0) return
  const filter =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (decoding) decoding.decodeErrors++
      else write(...args)
    }
  console.error = filter(original.error)
  console.warn = filter(original.warn)
}

function unhookConsole() {
  if (--hooks > 0) return
  console.error = original.error
  console.warn = original.warn
}

/** Marks the bot whose state is being decoded, for the console hook, and contains failures. */
function attributeDecoding(bot: Bot) {
  const serializer = bot.room.serializer as unknown as Record<
    'setState' | 'patch',
    (...args: unknown[]) => unknown
  >
  for (const name of ['setState', 'patch'] as const) {
    const decode = serializer[name].bind(serializer)
    serializer[name] = (...args: unknown[]) => {
      decoding = bot
      try {
        return decode(...args)
      } catch {
        bot.decodeErrors++
        return undefined
      } finally {
        decoding = null
      }
    }
  }
}

export class Swarm extends BotSwarm<Bot> {
  private readonly sentAt: Float64Array
  private readonly hist = new Uint32Array(HIST_BUCKETS)
  private overflow = 0
  private clients = 0
  private sends = 0
  private lateSends = 0
  private bytes = 0
  private readonly dropped: Record<string, number> = {}
  private readonly refusals: Refusals = { errors: {}, corrections: 0 }

  constructor(private readonly opts: SwarmOptions) {
    super(TICK_MS)
    hookConsole()
    this.sentAt = new Float64Array(opts.sentAt)
  }

  /** Joins these bots, `concurrency` at a time; each starts walking as soon as it is in. */
  async join(indices: number[], concurrency: number): Promise<JoinResult> {
    const rooms = new Set<string>()
    const tally = await this.joinEach(indices, concurrency, async (index) => {
      const bot = await this.joinOne(index)
      rooms.add(bot.room.roomId)
    })
    return { ...tally, roomIds: [...rooms] }
  }

  private async joinOne(index: number): Promise<Bot> {
    const client = new Client(this.opts.url)
    const color = botColor(index)
    const room = await withTimeout(
      client.joinOrCreate<WorldState>('world', {
        world: this.opts.world,
        name: `bot-${index}`,
        color,
      }),
      30_000,
      `bot ${index} join`,
    )
    const now = clock()
    const bot: Bot = {
      index,
      room,
      socket: wsOf(room)._socket ?? null,
      x: this.opts.spawn.x,
      z: this.opts.spawn.z,
      dir: Math.random() * Math.PI * 2,
      movedAt: now,
      nextSendAt: now + Math.random() * SEND_PERIOD_MS,
      counter: Math.floor(Math.random() * 256),
      bytesAtStart: 0,
      live: true,
      decodeErrors: 0,
    }
    attributeDecoding(bot)
    const inbox: Inbox = {
      welcome: () => {},
      chat: () => {},
      emote: () => {},
      pong: () => {},
      authed: () => {},
      'gift.offered': () => {},
      'gift.update': () => {},
      'gift.transaction': () => {},
      'avatar.saved': () => {},
      'space.ok': () => {},
      'space.hidden': () => {},
      'server.shutdown': () => {},
      'voice.ticket': () => {},
      'voice.token': () => {},
      'voice.muted': () => {},
      'voice.ended': () => {},
      'stage.publish': () => {},
      'stage.watch': () => {},
      'stage.token': () => {},
      'stage.ended': () => {},
      'build.sync': () => {},
      'build.applied': () => {},
      'build.saved': () => {},
      'build.scene': () => {},
      'build.closed': () => {},
      'tour.scene': () => {},
      'tour.group': () => {},
    }
    listen(room, bot, this.refusals, inbox)
    room.onLeave((code) => {
      bot.live = false
      if (!this.stopping) this.dropped[code] = (this.dropped[code] ?? 0) + 1
    })
    room.onError((code) => {
      if (!this.stopping) this.dropped[`error ${code}`] = (this.dropped[`error ${code}`] ?? 0) + 1
    })
    this.listen(bot, index % this.opts.sampleEvery === 0)
    this.bots.push(bot)
    return bot
  }

  /** Decodes the bot's pose frames, and if it samples, records the latency of each pose. */
  private listen(bot: Bot, sample: boolean) {
    const room = bot.room
    /** Session id → bot index of the sender (-1: not a bot of this run). */
    const sender = new Map<string, number>()
    const book = new PoseBook(room.sessionId, {
      move: (id, pose) => {
        if (!sample) return
        const now = clock()
        if (!this.inWindow(now)) return
        const from = sender.get(id) ?? -1
        if (from < 0) return
        const sent = this.sentAt[from * 256 + pose.h]!
        if (sent === 0 || sent > now) return
        const ms = now - sent
        if (ms >= HIST_MAX_MS) this.overflow++
        else this.hist[Math.floor(ms / HIST_STEP_MS)]!++
      },
    })
    const $ = getStateCallbacks(room)
    $(room.state).players.onAdd((player, id) => {
      const i = player.name.startsWith('bot-') ? Number(player.name.slice(4)) : -1
      sender.set(id, i >= 0 && i < this.opts.total ? i : -1)
      book.addPlayer(id, player.n)
    })
    $(room.state).players.onRemove((player, id) => {
      sender.delete(id)
      book.removePlayer(id, player.n)
    })
    room.onMessage(POSE_FRAME, (bytes: Uint8Array) => {
      const unknown = book.unknown
      try {
        book.apply(bytes)
      } catch {
        bot.decodeErrors++
      }
      bot.decodeErrors += book.unknown - unknown
    })
  }

  /** Sends a pose for every bot that is due (10 Hz each, phases spread at random). */
  protected tick() {
    const now = clock()
    const [minX, minZ, maxX, maxZ] = this.opts.area
    for (const bot of this.bots) {
      if (!bot.live || now < bot.nextSendAt) continue
      bot.nextSendAt += SEND_PERIOD_MS
      if (bot.nextSendAt < now) {
        // More than a period late (a busy thread): skip ahead instead of sending a burst.
        bot.nextSendAt = now + SEND_PERIOD_MS
        if (this.inWindow(now)) this.lateSends++
      }
      const dt = Math.min(0.3, (now - bot.movedAt) / 1000)
      bot.movedAt = now
      bot.dir += (Math.random() - 0.5) * TURN
      let x = bot.x + Math.cos(bot.dir) * WALK_SPEED * dt
      let z = bot.z + Math.sin(bot.dir) * WALK_SPEED * dt
      if (x < minX || x > maxX) {
        bot.dir = Math.PI - bot.dir
        x = Math.min(maxX, Math.max(minX, x))
      }
      if (z < minZ || z > maxZ) {
        bot.dir = -bot.dir
        z = Math.min(maxZ, Math.max(minZ, z))
      }
      bot.x = x
      bot.z = z
      bot.counter = (bot.counter + 1) & 255
      const q = (bot.counter * HEADING_STEP) & 255
      this.sentAt[bot.index * 256 + q] = now
      try {
        bot.room.send('pose', { x, y: this.opts.spawn.y, z, h: headingOf(q), a: 'walk' })
      } catch {
        continue // the socket closed under us; onLeave counts it
      }
      if (this.inWindow(now)) this.sends++
    }
  }

  protected windowOpened() {
    for (const bot of this.bots) {
      if (!bot.live) continue
      this.clients++
      bot.bytesAtStart = bot.socket?.bytesRead ?? 0
    }
  }

  protected windowClosed() {
    for (const bot of this.bots) {
      if (bot.socket) this.bytes += Math.max(0, bot.socket.bytesRead - bot.bytesAtStart)
    }
  }

  /** Every bot leaves (consented) and closes; returns what the swarm measured. */
  async stop(): Promise<SwarmReport> {
    await this.leaveAll()
    unhookConsole()
    return {
      clients: this.clients,
      decodeErrors: this.bots.reduce((sum, b) => sum + b.decodeErrors, 0),
      botsWithDecodeErrors: this.bots.filter((b) => b.decodeErrors > 0).length,
      dropped: this.dropped,
      bytes: this.bytes,
      sends: this.sends,
      lateSends: this.lateSends,
      hist: this.hist,
      overflow: this.overflow,
      serverErrors: this.refusals.errors,
      corrections: this.refusals.corrections,
      ...this.loopDelay(),
    }
  }
}
