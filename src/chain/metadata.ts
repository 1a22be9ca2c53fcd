// Token metadata: from the URI a contract returns to plain text and one safe image URL.
//
// Everything here is untrusted input chosen by whoever deployed or minted the token: the URI
// may point anywhere, the document may be huge, slow, not JSON or full of markup, and the image
// may be a script. So: only http(s) (plain http to loopback only), ipfs (through configured
// gateways) and data: URIs are read; loopback and private addresses only for a chain the
// registry marks `local` (the server also resolves host names and checks every address, see
// server/pinnedFetch.ts); bodies are read as a stream and cut off past `maxBytes`;
// every attempt has a timeout; names and descriptions come out as plain text that the UI
// renders as text (never as HTML); an image comes out only as an http(s), gateway or
// data:image/ URL, which the client shows through <img> or a texture, never inlined; a 3D
// model only as an http(s), gateway or data:model/gltf… URL of a glTF 2.0 file.
//
// Isomorphic: fetch, AbortController, TextDecoder, atob/btoa and crypto.subtle only.
import { cleanText } from '../protocol/messages'

export const METADATA_MAX_BYTES = 256 * 1024
export const METADATA_TIMEOUT_MS = 5000
export const METADATA_MAX_REDIRECTS = 3
export const NAME_MAX_CHARS = 120
export const DESCRIPTION_MAX_CHARS = 2000
/** Longest data:image/ URL accepted as an image (after re-encoding as base64). */
export const IMAGE_DATA_URL_MAX = 512 * 1024
/** Longest data:model/ URL accepted as a 3D model (after re-encoding as base64). */
export const MODEL_DATA_URL_MAX = 512 * 1024
/** glTF 2.0 media types: binary (.glb) and JSON (.gltf). */
export const MODEL_TYPES: readonly string[] = ['model/gltf-binary', 'model/gltf+json']

export interface GatewayOptions {
  /** IPFS gateway bases, tried in order: "https://ipfs.io/ipfs/", "http://127.0.0.1:2567/ipfs/". */
  ipfsGateways: readonly string[]
  /**
   * The token's chain is `local: true` in the registry: loopback and private addresses are
   * allowed. Otherwise (the default) they are refused, in URIs and in redirects.
   */
  local?: boolean
}

export interface FetchMetadataOptions extends GatewayOptions {
  /** Largest metadata document, bytes (default 256 KiB). */
  maxBytes?: number
  /** Per attempt (each gateway gets its own), ms (default 5000). */
  timeoutMs?: number
  fetch?: typeof fetch
  /** Redirects followed per attempt, each checked like the original URL (default 3). */
  maxRedirects?: number
}

export type MetadataFailure = 'metadata_unavailable' | 'metadata_invalid'

export type FetchMetadataResult =
  | {
      ok: true
      /** The raw document. */
      bytes: Uint8Array
      /** The parsed document: always a JSON object (not an array or a primitive). */
      json: Record<string, unknown>
      /** sha256 of `bytes`, lowercase hex. */
      sha256: string
      /** Where it came from: the URL that answered, or the data: URI. */
      url: string
    }
  | { ok: false; reason: MetadataFailure; detail: string }

export interface SanitizedMetadata {
  /** Plain text, at most 120 characters. Render as text, never as HTML. */
  name: string
  /** Plain text with line breaks, at most 2000 characters. Render as text, never as HTML. */
  description: string
  /** An http(s), gateway or data:image/ URL; null when the metadata has no safe image. */
  image: string | null
  /** A glTF 2.0 model: an http(s) or gateway URL, or a data:model/gltf… URL; null if none. */
  model: string | null
}

// ---- ERC-1155 {id} ----------------------------------------------------------------------

const MAX_UINT256 = (1n << 256n) - 1n

/** ERC-1155: every `{id}` becomes the token id as 64 lowercase hex digits, without 0x. */
export function substituteId(uri: string, tokenId: string): string {
  if (!/^[0-9]{1,78}$/.test(tokenId) || BigInt(tokenId) > MAX_UINT256) {
    throw new RangeError(`token id "${tokenId.slice(0, 90)}" is not a decimal uint256`)
  }
  const hex = BigInt(tokenId).toString(16).padStart(64, '0')
  return uri.split('{id}').join(hex)
}

