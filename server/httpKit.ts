// Small pieces the HTTP APIs share (server/chain.ts, server/events/http.ts, server/limits.ts):
// who the client is (TRUST_PROXY), per-client rate limits and a size-capped JSON body reader.
import type http from 'node:http'
import { BlockList, isIP } from 'node:net'
import { RateLimiter } from '../src/protocol/messages'
import { AUTH_UNAVAILABLE, AuthUnavailableError } from './auth'
import { DatabaseError } from './db/database'

/** Largest JSON body the APIs read. */
export const MAX_BODY = 16 * 1024

/** Token buckets per client address, forgotten when idle (a bounded map). */
export class PerClientLimit {
  private readonly buckets = new Map<string, RateLimiter>()
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string): boolean {
    const now = Date.now()
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.buckets.clear()
      bucket = new RateLimiter(this.perSecond, this.burst, now)
      this.buckets.set(key, bucket)
    }
    return bucket.take(now)
  }
}

/**
 * One percent-encoded path segment as text; null when the encoding is broken ("%E0%A4%A",
 * "%ZZ", a lone "%"), so the route can answer 400 instead of throwing.
 */
export function decodePathPart(raw: string): string | null {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

export async function readJson(
  req: http.IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) return { ok: false, status: 413, message: `body over ${MAX_BODY} bytes` }
    chunks.push(chunk)
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }
  } catch {
    return { ok: false, status: 400, message: 'body is not JSON' }
  }
}

/**
 * Answers the failures every API shares: the session store (Redis) or the database cannot be
 * reached right now (503, retry). True when `err` was one of them and the answer is sent.
 */
export function answerUnavailable(
  res: http.ServerResponse,
  err: unknown,
  json: (res: http.ServerResponse, status: number, body: unknown) => void,
): boolean {
  if (err instanceof AuthUnavailableError) {
    res.setHeader('retry-after', String(AUTH_UNAVAILABLE.retryAfterS))
    json(res, 503, AUTH_UNAVAILABLE)
    return true
  }
  if (err instanceof DatabaseError && err.unreachable) {
    // PostgreSQL restarting: nothing was changed, and it will be back.
    res.setHeader('retry-after', '5')
    json(res, 503, {
      error: 'storage_unavailable',
      message: 'the database cannot be reached right now: try again shortly',
      retryAfterS: 5,
    })
    return true
  }
  return false
}

// ---- who the client is ------------------------------------------------------------------
// Behind reverse proxies the socket's peer is the proxy; X-Forwarded-For names the client, but
// anyone can send that header, so it is read only as far as TRUST_PROXY allows.

/** null: the socket's address only; hops: the Nth X-Forwarded-For entry from the right;
 * trusted: walk X-Forwarded-For from the right past these proxies. */
export type TrustProxy = null | { hops: number } | { trusted: BlockList; text: string }

/** X-Forwarded-For entries looked at, from the right (the header itself is under 16 KB). */
const MAX_FORWARDED = 32

const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/** TRUST_PROXY: unset, a hop count (1–16), or comma-separated CIDRs, addresses, `loopback`
 * and `private`. Throws with a message naming the bad part. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const text = raw?.trim() ?? ''
  if (text === '') return null
  if (/^\d+$/.test(text)) {
    const hops = Number(text)
    if (hops < 1 || hops > 16) throw new Error(`a hop count is 1 to 16, got ${hops}`)
    return { hops }
  }
  const trusted = new BlockList()
  for (const part of text.split(',').map((p) => p.trim())) {
    for (const range of NAMED_RANGES[part] ?? [part]) {
      const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(range)
      const address = m && ipAddress(m[1]!)
      if (!m || !address) {
        throw new Error(
          `"${part.slice(0, 60)}" is not a hop count, an address, a CIDR, loopback or private`,
        )
      }
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6'
      const max = family === 'ipv4' ? 32 : 128
      const prefix = m[2] === undefined ? max : Number(m[2])
      if (prefix > max) throw new Error(`"${part.slice(0, 60)}": the prefix is at most /${max}`)
      trusted.addSubnet(address, prefix, family)
    }
  }
  return { trusted, text }
}

/** A bare IP address from a socket or an X-Forwarded-For entry (brackets, port and zone removed,
 * IPv4-mapped IPv6 as IPv4); null for anything else. */
export function ipAddress(raw: string): string | null {
  let s = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s)
  if (bracketed) s = bracketed[1]!
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'))
  s = s.replace(/%.*$/, '').toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (mapped) s = mapped[1]!
  return isIP(s) ? s : null
}

function isTrusted(list: BlockList, address: string) {
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')
}

/** The client's address as TRUST_PROXY allows this server to know it. */
export function clientAddress(req: http.IncomingMessage, trust: TrustProxy): string {
  const peer = ipAddress(req.socket.remoteAddress ?? '') ?? 'unknown'
  if (!trust) return peer
  const header = req.headers['x-forwarded-for']
  const forwarded = (typeof header === 'string' ? header.split(',') : []).slice(-MAX_FORWARDED)
  if (forwarded.length === 0) return peer
  if ('hops' in trust) {
    // Fewer entries than hops: the leftmost was still written by one of our proxies.
    return ipAddress(forwarded[Math.max(0, forwarded.length - trust.hops)]!) ?? peer
  }
  let client = peer
  for (let i = forwarded.length - 1; i >= 0 && isTrusted(trust.trusted, client); i--) {
    const next = ipAddress(forwarded[i]!)
    if (!next) break
    client = next
  }
  return client
}

/**
 * The key per-client limits count under: an IPv4 address, or an IPv6 address's /64 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function limitKey(address: string): string {
  if (!address.includes(':')) return address
  const [head = '', tail] = address.split('::')
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - width(h) - width(t)).fill('0'), ...t]
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}

const clients = new WeakMap<http.IncomingMessage, string>()

/** Works out the request's client once, at the edge (server/app.ts), for every handler after. */
export function tagClient(req: http.IncomingMessage, trust: TrustProxy): string {
  const address = clientAddress(req, trust)
  clients.set(req, address)
  return address
}

/** The per-client limit key of a request: its tagged client, else its socket's address. */
export function clientKey(req: http.IncomingMessage): string {
  return limitKey(clients.get(req) ?? clientAddress(req, null))
}

/** Reads at most `cap` bytes of body: 'too_large' as soon as it is over (the rest is never
 * read), 'gone' if the client went away first. */
export function readCapped(
  req: http.IncomingMessage,
  cap: number,
): Promise<Buffer | 'too_large' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= cap) return void chunks.push(chunk)
      done()
      req.pause()
      resolve('too_large')
    }
    const onEnd = () => {
      done()
      resolve(Buffer.concat(chunks))
    }
    const onError = () => {
      done()
      resolve('gone')
    }
    const onClose = onError
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

/** A refusal an HTTP API answers with its status, code, message and Retry-After. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterS?: number,
    /** More fields of the answer (a refused collectible's `reasons`). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message)
  }
}

/** `store`, or a 503 saying whether storage is still starting or failed (`failure`). */
export function storeOrRefuse<T>(store: T | null, failure: string | null): T {
  if (store) return store
  throw new HttpRefusal(
    503,
    failure ? 'storage_unavailable' : 'storage_starting',
    failure ?? 'the database is starting',
    failure ? 10 : 2,
  )
}
