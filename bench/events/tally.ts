// The events bench's announcement accounting (bench/sections/events.ts): what every admitted
// attendee received of the host's announcements. Pure, so tests/benchTally.test.ts pins it.
import type { BotReport } from './swarm'

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits

/** The p-th percentile of sorted values (nearest rank); null when none or never (Infinity). */
function pct(sorted: number[], p: number): number | null {
  const v = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
  return v === undefined || !Number.isFinite(v) ? null : round(v)
}

export interface Stats {
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/** Percentiles of `values` plus `never` values that never arrived (counted as infinitely late). */
export function stats(values: number[], never = 0): Stats {
  const s = [...values, ...new Array<number>(Math.max(0, never)).fill(Infinity)].sort(
    (a, b) => a - b,
  )
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: pct(s, 100) }
}

export type TallyBot = Pick<BotReport, 'ann' | 'joinedAt' | 'droppedAt' | 'host'>

/**
 * Every admitted attendee counts, those that dropped too: an announcement it did not receive is
 * lost and counts as never arriving in the latency percentiles (null once over 5 % are lost).
 * `present` (and lostAmongWholeWindow) are those there for the whole window only.
 */
export function tallyAnnouncements<B extends TallyBot>(
  bots: B[],
  announcements: number,
  window: { start: number; end: number },
) {
  const N = announcements
  const present = bots.filter(
    (b) => b.joinedAt < window.start && (b.droppedAt === 0 || b.droppedAt >= window.end),
  )
  const isPresent = new Set<B>(present)
  const latencies: number[] = []
  const serverMs: number[] = []
  /** Latencies by the process holding the attendee's instance (host:port). */
  const byHost = new Map<string, number[]>()
  const lastPerK: number[] = new Array<number>(N).fill(0)
  const receivedPerK: number[] = new Array<number>(N).fill(0)
  let received = 0
  let receivedByPresent = 0
  let duplicates = 0
  let seqGaps = 0
  let outOfOrder = 0
  for (const b of bots) {
    const seen = new Set<number>()
    let lastSeq = 0
    for (let i = 0; i < b.ann.length; i += 4) {
      const [k, seq, ms, srv] = [b.ann[i]!, b.ann[i + 1]!, b.ann[i + 2]!, b.ann[i + 3]!]
      if (seq <= lastSeq) outOfOrder++
      else if (seq > lastSeq + 1) seqGaps += seq - lastSeq - 1
      lastSeq = Math.max(lastSeq, seq)
      if (k < 0 || k >= N) continue
      if (seen.has(k)) {
        duplicates++
        continue
      }
      seen.add(k)
      received++
      if (isPresent.has(b)) receivedByPresent++
      receivedPerK[k]!++
      latencies.push(ms)
      serverMs.push(srv)
      let list = byHost.get(b.host)
      if (!list) byHost.set(b.host, (list = []))
      list.push(ms)
      lastPerK[k] = Math.max(lastPerK[k]!, ms)
    }
    if (lastSeq < N) seqGaps += N - lastSeq // the tail never came
  }
  const expected = N * bots.length
  return {
    present,
    expected,
    received,
    lost: expected - received,
    lostAmongWholeWindow: N * present.length - receivedByPresent,
    droppedBots: bots.filter((b) => b.droppedAt !== 0).length,
    latency: stats(latencies, expected - received),
    /** Per announcement: when the last attendee had it (never, if one did not). */
    allHad: stats(lastPerK.map((ms, k) => (receivedPerK[k] === bots.length ? ms : Infinity))),
    latencies,
    serverMs,
    byHost,
    duplicates,
    seqGaps,
    outOfOrder,
  }
}