// ---- URI resolution ---------------------------------------------------------------------

type Resolved = { kind: 'data'; uri: string } | { kind: 'fetch'; urls: string[] } | Refused
type Refused = { kind: 'refused'; detail: string }

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
// Whitespace and control characters have no place in a URI; the URL parser would quietly drop
// some of them (tabs, newlines), which hides tricks like "java\tscript:".
// eslint-disable-next-line no-control-regex
const BAD_URI_CHARS = /[\u0000-\u0020\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\\]/
const CID = /^[A-Za-z0-9]{1,128}$/

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host)
}

/**
 * IP literals a server must not be talked into calling (private, link-local, cloud metadata,
 * multicast, unspecified; loopback too unless `local`). Host names are not resolved here (this
 * module also runs in browsers): the server's fetch resolves them and checks every address.
 */
function isForbiddenIpLiteral(host: string, local: boolean): boolean {
  if (local) return false
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)
  if (v4) return forbiddenV4(v4.slice(1).map(Number))
  if (!host.startsWith('[')) return host === 'localhost' || host.endsWith('.localhost')
  const v6 = host.slice(1, -1).toLowerCase()
  if (v6 === '::1') return true
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6)
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16)
    const lo = parseInt(mapped[2]!, 16)
    return forbiddenV4([hi >> 8, hi & 255, lo >> 8, lo & 255])
  }
  return (
    v6 === '::' ||
    /^f[cd]/.test(v6) || // unique local fc00::/7
    /^fe[89ab]/.test(v6) || // link-local fe80::/10
    /^ff/.test(v6) // multicast
  )
}

function forbiddenV4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 127 ||
    a === 10 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    a >= 224
  )
}

/**
 * http(s) URLs anything here may load: https anywhere public; for a local chain also loopback
 * and private addresses, and plain http to loopback.
 */
function checkWebUrl(raw: string, local: boolean): URL | Refused {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { kind: 'refused', detail: 'not a valid URL' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'refused', detail: `scheme ${url.protocol} is not allowed` }
  }
  if (url.username || url.password) {
    return { kind: 'refused', detail: 'URLs with credentials are not allowed' }
  }
  if (url.protocol === 'http:' && !(local && isLoopback(url.hostname))) {
    return {
      kind: 'refused',
      detail: 'plain http:// is only allowed to loopback hosts of a local chain',
    }
  }
  if (isForbiddenIpLiteral(url.hostname, local)) {
    return { kind: 'refused', detail: `host ${url.hostname} is a private or reserved address` }
  }
  return url
}

function checkGateways(gateways: readonly string[]): URL[] {
  return gateways.map((g) => {
    let url: URL
    try {
      url = new URL(g)
    } catch {
      throw new TypeError(`IPFS gateway "${g}" is not a URL`)
    }
    if (
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      !url.pathname.endsWith('/') ||
      url.search ||
      url.hash
    ) {
      throw new TypeError(`IPFS gateway "${g}" must be an http(s) URL ending with "/"`)
    }
    return url
  })
}

function resolveIpfs(rest: string, gateways: readonly string[]): Resolved {
  let ref = rest.replace(/#.*$/, '')
  if (/^ipfs\//i.test(ref)) ref = ref.slice(5)
  const q = ref.indexOf('?')
  const query = q >= 0 ? ref.slice(q) : ''
  if (q >= 0) ref = ref.slice(0, q)
  const slash = ref.indexOf('/')
  const cid = slash >= 0 ? ref.slice(0, slash) : ref
  const path = slash >= 0 ? ref.slice(slash + 1) : ''
  if (!CID.test(cid)) return { kind: 'refused', detail: 'not an IPFS content id' }
  const dotSegment = path.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg))
  if (dotSegment) return { kind: 'refused', detail: 'IPFS path has "." or ".." segments' }
  const urls: string[] = []
  for (const gateway of checkGateways(gateways)) {
    const prefix = `${gateway.pathname}${cid}`
    const url = new URL(`${gateway.href}${cid}${path || slash >= 0 ? `/${path}` : ''}${query}`)
    // The URL parser must not have moved the request out of this content id.
    if (url.origin !== gateway.origin) continue
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) continue
    urls.push(url.href)
  }
  return urls.length
    ? { kind: 'fetch', urls }
    : { kind: 'refused', detail: 'no IPFS gateway is configured' }
}

