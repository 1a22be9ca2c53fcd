// Builders editing one builder world together (bench/sections/builder.ts): colyseus.js bots in
// this thread, each in the world's room and signed in as its owner or an invited builder, sending
// `build.edit` at a human pace (single blocks placed or taken away, small boxes) in a patch of
// the world of its own, at random but seeded; and an observer, a visitor who keeps the grid as
// every page does (`build.sync`, then each `build.applied` in order) and counts the changes.
//
// Latency: nothing rides in the edit. A bot notes when it sent (its session, ref); every other
// builder takes arrival − sent for the `build.applied` naming that (by, ref). One thread, so one
// clock; the bots are light (a few sends a second each), the server is another process.
import { inflateRawSync } from 'node:zlib'
import { Client, type Room } from 'colyseus.js'
import type { VoxelEdit } from '../../src/protocol/builder'
import type { ServerMessages } from '../../src/protocol/messages'
import type { VoxelWorld } from '../../src/protocol/scene'
import { hashSeed, mulberry32 } from '../../src/world/hd/noise'
import { decodeGrid } from '../../src/world/voxel/codec'
import { checkEdit } from '../../src/world/voxel/edits'
import { KIND_SOLID, materialTable, VoxelGrid } from '../../src/world/voxel/grid'
import { applyBoxPatch, applyEditAsPatch, checkPatch } from '../../src/world/voxel/patch'
import { until } from '../../server/events/testKit'
import {
  BotSwarm,
  botColor,
  clock,
  listen,
  withTimeout,
  wsOf,
  type JoinTally,
  type Refusals,
  type SwarmBot,
} from '../lib/swarm'

type Applied = ServerMessages['build.applied']

/** A visitor that keeps the room's grid as a page does, and counts the changes it applied. */
export class Observer {
  grid: VoxelGrid | null = null
  seq = -1
  /** Arrival times of changes (edits and patches) applied to the grid. */
  readonly arrivals: number[] = []
  /** Changes whose seq was not the next one, and changes the grid refused: both should stay 0. */
  gaps = 0
  refused = 0
  /** `build.sync` messages after the first (a restore or another instance's save). */
  resyncs = 0
  /** Called for every change from a builder, as it arrives. */
  onChange: ((m: Applied, at: number) => void) | null = null

  private constructor(readonly room: Room) {}

  static async join(url: string, world: string, voxel: VoxelWorld): Promise<Observer> {
    const room = await withTimeout(
      new Client(url).joinOrCreate('world', { world, name: 'observer' }),
      30_000,
      'observer join',
    )
    const o = new Observer(room)
    const table = materialTable(voxel.palette)
    room.onMessage('build.sync', (m: ServerMessages['build.sync']) => {
      if (o.grid) o.resyncs++
      const d = decodeGrid(inflateRawSync(m.grid), voxel.palette.length + 1)
      o.grid = new VoxelGrid(d.dims, table, d.data)
      o.seq = m.seq
    })
    room.onMessage('build.applied', (m: Applied) => {
      if (!m.edit && !m.patch) return // a no-op, told to its sender only
      const at = clock()
      if (m.seq !== o.seq + 1) o.gaps++
      o.seq = m.seq
      const grid = o.grid!
      if (m.edit) {
        if (checkEdit(grid, m.edit)) o.refused++
        else applyEditAsPatch(grid, m.edit)
      } else if (m.patch) {
        if (checkPatch(grid, m.patch)) o.refused++
        else applyBoxPatch(grid, m.patch)
      }
      o.arrivals.push(at)
      o.onChange?.(m, at)
    })
    room.onMessage('*', () => {})
    await until(() => o.grid, 'the observer’s build.sync', 30_000)
    return o
  }

  async leave() {
    await withTimeout(this.room.leave(true), 10_000, 'observer leave').catch(() =>
      this.room.connection.close(),
    )
  }
}

/** Who a bot is: its index, the wallet it signs in with and that wallet's token. */
export interface BuilderSeat {
  index: number
  wallet: number
  token: string
}

export interface BuilderSwarmOptions {
  url: string
  world: string
  /** Sizes and materials of the world (the scene's voxel part). */
  voxel: VoxelWorld
  /** The current top solid block of a column (the observer's grid), or -1. */
  surface: (x: number, z: number) => number
  /** Bots in the whole run (their squares are laid out for this many). */
  total: number
  seed: number
  /** Edits per second per bot: each gap is drawn between 1/max and 1/min seconds. */
  rate: [number, number]
  /** Share of edits that take a block away, and of those that fill a small box (the rest put
   * one block on top of a column). */
  removeShare: number
  boxShare: number
  /** Largest box side (cells) of a box edit. */
  boxMax: number
  /** Side of each bot's own square (cells). */
  areaSide: number
}

