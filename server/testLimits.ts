// Tests only: what the limit tests (httpLimits, messageLimits) share: the numbers the docs
// state, read from the docs themselves so that a limit and its documentation cannot drift
// apart, and a clock held still while a burst is read.
import fs from 'node:fs'
import { vi } from 'vitest'

const read = (name: string) => fs.readFileSync(new URL(`../docs/${name}`, import.meta.url), 'utf8')

/** docs/protocol.md as written (its tables are matched row by row). */
export const protocolDoc = read('protocol.md')
/** docs/api.md with white space folded (its sentences wrap anywhere). */
export const apiDoc = read('api.md').replace(/\s+/g, ' ')

/** The numbers `pattern`'s groups find in `doc`; fails, naming the pattern, when it is not there. */
export function stated(doc: string, pattern: RegExp): [number, ...number[]] {
  const m = pattern.exec(doc)
  if (!m || m.length < 2) throw new Error(`the docs do not state ${pattern}`)
  return m.slice(1).map(Number) as [number, ...number[]]
}

/**
 * Runs `fn` with Date.now() held still (timers and sockets run as usual): the server's token
 * buckets do not refill while it reads a burst, so exactly the burst is served however slowly
 * this busy machine delivers it. Unheld, 80 requests to the events routes trickled in over a
 * second and 11 more got through; pose (18/s) refilled 2 of 4 and the overall message limit
 * (40/s) all 4 while tsc ran beside the test. Waits inside must use performance.now(), which is
 * not held.
 */
export async function withClockHeld<T>(fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] })
  try {
    return await fn()
  } finally {
    vi.useRealTimers()
  }
}
