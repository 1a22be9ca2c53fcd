// Token metadata, the URI rules: which URIs may be read (http(s), ipfs through gateways, data:),
// which hosts are refused, and ERC-1155's {id}. Isomorphic; see index.ts for the threat model.

export interface GatewayOptions {
  /** IPFS gateway bases, tried in order: "https://ipfs.io/ipfs/", "http://127.0.0.1:2567/ipfs/". */
  ipfsGateways: readonly string[]
  /**
   * The token's chain is `local: true` in the registry: loopback and private addresses are
   * allowed. Otherwise (the default) they are refused, in URIs and in redirects.
   */
  local?: boolean
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

export type Resolved = { kind: 'data'; uri: string } | { kind: 'fetch'; urls: string[] } | Refused
export type Refused = { kind: 'refused'; detail: string }

export function refused(detail: string): Refused {
  return { kind: 'refused', detail }
}

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
export function checkWebUrl(raw: string, local: boolean): URL | Refused {
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
export function resolve(rawUri: string, opts: GatewayOptions): Resolved {
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