interface Area {
  x0: number
  z0: number
}

/** Bot `index`'s square: one of `total` on a grid over the world, 8 cells from its edges. */
export function areaOf(
  index: number,
  total: number,
  [sx, , sz]: readonly number[],
  side: number,
): Area {
  const cols = Math.max(1, Math.ceil(Math.sqrt(total)))
  const rows = Math.max(1, Math.ceil(total / cols))
  const cx = index % cols
  const cz = Math.floor(index / cols) % rows
  const margin = 8
  const at = (c: number, n: number, s: number) =>
    Math.max(0, Math.round(margin + (n > 1 ? (c * (s - 2 * margin - side)) / (n - 1) : 0)))
  return { x0: at(cx, cols, sx!), z0: at(cz, rows, sz!) }
}

interface Bot extends SwarmBot {
  seat: BuilderSeat
  session: string
  area: Area
  rng: () => number
  nextAt: number
  ref: number
  authed: boolean
  bytesAtStart: number
}

export interface BuilderSwarmReport {
  /** Bots in the room, signed in, when the window opened. */
  builders: number
  /** Edits sent in the window, those answered to their sender (a change, or a no-op), no-ops. */
  sent: number
  answered: number
  noops: number
  /** Sends due later than one gap (a busy thread), skipped ahead. */
  lateSends: number
  /** Send → `build.applied` at each other builder, ms, for edits sent in the window. */
  othersMs: number[]
  /** Send → its own `build.applied` back at the sender, ms. */
  ackMs: number[]
  /** Changes sent in the window, as the observer saw them applied. */
  changed: number
  /** (changed edit, other builder) pairs that never arrived. */
  othersMissing: number
  /** Bytes the bots' sockets read in the window. */
  bytes: number
  serverErrors: Record<string, number>
  dropped: Record<string, number>
  loopDelayMsP99: number
  loopDelayMsMax: number
}

const TICK_MS = 5

export class BuilderSwarm extends BotSwarm<Bot> {
  /** `${session}|${ref}` → when it was sent (machine clock, ms). */
  private readonly sentAt = new Map<string, number>()
  private readonly othersMs: number[] = []
  private readonly ackMs: number[] = []
  private readonly refusals: Refusals = { errors: {}, corrections: 0 }
  private readonly dropped: Record<string, number> = {}
  private readonly solid: number[] = []
  private sent = 0
  private answered = 0
  private noops = 0
  private lateSends = 0
  private changed = 0
  private expectedOthers = 0
  private builders = 0
  private bytes = 0
  /** No edits are sent from this time on (the window's end). */
  private sendUntil = Infinity

  constructor(
    private readonly opts: BuilderSwarmOptions,
    observer: Observer,
  ) {
    super(TICK_MS)
    const table = materialTable(opts.voxel.palette)
    for (let id = 1; id < table.kind.length; id++)
      if (table.kind[id] === KIND_SOLID) this.solid.push(id)
    observer.onChange = (m, at) => {
      if (m.ref === undefined || !m.edit) return
      const sent = this.sentAt.get(`${m.by}|${m.ref}`)
      if (sent === undefined || !this.inWindow(sent) || at < sent) return
      this.changed++
      this.expectedOthers += this.bots.filter((b) => b.live && b.session !== m.by).length
    }
  }

  /** Joins and signs in these seats, `concurrency` at a time; each edits once it is signed in. */
  join(seats: BuilderSeat[], concurrency: number): Promise<JoinTally> {
    const byIndex = new Map(seats.map((s) => [s.index, s]))
    return this.joinEach([...byIndex.keys()], concurrency, (i) => this.joinOne(byIndex.get(i)!))
  }

  /** No more edits from `t` on (the edits already sent are still answered). */
  stopSendingAt(t: number) {
    this.sendUntil = t
  }

  /** Waits (bounded) until every edit sent so far has come back to its sender. */
  async drain(ms: number) {
    await until(() => this.answered >= this.sent, 'the last edits’ answers', ms).catch(() => {})
  }

