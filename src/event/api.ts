// The browser side of the events HTTP API (same origin): list, read and create events. Every
// answer is checked at run time; failures become an EventApiError with the server's code and
// message, which the UI shows as they are.
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
})

export class EventApiError extends Error {
  constructor(
    /** The server's error code, or network / timeout / bad_response from this client. */
    readonly code: string,
    readonly status: number,
    message: string,
    /** The draft field the server blamed, when it said. */
    readonly field: string | null = null,
  ) {
    super(message)
    this.name = 'EventApiError'
  }
}

async function call<T>(
  schema: z.ZodType<T>,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const signal = init.signal
    ? AbortSignal.any([init.signal, AbortSignal.timeout(15_000)])
    : AbortSignal.timeout(15_000)
  let res: Response
  try {
    res = await fetch(path, {
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
  } catch {
    // Not JSON: judged by the status below.
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse(body)
    if (err.success) {
      const { error, message, field, path: at } = err.data
      throw new EventApiError(
        error,
        res.status,
        message ?? error,
        field ?? (at?.length ? String(at[0]) : null),
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

export const eventsApi = {
  list: (signal?: AbortSignal) => call(EventList, '/api/events', { signal }).then((r) => r.events),
  get: (id: string, signal?: AbortSignal) =>
    call(EventInfoSchema, `/api/events/${encodeURIComponent(id)}`, { signal }),
  create: (draft: EventDraft, token: string) =>
    call(EventInfoSchema, '/api/events', { method: 'POST', body: draft, token }),
}
