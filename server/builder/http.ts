// The builder's HTTP API (docs/api.md): templates, creating a world (from a template or an
// uploaded height map), my worlds, one world's card, scene and grid (a draft only for its owner
// and builders), its versions, publishing and inviting builders. Live edits go through the
// world's room (room.ts), not through here. Reads are limited per client address, writes per
// signed-in wallet; every body is size-capped and checked.
import type http from 'node:http'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import {
  HttpRefusal,
  PerClientLimit,
  answerUnavailable,
  clientKey,
  readJson,
  storeOrRefuse,
} from '../httpKit'
import type { Session, Sessions } from '../auth'
import { clip, errorField, logFor } from '../log'
import { parseScene, SceneError, type Scene } from '../../src/protocol/scene'
import {
  BuilderError,
  MAX_INFLATED_BYTES,
  type BuilderStore,
  type BuilderWorld,
  type NewWorld,
} from './store'
import { isBuilderWorld } from './room'
import type { ThumbnailJobs } from './thumbnailJobs'
import { inspectPicture, MAX_PICTURE_BYTES, MAX_WORLD_PICTURES, pictureUrl } from './picture'
import type { WorldDirectory } from './directory'

type Json = (res: http.ServerResponse, status: number, body: unknown) => void

/** What a new world starts from: a template by id, or an uploaded height map (PNG bytes). */
export interface WorldMaker {
  templates(): readonly { id: string; kind: string; name: { 'zh-CN': string; en: string } }[]
  /** The scene and grid codec bytes of a new world; throws BuilderError on bad input. */
  fromTemplate(template: string, worldId: string, title: NewWorld['title']): WorldStart
  fromHeightmap(
    png: Uint8Array,
    worldId: string,
    title: NewWorld['title'],
    kind: string,
  ): WorldStart
}
export interface WorldStart {
  scene: Scene
  voxels: Uint8Array
  /** The template's kind (a height map's is the builder's choice). */
  kind?: string
}

export interface BuilderApiDeps {
  json: Json
  /** null while the database is starting (or failed: `failure` says why). */
  store: () => BuilderStore | null
  failure: () => string | null
  /** null while the chain part (which holds the sessions) is starting or off. */
  sessions: () => Sessions | null
  maker: WorldMaker
  /** The directory of published worlds (null while the database is starting). */
  directory: () => WorldDirectory | null
  /** Who draws published worlds' thumbnails (null while the database is starting). */
  thumbnails: () => ThumbnailJobs | null
  /** Visitors now in each builder world that has any (every instance, every process). */
  live: () => Promise<ReadonlyMap<string, number>>
  /** Tells the world's rooms (every instance) that its builders or its status changed. */
  accessChanged: (worldId: string) => void
}

/** Worlds one wallet may own. */
export const MAX_OWNED_WORLDS = 20
/** Largest height map upload, bytes. */
export const MAX_HEIGHTMAP_BYTES = 1024 * 1024
/** Largest scene file imported (an exported world: the scene and its grid in base64). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024

const LIMITS = {
  read: { perSecond: 20, burst: 60 },
  /** Creating a world: a few in a row, then one a minute. */
  create: { perSecond: 1 / 60, burst: 5 },
  write: { perSecond: 2, burst: 10 },
}

const STATUS: Record<BuilderError['code'], number> = {
  bad_input: 400,
  not_found: 404,
  forbidden: 403,
  builder_limit: 409,
}

/**
 * A world from an exported scene file: its scene (checked; its spaces, stages and portals left
 * out, as a fresh world has none) and its grid (`voxel.grid`, inflated with a cap).
 */
export function importedWorld(input: unknown): { scene: Scene; voxels: Uint8Array } {
  let scene: Scene
  try {
    scene = parseScene(input, 'the imported file')
  } catch (err) {
    if (err instanceof SceneError) throw new BuilderError('bad_input', err.message)
    throw err
  }
  const grid = scene.voxel?.grid
  if (!scene.voxel || !grid)
    throw new BuilderError(
      'bad_input',
      'the file has no voxel grid (voxel.grid): export a builder world',
    )
  let voxels: Uint8Array
  try {
    voxels = inflateRawSync(Buffer.from(grid, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES })
  } catch {
    throw new BuilderError('bad_input', 'the voxel grid does not inflate')
  }
  const { grid: _grid, ...voxel } = scene.voxel
  // Uploaded pictures stay with the world they were uploaded to; files of the site travel.
  const pois = scene.pois.map(({ picture, ...poi }) =>
    picture?.startsWith('/assets/') ? { ...poi, picture } : poi,
  )
  return {
    scene: { ...scene, voxel, pois, spaces: [], stages: [], portals: [] },
    voxels: new Uint8Array(voxels),
  }
}