function resolve(rawUri: string, opts: GatewayOptions): Resolved {
  const uri = rawUri.trim()
  if (uri.length > 1 << 20) return { kind: 'refused', detail: 'URI longer than 1 MiB' }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase()
  if (scheme === 'data') {
    return uri.includes(',')
      ? { kind: 'data', uri }
      : { kind: 'refused', detail: 'data: URI without ","' }
  }
  if (BAD_URI_CHARS.test(uri)) {
    return { kind: 'refused', detail: 'URI contains whitespace or control characters' }
  }
  if (scheme === 'ipfs') {
    if (!uri.slice(5).startsWith('//')) return { kind: 'refused', detail: 'ipfs URI without //' }
    return resolveIpfs(uri.slice(7), opts.ipfsGateways)
  }
  if (scheme === 'https' || scheme === 'http') {
    const url = checkWebUrl(uri, opts.local ?? false)
    return url instanceof URL ? { kind: 'fetch', urls: [url.href] } : url
  }
  return {
    kind: 'refused',
    detail: scheme ? `scheme ${scheme}: is not allowed` : 'not an absolute URI',
  }
}

/**
 * The URLs a metadata URI may be read from, in order: https as is; `ipfs://<cid>/<path>` (also
 * `ipfs://ipfs/<cid>/…`) through every gateway; a data: URI as itself (decoded, never fetched);
 * http only to loopback (127.0.0.1, localhost, [::1]). Empty when the URI is refused
 * (javascript:, file:, blob:, ftp:, private IP literals, "." segments, …).
 */
export function resolveUri(uri: string, opts: GatewayOptions): string[] {
  const r = resolve(uri, opts)
  return r.kind === 'data' ? [r.uri] : r.kind === 'fetch' ? r.urls : []
}

/**
 * Whether `uri` lies under the registry's `base` prefix. Both are compared in the form they
 * are fetched in (ipfs://ipfs/<cid> ≡ ipfs://<cid>, URL normalisation applied), so "..",
 * percent-encoded dots or a different host cannot sneak out of the base.
 */
export function uriUnderBase(uri: string, base: string): boolean {
  const canonical = (u: string) => {
    const r = resolve(u, { ipfsGateways: ['https://gateway.invalid/ipfs/'], local: true })
    return r.kind === 'fetch' ? r.urls[0]! : null
  }
  const b = canonical(base)
  const u = canonical(uri)
  return b !== null && u !== null && b.endsWith('/') && u.startsWith(b)
}

// ---- bytes helpers ----------------------------------------------------------------------

/** WHATWG percent-decode: valid %XX sequences become bytes, everything else stays (UTF-8). */
function percentDecode(s: string): Uint8Array {
  const input = new TextEncoder().encode(s)
  const out = new Uint8Array(input.length)
  let n = 0
  const hex = (c: number) =>
    c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (c === 37 && i + 2 < input.length) {
      const hi = hex(input[i + 1]!)
      const lo = hex(input[i + 2]!)
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo
        i += 2
        continue
      }
    }
    out[n++] = c
  }
  return out.subarray(0, n)
}

