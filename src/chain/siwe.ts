// Sign-In with Ethereum (EIP-4361): the message a wallet signs to prove it controls an address,
// and the server-side check of that signature against a single-use nonce.
//
// The message format is parsed strictly, line by line, after the EIP's ABNF, so what the server
// accepts is exactly what the wallet showed the user. One deliberate relaxation: the statement
// may hold any printable Unicode text (the ABNF allows ASCII only) so it can be written in
// Chinese; control, bidi-override and line-separator characters stay forbidden, and wallets'
// SIWE detectors (MetaMask's accepts any statement without a line break) still recognise it.
//
// Isomorphic: the verifier keeps its nonces in an injected async store (memory by default),
// takes a clock function and gets its randomness from crypto.getRandomValues; signatures are
// checked with ethers.
//
// It is one file because building, parsing and checking the message follow the one grammar and must
// agree line for line.
import { getAddress, verifyMessage } from 'ethers'

export interface SiweFields {
  /** Optional URI scheme before the domain ("https"): `https://example.com wants you…`. */
  scheme?: string
  /** RFC 3986 authority: host[:port]. */
  domain: string
  /** EIP-55 checksummed. */
  address: string
  /** One line of human-readable text, never empty when present. */
  statement?: string
  uri: string
  version: '1'
  chainId: number
  /** At least 8 letters and digits. */
  nonce: string
  /** RFC 3339 date-times, kept as written. */
  issuedAt: string
  expirationTime?: string
  notBefore?: string
  requestId?: string
  resources?: string[]
}

export const SIWE_ERROR_CODES = [
  'bad_message',
  'wrong_domain',
  'wrong_chain',
  'unknown_nonce',
  'nonce_expired',
  'nonce_used',
  'bad_signature',
  'message_expired',
  'not_yet_valid',
] as const
export type SiweErrorCode = (typeof SIWE_ERROR_CODES)[number]

export class SiweError extends Error {
  constructor(
    readonly code: SiweErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'SiweError'
  }
}

/** Longest message the parser looks at. */
export const SIWE_MAX_MESSAGE_CHARS = 16 * 1024

const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:'

// ---- field grammar ----------------------------------------------------------------------

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/
// authority = [ userinfo "@" ] host [ ":" port ]; host is a reg-name, IPv4 or [IP-literal].
const AUTHORITY =
  /^(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:\[[0-9A-Fa-f:.vV]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]*)?$/
// An RFC 3986 URI: scheme ":" then only URI characters, every "%" starting a valid escape.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const NONCE = /^[A-Za-z0-9]{8,}$/
const CHAIN_ID = /^[1-9][0-9]*$/
const REQUEST_ID = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/
// Statement: printable text without control, bidi, zero-width or line/paragraph separators.
// eslint-disable-next-line no-control-regex
const STATEMENT_BAD = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/** RFC 3339 date-time → ms since the epoch; NaN when it is not one (Feb 30 included). */
export function parseSiweTime(s: string): number {
  const m = DATE_TIME.exec(s)
  if (!m) return NaN
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 60) return NaN
  let offset = 0
  if (!m[8]) {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) return NaN
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0
  // A leap second counts as the last millisecond of the minute.
  const ms = sec === 60 ? 999 : frac
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59), ms) - offset
  // Years 0–99 would be taken as 1900–1999 by Date.UTC; a sign-in is never that old.
  return y < 1000 ? NaN : t
}

function isChecksummed(address: string): boolean {
  try {
    return getAddress(address) === address
  } catch {
    return false
  }
}