  private async joinOne(seat: BuilderSeat): Promise<void> {
    const { index } = seat
    const room = await withTimeout(
      new Client(this.opts.url).joinOrCreate('world', {
        world: this.opts.world,
        name: `builder-${index}`,
        color: botColor(index),
      }),
      30_000,
      `builder ${index} join`,
    )
    const bot: Bot = {
      seat,
      room,
      live: true,
      session: room.sessionId,
      area: areaOf(index, this.opts.total, this.opts.voxel.size, this.opts.areaSide),
      rng: mulberry32(hashSeed(this.opts.seed, index + 1)),
      nextAt: Infinity,
      ref: 0,
      authed: false,
      bytesAtStart: 0,
    }
    listen(room, { x: 0, z: 0 }, this.refusals, {
      authed: () => {
        bot.authed = true
        bot.nextAt = clock() + this.gap(bot)
      },
      'build.applied': (m: Applied) => this.applied(bot, m),
    })
    room.onMessage('*', () => {})
    room.onLeave((code) => {
      bot.live = false
      if (!this.stopping) this.dropped[code] = (this.dropped[code] ?? 0) + 1
    })
    room.onError((code) => {
      if (!this.stopping) this.dropped[`error ${code}`] = (this.dropped[`error ${code}`] ?? 0) + 1
    })
    this.bots.push(bot)
    room.send('auth', { token: seat.token })
    await until(() => bot.authed || !bot.live, `builder ${index} authed`, 15_000)
    if (!bot.authed) throw new Error(`builder ${index} left before it was signed in`)
  }

  private applied(bot: Bot, m: Applied) {
    if (m.ref === undefined) return // an undo or redo: the bots send none
    const now = clock()
    const sent = this.sentAt.get(`${m.by}|${m.ref}`)
    if (sent === undefined || !this.inWindow(sent)) return
    if (m.by === bot.session) {
      this.answered++
      if (!m.edit) this.noops++
      this.ackMs.push(now - sent)
    } else if (m.edit) {
      this.othersMs.push(now - sent)
    }
  }

  /** Milliseconds to a bot's next edit. */
  private gap(bot: Bot) {
    const [min, max] = this.opts.rate
    return 1000 / (max - (max - min) * bot.rng())
  }

  /** A bot's next edit: a block on top of a column, a top block taken away, or a small box. */
  private nextEdit(bot: Bot): VoxelEdit {
    const r = bot.rng
    const [sx, sy, sz] = this.opts.voxel.size
    const side = this.opts.areaSide
    const x = Math.min(sx - 1, bot.area.x0 + Math.floor(r() * side))
    const z = Math.min(sz - 1, bot.area.z0 + Math.floor(r() * side))
    const top = this.opts.surface(x, z)
    const kind = r()
    if (kind < this.opts.removeShare && top > 0)
      return { from: [x, top, z], to: [x, top, z], material: 0 }
    const y = Math.min(sy - 1, top + 1)
    const material = this.solid[Math.floor(r() * this.solid.length)]!
    if (kind < this.opts.removeShare + this.opts.boxShare) {
      const n = () => Math.floor(r() * this.opts.boxMax)
      const to: [number, number, number] = [
        Math.min(sx - 1, x + n()),
        Math.min(sy - 1, y + n()),
        Math.min(sz - 1, z + n()),
      ]
      return { from: [x, y, z], to, material }
    }
    return { from: [x, y, z], to: [x, y, z], material }
  }

  protected tick() {
    const now = clock()
    if (now >= this.sendUntil) return
    for (const bot of this.bots) {
      if (!bot.live || !bot.authed || now < bot.nextAt) continue
      bot.nextAt += this.gap(bot)
      if (bot.nextAt < now) {
        // More than a gap late (a busy thread): go on from now instead of sending a burst.
        bot.nextAt = now + this.gap(bot)
        if (this.inWindow(now)) this.lateSends++
      }
      const ref = ++bot.ref
      const edit = this.nextEdit(bot)
      this.sentAt.set(`${bot.session}|${ref}`, now)
      try {
        bot.room.send('build.edit', { ref, edit })
      } catch {
        continue // the socket closed under us; onLeave counts it
      }
      if (this.inWindow(now)) this.sent++
    }
  }

  protected windowOpened() {
    for (const bot of this.bots) {
      if (!bot.live || !bot.authed) continue
      this.builders++
      bot.bytesAtStart = wsOf(bot.room)._socket?.bytesRead ?? 0
    }
  }

  protected windowClosed() {
    for (const bot of this.bots) {
      const read = wsOf(bot.room)._socket?.bytesRead
      if (read !== undefined) this.bytes += Math.max(0, read - bot.bytesAtStart)
    }
  }

  /** Every bot leaves (consented); returns what the swarm measured. */
  async stop(): Promise<BuilderSwarmReport> {
    await this.leaveAll()
    return {
      builders: this.builders,
      sent: this.sent,
      answered: this.answered,
      noops: this.noops,
      lateSends: this.lateSends,
      othersMs: this.othersMs,
      ackMs: this.ackMs,
      changed: this.changed,
      othersMissing: Math.max(0, this.expectedOthers - this.othersMs.length),
      bytes: this.bytes,
      serverErrors: this.refusals.errors,
      dropped: this.dropped,
      ...this.loopDelay(),
    }
  }
}