/** Forgiving base64 (whitespace ignored, padding optional); null when it is not base64. */
function base64ToBytes(s: string): Uint8Array | null {
  const clean = s.replace(/[\t\n\f\r ]/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null
  try {
    const bin = atob(clean)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

/** Bytes as one character each (only meaningful for ASCII, which is all base64 is). */
function asciiString(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return s
}

function bytesToBase64(bytes: Uint8Array): string {
  return btoa(asciiString(bytes))
}

interface DataUrl {
  /** Lowercased type/subtype, without parameters. */
  mime: string
  params: string[]
  bytes: Uint8Array
}

/** `data:[<type>][;param]*[;base64],<data>` → bytes; null when malformed. */
function parseDataUrl(uri: string): DataUrl | null {
  const comma = uri.indexOf(',')
  if (!/^data:/i.test(uri) || comma < 0) return null
  const header = uri
    .slice(5, comma)
    .split(';')
    .map((p) => p.trim().toLowerCase())
  const mime = header.shift() ?? ''
  const isBase64 = header.at(-1) === 'base64'
  if (isBase64) header.pop()
  const body = percentDecode(uri.slice(comma + 1))
  const bytes = isBase64 ? base64ToBytes(asciiString(body)) : body
  return bytes && { mime, params: header, bytes }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource))
  let hex = ''
  for (const b of digest) hex += b.toString(16).padStart(2, '0')
  return hex
}

// ---- fetching ---------------------------------------------------------------------------

type Attempt =
  | { kind: 'bytes'; bytes: Uint8Array; url: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'invalid'; detail: string }

const REDIRECT = new Set([301, 302, 303, 307, 308])

/** `code` of the error a fetch throws when it refuses a host's address (server/pinnedFetch). */
export const ADDRESS_REFUSED = 'ADDRESS_REFUSED'

async function discard(res: Response) {
  try {
    await res.body?.cancel()
  } catch {
    // Nothing to do: the connection is being dropped anyway.
  }
}

/** One URL: redirects re-checked, size cut off while streaming, one timeout for all of it. */
async function fetchBounded(
  start: string,
  fetchFn: typeof fetch,
  maxBytes: number,
  timeoutMs: number,
  maxRedirects: number,
  local: boolean,
): Promise<Attempt> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  let url = start
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetchFn(url, {
        signal: controller.signal,
        redirect: 'manual',
        credentials: 'omit',
        headers: { accept: 'application/json' },
      })
      if (res.type === 'opaqueredirect') {
        // Browsers hide redirect targets from script, so they cannot be checked: refuse.
        return { kind: 'unavailable', detail: `${url}: redirects are not followed here` }
      }
      if (REDIRECT.has(res.status)) {
        await discard(res)
        const location = res.headers.get('location')
        if (!location || hop >= maxRedirects) {
          return { kind: 'unavailable', detail: `${url}: too many or empty redirects` }
        }
        const next = checkWebUrl(new URL(location, url).href, local)
        if (!(next instanceof URL)) {
          return { kind: 'unavailable', detail: `${url}: redirect refused: ${next.detail}` }
        }
        url = next.href
        continue
      }
      if (!res.ok) {
        await discard(res)
        return { kind: 'unavailable', detail: `${url}: HTTP ${res.status}` }
      }
      const declared = Number(res.headers.get('content-length') ?? NaN)
      if (declared > maxBytes) {
        controller.abort()
        return { kind: 'invalid', detail: `${url}: larger than ${maxBytes} bytes` }
      }
      const bytes = await readBounded(res, maxBytes)
      if (!bytes) {
        controller.abort()
        return { kind: 'invalid', detail: `${url}: larger than ${maxBytes} bytes` }
      }
      return { kind: 'bytes', bytes, url }
    }
  } catch (err) {
    if (timedOut) return { kind: 'unavailable', detail: `${url}: no answer in ${timeoutMs} ms` }
    if ((err as { code?: unknown }).code === ADDRESS_REFUSED) {
      return { kind: 'invalid', detail: `${url}: ${(err as Error).message.slice(0, 200)}` }
    }
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return {
      kind: 'unavailable',
      detail: `${url}: ${err instanceof Error ? err.message : String(err)}${cause}`,
    }
  } finally {
    clearTimeout(timer)
  }
}

