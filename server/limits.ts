// The edge of the game server (server/app.ts): matchmaking requests and WebSocket upgrades from
// each client address are bounded here, before Colyseus spends anything on them.
// Documented in docs/protocol.md, "Limits".
import type http from 'node:http'
import { ErrorCode, getBearerToken, matchMaker } from '@colyseus/core'
import type { VerifyClientCallbackAsync } from 'ws'
import { MAX_MESSAGE_BYTES } from '../src/protocol/messages'
import { PerClientLimit, limitKey, readCapped, tagClient, type TrustProxy } from './httpKit'
import { errorField, logFor } from './log'

/** Largest matchmaking request body: join options are a world, a name, a colour and a token. */
export const MAX_MATCHMAKE_BODY = 4 * 1024

/** ws `maxPayload`: a frame is the message type plus its payload (at most MAX_MESSAGE_BYTES);
 * a bigger frame closes that connection (1009) before it is buffered. */
export const MAX_WS_PAYLOAD = 4 * MAX_MESSAGE_BYTES

/** What clients may ask the matchmaker; rooms are made by joinOrCreate, never by `create`. */
const CLIENT_METHODS = new Set(['joinOrCreate', 'join', 'joinById', 'reconnect'])

/** Reserved seats kept at once across every address (expired ones are swept past this). */
const MAX_TRACKED_SEATS = 100_000

export interface ClientLimits {
  /** Matchmaking requests per second per address, and the burst above that rate. */
  matchmakePerSecond: number
  matchmakeBurst: number
  /** Seats reserved by matchmaking and not yet taken by a WebSocket, per address. */
  seatsPerAddress: number
  /** Open WebSocket connections per address. */
  connectionsPerAddress: number
}

/** Settings for load tests and benches, whose every client comes from one loopback address. */
export const LOAD_TEST_LIMITS = {
  MATCHMAKE_RATE: '100000',
  MATCHMAKE_BURST: '100000',
  SEATS_PER_IP: '100000',
  SOCKETS_PER_IP: '1000000',
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** Seats each address holds between matchmaking and its WebSocket (or the seat's expiry). */
class SeatBook {
  private readonly byKey = new Map<string, Map<string, number>>()
  private readonly keyOf = new Map<string, string>()
  private readonly pending = new Map<string, number>()
  private sweptAt = 0

  constructor(private readonly seatMs: number) {}

  held(key: string, now: number): number {
    const seats = this.byKey.get(key)
    if (seats) {
      for (const [id, expires] of seats) if (expires <= now) this.drop(id)
    }
    return (this.byKey.get(key)?.size ?? 0) + (this.pending.get(key) ?? 0)
  }

  begin(key: string) {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1)
  }

  end(key: string, sessionId: string | null, now: number) {
    const left = (this.pending.get(key) ?? 1) - 1
    if (left > 0) this.pending.set(key, left)
    else this.pending.delete(key)
    if (sessionId === null) return
    if (this.keyOf.size >= MAX_TRACKED_SEATS) this.sweep(now)
    let seats = this.byKey.get(key)
    if (!seats) this.byKey.set(key, (seats = new Map()))
    seats.set(sessionId, now + this.seatMs)
    this.keyOf.set(sessionId, key)
  }

  /** The seat was taken (or given up): it no longer counts. */
  drop(sessionId: string) {
    const key = this.keyOf.get(sessionId)
    if (key === undefined) return
    this.keyOf.delete(sessionId)
    const seats = this.byKey.get(key)
    seats?.delete(sessionId)
    if (seats?.size === 0) this.byKey.delete(key)
  }

  private sweep(now: number) {
    if (now - this.sweptAt < 1000) return
    this.sweptAt = now
    for (const key of [...this.byKey.keys()]) this.held(key, now)
  }
}

function answer(
  res: http.ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body: unknown,
  close = false,
) {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(close && { connection: 'close' }),
  })
  res.end(JSON.stringify(body))
}

/**
 * One per server: `requests(next)` is the HTTP server's request listener (matchmaking here,
 * everything else to `next`, each request tagged with its client); `verifyClient` goes to the
 * WebSocket transport.
 */
export class ClientGuard {
  private readonly rate: PerClientLimit
  private readonly seats: SeatBook
  private readonly open = new Map<string, number>()

  constructor(
    private readonly limits: ClientLimits,
    private readonly trust: TrustProxy,
    seatSeconds: number,
  ) {
    this.rate = new PerClientLimit(limits.matchmakePerSecond, limits.matchmakeBurst)
    this.seats = new SeatBook(seatSeconds * 1000)
  }

  requests(next: Handler): Handler {
    return (req, res) => {
      const address = tagClient(req, this.trust)
      const path = (req.url ?? '/').split('?')[0]!
      if (path === '/matchmake' || path.startsWith('/matchmake/')) {
        this.matchmake(req, res, path, address).catch((err: unknown) => {
          logFor(req).error({ error: errorField(err) }, 'matchmake request failed')
          if (!res.headersSent) answer(res, 500, {}, { code: 'internal', error: 'server error' })
          else res.destroy()
        })
      } else next(req, res)
    }
  }

