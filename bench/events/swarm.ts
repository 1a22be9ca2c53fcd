// Event attendees in one thread: colyseus.js bots that join an event's room (any instance, on
// whichever process the seat reservation names), find a spot in the audience and stand there
// (a few keep walking), clap now and then, and record what the event sends them: every
// `event.announcement` (with its arrival time on the machine clock), every change of the
// screen in the room state, and the `event.reactions` messages. Runs in a worker thread
// (bench/events/worker.ts) or in the bench process.
//
// Announcement latency needs no shared memory: the host writes its send time (machine clock,
// ms) into the text, "bench <k> <sentAt>", and the bot takes arrival - sentAt.
import type { Socket } from 'node:net'
import { PerformanceObserver } from 'node:perf_hooks'
import { Client, type Room } from 'colyseus.js'
import type { Announcement, ReactionCounts } from '../../src/protocol/events'
import { onStage } from '../../src/protocol/events'
import type { ServerMessages } from '../../src/protocol/messages'
import { BotSwarm, botColor, clock, listen, withTimeout, wsOf, type JoinTally } from '../lib/swarm'

export interface EventSwarmOptions {
  /** ws:// URLs of the server processes; bot i matchmakes through urls[i % urls.length]. */
  urls: string[]
  event: string
  /** Where the server puts attendees, and the stage area they must keep off. */
  audience: { x: number; y: number; z: number; heading: number }
  stageArea: [number, number, number, number]
  /** Half the side of the square around the audience position the bots spread over, metres. */
  spread: number
  /** World box (x, z) the bots stay inside. */
  bounds: [number, number, number, number]
  /** Bots whose index is a multiple of this keep walking (0: nobody). */
  walkEvery: number
  /** Bots whose index is a multiple of this clap (0: nobody), at clapHz each. */
  clapEvery: number
  clapHz: number
  /** Pose rate while walking (to a spot, or for good), Hz. */
  walkHz: number
}

export interface JoinResult extends JoinTally {
  /** How long each join took (ms), in join order. */
  joinMs: number[]
}

/** What one bot saw: compact, to cross the thread boundary cheaply. */
export interface BotReport {
  index: number
  /** Index into urls: the process its matchmaking request went to. */
  via: number
  /** host:port its WebSocket went to (the process that holds its instance). */
  host: string
  roomId: string
  instance: number
  joinedAt: number
  /** Machine clock when it left without being asked (0: still there at the end). */
  droppedAt: number
  dropCode: number
  walker: boolean
  clapper: boolean
  /** Per announcement received, flattened: k, seq, latency ms (host send → arrival),
   * server ms (host send → the server's `at`). */
  ann: number[]
  /** Screen states as they changed after joining: JSON, arrival (machine clock). */
  screens: Array<[string, number]>
  /** Inside the window: event.reactions messages, the sum of their counts, reacts sent. */
  reactionMsgs: number
  reactionCountSum: number
  reactsSent: number
  posesSent: number
  corrections: number
  /** Server `error` replies by code. */
  errors: Record<string, number>
  /** Socket bytes read inside the window. */
  bytes: number
}

export interface SwarmReport {
  bots: BotReport[]
  loopDelayMsP99: number
  loopDelayMsMax: number
  /** Garbage collection in this thread inside the window: total and longest pause, ms. */
  gcMs: number
  gcMsMax: number
}

const TICK_MS = 20
const WALK_SPEED = 3 // m/s: a stroll, far inside the server's speed allowance
const TURN = 0.35
const TAU = Math.PI * 2

interface Bot {
  r: BotReport
  room: Room
  socket: Socket | null
  bytesAtStart: number
  live: boolean
  x: number
  z: number
  dir: number
  /** The spot a standing bot walks to first (null once it is there). */
  target: { x: number; z: number } | null
  movedAt: number
  nextPoseAt: number
  nextClapAt: number
}

