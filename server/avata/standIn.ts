// TESTS ONLY: a stand-in for the AVATA open platform (文昌链), which cannot be reached from here.
// It answers the requests the adapter makes as AVATA's public documentation describes them (v3
// native NFT listing and detail, the X-Api-Key / X-Timestamp / X-Signature headers) and refuses
// what AVATA would refuse. `npm start` never starts it. It also serves the NFTs' metadata
// documents (on AVATA those live wherever the issuer put them). Its parameter encoding for the
// signature is written separately from the adapter's, so the two check each other.
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StandInNft {
  classId: string
  id: string
  owner: string
  name: string
  /** Metadata document; served at /meta/<class>/<id>.json and named as the NFT's uri. */
  metadata?: Record<string, unknown>
  status?: 'active' | 'burned'
}

export interface AvataStandIn {
  url: string
  nfts: StandInNft[]
  /** Requests answered (after their signature was checked), by path. */
  served: string[]
  /** Answers every request with this HTTP status (a platform that is down), when set. */
  failWith: number | null
  close(): Promise<void>
}

/** How far a request's timestamp may be from the stand-in's clock (assumed: AVATA names none). */
const SKEW_MS = 10 * 60_000

function sign(params: [string, string][], timestamp: string, secret: string) {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const json =
    '{' + sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}'
  return createHash('sha256')
    .update(json + timestamp + secret)
    .digest('hex')
}

export async function startAvataStandIn(opts: {
  apiKey: string
  apiSecret: string
  nfts?: StandInNft[]
}): Promise<AvataStandIn> {
  const state: Omit<AvataStandIn, 'url' | 'close'> = {
    nfts: opts.nfts ?? [],
    served: [],
    failWith: null,
  }
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const refuse = (status: number, code: string, message: string) =>
      send(status, { error: { code_space: 'AVATA', code, message } })
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const meta = /^\/meta\/([^/]+)\/([^/]+)\.json$/.exec(url.pathname)
    if (meta) {
      const nft = state.nfts.find((n) => n.classId === meta[1] && n.id === meta[2])
      return nft?.metadata ? send(200, nft.metadata) : refuse(404, 'NOT_FOUND', 'no document')
    }
    if (state.failWith) return refuse(state.failWith, 'UNAVAILABLE', 'the platform is down')
    if (req.method !== 'GET') return refuse(405, 'METHOD_NOT_ALLOWED', 'GET only here')
    // The documented headers, and the signature over the request as it arrived.
    const key = req.headers['x-api-key']
    const timestamp = req.headers['x-timestamp']
    const signature = req.headers['x-signature']
    if (key !== opts.apiKey) return refuse(401, 'AUTHENTICATION_FAILED', 'unknown X-Api-Key')
    if (typeof timestamp !== 'string' || !/^\d{13}$/.test(timestamp))
      return refuse(401, 'AUTHENTICATION_FAILED', 'X-Timestamp is milliseconds since 1970')
    if (Math.abs(Number(timestamp) - Date.now()) > SKEW_MS)
      return refuse(401, 'AUTHENTICATION_FAILED', 'X-Timestamp is too far from now')
    const params: [string, string][] = [['path_url', url.pathname]]
    for (const k of new Set(url.searchParams.keys()))
      params.push([`query_${k}`, url.searchParams.get(k)!])
    if (signature !== sign(params, timestamp, opts.apiSecret))
      return refuse(401, 'AUTHENTICATION_FAILED', 'X-Signature does not match')
    state.served.push(url.pathname)

    const origin = `http://${req.headers.host}`
    const row = (n: StandInNft) => ({
      id: n.id,
      name: n.name,
      class_id: n.classId,
      class_name: n.classId,
      uri: n.metadata ? `${origin}/meta/${n.classId}/${n.id}.json` : '',
      owner: n.owner,
      status: n.status === 'burned' ? 2 : 1,
      tx_hash: createHash('sha256').update(`${n.classId}/${n.id}`).digest('hex'),
      timestamp: '2026-01-01 00:00:00 +0000 UTC',
    })
    if (url.pathname === '/v3/native/nft/nfts') {
      const limit = Number(url.searchParams.get('limit') ?? '10')
      if (!Number.isInteger(limit) || limit < 1 || limit > 50)
        return refuse(400, 'INVALID_PARAM', 'limit is 1 to 50')
      const from = Number(
        Buffer.from(url.searchParams.get('page_key') ?? '', 'base64url').toString() || '0',
      )
      const want = (n: StandInNft) =>
        (!url.searchParams.get('class_id') || n.classId === url.searchParams.get('class_id')) &&
        (!url.searchParams.get('owner') || n.owner === url.searchParams.get('owner')) &&
        (n.status ?? 'active') === (url.searchParams.get('status') ?? 'active')
      const all = state.nfts.filter(want)
      const page = all.slice(from, from + limit)
      const next =
        from + limit < all.length ? Buffer.from(String(from + limit)).toString('base64url') : ''
      return send(200, {
        data: { prev_page_key: '', next_page_key: next, limit, nfts: page.map(row) },
      })
    }
    const detail = /^\/v3\/native\/nft\/nfts\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    if (detail) {
      const nft = state.nfts.find((n) => n.classId === detail[1] && n.id === detail[2])
      return nft ? send(200, { data: row(nft) }) : refuse(404, 'NOT_FOUND', 'no such NFT')
    }
    return refuse(404, 'NOT_FOUND', `no route ${url.pathname}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}