/** The first problem with these fields, or null. Addresses must already be checksummed. */
function problemWith(f: SiweFields): string | null {
  if (f.scheme !== undefined && !SCHEME.test(f.scheme)) return 'scheme is not a URI scheme'
  if (typeof f.domain !== 'string' || !AUTHORITY.test(f.domain)) {
    return 'domain is not a host[:port]'
  }
  if (typeof f.address !== 'string' || !ADDRESS.test(f.address)) {
    return 'address is not 0x and 40 hex digits'
  }
  if (!isChecksummed(f.address)) return 'address is not EIP-55 checksummed'
  if (f.statement !== undefined) {
    if (typeof f.statement !== 'string' || f.statement === '') return 'statement is empty'
    if (STATEMENT_BAD.test(f.statement)) {
      return 'statement has line breaks or control characters'
    }
  }
  if (typeof f.uri !== 'string' || !URI.test(f.uri)) return 'URI is not an RFC 3986 URI'
  if (f.version !== '1') return 'version must be 1'
  if (!Number.isSafeInteger(f.chainId) || f.chainId < 1) {
    return 'chain id is not a positive integer'
  }
  if (typeof f.nonce !== 'string' || !NONCE.test(f.nonce)) {
    return 'nonce is not 8 or more letters and digits'
  }
  for (const [name, value] of [
    ['issued-at', f.issuedAt],
    ['expiration time', f.expirationTime],
    ['not-before', f.notBefore],
  ] as const) {
    if (value === undefined && name !== 'issued-at') continue
    if (typeof value !== 'string' || Number.isNaN(parseSiweTime(value))) {
      return `${name} is not an RFC 3339 date-time`
    }
  }
  if (f.requestId !== undefined && !REQUEST_ID.test(f.requestId)) {
    return 'request id has characters outside RFC 3986 pchar'
  }
  if (f.resources !== undefined) {
    if (!Array.isArray(f.resources)) return 'resources is not a list'
    const i = f.resources.findIndex((r) => typeof r !== 'string' || !URI.test(r))
    if (i >= 0) return `resource ${i + 1} is not an RFC 3986 URI`
  }
  return null
}

// ---- build and parse --------------------------------------------------------------------

/**
 * The EIP-4361 message text for these fields. The address may be given all lowercase; it is
 * written EIP-55 checksummed (a mixed-case address with a wrong checksum is refused). Throws SiweError('bad_message') naming the bad field.
 */
