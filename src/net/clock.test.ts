// The clock-offset estimator against simulated networks: clocks hours apart, round trips of
// 10–400 ms with jitter, spikes, drift, a jumping local clock and asymmetric paths.
import { describe, expect, it } from 'vitest'
import { ClockEstimator, PING_SCHEDULE } from './clock'

/** A small seeded PRNG (mulberry32), so every run sees the same network. */
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

interface Net {
  /** One-way delays (ms) for a ping sent at real time `t`: [client→server, server→client]. */
  delays: (t: number) => [number, number]
  /** Server clock minus local clock at real time t (ms). */
  offset: (t: number) => number
}

/**
 * Runs the schedule against a simulated network for `seconds` of real time; returns the
 * estimator and the worst error seen after `settleS` seconds (error against the true offset
 * at the time of the last pong).
 */
function simulate(net: Net, seconds: number, settleS = 2) {
  const c = new ClockEstimator()
  let real = 1_700_000_000_000 // real time, ms
  const start = real
  let worst = 0
  let last = 0
  while (real - start < seconds * 1000) {
    // The local clock reads real time; the server's reads real time plus the offset.
    const [up, down] = net.delays(real)
    const serverStamp = real + up + net.offset(real + up)
    const t1 = real + up + down
    c.observe(real, t1, serverStamp)
    last = c.offset - net.offset(t1)
    if (t1 - start >= settleS * 1000) worst = Math.max(worst, Math.abs(last))
    real += c.nextPingDelay()
  }
  return { c, worst, last }
}

/** Exponential jitter with the given mean (ms): mostly small, sometimes large. */
const expo = (r: () => number, mean: number) => -mean * Math.log(1 - r())

describe('clock offset estimator', () => {
  it('follows the documented schedule: a quick burst, then every 5 s', () => {
    const c = new ClockEstimator()
    const delays = Array.from({ length: 7 }, () => c.nextPingDelay())
    expect(delays).toEqual([300, 300, 300, 300, 5000, 5000, 5000])
    expect(PING_SCHEDULE.burst).toBe(5)
  })

  it('takes its first estimate from one pong, within rtt/2', () => {
    const c = new ClockEstimator()
    expect(c.synced).toBe(false)
    c.observe(1000, 1100, 3_600_000 + 1080) // true offset 3 600 000, 30 ms up, 70 ms down
    expect(c.synced).toBe(true)
    expect(Math.abs(c.offset - 3_600_000)).toBeLessThanOrEqual(50)
    expect(c.snapshot()).toEqual({ offset: c.offset, rtt: 100, samples: 1 })
    expect(c.serverNow(2000)).toBe(2000 + c.offset)
  })

  it('refuses unusable samples', () => {
    const c = new ClockEstimator()
    expect(c.observe(100, 50, 1)).toBe(false)
    expect(c.observe(0, 20_000, 1)).toBe(false)
    expect(c.observe(Number.NaN, 1, 1)).toBe(false)
    expect(c.synced).toBe(false)
  })

  // Symmetric paths: both legs share the base delay and draw jitter from the same distribution.
  const offsets = [-5 * 3600_000 - 123, -42, 0, 17, 2 * 3600_000 + 777, 11 * 3600_000]
  const rtts = [10, 60, 150, 250, 400]
  for (const offset of offsets) {
    for (const rtt of rtts) {
      it(`symmetric jitter: offset ${offset} ms, base rtt ${rtt} ms → within 50 ms`, () => {
        const r = rng(offset ^ (rtt * 7919))
        const base = rtt / 2
        const jitter = Math.max(3, rtt * 0.25) // mean jitter per leg
        const net: Net = {
          delays: () => {
            // 5% of packets hit a queue spike of up to 300 ms on one leg.
            const spike = () => (r() < 0.05 ? r() * 300 : 0)
            return [base + expo(r, jitter) + spike(), base + expo(r, jitter) + spike()]
          },
          offset: () => offset,
        }
        const { worst, c } = simulate(net, 120)
        expect(worst).toBeLessThan(50)
        expect(c.snapshot().samples).toBeGreaterThan(10)
      })
    }
  }

  it('converges after the join burst alone (5 pings, about 1.5 s)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = rng(seed)
      const offset = (r() - 0.5) * 24 * 3600_000
      const base = 5 + r() * 195
      const net: Net = {
        delays: () => [base + expo(r, 20), base + expo(r, 20)],
        offset: () => offset,
      }
      const { last } = simulate(net, 1.3, 0)
      expect(Math.abs(last), `seed ${seed}`).toBeLessThan(50)
    }
  })

  it('follows slow drift (local clock 200 ppm fast) within 50 ms', () => {
    const r = rng(7)
    const net: Net = {
      delays: () => [40 + expo(r, 15), 40 + expo(r, 15)],
      // The local clock gains 0.2 ms per second on the server's: the offset falls.
      offset: (t) => 3600_000 - (t - 1_700_000_000_000) * 200e-6,
    }
    const { worst } = simulate(net, 30 * 60)
    expect(worst).toBeLessThan(50)
  })

  it('recovers within three pings when the local clock jumps by an hour', () => {
    const r = rng(11)
    const jumpAt = 1_700_000_000_000 + 60_000
    const net: Net = {
      delays: () => [30 + expo(r, 10), 30 + expo(r, 10)],
      offset: (t) => (t < jumpAt ? 1000 : 1000 + 3600_000),
    }
    const c = new ClockEstimator()
    let real = 1_700_000_000_000
    let after = 0
    while (real < jumpAt + 60_000) {
      const [up, down] = net.delays(real)
      const t1 = real + up + down
      c.observe(real, t1, real + up + net.offset(real + up))
      if (real > jumpAt) after++
      if (after >= 3) break
      real += c.nextPingDelay()
    }
    expect(Math.abs(c.offset - net.offset(real))).toBeLessThan(50)
  })

  // Asymmetric paths: the uplink is slower than the downlink by a fixed amount. No two-way
  // method can see this; the bound is half the asymmetry plus the symmetric bound (50 ms).
  for (const [up, down] of [
    [200, 10],
    [10, 200],
    [350, 50],
    [5, 5 + 395],
  ] as const) {
    it(`asymmetric path ${up}/${down} ms: within |up−down|/2 + 50 ms`, () => {
      const r = rng(up * 31 + down)
      const offset = -7 * 3600_000 + 5
      const net: Net = {
        delays: () => [up + expo(r, 15), down + expo(r, 15)],
        offset: () => offset,
      }
      const { worst } = simulate(net, 120)
      expect(worst).toBeLessThanOrEqual(Math.abs(up - down) / 2 + 50)
    })
  }
})
