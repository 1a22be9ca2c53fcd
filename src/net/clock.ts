// The server's clock as seen from this browser: an offset estimated from ping/pong round trips
// (NTP-style), so every attendee turns the screen's server timestamps into the same video
// position. Pure TypeScript, no React; runs in the browser and in tests. Event rooms ping and
// feed it (src/events/binding.ts); immersive halls (src/spaces/immersive) read it too, so in an
// event they keep the server's time and elsewhere the local clock, which suits their slow show.
//
// How the session (src/net/session.ts) must use it:
//   1. On joining a room (world or event), call `clock.reset()` when the server may differ
//      from the previous one (a new connection), then start pinging on `clock.nextPingDelay()`:
//        const tick = () => {
//          room.send('ping', { t: localNow() })
//          timer = setTimeout(tick, clock.nextPingDelay())
//        }
//        tick()
//      (PING_SCHEDULE: a burst of 5 pings 300 ms apart on join, then one every 5 s; this stays
//      inside the server's ping rate limit of 2/s with a burst of 4.) Stop the timer on leave.
//   2. On every pong: `room.onMessage('pong', (m) => clock.observe(m.t, localNow(), m.server))`.
//      `t` is the value the ping carried, echoed by the server; always take local times from
//      `localNow()` (monotonic), never Date.now(), which jumps when the OS sets the time.
//   3. Everyone else reads `serverNow()` (ms since the epoch on the server's clock). Before the
//      first pong it returns the local wall clock; `clock.synced` says when an estimate exists.
//
// The estimate: each pong gives offset = server − (t0 + t1) / 2 and rtt = t1 − t0; its true
// offset lies within ±rtt/2 of that. The samples with the lowest round trips in a sliding window
// carry the least queueing delay, so the estimate is the rtt-weighted mean of the best few of
// them after dropping ones that disagree with their median. Old samples age out of the window,
// which follows slow drift; several fresh samples that all contradict the estimate (the local
// clock jumped, or the route changed) replace the window. What no client can see is a path
// that is slower one way than the other: the error then is up to half the difference.

export interface ClockSnapshot {
  /** Estimated server clock minus local clock, ms. */
  offset: number
  /** Round trip of the best sample in the window, ms (Infinity before the first). */
  rtt: number
  /** Samples in the window. */
  samples: number
}

export const PING_SCHEDULE = {
  /** Quick pings when a connection starts, to converge within about 1.5 s. */
  burst: 5,
  burstIntervalMs: 300,
  /** Then one ping this often, enough to follow drift and route changes. */
  intervalMs: 5000,
} as const

interface Sample {
  offset: number
  rtt: number
  /** Local time the pong arrived. */
  at: number
}

export interface ClockOptions {
  /** Samples kept (the newest). */
  window?: number
  /** Samples older than this (ms, local time) are dropped. */
  maxAgeMs?: number
  /** How many of the lowest-rtt samples form the estimate. */
  best?: number
  /** Round trips longer than this (ms) are ignored as useless (and a sign of a stall). */
  maxRttMs?: number
  /** Consecutive samples that contradict the estimate before the window is replaced. */
  jumpAfter?: number
}

const DEFAULTS: Required<ClockOptions> = {
  window: 24,
  maxAgeMs: 180_000,
  best: 4,
  maxRttMs: 10_000,
  jumpAfter: 3,
}

/** Slack on top of rtt/2 before a sample counts as contradicting the estimate (ms). */
const AGREE_SLACK_MS = 25

/** The local clock for ping times: monotonic, in epoch milliseconds. */
export function localNow(): number {
  return typeof performance !== 'undefined' && performance.timeOrigin
    ? performance.timeOrigin + performance.now()
    : Date.now()
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export class ClockEstimator {
  private readonly opt: Required<ClockOptions>
  private window: Sample[] = []
  private estimate = 0
  private bestRtt = Infinity
  private contradicting: Sample[] = []
  /** Pings sent since reset (for the schedule). */
  private pings = 0

  constructor(options: ClockOptions = {}) {
    this.opt = { ...DEFAULTS, ...options }
  }

  /** Forget everything (a new connection, maybe to another server). */
  reset(): void {
    this.window = []
    this.contradicting = []
    this.estimate = 0
    this.bestRtt = Infinity
    this.pings = 0
  }

  /** Whether at least one sample has been taken. */
  get synced(): boolean {
    return this.window.length > 0
  }

  get offset(): number {
    return this.estimate
  }

  snapshot(): ClockSnapshot {
    return { offset: this.estimate, rtt: this.bestRtt, samples: this.window.length }
  }

  /** Server time (ms since the epoch) for a local time (default: now). */
  serverNow(local: number = localNow()): number {
    return local + this.estimate
  }

  /**
   * Milliseconds until the next ping should go out; counts the ping as sent. Follow it with
   * setTimeout after each ping (see the header).
   */
  nextPingDelay(): number {
    this.pings++
    return this.pings < PING_SCHEDULE.burst
      ? PING_SCHEDULE.burstIntervalMs
      : PING_SCHEDULE.intervalMs
  }

  /**
   * One round trip: the ping left at local `t0`, its pong came back at local `t1`, stamped
   * `server` by the server. Returns false when the sample was unusable (negative or huge rtt,
   * non-finite numbers).
   */
  observe(t0: number, t1: number, server: number): boolean {
    if (!Number.isFinite(t0) || !Number.isFinite(t1) || !Number.isFinite(server)) return false
    const rtt = t1 - t0
    if (rtt < 0 || rtt > this.opt.maxRttMs) return false
    const s: Sample = { offset: server - (t0 + t1) / 2, rtt, at: t1 }

    if (this.window.length > 0) {
      // A sample whose possible range (offset ± rtt/2) misses the estimate contradicts it;
      // a few in a row mean the clock or the route changed: start over from them.
      const agrees = Math.abs(s.offset - this.estimate) <= rtt / 2 + AGREE_SLACK_MS
      if (agrees) this.contradicting = []
      else {
        this.contradicting.push(s)
        if (this.contradicting.length >= this.opt.jumpAfter) {
          this.window = this.contradicting
          this.contradicting = []
          this.recompute(t1)
          return true
        }
      }
    }

    this.window.push(s)
    this.recompute(t1)
    return true
  }

  private recompute(now: number) {
    const { window: size, maxAgeMs, best } = this.opt
    const fresh = this.window.filter((x) => now - x.at <= maxAgeMs)
    this.window = fresh.slice(-size)
    if (this.window.length === 0) {
      this.bestRtt = Infinity
      return
    }
    const byRtt = [...this.window].sort((a, b) => a.rtt - b.rtt)
    this.bestRtt = byRtt[0]!.rtt
    let chosen = byRtt.slice(0, best)
    // Outliers among the best: further from their median than the best sample's uncertainty.
    if (chosen.length >= 3) {
      const m = median(chosen.map((x) => x.offset))
      const tol = this.bestRtt / 2 + 5
      const kept = chosen.filter((x) => Math.abs(x.offset - m) <= tol)
      if (kept.length > 0) chosen = kept
    }
    // Weighted mean: a sample's error bound is rtt/2, so weight by 1/rtt² (floored at 1 ms).
    let sw = 0
    let so = 0
    for (const x of chosen) {
      const w = 1 / Math.max(1, x.rtt) ** 2
      sw += w
      so += w * x.offset
    }
    this.estimate = so / sw
  }
}

/** The one clock of this page; the session feeds it (see the header). */
export const clock = new ClockEstimator()

/** Server time now, ms since the epoch (the local clock until the first pong). */
export function serverNow(): number {
  return clock.serverNow()
}
