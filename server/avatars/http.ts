// The avatar files' HTTP API (docs/api.md, Avatars): a signed-in visitor uploads a VRM file,
// which is checked (src/avatar/vrmCheck.ts) and stored by its SHA-256; anyone fetches it back
// by that id, from this server only (the client never loads an avatar from an address a
// visitor names). The size is checked from Content-Length before the body is read, and the
// body is cut one byte past the cap; uploads are limited per wallet and per client address.
// A signed-in holder of a verified collectible whose model is a VRM wears it through
// POST /api/avatars/collectible (server/avatars/wear.ts), limited as uploads are.
import type http from 'node:http'
import { checkVrm, isVrmId, VRM_MAX_BYTES } from '../../src/avatar/vrmCheck'
import { background } from '../background'
import {
  HttpRefusal,
  PerClientLimit,
  answerUnavailable,
  clientKey,
  readCapped,
  readJson,
  storeOrRefuse,
} from '../httpKit'
import type { Sessions } from '../auth'
import { clip, errorField, logFor } from '../log'
import { AvatarLimitError, type AvatarStore } from './store'
import type { CollectibleAvatars } from './wear'

type Json = (res: http.ServerResponse, status: number, body: unknown) => void

export interface AvatarsApiDeps {
  json: Json
  /** null while the database is starting (or failed: `failure` says why). */
  store: () => AvatarStore | null
  failure: () => string | null
  /** null while the chain part (which holds the sessions) is starting or off. */
  sessions: () => Sessions | null
  /** Wearing collectibles: null until both the chain and the database are up. */
  wear?: () => CollectibleAvatars | null
}

/** Where a stored avatar file is served. */
export const avatarUrl = (id: string) => `/api/avatars/vrm/${id}`

export const AVATAR_LIMITS = {
  /** Every avatar route, per client address. */
  routes: { perSecond: 20, burst: 60 },
  /** Uploads, per wallet and per client address: ten in a row (a refused file fixed and sent
   * again), then one a minute. */
  uploads: { perSecond: 1 / 60, burst: 10 },
}

/** Whether a request still has body bytes the server did not read. */
const bodyComing = (req: http.IncomingMessage) =>
  !req.complete &&
  (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0)

