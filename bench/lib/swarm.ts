// What every bench swarm of colyseus.js bots does alike (bench/net/swarm.ts walks a world,
// bench/events/swarm.ts fills an event): joining bots a few at a time, ticking them, the
// measurement window (socket bytes, event-loop delay) and leaving at the end. The scenario, what
// a bot sends and what it records, stays in each swarm.
import type { Socket } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Room } from 'colyseus.js'
import type { ServerMessages } from '../../src/protocol/messages'

/** The machine clock in ms, the same in every thread (unlike performance.now() alone). */
export const clock = () => performance.timeOrigin + performance.now()

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** A colour of its own per bot index. */
export const botColor = (index: number) =>
  `#${((index * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(-6)}`

/**
 * The `ws` WebSocket under a colyseus.js room in Node (Node 20 has no global WebSocket): its URL,
 * and the net.Socket whose bytesRead is what the bot received, WebSocket framing included.
 */
export function wsOf(room: Room): { url: string; _socket?: Socket } {
  return (room.connection as unknown as { transport: { ws: { url: string; _socket?: Socket } } })
    .transport.ws
}

/** Server `error` replies by code, and pose corrections. */
export interface Refusals {
  errors: Record<string, number>
  corrections: number
}

/**
 * Subscribes a bot's room to `inbox`, and counts `error` replies and pose corrections into
 * `into` (a corrected bot walks on from where the server put it).
 */
export function listen(
  room: Room,
  bot: { x: number; z: number },
  into: Refusals,
  inbox: { readonly [type: string]: ((m: never) => void) | undefined },
) {
  const all = {
    ...inbox,
    error: (m: ServerMessages['error']) => (into.errors[m.code] = (into.errors[m.code] ?? 0) + 1),
    correction: (m: ServerMessages['correction']) => {
      into.corrections++
      bot.x = m.x
      bot.z = m.z
    },
  }
  for (const [type, handler] of Object.entries(all)) {
    if (handler) room.onMessage(type, handler as (m: unknown) => void)
  }
}

export interface JoinTally {
  joined: number
  failed: number
  /** The first five failures. */
  errors: string[]
}

export interface SwarmBot {
  room: Room
  live: boolean
}

export abstract class BotSwarm<B extends SwarmBot> {
  protected readonly bots: B[] = []
  protected stopping = false
  protected windowStart = Infinity
  protected windowEnd = Infinity
  protected readonly loop = monitorEventLoopDelay({ resolution: 10 })
  private readonly ticker: ReturnType<typeof setInterval>
  private readonly timers: ReturnType<typeof setTimeout>[] = []

  constructor(tickMs: number) {
    this.ticker = setInterval(() => this.tick(), tickMs)
  }

  /** Moves and sends for every bot that is due; called every tickMs. */
  protected abstract tick(): void
  /** At the window's start and end (byte counters; the loop monitor is handled here). */
  protected abstract windowOpened(): void
  protected abstract windowClosed(): void

  /**
   * Runs `joinOne` over `indices`, `concurrency` at a time (until done, or stopping when
   * `untilStopped`); a failure is counted and the first five are kept.
   */
  protected async joinEach(
    indices: number[],
    concurrency: number,
    joinOne: (index: number) => Promise<void>,
    untilStopped = false,
  ): Promise<JoinTally> {
    const tally: JoinTally = { joined: 0, failed: 0, errors: [] }
    let next = 0
    const worker = async () => {
      while (next < indices.length && !(untilStopped && this.stopping)) {
        const index = indices[next++]!
        try {
          await joinOne(index)
          tally.joined++
        } catch (err) {
          tally.failed++
          if (tally.errors.length < 5) tally.errors.push(String(err))
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return tally
  }

  protected inWindow(t: number) {
    return t >= this.windowStart && t < this.windowEnd
  }

  /** The measurement window, on the machine clock. */
  setWindow(start: number, end: number) {
    this.windowStart = start
    this.windowEnd = end
    this.timers.push(
      setTimeout(
        () => {
          this.windowOpened()
          this.loop.enable()
        },
        Math.max(0, start - clock()),
      ),
      setTimeout(
        () => {
          this.loop.disable()
          this.windowClosed()
        },
        Math.max(0, end - clock()),
      ),
    )
  }

  /** Stops ticking; every live bot leaves (consented), or is closed after 10 s. */
  protected async leaveAll() {
    this.stopping = true
    clearInterval(this.ticker)
    for (const t of this.timers) clearTimeout(t)
    await Promise.all(
      this.bots.map((bot) =>
        bot.live
          ? withTimeout(bot.room.leave(true), 10_000, 'leave').catch(() => {
              bot.room.connection.close()
            })
          : undefined,
      ),
    )
  }

  /** This thread's event-loop delay inside the window, ms. */
  protected loopDelay() {
    return {
      loopDelayMsP99: this.loop.count ? this.loop.percentile(99) / 1e6 : 0,
      loopDelayMsMax: this.loop.count ? this.loop.max / 1e6 : 0,
    }
  }
}