  readonly verifyClient: VerifyClientCallbackAsync = ({ req }, accept) => {
    const key = limitKey(tagClient(req, this.trust))
    const open = this.open.get(key) ?? 0
    if (open >= this.limits.connectionsPerAddress) {
      accept(false, 429, `over ${this.limits.connectionsPerAddress} connections from one address`)
      return
    }
    this.open.set(key, open + 1)
    req.socket.once('close', () => {
      const left = (this.open.get(key) ?? 1) - 1
      if (left > 0) this.open.set(key, left)
      else this.open.delete(key)
    })
    // The connection takes its seat now (or fails and the client asks again).
    const sessionId = /[?&]sessionId=([A-Za-z0-9_-]{1,64})(?:&|$)/.exec(req.url ?? '')?.[1]
    if (sessionId) this.seats.drop(sessionId)
    accept(true)
  }

  private async matchmake(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    address: string,
  ) {
    const cors = {
      ...matchMaker.controller.DEFAULT_CORS_HEADERS,
      ...matchMaker.controller.getCorsHeaders(req),
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end()
      return
    }
    if (req.method !== 'POST') {
      answer(
        res,
        405,
        { ...cors, allow: 'POST, OPTIONS' },
        {
          code: 'method_not_allowed',
          error: 'matchmaking takes POST',
        },
      )
      return
    }
    if (matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN) {
      answer(res, 503, cors, { code: 'shutting_down', error: 'the server is shutting down' }, true)
      return
    }
    const key = limitKey(address)
    if (!this.rate.take(key)) {
      refuse(
        res,
        429,
        { ...cors, 'retry-after': '1' },
        {
          code: 'rate_limited',
          error: 'too many matchmaking requests from this address',
        },
      )
      return
    }
    const route = /^\/matchmake\/([A-Za-z]{1,20})\/([A-Za-z0-9_-]{1,64})$/.exec(path)
    if (!route) {
      refuse(res, 404, cors, {
        code: 'not_found',
        error: 'matchmaking is /matchmake/<method>/<room>',
      })
      return
    }
    const [, method, room] = route as unknown as [string, string, string]
    if (method === 'create') {
      refuse(res, 403, cors, {
        code: 'create_refused',
        error: 'clients cannot create rooms: rooms are made by joinOrCreate',
      })
      return
    }
    if (!CLIENT_METHODS.has(method)) {
      refuse(res, 404, cors, { code: 'not_found', error: `no matchmaking method "${method}"` })
      return
    }
    const length = Number(req.headers['content-length'] ?? 0)
    if (!(length <= MAX_MATCHMAKE_BODY)) {
      refuse(res, 413, cors, tooLarge)
      return
    }
    const now = Date.now()
    if (this.seats.held(key, now) >= this.limits.seatsPerAddress) {
      refuse(
        res,
        429,
        { ...cors, 'retry-after': '5' },
        {
          code: 'too_many_seats',
          error: `over ${this.limits.seatsPerAddress} seats reserved and not yet taken from this address`,
        },
      )
      return
    }
    this.seats.begin(key)
    let seat: string | null = null
    try {
      const body = await readCapped(req, MAX_MATCHMAKE_BODY)
      if (body === 'gone') return
      if (body === 'too_large') {
        answer(res, 413, cors, tooLarge, true)
        return
      }
      let options: unknown
      try {
        options = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
      } catch {
        options = null
      }
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        // The same code and words as the rooms' own refusal (docs/protocol.md: bad_options).
        answer(res, 400, cors, {
          code: ErrorCode.MATCHMAKE_INVALID_CRITERIA,
          error: 'bad_options: join options must be a JSON object',
        })
        return
      }
      let response: { sessionId?: unknown }
      try {
        response = (await matchMaker.controller.invokeMethod(method, room, options, {
          token: getBearerToken(req.headers.authorization ?? ''),
          headers: req.headers,
          ip: address,
          req,
        })) as { sessionId?: unknown }
      } catch (err) {
        // As Colyseus answers: 200 with the code (colyseus.js throws it; rooms' refusal codes).
        const e = err as { code?: unknown; message?: unknown }
        answer(res, 200, cors, { code: e.code, error: String(e.message).slice(0, 200) })
        return
      }
      if (typeof response.sessionId === 'string') seat = response.sessionId
      answer(res, 200, cors, response)
    } finally {
      this.seats.end(key, seat, Date.now())
    }
  }
}

/** An answer before the body was read: a body still coming closes the connection, so Node does
 * not read it through to reuse the connection. */
function refuse(
  res: http.ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body: unknown,
) {
  const req = res.req
  const bodyComing =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  answer(res, status, headers, body, bodyComing)
}

const tooLarge = { code: 'too_large', error: `the body is over ${MAX_MATCHMAKE_BODY} bytes` }