/** Returns a handler that answers /api/avatars routes (true) or leaves the request (false). */
export function avatarsApi(deps: AvatarsApiDeps) {
  const routeLimit = new PerClientLimit(AVATAR_LIMITS.routes.perSecond, AVATAR_LIMITS.routes.burst)
  const walletUploads = new PerClientLimit(
    AVATAR_LIMITS.uploads.perSecond,
    AVATAR_LIMITS.uploads.burst,
  )
  const addressUploads = new PerClientLimit(
    AVATAR_LIMITS.uploads.perSecond,
    AVATAR_LIMITS.uploads.burst,
  )
  const walletWears = new PerClientLimit(
    AVATAR_LIMITS.uploads.perSecond,
    AVATAR_LIMITS.uploads.burst,
  )
  const addressWears = new PerClientLimit(
    AVATAR_LIMITS.uploads.perSecond,
    AVATAR_LIMITS.uploads.burst,
  )
  const { json } = deps

  const storeOrFail = (): AvatarStore => storeOrRefuse(deps.store(), deps.failure())

  const signedIn = async (req: http.IncomingMessage) => {
    const sessions = deps.sessions()
    if (!sessions) throw new HttpRefusal(503, 'chain_starting', 'sign-in is not available yet', 2)
    const session = await sessions.fromHeader(req.headers.authorization)
    if (!session) {
      throw new HttpRefusal(
        401,
        'no_session',
        'sign in with a wallet first (Authorization: Bearer <token>)',
      )
    }
    return session
  }

  const wear = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const session = await signedIn(req)
    storeOrFail()
    const wearing = deps.wear?.()
    if (!wearing) throw new HttpRefusal(503, 'chain_starting', 'the chain is starting', 2)
    if (!walletWears.take(session.address) || !addressWears.take(clientKey(req))) {
      throw new HttpRefusal(429, 'rate_limited', 'too many collectibles worn: one a minute', 60)
    }
    const body = await readJson(req)
    if (!body.ok) throw new HttpRefusal(body.status, 'bad_request', body.message)
    json(res, 200, await wearing.wear(session.address, body.value))
  }

  const upload = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const session = await signedIn(req)
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > VRM_MAX_BYTES) {
      throw new HttpRefusal(413, 'too_large', `the file is over ${VRM_MAX_BYTES} bytes`)
    }
    const store = storeOrFail()
    if (!walletUploads.take(session.address) || !addressUploads.take(clientKey(req))) {
      throw new HttpRefusal(429, 'rate_limited', 'too many avatar uploads: one a minute', 60)
    }
    const body = await readCapped(req, VRM_MAX_BYTES)
    if (body === 'gone') return
    if (body === 'too_large') {
      throw new HttpRefusal(413, 'too_large', `the file is over ${VRM_MAX_BYTES} bytes`)
    }
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    const check = checkVrm(bytes)
    if (!check.ok)
      throw new HttpRefusal(400, 'bad_vrm', `not an avatar file we load: ${check.reason}`)
    let id: string
    try {
      id = await store.add(session.address, bytes)
    } catch (err) {
      if (err instanceof AvatarLimitError) throw new HttpRefusal(409, 'avatar_limit', err.message)
      throw err
    }
    res.setHeader('location', avatarUrl(id))
    json(res, 201, { id, url: avatarUrl(id), version: check.version, name: check.name })
  }

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, id: string) => {
    if (!isVrmId(id))
      throw new HttpRefusal(400, 'bad_id', 'an avatar id is 64 lowercase hex digits')
    const etag = `"${id}"`
    const bytes = await storeOrFail().get(id)
    if (!bytes) throw new HttpRefusal(404, 'not_found', 'there is no such avatar file')
    const headers = {
      // A file never changes: its id is its hash.
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end()
      return
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'model/gltf-binary',
      'content-length': String(bytes.length),
    })
    res.end(bytes)
  }

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const path = url.pathname
    const method = req.method ?? 'GET'
    if (!routeLimit.take(clientKey(req)))
      throw new HttpRefusal(429, 'rate_limited', 'too many requests', 5)
    if (path === '/api/avatars/vrm') {
      if (method !== 'POST') {
        res.setHeader('allow', 'POST')
        throw new HttpRefusal(405, 'method_not_allowed', `${path} takes POST`)
      }
      return upload(req, res)
    }
    if (path === '/api/avatars/collectible') {
      if (method !== 'POST') {
        res.setHeader('allow', 'POST')
        throw new HttpRefusal(405, 'method_not_allowed', `${path} takes POST`)
      }
      return wear(req, res)
    }
    const m = /^\/api\/avatars\/vrm\/([^/]*)$/.exec(path)
    if (!m) throw new HttpRefusal(404, 'not_found', `no API route ${clip(path, 80)}`)
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      throw new HttpRefusal(405, 'method_not_allowed', 'an avatar file takes GET')
    }
    return serve(req, res, m[1]!)
  }

  const answer = (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => {
    if (res.headersSent) return
    // A refusal before the body was read closes the connection, so Node does not read the
    // rest of an upload to keep the connection.
    if (bodyComing(req)) res.setHeader('connection', 'close')
    if (err instanceof HttpRefusal) {
      if (err.retryAfterS) res.setHeader('retry-after', String(err.retryAfterS))
      json(res, err.status, {
        error: err.code,
        message: err.message,
        ...(err.retryAfterS && { retryAfterS: err.retryAfterS }),
        ...err.details,
      })
      return
    }
    if (answerUnavailable(res, err, json)) return
    const at = { method: clip(req.method, 16), path: clip(req.url, 120) }
    logFor(req).error({ ...at, error: errorField(err) }, 'avatars api request failed')
    json(res, 500, { error: 'internal', message: 'internal error' })
  }

  return (req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean => {
    const path = url.pathname
    if (path !== '/api/avatars' && !path.startsWith('/api/avatars/')) return false
    background(
      route(req, res, url).catch((err: unknown) => answer(req, res, err)),
      '[avatars] request',
    )
    return true
  }
}
