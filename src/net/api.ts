// The browser side of the server's HTTP API (same origin), for every feature's client (wallet,
// events, …): one request helper and one error type. Every answer is checked at run time
// against the caller's schema; failures become an ApiError with the server's code and message,
// which the UI shows as they are, and the field it blamed and the wait it asked for, when it
// said. Plain TypeScript, browser (tests run it in Node with an origin).
import { z } from 'zod'

/** A request gives up after this long unless its caller says otherwise. */
export const API_TIMEOUT_MS = 15_000
/** Server messages are shown as they are: never more than this much of one. */
const MESSAGE_MAX = 200

/** The server's error shape (docs/api.md). */
const ErrorBody = z.object({
  error: z.string(),
  message: z.string().optional(),
  field: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  retryAfterS: z.number().nonnegative().optional(),
})

export class ApiError extends Error {
  constructor(
    /** The server's error code, or network / timeout / bad_response from this client. */
    readonly code: string,
    readonly status: number,
    message: string,
    /** How long the server asked us to wait before trying again (503, 429). */
    readonly retryAfterS: number | null = null,
    /** The request field the server blamed, when it said. */
    readonly field: string | null = null,
  ) {
    super(message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message)
    this.name = 'ApiError'
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST'
  /** Sent as JSON. */
  body?: unknown
  /** A session token, sent as a bearer token. */
  token?: string
  /** The caller's own abort: its reason is thrown as it is, never turned into an ApiError. */
  signal?: AbortSignal
  timeoutMs?: number
  /** Another origin (tests run in Node, where a bare path means nothing). */
  origin?: string
}

/** One request; the answer parsed by `schema`, or an ApiError that says why not. */
export async function apiRequest<T>(
  schema: z.ZodType<T>,
  path: string,
  init: ApiRequest = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const timeout = AbortSignal.timeout(init.timeoutMs ?? API_TIMEOUT_MS)
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
    throw new ApiError(timeout ? 'timeout' : 'network', 0, String(e))
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch (e) {
    // The time ran out while the body was arriving: that is a timeout, not a bad answer.
    if (init.signal?.aborted) throw e
    if (timeout.aborted) throw new ApiError('timeout', 0, String(e))
    // Not JSON: judged by the status below.
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse(body)
    if (err.success) {
      const { error, message, field, path: at, retryAfterS } = err.data
      throw new ApiError(
        error,
        res.status,
        message ?? error,
        retryAfterS ?? null,
        field ?? (at?.length ? String(at[0]) : null),
      )
    }
    throw new ApiError(`http_${res.status}`, res.status, res.statusText || `HTTP ${res.status}`)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ApiError('bad_response', res.status, parsed.error.message)
  return parsed.data
}