/** A world as the API shows it, with whether the viewer may edit it. */
function card(world: BuilderWorld, viewer: string | null) {
  const canEdit = viewer !== null && (world.owner === viewer || world.builders.includes(viewer))
  return { ...world, canEdit, isOwner: viewer === world.owner }
}

/** Reads a body of raw bytes up to `max`; 413 past it. */
async function readBytes(req: http.IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max)
    throw new HttpRefusal(413, 'too_large', `the upload is over ${max} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) throw new HttpRefusal(413, 'too_large', `the upload is over ${max} bytes`)
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

function titleOf(raw: unknown): NewWorld['title'] {
  const t = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  return {
    'zh-CN': typeof t['zh-CN'] === 'string' ? t['zh-CN'] : '',
    en: typeof t.en === 'string' ? t.en : '',
  }
}

/** Returns a handler that answers /api/builder routes (true) or leaves the request (false). */
export function builderApi(deps: BuilderApiDeps) {
  const readLimit = new PerClientLimit(LIMITS.read.perSecond, LIMITS.read.burst)
  const createLimit = new PerClientLimit(LIMITS.create.perSecond, LIMITS.create.burst)
  const writeLimit = new PerClientLimit(LIMITS.write.perSecond, LIMITS.write.burst)
  const { json } = deps

  const storeOrFail = (): BuilderStore => storeOrRefuse(deps.store(), deps.failure())

  /** The signed-in wallet, or null; a token that is not a live session is refused. */
  const viewerOf = async (req: http.IncomingMessage): Promise<Session | null> => {
    if (!req.headers.authorization) return null
    const sessions = deps.sessions()
    if (!sessions) throw new HttpRefusal(503, 'chain_starting', 'sign-in is not available yet', 2)
    const session = await sessions.fromHeader(req.headers.authorization)
    if (!session)
      throw new HttpRefusal(401, 'no_session', 'not a live sign-in session: sign in again')
    return session
  }
  const signedIn = async (req: http.IncomingMessage): Promise<Session> => {
    const session = await viewerOf(req)
    if (!session)
      throw new HttpRefusal(
        401,
        'no_session',
        'sign in with a wallet first (Authorization: Bearer <token>)',
      )
    if (!writeLimit.take(session.address))
      throw new HttpRefusal(429, 'rate_limited', 'too many changes: slow down', 5)
    return session
  }
  const body = async (req: http.IncomingMessage): Promise<Record<string, unknown>> => {
    const read = await readJson(req)
    if (!read.ok) throw new HttpRefusal(read.status, 'bad_request', read.message)
    if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value))
      throw new HttpRefusal(400, 'bad_request', 'the body must be a JSON object')
    return read.value as Record<string, unknown>
  }

  const create = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const session = await signedIn(req)
    const store = storeOrFail()
    const owned = (await store.worldsOf(session.address)).filter((w) => w.owner === session.address)
    if (owned.length >= MAX_OWNED_WORLDS)
      throw new HttpRefusal(
        409,
        'world_limit',
        `one wallet owns at most ${MAX_OWNED_WORLDS} worlds`,
      )
    let meta: NewWorld
    let make: (worldId: string) => WorldStart
    if (url.pathname === '/api/builder/import') {
      // An exported world (the scene file format with its grid): the file is the body.
      const file = await readBytes(req, MAX_IMPORT_BYTES)
      const q = url.searchParams
      let scene: unknown
      try {
        scene = JSON.parse(Buffer.from(file).toString('utf8'))
      } catch {
        throw new HttpRefusal(400, 'bad_request', 'the file is not JSON')
      }
      const imported = importedWorld(scene)
      meta = {
        kind: q.get('kind') ?? '',
        region: q.get('region') ?? '',
        title: imported.scene.name,
      }
      make = (id) => ({ scene: { ...imported.scene, id }, voxels: imported.voxels })
    } else if ((req.headers['content-type'] ?? '').startsWith('image/png')) {
      // A height map: the PNG is the body, the rest in the query.
      const png = await readBytes(req, MAX_HEIGHTMAP_BYTES)
      const q = url.searchParams
      const title = { 'zh-CN': q.get('titleZh') ?? '', en: q.get('titleEn') ?? '' }
      const kind = q.get('kind') ?? ''
      meta = { kind, region: q.get('region') ?? '', title }
      make = (id) => deps.maker.fromHeightmap(png, id, title, kind)
    } else {
      const b = await body(req)
      const template = typeof b.template === 'string' ? b.template : ''
      const known = deps.maker.templates().find((t) => t.id === template)
      if (!known)
        throw new HttpRefusal(
          400,
          'bad_input',
          `template is one of ${deps.maker
            .templates()
            .map((t) => t.id)
            .join(', ')}`,
        )
      const title = titleOf(b.title)
      meta = { kind: known.kind, region: typeof b.region === 'string' ? b.region : '', title }
      make = (id) => deps.maker.fromTemplate(template, id, title)
    }
    // Counted once the request is whole and names a template: making a world is the cost.
    if (!createLimit.take(session.address))
      throw new HttpRefusal(429, 'rate_limited', 'a new world a minute at most', 60)
    let start: WorldStart | null = null
    const world = await store.create(
      session.address,
      meta,
      (id) => {
        start = make(id)
        return start.scene
      },
      () => start!.voxels,
    )
    res.setHeader('location', `/api/builder/worlds/${world.worldId}`)
    json(res, 201, card(world, session.address))
  }

  /** POST …/pictures: a builder uploads one (the body); GET …/pictures/<id>: it is served. */
  const picture = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    worldId: string,
    pictureId: string | undefined,
  ) => {
    const method = req.method ?? 'GET'
    const allowed = pictureId ? 'GET' : 'POST'
    if (method !== allowed) {
      res.setHeader('allow', allowed)
      throw new HttpRefusal(405, 'method_not_allowed', `that picture route takes ${allowed}`)
    }
    const store = storeOrFail()
    if (!pictureId) {
      const session = await signedIn(req)
      const bytes = await readBytes(req, MAX_PICTURE_BYTES)
      const info = inspectPicture(bytes, req.headers['content-type'] ?? '')
      const id = await store.addPicture(
        worldId,
        session.address,
        { ...info, bytes },
        MAX_WORLD_PICTURES,
      )
      json(res, 201, { pictureId: id, url: pictureUrl(worldId, id), ...info })
      return
    }
    const viewer = (await viewerOf(req))?.address ?? null
    const found = await store.picture(worldId, pictureId, viewer)
    if (!found) throw new HttpRefusal(404, 'not_found', 'there is no such picture')
    res.writeHead(200, {
      'content-type': found.type,
      'content-length': String(found.bytes.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      // A picture never changes (a new one gets a new id); a draft's stays with its builders.
      'cache-control': viewer ? 'private, max-age=3600' : 'public, max-age=31536000, immutable',
    })
    res.end(found.bytes)
  }

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const path = url.pathname
    const method = req.method ?? 'GET'
    if (!readLimit.take(clientKey(req)))
      throw new HttpRefusal(429, 'rate_limited', 'too many requests', 5)

    if (path === '/api/builder/templates') {
      if (method !== 'GET') throw new HttpRefusal(405, 'method_not_allowed', `${path} takes GET`)
      json(res, 200, { templates: deps.maker.templates() })
      return
    }
    if (path === '/api/builder/directory') {
      if (method !== 'GET') throw new HttpRefusal(405, 'method_not_allowed', `${path} takes GET`)
      const directory = deps.directory()
      if (!directory) storeOrFail()
      const q = url.searchParams
      const query = Object.fromEntries(
        ['q', 'kind', 'region', 'sort', 'size', 'page', 'cursor'].flatMap((k) => {
          const v = q.get(k)
          return v === null || v === '' ? [] : [[k, v]]
        }),
      )
      const page = await directory!.search(
        query,
        q.get('sort') === 'popular' ? await deps.live() : new Map(),
      )
      json(res, 200, page)
      return
    }
    if (path === '/api/builder/import') {
      if (method !== 'POST') throw new HttpRefusal(405, 'method_not_allowed', `${path} takes POST`)
      return create(req, res, url)
    }
    if (path === '/api/builder/worlds') {
      if (method === 'POST') return create(req, res, url)
      if (method !== 'GET')
        throw new HttpRefusal(405, 'method_not_allowed', `${path} takes GET or POST`)
      // GET: the signed-in wallet's worlds, drafts included.
      const session = await viewerOf(req)
      if (!session) throw new HttpRefusal(401, 'no_session', 'sign in to list the worlds you build')
      const worlds = await storeOrFail().worldsOf(session.address)
      json(res, 200, { worlds: worlds.map((w) => card(w, session.address)) })
      return
    }
    const pic = /^\/api\/builder\/worlds\/(bw-[0-9a-f]{12})\/pictures(?:\/([0-9a-f]{16}))?$/.exec(
      path,
    )
    if (pic) return picture(req, res, pic[1]!, pic[2])
    const m =
      /^\/api\/builder\/worlds\/([^/]+)(?:\/(scene|voxels|export|versions|publish|builders|thumbnail))?$/.exec(
        path,
      )
    if (!m) throw new HttpRefusal(404, 'not_found', `no API route ${clip(path, 80)}`)
    const [, id, part] = m as unknown as [string, string, string | undefined]
    if (!isBuilderWorld(id))
      throw new HttpRefusal(404, 'not_found', 'there is no builder world with that id')
    const writes = part === 'publish' || part === 'builders'
    const allowed = writes ? 'POST' : 'GET'
    if (method !== allowed) {
      res.setHeader('allow', allowed)
      throw new HttpRefusal(405, 'method_not_allowed', `${path} takes ${allowed}`)
    }
    const store = storeOrFail()
    if (writes) {
      const session = await signedIn(req)
      const b = await body(req)
      if (part === 'publish') {
        if (typeof b.published !== 'boolean')
          throw new HttpRefusal(400, 'bad_input', '"published" must be true or false')
        const world = await store.setPublished(id, session.address, b.published)
        // The directory shows it with a map of it from above, drawn now, until its picture
        // from the headless browser is ready.
        if (b.published) await deps.thumbnails()?.published(id)
        deps.accessChanged(id)
        json(res, 200, card(world, session.address))
        return
      }
      if (typeof b.address !== 'string' || typeof b.add !== 'boolean')
        throw new HttpRefusal(400, 'bad_input', 'send {"address": "0x…", "add": true|false}')
      const world = b.add
        ? await store.addBuilder(id, session.address, b.address)
        : await store.removeBuilder(id, session.address, b.address)
      deps.accessChanged(id)
      json(res, 200, card(world, session.address))
      return
    }
    const session = await viewerOf(req)
    const viewer = session?.address ?? null
    if (part === 'versions') {
      if (!viewer) throw new HttpRefusal(401, 'no_session', 'sign in to see the versions')
      json(res, 200, { versions: await store.versions(id, viewer) })
      return
    }
    if (part === 'thumbnail') {
      const image = await store.thumbnail(id, viewer)
      if (!image) throw new HttpRefusal(404, 'not_found', 'no thumbnail for that world (yet)')
      res.writeHead(200, {
        // The map is a PNG, the headless browser's picture a JPEG; the server made both.
        'content-type': image[0] === 0xff && image[1] === 0xd8 ? 'image/jpeg' : 'image/png',
        'content-length': String(image.length),
        'x-content-type-options': 'nosniff',
        // Drawn again as the world changes; the directory asks with its drawing time (?v=).
        'cache-control': 'public, max-age=60',
      })
      res.end(image)
      return
    }
    if (part === undefined) {
      const world = await store.world(id, viewer)
      if (!world) throw new HttpRefusal(404, 'not_found', 'there is no builder world with that id')
      json(res, 200, card(world, viewer))
      return
    }
    const content = await store.content(id, viewer)
    if (!content) throw new HttpRefusal(404, 'not_found', 'there is no builder world with that id')
    if (part === 'scene') {
      json(res, 200, content.scene)
      return
    }
    if (part === 'export') {
      // The scene file format with the grid in it: importable here, or a file for scenes/.
      const grid = deflateRawSync(content.voxels).toString('base64')
      res.setHeader('content-disposition', `attachment; filename="${id}.json"`)
      json(res, 200, { ...content.scene, voxel: { ...content.scene.voxel, grid } })
      return
    }
    // The grid: codec bytes, raw-deflated (the page inflates them with DecompressionStream).
    const bytes = deflateRawSync(content.voxels)
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      'cache-control': 'no-store',
      'x-voxel-version': String(content.version),
    })
    res.end(bytes)
  }

  return (req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean => {
    const path = url.pathname
    if (path !== '/api/builder' && !path.startsWith('/api/builder/')) return false
    void route(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return
      if (err instanceof HttpRefusal) {
        if (err.retryAfterS) res.setHeader('retry-after', String(err.retryAfterS))
        json(res, err.status, {
          error: err.code,
          message: err.message,
          ...(err.retryAfterS && { retryAfterS: err.retryAfterS }),
        })
        return
      }
      if (err instanceof BuilderError) {
        json(res, STATUS[err.code], { error: err.code, message: err.message })
        return
      }
      if (answerUnavailable(res, err, json)) return
      const at = { method: clip(req.method, 16), path: clip(path, 120) }
      logFor(req).error({ ...at, error: errorField(err) }, 'builder api request failed')
      json(res, 500, { error: 'internal', message: 'internal error' })
    })
    return true
  }
}
