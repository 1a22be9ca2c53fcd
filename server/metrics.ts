// Prometheus metrics of one server process (prom-client), served at /metrics: counters that
// rooms and services bump through the small functions of `metrics`, and gauges read at scrape
// time from the matchmaker, the database pool, Redis and live events. Runs in the server only.
import type http from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { matchMaker } from '@colyseus/core'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { ClientMessages, type ErrorCode } from '../src/protocol/messages'
import { log, errorField } from './log'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'cangqiong_' })

const messages = new Counter({
  name: 'cangqiong_messages_total',
  help: 'Client messages received by rooms, by type (unknown types count as "other")',
  labelNames: ['type'] as const,
  registers: [registry],
})
const refusals = new Counter({
  name: 'cangqiong_refusals_total',
  help: 'Client messages refused by rooms, by error code',
  labelNames: ['code'] as const,
  registers: [registry],
})
const poseFrames = new Histogram({
  name: 'cangqiong_pose_frame_bytes',
  help: 'Size of each binary pose frame sent to a visitor, bytes',
  buckets: [16, 64, 256, 1024, 4096, 16384],
  registers: [registry],
})
const chainCalls = new Histogram({
  name: 'cangqiong_chain_rpc_seconds',
  help: 'JSON-RPC requests to trusted chains, by chain id and RPC method',
  labelNames: ['chain', 'method'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})
const chainErrors = new Counter({
  name: 'cangqiong_chain_rpc_errors_total',
  help: 'JSON-RPC requests that failed (after trying every endpoint), by chain id and method',
  labelNames: ['chain', 'method'] as const,
  registers: [registry],
})
const draining = new Gauge({
  name: 'cangqiong_draining',
  help: '1 while this process drains for shutdown (SIGTERM)',
  registers: [registry],
})

/** Work done at each scrape to refresh gauges; each source is registered by what owns it. */
type Source = () => Promise<void> | void
const sources = new Set<Source>()

function scraped(source: Source): () => void {
  sources.add(source)
  return () => void sources.delete(source)
}

const rooms = new Gauge({
  name: 'cangqiong_rooms',
  help: 'Rooms hosted by this process, by room name',
  labelNames: ['name'] as const,
  registers: [registry],
})
const clients = new Gauge({
  name: 'cangqiong_clients',
  help: 'Clients connected to rooms of this process, by room name',
  labelNames: ['name'] as const,
  registers: [registry],
})
const dbPool = new Gauge({
  name: 'cangqiong_db_pool_connections',
  help: 'PostgreSQL pool connections: total, idle, and requests waiting for one',
  labelNames: ['state'] as const,
  registers: [registry],
})
const dbUp = new Gauge({
  name: 'cangqiong_db_open',
  help: '1 while the database is open, by engine (pglite or postgres)',
  labelNames: ['engine'] as const,
  registers: [registry],
})
const redisUp = new Gauge({
  name: 'cangqiong_redis_up',
  help: '1 when Redis (presence) answered a command at this scrape, 0 when not',
  registers: [registry],
})
const redisSeconds = new Gauge({
  name: 'cangqiong_redis_roundtrip_seconds',
  help: 'Time Redis took to answer at the last scrape',
  registers: [registry],
})
const attendance = new Gauge({
  name: 'cangqiong_event_attendance',
  help: 'Attendance of each live event hosted here (every instance on every process)',
  labelNames: ['event'] as const,
  registers: [registry],
})

const KNOWN_TYPES = new Set(Object.keys(ClientMessages))

/** What the rest of the server calls; each call is a counter bump, cheap enough per message. */
export const metrics = {
  /** A room received a client message of this type (client-chosen: bounded to known types). */
  message(type: unknown) {
    messages.inc({ type: typeof type === 'string' && KNOWN_TYPES.has(type) ? type : 'other' })
  },
  /** A room refused a client message (or a visitor) with this code. */
  refusal(code: ErrorCode) {
    refusals.inc({ code })
  },
  /** A pose frame of `bytes` went to one visitor. */
  poseBytes(bytes: number) {
    poseFrames.observe(bytes)
  },
  draining(on: boolean) {
    draining.set(on ? 1 : 0)
  },
}

/**
 * Times every JSON-RPC request of an EVM adapter (its `send(method, params)`, through which all
 * its reads go) and counts the failed ones, by chain and RPC method. Wraps in place.
 */
export function instrumentRpc<T extends object>(adapter: T, chainId: number): T {
  const chain = String(chainId)
  const target = adapter as Record<string, unknown>
  const send = target.send
  if (typeof send !== 'function') {
    log.warn({ chain }, 'chain adapter has no send(): RPC metrics are off for it')
    return adapter
  }
  target.send = async (...args: unknown[]) => {
    const method = typeof args[0] === 'string' ? args[0].slice(0, 40) : 'unknown'
    const end = chainCalls.startTimer({ chain, method })
    try {
      return await (send as (...a: unknown[]) => Promise<unknown>).apply(adapter, args)
    } catch (err) {
      chainErrors.inc({ chain, method })
      throw err
    } finally {
      end()
    }
  }
  return adapter
}

/** Rooms and clients of this process, from the matchmaker's listing of its rooms. */
export function watchRooms(): () => void {
  return scraped(async () => {
    rooms.reset()
    clients.reset()
    const listed = await matchMaker.query({ processId: matchMaker.processId })
    for (const room of listed) {
      rooms.inc({ name: room.name })
      clients.inc({ name: room.name }, room.clients)
    }
  })
}

export interface PoolStats {
  total: number
  idle: number
  waiting: number
}

/** The database: open (by engine) and, for PostgreSQL, its pool. */
export function watchDatabase(db: { engine: string; pool?: () => PoolStats }): () => void {
  const stop = scraped(() => {
    dbUp.set({ engine: db.engine }, 1)
    const p = db.pool?.()
    if (p)
      for (const state of ['total', 'idle', 'waiting'] as const) dbPool.set({ state }, p[state])
  })
  return () => {
    stop()
    dbUp.remove({ engine: db.engine })
    dbPool.reset()
  }
}

/** Redis: one command per scrape, bounded so a hung Redis cannot hang the scrape. */
export function watchRedis(ping: () => Promise<unknown>, timeoutMs = 1000): () => void {
  const stop = scraped(async () => {
    const started = performance.now()
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)
        }),
      ])
      redisUp.set(1)
      redisSeconds.set((performance.now() - started) / 1000)
    } catch {
      redisUp.set(0)
    } finally {
      clearTimeout(timer)
    }
  })
  return () => {
    stop()
    redisUp.reset()
    redisSeconds.reset()
  }
}

