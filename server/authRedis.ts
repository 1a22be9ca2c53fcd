// Sign-in nonces and wallet sessions in Redis (REDIS_URL), so that every server process behind
// a load balancer knows every nonce and session, whichever process issued it. Node only.
//
// Keys, under `cq:auth:`:
//   nonce:<nonce>          its expiry (ms since the epoch), then "used"; kept rememberMs past expiry
//   session:<sha256 hex>   {"address","expiresAt"} JSON, expiring with the session; the key is a
//                          hash of the bearer token, so whoever reads Redis cannot sign in
// A Redis that cannot be reached makes each call reject with AuthUnavailableError at once (no
// offline queue, short command timeout): that request gets a 503, the process keeps running.
import { Redis } from 'ioredis'
import type { NonceSpend, SiweNonceStore } from '../src/chain/siwe'
import { AuthUnavailableError, tokenHash, type Session, type SessionStore } from './auth'
import { clip, log as processLog, type Logger } from './log'

export const AUTH_KEY_PREFIX = 'cq:auth:'

export interface RedisAuth {
  nonces: SiweNonceStore
  sessions: SessionStore
  /** Closes the connection (idempotent); resolves once it has ended and emits nothing more. */
  close(): Promise<void>
}

export interface RedisAuthOptions {
  /** How long a spent or expired nonce is remembered past its expiry, ms (default 5 min). */
  rememberMs?: number
  /** The clock for session expiry (tests pass a fake one). */
  now?: () => number
  /** Longest wait for one command, ms (default 2,000). */
  commandTimeoutMs?: number
  /** Key prefix (tests use their own). */
  prefix?: string
  log?: Logger
}

/** Opens one connection for both stores; rejects when Redis cannot be reached. */
export async function openRedisAuth(url: string, opts: RedisAuthOptions = {}): Promise<RedisAuth> {
  const log = opts.log ?? processLog
  const timeout = opts.commandTimeoutMs ?? 2000
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeout,
    commandTimeout: timeout,
    // Fail fast while disconnected instead of queueing requests behind a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  })
  // One line per outage (a closed connection, or an error first); ioredis keeps reconnecting.
  let down = false
  let closing = false
  const lost = (why: string) => {
    if (down || closing) return
    down = true
    log.warn({ reason: clip(why) }, 'sign-in redis unavailable: sign-in answers 503')
  }
  redis.on('error', (err: Error) => lost(err.message))
  redis.on('close', () => lost('connection closed'))
  redis.on('ready', () => {
    if (down) log.info('sign-in redis back')
    down = false
  })
  try {
    await redis.connect()
  } catch (err) {
    redis.disconnect()
    throw new AuthUnavailableError(`cannot reach Redis for sign-in: ${(err as Error).message}`, {
      cause: err,
    })
  }

  const prefix = opts.prefix ?? AUTH_KEY_PREFIX
  const rememberMs = opts.rememberMs ?? 5 * 60_000
  const now = opts.now ?? Date.now
  const run = async <T>(what: string, command: () => Promise<T>): Promise<T> => {
    try {
      return await command()
    } catch (err) {
      throw new AuthUnavailableError(`sign-in store unavailable (${what})`, { cause: err })
    }
  }
  const nonceKey = (nonce: string) => `${prefix}nonce:${nonce}`
  const sessionKey = (token: string) => `${prefix}session:${tokenHash(token)}`
  // Per address, its sessions' token hashes scored by their end: "is this wallet signed in?"
  const addressKey = (address: string) => `${prefix}address:${address.toLowerCase()}`

  const nonces: SiweNonceStore = {
    async add(nonce, expiresAt, at) {
      const keepMs = Math.max(1, Math.ceil(expiresAt - at + rememberMs))
      const ok = await run('issue nonce', () =>
        redis.set(nonceKey(nonce), String(expiresAt), 'PX', keepMs, 'NX'),
      )
      return ok === 'OK'
    },
    async spend(nonce, at): Promise<NonceSpend> {
      // One atomic step: mark it used (only if it exists, keeping its TTL) and read what it was.
      const before = await run('spend nonce', () =>
        redis.set(nonceKey(nonce), 'used', 'KEEPTTL', 'XX', 'GET'),
      )
      if (before === null) return 'unknown'
      if (before === 'used') return 'used'
      const expiresAt = Number(before)
      if (!Number.isFinite(expiresAt)) return 'unknown'
      return at >= expiresAt ? 'expired' : 'fresh'
    },
  }

  const sessions: SessionStore = {
    async put(token, session) {
      const ttlMs = Math.ceil(session.expiresAt - now())
      if (ttlMs <= 0) return
      const value = JSON.stringify({ address: session.address, expiresAt: session.expiresAt })
      const key = addressKey(session.address)
      await run('open session', () =>
        redis
          .multi()
          .set(sessionKey(token), value, 'PX', ttlMs)
          .zremrangebyscore(key, '-inf', now())
          .zadd(key, session.expiresAt, tokenHash(token))
          // Sessions are all as long: the newest ends last.
          .pexpireat(key, session.expiresAt)
          .exec(),
      )
    },
    async get(token) {
      const raw = await run('read session', () => redis.get(sessionKey(token)))
      return raw === null ? null : parseSession(raw)
    },
    async delete(token) {
      const raw = await run('read session', () => redis.get(sessionKey(token)))
      const session = raw === null ? null : parseSession(raw)
      await run('end session', () => {
        const m = redis.multi().del(sessionKey(token))
        if (session) m.zrem(addressKey(session.address), tokenHash(token))
        return m.exec()
      })
    },
    async signedIn(address) {
      const n = await run('read sessions', () => redis.zcount(addressKey(address), now(), '+inf'))
      return n > 0
    },
  }

  let closed: Promise<void> | undefined
  return {
    nonces,
    sessions,
    close() {
      closed ??= (async () => {
        closing = true
        try {
          if (redis.status === 'ready') {
            // QUIT ends the connection for good: ioredis emits 'end' after its last 'close'.
            const ended = new Promise((r) => redis.once('end', r))
            await redis.quit()
            await ended
          }
        } catch {
          // Already gone: disconnect below is enough.
        } finally {
          redis.disconnect()
        }
      })()
      return closed
    },
  }
}

function parseSession(raw: string): Session | null {
  try {
    const v = JSON.parse(raw) as Partial<Session>
    if (typeof v.address !== 'string' || typeof v.expiresAt !== 'number') return null
    return { address: v.address, expiresAt: v.expiresAt }
  } catch {
    return null
  }
}
