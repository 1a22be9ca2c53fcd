// Wallet sign-in (EIP-4361, Sign-In with Ethereum) and the sessions it opens.
//
// POST /api/auth/nonce gives a single-use nonce that expires in 5 minutes. The wallet signs a
// message naming this server's domain, the chain and that nonce; POST /api/auth/verify checks
// all of it (src/chain/siwe.ts) and returns a bearer token bound to the signing address.
// Sessions live in this process's memory: a restart signs everyone out.
import { randomBytes } from 'node:crypto'
import { SiweError, SiweVerifier } from '../src/chain/siwe'

export interface Session {
  address: string
  expiresAt: number
}

export const SESSION_TTL_MS = 24 * 60 * 60_000
const MAX_SESSIONS = 100_000

export class Sessions {
  private readonly byToken = new Map<string, Session>()
  readonly siwe: SiweVerifier

  constructor(private readonly now: () => number = Date.now) {
    this.siwe = new SiweVerifier({ now })
  }

  /** Checks a signed message; on success opens a session for the address that signed it. */
  async signIn(
    body: { message: string; signature: string },
    expect: { domain: string; chainId: number },
  ): Promise<{ token: string; session: Session }> {
    const { address } = await this.siwe.verify(body, expect)
    this.sweep()
    const token = randomBytes(32).toString('base64url')
    const session = { address, expiresAt: this.now() + SESSION_TTL_MS }
    this.byToken.set(token, session)
    return { token, session }
  }

  /** The session of an `Authorization: Bearer <token>` header, or null. */
  fromHeader(header: string | undefined): Session | null {
    const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header ?? '')?.[1]
    if (!token) return null
    const session = this.byToken.get(token)
    if (!session) return null
    if (session.expiresAt <= this.now()) {
      this.byToken.delete(token)
      return null
    }
    return session
  }

  signOut(header: string | undefined) {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1]
    if (token) this.byToken.delete(token)
  }

  private sweep() {
    if (this.byToken.size < MAX_SESSIONS) return
    const now = this.now()
    for (const [token, s] of this.byToken) if (s.expiresAt <= now) this.byToken.delete(token)
    // Still full: the oldest sessions go first (Map keeps insertion order).
    for (const token of this.byToken.keys()) {
      if (this.byToken.size < MAX_SESSIONS) break
      this.byToken.delete(token)
    }
  }
}

export { SiweError }