/** Live events' attendance: `read` gives each event hosted here and its attendance. */
export function watchAttendance(read: () => Promise<Map<string, number>>): () => void {
  const stop = scraped(async () => {
    const now = await read()
    attendance.reset()
    for (const [event, n] of now) attendance.set({ event }, n)
  })
  return () => {
    stop()
    attendance.reset()
  }
}

const SOURCE_TIMEOUT_MS = 1500

/** The Prometheus text of every metric, after refreshing the scrape-time gauges. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  await Promise.all(
    [...sources].map(async (source) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        // A part that hangs (Redis behind the room listing) must not hang the scrape.
        await Promise.race([
          source(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), SOURCE_TIMEOUT_MS)
          }),
        ])
      } catch (err) {
        // A part that is stopping or down leaves its gauges as they were; the scrape goes on.
        log.debug({ error: errorField(err) }, 'metrics source failed')
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  return { contentType: registry.contentType, body: await registry.metrics() }
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/**
 * Who may read /metrics: with a token, whoever sends `Authorization: Bearer <token>` (403
 * otherwise); without one, loopback clients only (404 to others, as if there were no route).
 */
export function metricsAccess(
  remoteAddress: string | undefined,
  authorization: string | undefined,
  token: string | undefined,
): 200 | 403 | 404 {
  if (!token) return isLoopback(remoteAddress) ? 200 : 404
  const given = /^Bearer (\S{1,512})$/.exec(authorization ?? '')?.[1]
  if (!given) return 403
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b) ? 200 : 403
}

/** The /metrics route. */
export async function serveMetrics(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  token: string | undefined,
): Promise<void> {
  const access = metricsAccess(req.socket.remoteAddress, req.headers.authorization, token)
  if (access !== 200) {
    res.writeHead(access, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(access === 404 ? 'not found' : 'forbidden: send Authorization: Bearer <METRICS_TOKEN>')
    return
  }
  const { contentType, body } = await scrape()
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' })
  res.end(body)
}
