// Wallet sign-in (EIP-4361, Sign-In with Ethereum) and the sessions it opens.
//
// POST /api/auth/nonce gives a single-use nonce that expires in 5 minutes. The wallet signs a
// message naming this server's domain, the chain and that nonce; POST /api/auth/verify checks
// all of it (src/chain/siwe.ts) and returns a bearer token bound to the signing address.
// Nonces and sessions live in stores: this process's memory by default (a restart signs
// everyone out), or Redis shared by every process with REDIS_URL (server/authRedis.ts).
//
// Sign-in is bound to this site: a message must name one of its origins (PUBLIC_ORIGIN, or this
// server's own loopback origins when it listens on loopback), so a signature a hostile site
// collected cannot be replayed here. Signing out tells every room (SIGN_OUT_CHANNEL) to unbind
// the seats that authenticated with that token.
import { createHash, randomBytes } from 'node:crypto'
import { errorField, log as processLog, type Logger } from './log'
import {
  SiweError,
  SiweVerifier,
  type SiweExpectation,
  type SiweNonceStore,
} from '../src/chain/siwe'

export interface Session {
  address: string
  expiresAt: number
}

/**
 * Where sessions are kept, by bearer token. A store that cannot be reached rejects with
 * AuthUnavailableError: callers answer that request with a 503, never crash.
 */
export interface SessionStore {
  /** Keeps the session until its expiresAt (a store may drop it then, or earlier when full). */
  put(token: string, session: Session): Promise<void>
  /** The session stored under the token (possibly expired: Sessions checks), or null. */
  get(token: string): Promise<Session | null>
  delete(token: string): Promise<void>
  /** Whether `address` has a session that has not ended (a gift to an address asks). */
  signedIn(address: string): Promise<boolean>
}

/** The nonce or session store cannot be reached right now (e.g. Redis is down). */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AuthUnavailableError'
  }
}

/** What an HTTP request gets (with status 503 and Retry-After) when the stores are down. */
export const AUTH_UNAVAILABLE = {
  error: 'auth_unavailable',
  message: 'sign-in is unavailable right now (its store cannot be reached): try again',
  retryAfterS: 5,
} as const

export const SESSION_TTL_MS = 24 * 60 * 60_000

/** Presence channel on which a sign-out names the token's hash (tokenHash) to every room. */
export const SIGN_OUT_CHANNEL = 'cq:auth:signout'

/** SHA-256 hex of a bearer token: what Redis keys and room seats keep instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** The sites a server signs in for, or why it signs no one in. */
export type SignInSites = { origins: string[] } | { off: string }

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i

/**
 * The origins sign-in messages must name: PUBLIC_ORIGIN when set; otherwise, when the server
 * listens on loopback (`serverUrl` is how it is reached there), its own loopback origins on its
 * port; otherwise none, and sign-in is off until PUBLIC_ORIGIN says where browsers load it.
 */
export function signInSites(
  configured: readonly string[] | undefined,
  serverUrl: string,
): SignInSites {
  if (configured && configured.length > 0) return { origins: [...configured] }
  const url = new URL(serverUrl)
  if (!LOOPBACK.test(url.hostname)) {
    return {
      off:
        `sign-in is off: this server listens on ${url.hostname}, not loopback, and PUBLIC_ORIGIN ` +
        'is unset; set PUBLIC_ORIGIN to the origin(s) browsers load it from (https://cq.example.com)',
    }
  }
  const port = url.port ? `:${url.port}` : ''
  return {
    origins: ['127.0.0.1', 'localhost', '[::1]'].map((host) => `${url.protocol}//${host}${port}`),
  }
}
const MAX_SESSIONS = 100_000

/** Sessions in this process's memory: at most `maxSessions`, expired then oldest go first. */
export class MemorySessionStore implements SessionStore {
  private readonly byToken = new Map<string, Session>()
  private readonly now: () => number
  private readonly maxSessions: number

  constructor(opts: { now?: () => number; maxSessions?: number } = {}) {
    this.now = opts.now ?? Date.now
    this.maxSessions = Math.max(1, opts.maxSessions ?? MAX_SESSIONS)
  }

