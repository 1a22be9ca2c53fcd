// The events bench counts every admitted attendee: one that drops its socket loses what it did
// not receive, and a lost announcement counts as never arriving in the latency percentiles.
import { describe, expect, it } from 'vitest'
import { stats, tallyAnnouncements, type TallyBot } from '../bench/events/tally'

const WINDOW = { start: 1000, end: 9000 }
const N = 4

/** A bot that joined before the window and received announcements `ks` (seq k+1, 10 ms each). */
function bot(ks: number[], droppedAt = 0): TallyBot {
  return {
    joinedAt: 500,
    droppedAt,
    host: '127.0.0.1:1',
    ann: ks.flatMap((k) => [k, k + 1, 10, 2]),
  }
}

describe('events bench tally', () => {
  it('counts announcements a dropped attendee missed as lost', () => {
    const all = [0, 1, 2, 3]
    const bots = [bot(all), bot(all), bot([0, 1], 3000)]
    const t = tallyAnnouncements(bots, N, WINDOW)
    expect(t.expected).toBe(12)
    expect(t.received).toBe(10)
    expect(t.lost).toBe(2)
    expect(t.droppedBots).toBe(1)
    // Among the two there for the whole window nothing was lost.
    expect(t.present).toHaveLength(2)
    expect(t.lostAmongWholeWindow).toBe(0)
    // The last two announcements never reached everyone.
    expect(t.allHad.max).toBeNull()
  })

  it('counts a lost delivery as never arriving in the latency percentiles', () => {
    // 19 bots got all 4; one dropped before the window and got none: 4 of 80 lost (5 %).
    const bots = [...Array.from({ length: 19 }, () => bot([0, 1, 2, 3])), bot([], 800)]
    const t = tallyAnnouncements(bots, N, WINDOW)
    expect(t.lost).toBe(4)
    expect(t.latency.p95).toBe(10)
    expect(t.latency.max).toBeNull()
    // One more loss and the p95 is no longer a time at all.
    const worse = tallyAnnouncements(
      [...bots.slice(0, 18), bot([0, 1, 2]), bot([], 800)],
      N,
      WINDOW,
    )
    expect(worse.lost).toBe(5)
    expect(worse.latency.p95).toBeNull()
  })

  it('gives times when everyone had everything', () => {
    const t = tallyAnnouncements([bot([0, 1, 2, 3]), bot([3, 2, 1, 0])], N, WINDOW)
    expect(t.lost).toBe(0)
    expect(t.droppedBots).toBe(0)
    expect(t.latency).toEqual({ p50: 10, p95: 10, p99: 10, max: 10 })
    expect(t.allHad.max).toBe(10)
    expect(t.outOfOrder).toBe(3)
    expect(stats([], 0)).toEqual({ p50: null, p95: null, p99: null, max: null })
  })
})
