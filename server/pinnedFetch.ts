// The fetch the server reads token metadata with (injected into src/chain/metadata): it
// resolves a host name once, refuses it when any address is loopback, private, link-local,
// multicast or otherwise reserved (unless the chain is local), and connects to exactly the
// address it checked, so DNS cannot answer differently the second time (no rebinding window).
// Redirects are not followed here: the metadata fetcher follows them and each hop comes back.
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { Readable } from 'node:stream'
import { ADDRESS_REFUSED } from '../src/chain/metadata'

export interface LookupResult {
  address: string
  family: 4 | 6
}

/** Every address of a host name (default: the system resolver, dns.lookup with all: true). */
export type Lookup = (hostname: string) => Promise<LookupResult[]>

export interface PinnedFetchOptions {
  /** Loopback and private addresses allowed (a chain that is `local: true` in the registry). */
  allowPrivate: boolean
  /** Origins never checked: the IPFS gateways the operator configured. */
  trustedOrigins?: readonly string[]
  lookup?: Lookup
}

const systemLookup: Lookup = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }))

function refused(message: string): Error {
  return Object.assign(new Error(message), { code: ADDRESS_REFUSED })
}

/** IPv4 addresses no metadata fetch of a non-local chain may reach. */
function forbiddenV4(ip: string): boolean {
  const [a = 0, b = 0, c = 0] = ip.split('.').map(Number)
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b < 128) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
    (a === 192 && b === 0 && c === 2) || // documentation
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224 // multicast, reserved, broadcast
  )
}

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail expanded). */
function groups6(ip: string): number[] | null {
  let text = ip.toLowerCase().replace(/%.*$/, '')
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1]
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number)
    text =
      text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const part = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : [])
  const h = part(head)
  const t = tail === undefined ? [] : part(tail)
  const fill = 8 - h.length - t.length
  if (fill < 0 || (tail === undefined && fill !== 0)) return null
  const out = [...h, ...new Array<number>(fill).fill(0), ...t]
  return out.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? out : null
}

/** Whether a resolved address is one a non-local chain's metadata may not come from. */
export function isForbiddenAddress(ip: string): boolean {
  const kind = net.isIP(ip)
  if (kind === 4) return forbiddenV4(ip)
  if (kind !== 6) return true
  const g = groups6(ip)
  if (!g) return true
  const v4of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeros(8)) return true // ::
  if (zeros(7) && g[7] === 1) return true // ::1
  if (zeros(5) && g[5] === 0xffff) return forbiddenV4(v4of(g[6]!, g[7]!)) // ::ffff:a.b.c.d
  if (zeros(6)) return true // ::a.b.c.d (deprecated v4-compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return forbiddenV4(v4of(g[6]!, g[7]!)) // NAT64 64:ff9b::/96
  }
  const first = g[0]!
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local fec0::/10
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0xdb8) || // documentation
    first === 0x100 // discard-only 100::/64
  )
}

/**
 * A fetch for metadata documents: GET only, no redirects followed, no cookies, the body as a
 * stream. `init.signal` aborts the request.
 */
export function pinnedFetch(options: PinnedFetchOptions): typeof fetch {
  const lookup = options.lookup ?? systemLookup
  const trusted = new Set(options.trustedOrigins ?? [])

  const pick = async (url: URL): Promise<LookupResult> => {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const literal = net.isIP(host)
    const all: LookupResult[] = literal
      ? [{ address: host, family: literal === 6 ? 6 : 4 }]
      : await lookup(host)
    if (all.length === 0) throw new Error(`${host.slice(0, 100)} has no address`)
    if (!options.allowPrivate && !trusted.has(url.origin)) {
      const bad = all.find((a) => isForbiddenAddress(a.address))
      if (bad) {
        throw refused(
          `host ${host.slice(0, 100)} resolves to ${bad.address}, a loopback, private or ` +
            'reserved address',
        )
      }
    }
    return all[0]!
  }

  const pinned = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw refused(`scheme ${url.protocol} is not fetched`)
    }
    const signal = init?.signal ?? undefined
    signal?.throwIfAborted()
    const target = await pick(url)
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v))
    const mod = url.protocol === 'https:' ? https : http
    return new Promise<Response>((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method: 'GET',
          headers,
          ...(signal && { signal }),
          // Connect to the address checked above; never resolve the name again.
          lookup: (_host, opts, cb) => {
            if ((opts as { all?: boolean }).all) {
              cb(null, [{ address: target.address, family: target.family }])
            } else cb(null, target.address, target.family)
          },
          agent: false,
        },
        (res) => {
          const responseHeaders = new Headers()
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') responseHeaders.set(k, v)
            else if (Array.isArray(v)) for (const item of v) responseHeaders.append(k, item)
          }
          const status = res.statusCode ?? 502
          const empty = status === 204 || status === 304 || (status >= 300 && status < 400)
          if (empty) res.resume()
          resolve(
            new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status: status < 200 || status > 599 ? 502 : status,
              headers: responseHeaders,
            }),
          )
        },
      )
      req.on('error', reject)
      req.end()
    })
  }
  return pinned as typeof fetch
}