export class EventSwarm extends BotSwarm<Bot> {
  private gcMs = 0
  private gcMsMax = 0
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!this.inWindow(performance.timeOrigin + e.startTime)) continue
      this.gcMs += e.duration
      this.gcMsMax = Math.max(this.gcMsMax, e.duration)
    }
  })

  constructor(private readonly opts: EventSwarmOptions) {
    super(TICK_MS)
    this.gc.observe({ entryTypes: ['gc'] })
  }

  /** Joins these bots, `concurrency` at a time; each starts moving as soon as it is in. */
  async join(indices: number[], concurrency: number): Promise<JoinResult> {
    const joinMs: number[] = []
    const tally = await this.joinEach(
      indices,
      concurrency,
      async (index) => {
        const t0 = clock()
        await this.joinOne(index)
        joinMs.push(clock() - t0)
      },
      true,
    )
    return { ...tally, joinMs }
  }

  private async joinOne(index: number) {
    const o = this.opts
    const via = index % o.urls.length
    const client = new Client(o.urls[via]!)
    const color = botColor(index)
    const room = await withTimeout(
      client.joinOrCreate('event', { event: o.event, name: `bot-${index}`, color }),
      60_000,
      `bot ${index} join`,
    )
    const now = clock()
    const ws = wsOf(room)
    const walker = o.walkEvery > 0 && index % o.walkEvery === 0
    const clapper = o.clapEvery > 0 && index % o.clapEvery === 0
    const bot: Bot = {
      r: {
        index,
        via,
        host: new URL(ws.url).host,
        roomId: room.roomId,
        instance: 0,
        joinedAt: now,
        droppedAt: 0,
        dropCode: 0,
        walker,
        clapper,
        ann: [],
        screens: [],
        reactionMsgs: 0,
        reactionCountSum: 0,
        reactsSent: 0,
        posesSent: 0,
        corrections: 0,
        errors: {},
        bytes: 0,
      },
      room,
      socket: ws._socket ?? null,
      bytesAtStart: 0,
      live: true,
      x: o.audience.x,
      z: o.audience.z,
      dir: Math.random() * Math.PI * 2,
      target: walker ? null : this.spot(),
      movedAt: now,
      nextPoseAt: now + Math.random() * 1000,
      nextClapAt: now + Math.random() * (1000 / o.clapHz),
    }
    const r = bot.r
    const inbox: Partial<{ [T in keyof ServerMessages]: (m: ServerMessages[T]) => void }> = {
      'event.welcome': (m) => (r.instance = m.instance),
      'event.announcement': (m: Announcement) => {
        const at = clock()
        const [tag, k, sent] = m.text.split(' ')
        if (tag !== 'bench') return
        r.ann.push(Number(k), m.seq, at - Number(sent), m.at - Number(sent))
      },
      'event.reactions': (m: ReactionCounts) => {
        if (!this.inWindow(clock())) return
        r.reactionMsgs++
        r.reactionCountSum += m.applause + m.hearts + m.fireworks
      },
    }
    listen(room, bot, r, inbox)
    // Pose frames and everything else: received (bytes are counted), not decoded.
    room.onMessage('*', () => {})
    let screen: string | null = null
    room.onStateChange((state: { event?: { screen?: string } }) => {
      const s = state.event?.screen
      if (s === undefined || s === screen) return
      if (screen !== null) r.screens.push([s, clock()])
      screen = s
    })
    room.onLeave((code) => {
      bot.live = false
      if (!this.stopping) {
        r.droppedAt = clock()
        r.dropCode = code
      }
    })
    this.bots.push(bot)
  }

  /** A random spot around the audience position, off the stage and inside the world. */
  private spot(): { x: number; z: number } {
    for (;;) {
      const { x, z } = this.opts.audience
      const s = this.opts.spread
      const p = { x: x + (Math.random() * 2 - 1) * s, z: z + (Math.random() * 2 - 1) * s }
      if (this.allowed(p.x, p.z)) return p
    }
  }

  private allowed(x: number, z: number): boolean {
    const [a0, b0, a1, b1] = this.opts.stageArea
    const [minX, minZ, maxX, maxZ] = this.opts.bounds
    const { audience: au, spread } = this.opts
    return (
      !onStage([a0 - 1.5, b0 - 1.5, a1 + 1.5, b1 + 1.5], x, z) &&
      x > minX &&
      x < maxX &&
      z > minZ &&
      z < maxZ &&
      Math.abs(x - au.x) <= spread &&
      Math.abs(z - au.z) <= spread
    )
  }

  protected tick() {
    const now = clock()
    const o = this.opts
    const period = 1000 / o.walkHz
    for (const bot of this.bots) {
      if (!bot.live) continue
      if (bot.r.clapper && now >= bot.nextClapAt) {
        bot.nextClapAt += 1000 / o.clapHz
        if (bot.nextClapAt < now) bot.nextClapAt = now + 1000 / o.clapHz
        if (this.send(bot, 'event.react', { reaction: 'applause' }) && this.inWindow(now)) {
          bot.r.reactsSent++
        }
      }
      if ((!bot.r.walker && !bot.target) || now < bot.nextPoseAt) continue
      bot.nextPoseAt += period
      if (bot.nextPoseAt < now) bot.nextPoseAt = now + period
      const dt = Math.min(0.5, (now - bot.movedAt) / 1000)
      bot.movedAt = now
      let x: number
      let z: number
      let anim = 'walk'
      if (bot.target) {
        // Walk straight to the spot, then stand.
        const dx = bot.target.x - bot.x
        const dz = bot.target.z - bot.z
        const d = Math.hypot(dx, dz)
        const step = WALK_SPEED * dt
        if (d <= step) {
          x = bot.target.x
          z = bot.target.z
          bot.target = null
          anim = 'idle'
        } else {
          x = bot.x + (dx / d) * step
          z = bot.z + (dz / d) * step
        }
        bot.dir = Math.atan2(dz, dx)
      } else {
        bot.dir += (Math.random() - 0.5) * TURN
        x = bot.x + Math.cos(bot.dir) * WALK_SPEED * dt
        z = bot.z + Math.sin(bot.dir) * WALK_SPEED * dt
        if (!this.allowed(x, z)) {
          bot.dir += Math.PI // turn back
          x = bot.x
          z = bot.z
        }
      }
      bot.x = x
      bot.z = z
      const h = ((bot.dir % TAU) + TAU) % TAU
      if (this.send(bot, 'pose', { x, y: o.audience.y, z, h, a: anim })) bot.r.posesSent++
    }
  }

  private send(bot: Bot, type: string, payload: object): boolean {
    try {
      bot.room.send(type, payload)
      return true
    } catch {
      return false // the socket closed under us; onLeave counts it
    }
  }

  // The measurement window covers reactions, bytes and event-loop delay.
  protected windowOpened() {
    for (const bot of this.bots) bot.bytesAtStart = bot.socket?.bytesRead ?? 0
  }

  protected windowClosed() {
    for (const bot of this.bots) {
      if (bot.socket) bot.r.bytes = Math.max(0, bot.socket.bytesRead - bot.bytesAtStart)
    }
  }

  /** Every bot leaves (consented) and closes; returns what each saw. */
  async stop(): Promise<SwarmReport> {
    await this.leaveAll()
    for (const b of this.bots) {
      b.r.instance ||= (b.room.state as { instance?: number } | undefined)?.instance ?? 0
    }
    this.gc.disconnect()
    return {
      gcMs: this.gcMs,
      gcMsMax: this.gcMsMax,
      bots: this.bots.map((b) => b.r),
      ...this.loopDelay(),
    }
  }
}