/** The body, or null as soon as it grows past `maxBytes` (the rest is never read). */
async function readBounded(res: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array(0)
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** Decodes a data: URI holding a metadata document (see fetchMetadata for the rules). */
function decodeDataMetadata(uri: string, maxBytes: number): Attempt {
  // Base64 is 4/3 of the bytes and percent-encoding at most 3×: anything longer is too big.
  if (uri.length > maxBytes * 3 + 256) {
    return { kind: 'invalid', detail: `data: URI larger than ${maxBytes} bytes` }
  }
  const data = parseDataUrl(uri)
  if (!data) return { kind: 'invalid', detail: 'malformed data: URI (bad base64?)' }
  if (data.mime !== 'application/json') {
    return {
      kind: 'invalid',
      detail: `data: URI of type "${data.mime.slice(0, 40)}", expected application/json`,
    }
  }
  for (const p of data.params) {
    const charset = /^charset=(.*)$/.exec(p)?.[1]?.replace(/"/g, '')
    if (charset !== undefined && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
      return { kind: 'invalid', detail: `data: URI charset "${charset.slice(0, 20)}" is not UTF-8` }
    }
  }
  if (data.bytes.byteLength > maxBytes) {
    return { kind: 'invalid', detail: `data: URI larger than ${maxBytes} bytes` }
  }
  return { kind: 'bytes', bytes: data.bytes, url: uri }
}

/**
 * Reads a token's metadata document.
 *
 * - http(s)/ipfs: gateways are tried in order; a gateway that is down, slow (`timeoutMs` per
 *   attempt), answers with an error status or redirects somewhere refused is skipped. The first
 *   2xx answer is the document: content addressing means another gateway would serve the same
 *   bytes, so a too-large or broken answer is final.
 * - data: `data:application/json[;charset=utf-8|;utf8][;base64],…`, base64 or percent-encoded
 *   (raw JSON with stray "%" works too). No other media type (not text/plain, not a missing
 *   type): metadata is JSON and says so.
 * - The body is read as a stream and dropped as soon as it passes `maxBytes`.
 * - The document must be UTF-8 JSON whose top level is an object.
 *
 * metadata_unavailable means "try again later"; metadata_invalid means the token's metadata is
 * wrong as published (refused URI, too large, not JSON, not an object). Never throws.
 */
export async function fetchMetadata(
  uri: string,
  opts: FetchMetadataOptions,
): Promise<FetchMetadataResult> {
  const maxBytes = opts.maxBytes ?? METADATA_MAX_BYTES
  const timeoutMs = opts.timeoutMs ?? METADATA_TIMEOUT_MS
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis)
  let resolved: Resolved
  try {
    resolved = typeof uri === 'string' ? resolve(uri, opts) : refused('not a string')
  } catch (err) {
    // A misconfigured gateway list: nothing can be fetched until it is fixed.
    return { ok: false, reason: 'metadata_unavailable', detail: (err as Error).message }
  }
  let attempt: Attempt
  if (resolved.kind === 'refused') {
    return { ok: false, reason: 'metadata_invalid', detail: `URI refused: ${resolved.detail}` }
  } else if (resolved.kind === 'data') {
    attempt = decodeDataMetadata(resolved.uri, maxBytes)
  } else {
    const failures: string[] = []
    attempt = { kind: 'unavailable', detail: '' }
    for (const url of resolved.urls) {
      attempt = await fetchBounded(
        url,
        fetchFn,
        maxBytes,
        timeoutMs,
        opts.maxRedirects ?? METADATA_MAX_REDIRECTS,
        opts.local ?? false,
      )
      if (attempt.kind !== 'unavailable') break
      failures.push(attempt.detail)
    }
    if (attempt.kind === 'unavailable') attempt.detail = failures.join('; ')
  }
  if (attempt.kind === 'unavailable') {
    return { ok: false, reason: 'metadata_unavailable', detail: attempt.detail }
  }
  if (attempt.kind === 'invalid') {
    return { ok: false, reason: 'metadata_invalid', detail: attempt.detail }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(attempt.bytes)
  } catch {
    return { ok: false, reason: 'metadata_invalid', detail: 'metadata is not UTF-8 text' }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return {
      ok: false,
      reason: 'metadata_invalid',
      detail: `metadata is not JSON: ${(err as Error).message.slice(0, 200)}`,
    }
  }
  if (!isPlainObject(json)) {
    return { ok: false, reason: 'metadata_invalid', detail: 'metadata is not a JSON object' }
  }
  return {
    ok: true,
    bytes: attempt.bytes,
    json,
    sha256: await sha256Hex(attempt.bytes),
    url: attempt.url,
  }
}

function refused(detail: string): Refused {
  return { kind: 'refused', detail }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// ---- sanitising -------------------------------------------------------------------------

// Control characters except "\n", zero-width characters, bidi overrides and isolates, BOM.
const INVISIBLE_EXCEPT_NEWLINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

/**
 * Multi-line plain text: like cleanText (control, zero-width and bidi-override characters
 * removed) but line breaks kept, at most one blank line in a row, at most `max` code points.
 */
export function cleanMultilineText(raw: unknown, max: number): string {
  if (typeof raw !== 'string') return ''
  const text = raw
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(INVISIBLE_EXCEPT_NEWLINE, ' ')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return [...text].slice(0, max).join('').trim()
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'])
// An SVG document: optional XML declaration, comments and doctype, then an <svg> root element.
// Written so that every part can match in only one way (no catastrophic backtracking on hostile
// input), and only ever run on the first 64 KiB.
const COMMENT = String.raw`<!--(?:[^-]|-(?!->))*-->\s*`
const SVG_ROOT = new RegExp(
  String.raw`^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:${COMMENT})*(?:<!DOCTYPE[^>[]*(?:\[[^\]]*\])?\s*>\s*)?(?:${COMMENT})*<svg[\s>/]`,
  'i',
)
const SVG_SNIFF_CHARS = 64 * 1024

function isSvg(text: string): boolean {
  return SVG_ROOT.test(text.slice(0, SVG_SNIFF_CHARS))
}

function looksLike(mime: string, b: Uint8Array): boolean {
  const at = (i: number) => b[i] ?? -1
  switch (mime) {
    case 'image/png':
      return at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47
    case 'image/jpeg':
      return at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff
    case 'image/gif':
      return at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38
    case 'image/webp':
      return (
        String.fromCharCode(at(0), at(1), at(2), at(3)) === 'RIFF' &&
        String.fromCharCode(at(8), at(9), at(10), at(11)) === 'WEBP'
      )
    case 'image/svg+xml':
      return isSvg(new TextDecoder().decode(b.subarray(0, SVG_SNIFF_CHARS)))
    default:
      return false
  }
}

/** A data:image/ URL of an allowed type whose bytes match it, re-encoded as base64. */
function safeImageDataUrl(uri: string): string | null {
  if (uri.length > IMAGE_DATA_URL_MAX * 3) return null
  const data = parseDataUrl(uri)
  if (!data || !IMAGE_TYPES.has(data.mime) || !looksLike(data.mime, data.bytes)) return null
  const out = `data:${data.mime};base64,${bytesToBase64(data.bytes)}`
  return out.length <= IMAGE_DATA_URL_MAX ? out : null
}

/** One image candidate → a URL safe to put in <img src> or a texture loader, or null. */
function safeImageUrl(raw: string, opts: GatewayOptions): string | null {
  const r = resolve(raw, opts)
  if (r.kind === 'data') return safeImageDataUrl(r.uri)
  if (r.kind === 'fetch') return r.urls[0] ?? null
  return null
}

/**
 * OpenSea's `image_data`: raw SVG markup. It becomes a data:image/svg+xml;base64 URL so it is
 * only ever shown as an image, never inserted into the page as markup.
 */
function svgMarkupToDataUrl(markup: string): string | null {
  if (markup.length > IMAGE_DATA_URL_MAX || !isSvg(markup)) return null
  const out = `data:image/svg+xml;base64,${bytesToBase64(new TextEncoder().encode(markup))}`
  return out.length <= IMAGE_DATA_URL_MAX ? out : null
}

// ---- 3D models ----------------------------------------------------------------------------

const MODEL_EXTENSION = /\.(glb|gltf)$/i
/** Entries of `properties.files` looked at, at most. */
const MAX_FILE_ENTRIES = 16

/** A binary glTF 2.0 container: "glTF", version 2, a length that matches the bytes. */
function isGlb(b: Uint8Array): boolean {
  if (b.byteLength < 20) return false
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return (
    view.getUint32(0, true) === 0x46546c67 &&
    view.getUint32(4, true) === 2 &&
    view.getUint32(8, true) === b.byteLength
  )
}

/** A glTF 2.0 JSON document: an object whose asset.version is "2.x". */
function isGltfJson(b: Uint8Array): boolean {
  try {
    const doc: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b))
    if (!isPlainObject(doc) || !isPlainObject(doc.asset)) return false
    const version = doc.asset.version
    return typeof version === 'string' && /^2\.\d+$/.test(version)
  } catch {
    return false
  }
}

/** A data:model/gltf… URL whose bytes are what the type says, re-encoded as base64. */
function safeModelDataUrl(uri: string): string | null {
  if (uri.length > MODEL_DATA_URL_MAX * 3) return null
  const data = parseDataUrl(uri)
  if (!data || !MODEL_TYPES.includes(data.mime)) return null
  if (data.mime === 'model/gltf-binary' ? !isGlb(data.bytes) : !isGltfJson(data.bytes)) return null
  const out = `data:${data.mime};base64,${bytesToBase64(data.bytes)}`
  return out.length <= MODEL_DATA_URL_MAX ? out : null
}

/**
 * One model candidate → a URL safe to hand to the client's model loader, or null. A fetched URL
 * counts as a model when its path ends in .glb or .gltf, or when the metadata declares a glTF
 * media type for it; a data: URL only by its own media type and matching bytes.
 */
function safeModelUrl(raw: string, declared: string | null, opts: GatewayOptions): string | null {
  const r = resolve(raw, opts)
  if (r.kind === 'data') return safeModelDataUrl(r.uri)
  if (r.kind !== 'fetch' || !r.urls[0]) return null
  const url = r.urls[0]
  const byType = declared !== null && MODEL_TYPES.includes(declared)
  return MODEL_EXTENSION.test(new URL(url).pathname) || byType ? url : null
}

/**
 * Media types the metadata declares for its files (Metaplex-style `properties.files`, entries
 * `{ uri, type }`), by URI. Only the first few entries are read.
 */
function declaredTypes(doc: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>()
  const props = doc.properties
  const files = isPlainObject(props) && Array.isArray(props.files) ? props.files : []
  for (const f of files.slice(0, MAX_FILE_ENTRIES)) {
    if (!isPlainObject(f) || typeof f.uri !== 'string' || typeof f.type !== 'string') continue
    const uri = f.uri.trim()
    if (uri && !out.has(uri)) out.set(uri, f.type.trim().toLowerCase())
  }
  return out
}

/**
 * The token's glTF model, if it has a safe one: `animation_url` (OpenSea's field for media,
 * glTF/GLB among them), then any `properties.files` entry declared as model/gltf-binary or
 * model/gltf+json. The URL rules are the image rules (https, loopback http, ipfs through the
 * first gateway, no private addresses), and a data: model must be a glTF 2.0 document of at
 * most 512 KiB as a URL.
 */
function sanitizeModel(doc: Record<string, unknown>, opts: GatewayOptions): string | null {
  const types = declaredTypes(doc)
  const anim = doc.animation_url
  if (typeof anim === 'string' && anim.trim()) {
    const url = safeModelUrl(anim, types.get(anim.trim()) ?? null, opts)
    if (url) return url
  }
  for (const [uri, type] of types) {
    if (!MODEL_TYPES.includes(type)) continue
    const url = safeModelUrl(uri, type, opts)
    if (url) return url
  }
  return null
}

/**
 * Plain text, one safe image and at most one safe 3D model from an untrusted metadata object.
 *
 * - name (≤ 120) and description (≤ 2000, line breaks kept): strings only, control, zero-width
 *   and bidi-override characters removed. Markup stays literal text: the UI renders these as
 *   text nodes, never as HTML.
 * - image: the first safe one of `image`, `image_url` (older OpenSea-era collections) and
 *   `image_data` (raw SVG markup). Safe means: https (any public host), http to loopback,
 *   ipfs:// (rewritten to the first gateway), or data:image/(png|jpeg|gif|webp|svg+xml) whose
 *   bytes match the type, re-encoded as base64, at most 512 KiB as a URL. Anything else
 *   (javascript:, data:text/html, file:, blob:, private IP literals…) is dropped.
 * - model: a glTF 2.0 model from `animation_url` or `properties.files` (see sanitizeModel),
 *   or null. Other media in `animation_url` (video, audio, HTML) is not taken.
 *
 * SVG may contain <script>, but the client only shows images through <img> or a WebGL
 * texture, and neither runs script in an SVG. There is nothing to strip because it is never
 * inlined into the page.
 */
export function sanitizeMetadata(json: unknown, opts: GatewayOptions): SanitizedMetadata {
  const doc = isPlainObject(json) ? json : {}
  let image: string | null = null
  for (const key of ['image', 'image_url'] as const) {
    const v = doc[key]
    if (image === null && typeof v === 'string' && v.trim()) image = safeImageUrl(v, opts)
  }
  const svg = doc.image_data
  if (image === null && typeof svg === 'string') image = svgMarkupToDataUrl(svg.trim())
  return {
    name: cleanText(doc.name, NAME_MAX_CHARS),
    description: cleanMultilineText(doc.description, DESCRIPTION_MAX_CHARS),
    image,
    model: sanitizeModel(doc, opts),
  }
}
