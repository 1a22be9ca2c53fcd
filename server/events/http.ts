// The events HTTP API (docs/api.md): list, read and create live gatherings. Creating needs a
// wallet session (Authorization: Bearer <token from POST /api/auth/verify>). Attendance comes
// from what the event's instances report through presence.
import type http from 'node:http'
import { PerClientLimit, answerUnavailable, clientKey, decodePathPart, readJson } from '../httpKit'
import type { EventInfo } from '../../src/protocol/events'
import type { Sessions } from '../auth'
import { EventStoreError, type EventStore, type StoredEvent } from './store'
import { clip, errorField, logFor } from '../log'

type Json = (res: http.ServerResponse, status: number, body: unknown) => void

export interface EventsApiDeps {
  json: Json
  /** null while the database is starting (or failed: `failure` says why). */
  store: () => EventStore | null
  failure: () => string | null
  /** null while the chain part (which holds the sessions) is starting or off. */
  sessions: () => Sessions | null
  attendance: (id: string) => Promise<number>
}

/** Every request per client IP; creating also per signed-in host (a host holds at most 20). */
const LIMITS = {
  read: { perSecond: 10, burst: 40 },
  create: { perSecond: 1 / 30, burst: 20 },
}

const STATUS: Record<EventStoreError['code'], number> = {
  bad_input: 400,
  unknown_world: 400,
  unknown_stage: 400,
  event_limit: 409,
  unknown_event: 404,
  event_ended: 409,
  not_allowed: 403,
  too_many: 409,
  bad_data: 500,
  busy: 429,
}

/** Live events first, most attended first; then upcoming by start time; ended ones last. */
export function rankEvents(events: EventInfo[]): EventInfo[] {
  const rank = (e: EventInfo) => (e.status === 'live' ? 0 : e.status === 'upcoming' ? 1 : 2)
  return [...events].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.status === 'live' ? b.attendance - a.attendance : 0) ||
      a.startsAt - b.startsAt ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
}

/** Returns a handler that answers /api/events routes (true) or leaves the request (false). */
export function eventsApi(deps: EventsApiDeps) {
  const readLimit = new PerClientLimit(LIMITS.read.perSecond, LIMITS.read.burst)
  const createLimit = new PerClientLimit(LIMITS.create.perSecond, LIMITS.create.burst)
  const { json } = deps

  const wire = async (e: StoredEvent): Promise<EventInfo> => {
    const { liveAt: _l, endedAt: _e, ...info } = e
    return { ...info, attendance: e.status === 'live' ? await deps.attendance(e.id) : 0 }
  }

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    const method = req.method ?? 'GET'
    const client = clientKey(req)
    const id = /^\/api\/events\/([^/]+)$/.exec(path)?.[1]
    if (path !== '/api/events' && id === undefined) {
      json(res, 404, { error: 'not_found', message: `no API route ${path}` })
      return
    }
    const allowed = id === undefined ? ['GET', 'POST'] : ['GET']
    if (!allowed.includes(method)) {
      res.setHeader('allow', allowed.join(', '))
      json(res, 405, {
        error: 'method_not_allowed',
        message: `${path} takes ${allowed.join(' or ')}`,
      })
      return
    }
    const slowDown = (retryAfterS: number) => {
      res.setHeader('retry-after', String(retryAfterS))
      json(res, 429, { error: 'rate_limited', message: 'too many requests', retryAfterS })
    }
    if (!readLimit.take(client)) return slowDown(5)
    const store = deps.store()
    if (!store) {
      const failure = deps.failure()
      json(res, 503, {
        error: failure ? 'storage_unavailable' : 'storage_starting',
        message: failure ?? 'the database is starting',
        retryAfterS: failure ? 10 : 2,
      })
      return
    }
    if (method === 'GET' && id === undefined) {
      const events = await store.list()
      json(res, 200, { events: rankEvents(await Promise.all(events.map(wire))) })
      return
    }
    if (method === 'GET') {
      const decoded = decodePathPart(id!)
      if (decoded === null) {
        json(res, 400, { error: 'bad_request', message: 'malformed percent-encoding in path' })
        return
      }
      const event = await store.get(decoded)
      if (!event) {
        // The id is the visitor's text: quoted only when it has an id's shape (12 letters or digits).
        const shown = /^[a-z0-9]{12}$/.test(decoded) ? ` ${decoded}` : ' with that id'
        json(res, 404, { error: 'unknown_event', message: `there is no event${shown}` })
        return
      }
      json(res, 200, await wire(event))
      return
    }
    // POST /api/events
    const sessions = deps.sessions()
    if (!sessions) {
      json(res, 503, {
        error: 'chain_starting',
        message: 'sign-in is not available yet',
        retryAfterS: 2,
      })
      return
    }
    const session = await sessions.fromHeader(req.headers.authorization)
    if (!session) {
      json(res, 401, {
        error: 'no_session',
        message: 'sign in with a wallet first (Authorization: Bearer <token>)',
      })
      return
    }
    if (!createLimit.take(session.address)) return slowDown(30)
    const body = await readJson(req)
    if (!body.ok) {
      json(res, body.status, { error: 'bad_request', message: body.message })
      return
    }
    try {
      const event = await store.create(session.address, body.value)
      res.setHeader('location', `/api/events/${event.id}`)
      json(res, 201, await wire(event))
    } catch (err) {
      if (!(err instanceof EventStoreError)) throw err
      if (err.code === 'busy') {
        res.setHeader('retry-after', String(err.retryAfterS ?? 60))
        json(res, 429, { error: 'busy', message: err.message, retryAfterS: err.retryAfterS ?? 60 })
        return
      }
      json(res, STATUS[err.code], { error: err.code, message: err.message })
    }
  }

  return (req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean => {
    const path = url.pathname
    if (path !== '/api/events' && !path.startsWith('/api/events/')) return false
    void route(req, res, path).catch((err: unknown) => {
      if (res.headersSent) return
      if (answerUnavailable(res, err, json)) return
      const at = { method: clip(req.method, 16), path: clip(path, 120) }
      logFor(req).error({ ...at, error: errorField(err) }, 'events api request failed')
      json(res, 500, { error: 'internal', message: 'internal error' })
    })
    return true
  }
}