export function buildSiweMessage(fields: SiweFields): string {
  let address = fields.address
  if (typeof address === 'string' && ADDRESS.test(address)) {
    try {
      address = getAddress(address)
    } catch {
      // A mixed-case address with a wrong checksum: left as is, problemWith reports it.
    }
  }
  const f = { ...fields, address }
  const problem = problemWith(f)
  if (problem) throw new SiweError('bad_message', `cannot build the message: ${problem}`)
  const lines = [
    `${f.scheme ? `${f.scheme}://` : ''}${f.domain}${HEADER_SUFFIX}`,
    f.address,
    '',
    ...(f.statement !== undefined ? [f.statement, ''] : ['']),
    `URI: ${f.uri}`,
    `Version: ${f.version}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
  ]
  if (f.expirationTime !== undefined) lines.push(`Expiration Time: ${f.expirationTime}`)
  if (f.notBefore !== undefined) lines.push(`Not Before: ${f.notBefore}`)
  if (f.requestId !== undefined) lines.push(`Request ID: ${f.requestId}`)
  if (f.resources !== undefined) lines.push('Resources:', ...f.resources.map((r) => `- ${r}`))
  return lines.join('\n')
}

/**
 * Parses an EIP-4361 message strictly: fields in the EIP's order, "\n" line ends, no trailing
 * newline, the address EIP-55 checksummed. Throws SiweError('bad_message') saying what is wrong.
 */
export function parseSiweMessage(text: string): SiweFields {
  const bad = (why: string) => new SiweError('bad_message', `not a sign-in message: ${why}`)
  if (typeof text !== 'string') throw bad('not text')
  if (text.length > SIWE_MAX_MESSAGE_CHARS) {
    throw bad(`longer than ${SIWE_MAX_MESSAGE_CHARS} characters`)
  }
  const lines = text.split('\n')
  let at = 0
  const next = () => lines[at++]
  const field = (label: string, optional = false): string | undefined => {
    const line = lines[at]
    if (line === undefined || !line.startsWith(`${label}: `)) {
      if (optional) return undefined
      throw bad(`line ${at + 1} should be "${label}: …"`)
    }
    at++
    return line.slice(label.length + 2)
  }

  const header = next()!
  if (!header.endsWith(HEADER_SUFFIX)) throw bad('the first line is not the sign-in header')
  let domain = header.slice(0, -HEADER_SUFFIX.length)
  let scheme: string | undefined
  const sep = domain.indexOf('://')
  if (sep >= 0) {
    scheme = domain.slice(0, sep)
    domain = domain.slice(sep + 3)
  }
  const address = next()
  if (address === undefined) throw bad('no address line')
  if (next() !== '') throw bad('line 3 should be empty')
  let statement: string | undefined
  const line4 = next()
  if (line4 === undefined) throw bad('the message ends after the address')
  if (line4 !== '') {
    statement = line4
    if (next() !== '') throw bad('the statement must be one line followed by an empty line')
  }
  const uri = field('URI')!
  const version = field('Version')!
  const chainIdText = field('Chain ID')!
  const nonce = field('Nonce')!
  const issuedAt = field('Issued At')!
  const expirationTime = field('Expiration Time', true)
  const notBefore = field('Not Before', true)
  const requestId = field('Request ID', true)
  let resources: string[] | undefined
  if (lines[at] === 'Resources:') {
    at++
    resources = []
    while (at < lines.length && lines[at]!.startsWith('- ')) resources.push(lines[at++]!.slice(2))
  }
  if (at < lines.length) throw bad(`unexpected line ${at + 1}`)
  if (!CHAIN_ID.test(chainIdText)) throw bad('chain id is not a positive integer')

  const fields: SiweFields = {
    ...(scheme !== undefined && { scheme }),
    domain,
    address,
    ...(statement !== undefined && { statement }),
    uri,
    version: version as '1',
    chainId: Number(chainIdText),
    nonce,
    issuedAt,
    ...(expirationTime !== undefined && { expirationTime }),
    ...(notBefore !== undefined && { notBefore }),
    ...(requestId !== undefined && { requestId }),
    ...(resources !== undefined && { resources }),
  }
  const problem = problemWith(fields)
  if (problem) throw bad(problem)
  return fields
}

// ---- verification -----------------------------------------------------------------------

export interface SiweVerifierOptions {
  /** The clock, ms since the epoch (tests pass a fake one). */
  now?: () => number
  /** How long an issued nonce may be used, ms (default 5 minutes). */
  nonceTtlMs?: number
  /** Where nonces are kept (default: a MemoryNonceStore in this process). */
  nonces?: SiweNonceStore
  /** Most nonces the default memory store keeps at once, issued or recently spent (10,000). */
  maxNonces?: number
  /** Tolerance for a client clock ahead of ours, on Issued At and Not Before, ms (default 2 min). */
  clockSkewMs?: number
}

/** What spending a nonce found: it was fresh (now spent), past its expiry, spent before, or never issued. */
export type NonceSpend = 'fresh' | 'expired' | 'used' | 'unknown'

/**
 * Where a verifier keeps its nonces: this process's memory, or a store that several server
 * processes share (server/authRedis.ts). Times are ms since the epoch, from the verifier's clock.
 * A store that cannot be reached rejects; the verifier passes that error on unchanged.
 */
export interface SiweNonceStore {
  /**
   * Records a newly issued nonce, usable until `expiresAt` and remembered for a while after so a
   * late or replayed attempt gets a precise error. False when the nonce is already known.
   */
  add(nonce: string, expiresAt: number, now: number): Promise<boolean>
  /** Marks the nonce spent, atomically (of two concurrent spends one gets "fresh"), and says what it was. */
  spend(nonce: string, now: number): Promise<NonceSpend>
}

export interface IssuedNonce {
  nonce: string
  /** ISO 8601, from the verifier's clock: ready to use as the message's Issued At. */
  issuedAt: string
  /** ISO 8601: the nonce is refused from this moment. */
  expiresAt: string
}

/** What a message must name: the sites this server signs in for, or one bare domain. */
export type SiweExpectation =
  | {
      /**
       * The origins this server signs in for ("https://cq.example.com"): the message's domain
       * must be one's host[:port], its URI must have that origin (scheme included), and a
       * scheme, when the message names one, must be that origin's.
       */
      origins: readonly string[]
      chainId: number
    }
  | {
      /** This server's host[:port], compared case-insensitively. */
      domain: string
      chainId: number
      /** When given, the message's URI must have this origin (exact match for non-http URIs). */
      uri?: string
      /** When given and the message names a scheme, it must be this one ("https"). */
      scheme?: string
    }

export interface SiweVerified {
  /** The signer, EIP-55 checksummed. */
  address: string
  nonce: string
  /** The message's Expiration Time, ms since the epoch, when it has one. */
  expiresAt?: number
  fields: SiweFields
}

interface NonceEntry {
  expiresAt: number
  used: boolean
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const NONCE_LENGTH = 22 // 62^22 ≈ 2^131

function randomNonce(): string {
  let out = ''
  const bytes = new Uint8Array(32)
  while (out.length < NONCE_LENGTH) {
    crypto.getRandomValues(bytes)
    for (const b of bytes) {
      // 248 = 4 × 62: reject the rest so every letter is equally likely.
      if (b < 248 && out.length < NONCE_LENGTH) out += NONCE_ALPHABET[b % 62]
    }
  }
  return out
}

/**
 * Nonces in this process's memory: at most `maxNonces` (default 10,000). A nonce that was used
 * or expired is kept for another `rememberMs` (default 5 minutes). When the store is full, the
 * oldest entries go first: spent and expired ones, then, under a flood, the oldest pending nonce
 * (its holder gets unknown_nonce and asks for a new one).
 */
export class MemoryNonceStore implements SiweNonceStore {
  private readonly nonces = new Map<string, NonceEntry>()
  private readonly maxNonces: number
  private readonly rememberMs: number

  constructor(opts: { maxNonces?: number; rememberMs?: number } = {}) {
    this.maxNonces = Math.max(1, opts.maxNonces ?? 10_000)
    this.rememberMs = opts.rememberMs ?? 5 * 60_000
  }

  /** Nonces held right now (pending, spent or expired but still remembered). */
  get size(): number {
    return this.nonces.size
  }

  add(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.sweep(now)
    if (this.nonces.has(nonce)) return Promise.resolve(false)
    while (this.nonces.size >= this.maxNonces) {
      this.nonces.delete(this.nonces.keys().next().value!)
    }
    this.nonces.set(nonce, { expiresAt, used: false })
    return Promise.resolve(true)
  }

  spend(nonce: string, now: number): Promise<NonceSpend> {
    const entry = this.nonces.get(nonce)
    this.sweep(now)
    if (!entry) return Promise.resolve('unknown')
    if (entry.used) return Promise.resolve('used')
    entry.used = true
    return Promise.resolve(now >= entry.expiresAt ? 'expired' : 'fresh')
  }

  /** Forgets entries that are past their expiry by more than rememberMs (oldest first). */
  private sweep(now: number) {
    for (const [nonce, entry] of this.nonces) {
      if (entry.expiresAt + this.rememberMs > now) break
      this.nonces.delete(nonce)
    }
  }
}

/**
 * Issues single-use nonces and verifies signed sign-in messages against them.
 *
 * Nonces live in a SiweNonceStore: by default this process's memory (MemoryNonceStore); give a
 * shared one when several processes answer the same users. Rate-limit the nonce endpoint per
 * client.
 */
export class SiweVerifier {
  readonly nonces: SiweNonceStore
  private readonly now: () => number
  private readonly ttlMs: number
  private readonly skewMs: number

  constructor(opts: SiweVerifierOptions = {}) {
    this.now = opts.now ?? Date.now
    this.ttlMs = opts.nonceTtlMs ?? 5 * 60_000
    this.skewMs = opts.clockSkewMs ?? 2 * 60_000
    this.nonces =
      opts.nonces ?? new MemoryNonceStore({ maxNonces: opts.maxNonces, rememberMs: this.ttlMs })
  }

  async issueNonce(): Promise<IssuedNonce> {
    const now = this.now()
    const expiresAt = now + this.ttlMs
    let nonce = randomNonce()
    while (!(await this.nonces.add(nonce, expiresAt, now))) nonce = randomNonce()
    return {
      nonce,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    }
  }

  /**
   * Checks a signed message: its form, the nonce (spent by this call whatever the outcome, so
   * it can never be replayed), domain, URI, chain, validity window and the signature. Resolves
   * to the signer or rejects with SiweError with a code (or the nonce store's error).
   */
  async verify(
    signed: { message: string; signature: string },
    expect: SiweExpectation,
  ): Promise<SiweVerified> {
    const now = this.now()
    if (typeof signed !== 'object' || signed === null) {
      throw new SiweError('bad_message', 'expected {message, signature}')
    }
    const fields = parseSiweMessage(signed.message)
    const spent = await this.nonces.spend(fields.nonce, now)
    if (spent === 'unknown') {
      throw new SiweError('unknown_nonce', 'this server did not issue that nonce')
    }
    if (spent === 'used') throw new SiweError('nonce_used', 'that nonce was already used')
    if (spent === 'expired') throw new SiweError('nonce_expired', 'that nonce has expired')

    if ('origins' in expect) checkSite(fields, expect.origins)
    else checkDomain(fields, expect)
    if (fields.chainId !== expect.chainId) {
      throw new SiweError(
        'wrong_chain',
        `the message is for chain ${fields.chainId}, not ${expect.chainId}`,
      )
    }
    const expiresAt =
      fields.expirationTime !== undefined ? parseSiweTime(fields.expirationTime) : undefined
    if (expiresAt !== undefined && now >= expiresAt) {
      throw new SiweError('message_expired', `the message expired at ${fields.expirationTime}`)
    }
    if (fields.notBefore !== undefined && now + this.skewMs < parseSiweTime(fields.notBefore)) {
      throw new SiweError('not_yet_valid', `the message is not valid before ${fields.notBefore}`)
    }
    if (now + this.skewMs < parseSiweTime(fields.issuedAt)) {
      throw new SiweError('not_yet_valid', `the message is issued in the future`)
    }

    let signer: string
    try {
      if (typeof signed.signature !== 'string' || signed.signature.length > 200) {
        throw new Error('not a signature')
      }
      signer = verifyMessage(signed.message, signed.signature)
    } catch {
      throw new SiweError('bad_signature', 'the signature is malformed')
    }
    if (signer !== fields.address) {
      throw new SiweError('bad_signature', `the signature is not from ${fields.address}`)
    }
    return {
      address: fields.address,
      nonce: fields.nonce,
      ...(expiresAt !== undefined && { expiresAt }),
      fields,
    }
  }
}

/** Domain, scheme and URI against the sites this server signs in for; throws wrong_domain. */
function checkSite(fields: SiweFields, origins: readonly string[]) {
  const named = fields.domain.slice(0, 100)
  const list = origins.slice(0, 4).join(', ') + (origins.length > 4 ? ', …' : '')
  const sites: URL[] = []
  for (const origin of origins) {
    try {
      const site = new URL(origin)
      // The domain read as an authority under the site's scheme: default ports and case fold.
      const host = new URL(`${site.protocol}//${fields.domain}`)
      if (!host.username && !host.password && host.host === site.host) sites.push(site)
    } catch {
      // Not a URL: matches nothing.
    }
  }
  if (sites.length === 0) {
    throw new SiweError('wrong_domain', `the message is for ${named}, not this site (${list})`)
  }
  const scheme = fields.scheme?.toLowerCase()
  const withScheme = sites.filter((s) => scheme === undefined || `${scheme}:` === s.protocol)
  if (withScheme.length === 0) {
    throw new SiweError(
      'wrong_domain',
      `the message is for ${fields.scheme!.slice(0, 20)}://${named}, not this site (${list})`,
    )
  }
  if (!withScheme.some((s) => sameOrigin(fields.uri, s.origin))) {
    throw new SiweError(
      'wrong_domain',
      `the message URI ${fields.uri.slice(0, 100)} is not on this site (${list})`,
    )
  }
}

function checkDomain(
  fields: SiweFields,
  expect: { domain: string; uri?: string; scheme?: string },
) {
  if (fields.domain.toLowerCase() !== expect.domain.toLowerCase()) {
    throw new SiweError(
      'wrong_domain',
      `the message is for ${fields.domain.slice(0, 100)}, not ${expect.domain}`,
    )
  }
  if (
    expect.scheme !== undefined &&
    fields.scheme !== undefined &&
    fields.scheme.toLowerCase() !== expect.scheme.toLowerCase()
  ) {
    throw new SiweError('wrong_domain', `the message is for scheme ${fields.scheme.slice(0, 20)}`)
  }
  if (expect.uri !== undefined && !sameOrigin(fields.uri, expect.uri)) {
    throw new SiweError('wrong_domain', `the message URI is not under ${expect.uri}`)
  }
}

function sameOrigin(uri: string, expected: string): boolean {
  try {
    const a = new URL(uri)
    const b = new URL(expected)
    if (/^https?:$/.test(b.protocol)) return a.origin === b.origin
  } catch {
    // Not URLs the parser understands: compare as text.
  }
  return uri === expected
}
