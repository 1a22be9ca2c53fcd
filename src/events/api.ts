// The browser side of the events HTTP API (same origin): list, read and create events. Every
// answer is checked at run time; failures become an EventApiError with the server's code and
// message, which the UI shows as they are. Reading an event for a deep link retries with backoff.
import { z } from 'zod'
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
const ErrorBody = z.object({
  error: z.string(),
  message: z.string().optional(),
  field: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  retryAfterS: z.number().nonnegative().optional(),
})

/** Every request gives up after this long (a starved page may take a while: see getWithRetry). */
const TIMEOUT_MS = 15_000
/** Server messages are shown as they are: never more than this much of one. */
const MESSAGE_MAX = 200

export class EventApiError extends Error {
  constructor(
    /** The server's error code, or network / timeout / bad_response from this client. */
    readonly code: string,
    readonly status: number,
    message: string,
    /** The draft field the server blamed, when it said. */
    readonly field: string | null = null,
    /** How long the server asked us to wait before trying again (503, 429). */
    readonly retryAfterS: number | null = null,
  ) {
    super(message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message)
    this.name = 'EventApiError'
  }
}

async function call<T>(
  schema: z.ZodType<T>,
  path: string,
  init: {
    method?: 'GET' | 'POST'
    body?: unknown
    token?: string
    signal?: AbortSignal
    timeoutMs?: number
    /** Another origin (tests run in Node, where a bare path means nothing). */
    origin?: string
  } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const timeout = AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS)
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
  let res: Response
  try {
    res = await fetch(`${init.origin ?? ''}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal,
    })
  } catch (e) {
    if (init.signal?.aborted) throw e
    const timeout = e instanceof DOMException && e.name === 'TimeoutError'
    throw new EventApiError(timeout ? 'timeout' : 'network', 0, String(e))
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch (e) {
    // The time ran out while the body was arriving: that is a timeout, not a bad answer.
    if (init.signal?.aborted) throw e
    if (timeout.aborted) throw new EventApiError('timeout', 0, String(e))
    // Not JSON: judged by the status below.
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse(body)
    if (err.success) {
      const { error, message, field, path: at, retryAfterS } = err.data
      throw new EventApiError(
        error,
        res.status,
        message ?? error,
        field ?? (at?.length ? String(at[0]) : null),
        retryAfterS ?? null,
      )
    }
    throw new EventApiError(
      `http_${res.status}`,
      res.status,
      res.statusText || `HTTP ${res.status}`,
    )
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new EventApiError('bad_response', res.status, parsed.error.message)
  return parsed.data
}

/** Worth another try: no answer in time, no connection, a busy or failing server. */
export function retryable(e: unknown): boolean {
  if (!(e instanceof EventApiError)) return false
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
  onAttempt?: (attempt: number, attempts: number, previous: EventApiError | null) => void
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
  timeoutsMs: [TIMEOUT_MS, 2 * TIMEOUT_MS],
} as const satisfies RetryOptions

/** The wait before try `attempt` (2…): doubling backoff, or what the server asked, capped. */
export function retryDelay(attempt: number, opts: RetryOptions, previous: EventApiError): number {
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
  let previous: EventApiError | null = null
  for (let attempt = 1; ; attempt++) {
    if (previous) await sleep(retryDelay(attempt, opts, previous), opts.signal)
    opts.onAttempt?.(attempt, opts.attempts, previous)
    try {
      return await call(EventInfoSchema, path, {
        signal: opts.signal,
        timeoutMs: opts.timeoutsMs[Math.min(attempt, opts.timeoutsMs.length) - 1] ?? TIMEOUT_MS,
        origin: opts.origin,
      })
    } catch (e) {
      if (opts.signal?.aborted || !retryable(e) || attempt >= opts.attempts) throw e
      previous = e as EventApiError
    }
  }
}

export const eventsApi = {
  list: (signal?: AbortSignal) => call(EventList, '/api/events', { signal }).then((r) => r.events),
  get: (id: string, signal?: AbortSignal) =>
    call(EventInfoSchema, `/api/events/${encodeURIComponent(id)}`, { signal }),
  create: (draft: EventDraft, token: string) =>
    call(EventInfoSchema, '/api/events', { method: 'POST', body: draft, token }),
}
