// Server side: work that nobody awaits (a presence call, a timer's check, a message handler)
// runs through `background`, which logs its failure in one bounded line instead of leaving an
// unhandled rejection, on which Node ends the process and every room on it.
import { log } from './log'

/** Longest error text a log line carries (errors may quote client input or a whole query). */
const ERROR_CHARS = 200
/** The same failure is logged at most once in this window; the rest are counted. */
const QUIET_MS = 10_000

const lastLogged = new Map<string, { at: number; skipped: number }>()

/** One line from any thrown value, control characters removed and length bounded. */
export function errorText(err: unknown): string {
  const raw =
    err instanceof Error ? err.message || err.name : typeof err === 'string' ? err : String(err)
  // eslint-disable-next-line no-control-regex
  const flat = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return flat.length > ERROR_CHARS ? `${flat.slice(0, ERROR_CHARS)}…` : flat || 'unknown error'
}

/**
 * Lets `work` run on its own; if it rejects, logs 'background work failed' with `work: what`.
 * `work` may be any value (Colyseus' presence types many promise-returning calls as `any` or
 * `void`).
 * During an outage every room repeats the same failure: one line per 10 s per `what`.
 */
export function background(work: unknown, what: string): void {
  Promise.resolve(work).catch((err: unknown) => {
    const now = Date.now()
    const seen = lastLogged.get(what)
    if (seen && now - seen.at < QUIET_MS) {
      seen.skipped++
      return
    }
    const skipped = seen?.skipped ?? 0
    lastLogged.set(what, { at: now, skipped: 0 })
    if (lastLogged.size > 1000) lastLogged.clear() // `what` is code-chosen; a bound anyway
    log.error(
      { work: what, reason: errorText(err), ...(skipped > 0 && { skippedSince: skipped }) },
      'background work failed',
    )
  })
}

/**
 * For the process entry (server/main.ts). Colyseus drops some promises of its own (room
 * listing saves, process stats, IPC publishes), which reject during a Redis outage; Node
 * would end the process on them. They are logged like background work and the rooms go on.
 * This server's own code handles every promise (lint: no-floating-promises).
 */
export function logUnhandledRejections(): void {
  process.on('unhandledRejection', (reason) =>
    background(Promise.reject(reason), '[server] a call nobody awaited (in a library)'),
  )
}
