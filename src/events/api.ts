// The browser side of the events HTTP API (same origin): list, read and create events. Every
// answer is checked at run time; failures become an ApiError (src/net/api.ts) with the server's
// code and message, which the UI shows as they are. Reading an event for a deep link retries
// with backoff.
import { z } from 'zod'
import { API_TIMEOUT_MS, ApiError, apiRequest } from '../net/api'
import { EVENT_STATUSES, type EventDraft, type EventInfo } from '../protocol/events'

const LocalText = z.object({ 'zh-CN': z.string(), en: z.string() })

/** EventInfo as the API sends it (src/protocol/events.ts). */
export const EventInfoSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{12}$/),
  title: LocalText,
  description: LocalText,
  world: z.string(),
  stage: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  capacity: z.number(),
  host: z.string(),
  performers: z.array(z.string()),
  moderators: z.array(z.string()),
  status: z.enum(EVENT_STATUSES),
  attendance: z.number().int().nonnegative().catch(0),
  createdAt: z.number(),
}) satisfies z.ZodType<EventInfo>

const EventList = z.object({ events: z.array(EventInfoSchema) })

/** Worth another try: no answer in time, no connection, a busy or failing server. */
export function retryable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false
  return e.code === 'timeout' || e.code === 'network' || e.status === 429 || e.status >= 500
}

export interface RetryOptions {
  /** Tries in all (the first included). */
  attempts: number
  /** The wait before try 2; it doubles for each later try, up to maxDelayMs. */
  baseDelayMs: number
  maxDelayMs: number
  /** Each try's own time limit, by try; the last one holds for the rest. */
  timeoutsMs: readonly number[]
  signal?: AbortSignal
  /** Told before each try (1-based), with why the previous one failed. */
  onAttempt?: (attempt: number, attempts: number, previous: ApiError | null) => void
  origin?: string
}

/**
 * The deep link's plan: four tries over at most about two minutes. Later tries wait longer for
 * an answer: a page that renders on the CPU may be too busy to read one in 15 s.
 */
export const LINK_RETRY = {
  attempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  timeoutsMs: [API_TIMEOUT_MS, 2 * API_TIMEOUT_MS],
} as const satisfies RetryOptions

/** The wait before try `attempt` (2…): doubling backoff, or what the server asked, capped. */
export function retryDelay(attempt: number, opts: RetryOptions, previous: ApiError): number {
  const backoff = opts.baseDelayMs * 2 ** (attempt - 2)
  const asked = (previous.retryAfterS ?? 0) * 1000
  return Math.min(opts.maxDelayMs, Math.max(backoff, asked))
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * GET /api/events/:id, tried again after timeouts, network errors, 429 and 5xx answers; an
 * answer that will not change (404, a bad request) ends it at once. Throws the last error.
 */
export async function getWithRetry(id: string, opts: RetryOptions): Promise<EventInfo> {
  const path = `/api/events/${encodeURIComponent(id)}`
  let previous: ApiError | null = null
  for (let attempt = 1; ; attempt++) {
    if (previous) await sleep(retryDelay(attempt, opts, previous), opts.signal)
    opts.onAttempt?.(attempt, opts.attempts, previous)
    try {
      return await apiRequest(EventInfoSchema, path, {
        signal: opts.signal,
        timeoutMs: opts.timeoutsMs[Math.min(attempt, opts.timeoutsMs.length) - 1] ?? API_TIMEOUT_MS,
        origin: opts.origin,
      })
    } catch (e) {
      if (opts.signal?.aborted || !retryable(e) || attempt >= opts.attempts) throw e
      previous = e as ApiError
    }
  }
}

export const eventsApi = {
  list: (signal?: AbortSignal) =>
    apiRequest(EventList, '/api/events', { signal }).then((r) => r.events),
  get: (id: string, signal?: AbortSignal) =>
    apiRequest(EventInfoSchema, `/api/events/${encodeURIComponent(id)}`, { signal }),
  create: (draft: EventDraft, token: string) =>
    apiRequest(EventInfoSchema, '/api/events', { method: 'POST', body: draft, token }),
}