  get size(): number {
    return this.byToken.size
  }

  put(token: string, session: Session): Promise<void> {
    this.sweep()
    this.byToken.set(token, { address: session.address, expiresAt: session.expiresAt })
    return Promise.resolve()
  }

  get(token: string): Promise<Session | null> {
    const session = this.byToken.get(token)
    return Promise.resolve(session ? { ...session } : null)
  }

  delete(token: string): Promise<void> {
    this.byToken.delete(token)
    return Promise.resolve()
  }

  signedIn(address: string): Promise<boolean> {
    const now = this.now()
    const a = address.toLowerCase()
    for (const s of this.byToken.values())
      if (s.expiresAt > now && s.address.toLowerCase() === a) return Promise.resolve(true)
    return Promise.resolve(false)
  }

  private sweep() {
    if (this.byToken.size < this.maxSessions) return
    const now = this.now()
    for (const [token, s] of this.byToken) if (s.expiresAt <= now) this.byToken.delete(token)
    // Still full: the oldest sessions go first (Map keeps insertion order).
    for (const token of this.byToken.keys()) {
      if (this.byToken.size < this.maxSessions) break
      this.byToken.delete(token)
    }
  }
}

export interface SessionsOptions {
  /** The clock, ms since the epoch (tests pass a fake one). */
  now?: () => number
  /** Default: a MemorySessionStore. */
  sessions?: SessionStore
  /** Default: the SIWE verifier's MemoryNonceStore. */
  nonces?: SiweNonceStore
  /** Told the token hash of every session signed out (to unbind room seats everywhere). */
  onSignOut?: (hash: string) => Promise<void> | void
  log?: Logger
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,100})$/

export class Sessions {
  readonly siwe: SiweVerifier
  private readonly now: () => number
  private readonly store: SessionStore
  private readonly onSignOut: SessionsOptions['onSignOut']
  private readonly log: Logger

  constructor(opts: SessionsOptions = {}) {
    this.now = opts.now ?? Date.now
    this.store = opts.sessions ?? new MemorySessionStore({ now: this.now })
    this.siwe = new SiweVerifier({ now: this.now, ...(opts.nonces && { nonces: opts.nonces }) })
    this.onSignOut = opts.onSignOut
    this.log = opts.log ?? processLog
  }

  /**
   * Checks a signed message; on success opens a session for the address that signed it, until
   * the message's Expiration Time or SESSION_TTL_MS from now, whichever comes first.
   */
  async signIn(
    body: { message: string; signature: string },
    expect: SiweExpectation,
  ): Promise<{ token: string; session: Session }> {
    const verified = await this.siwe.verify(body, expect)
    const token = randomBytes(32).toString('base64url')
    const expiresAt = Math.min(this.now() + SESSION_TTL_MS, verified.expiresAt ?? Infinity)
    const session = { address: verified.address, expiresAt }
    await this.store.put(token, session)
    return { token, session }
  }

  /**
   * The session of an `Authorization: Bearer <token>` header, or null. Rejects with
   * AuthUnavailableError when the store cannot be reached.
   */
  async fromHeader(header: string | undefined): Promise<Session | null> {
    const token = BEARER.exec(header ?? '')?.[1]
    if (!token) return null
    const session = await this.store.get(token)
    if (!session) return null
    if (session.expiresAt <= this.now()) {
      await this.store.delete(token)
      return null
    }
    return session
  }

  /** Ends the header's session and has the rooms unbind the seats that used it. */
  /** Whether `address` is signed in here (a session that has not ended). */
  signedIn(address: string): Promise<boolean> {
    return this.store.signedIn(address)
  }

  async signOut(header: string | undefined): Promise<void> {
    const token = BEARER.exec(header ?? '')?.[1]
    if (!token) return
    await this.store.delete(token)
    try {
      await this.onSignOut?.(tokenHash(token))
    } catch (err) {
      // The session is gone; only seats already bound keep their address until they leave.
      this.log.error({ error: errorField(err) }, 'sign-out not told to the rooms')
    }
  }
}

export { SiweError }
