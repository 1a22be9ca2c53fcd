// Block Park worlds made in the builder, in the database (PGlite or PostgreSQL): who owns and
// builds each one, whether it is a draft or published, and every saved version of its content
// (the scene, and the voxel grid as codec bytes, deflated). Everything stored is checked here:
// the scene parses, the grid decodes, matches the scene's size and palette, and fits the caps.
import { randomBytes } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { getAddress, isAddress } from 'ethers'
import { cleanText } from '../../src/protocol/messages'
import { parseScene, SceneError, type Scene } from '../../src/protocol/scene'
import { decodeGrid, VoxelCodecError } from '../../src/world/voxel/codec'
import type { Database, Queryable } from '../db/database'
import { searchText } from './searchText'

export const WORLD_KINDS = ['village', 'town', 'scenic'] as const
export type WorldKind = (typeof WORLD_KINDS)[number]
/** Invited builders a world takes besides its owner (a village's team, a class). */
export const MAX_BUILDERS = 32
/** Stored (deflated) grid bytes; a 256×64×256 village takes about 20 KB. */
export const MAX_VOXEL_BYTES = 2 * 1024 * 1024
/** Grid bytes once inflated: a 512×128×512 world of noise, run-length coded, stays under it. */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024
export const TITLE_MAX_CHARS = 48
export const REGION_MAX_CHARS = 32
export const NOTE_MAX_CHARS = 80

export type BuilderErrorCode = 'bad_input' | 'not_found' | 'forbidden' | 'builder_limit'

export class BuilderError extends Error {
  constructor(
    readonly code: BuilderErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'BuilderError'
  }
}

export interface BuilderWorld {
  worldId: string
  owner: string
  builders: string[]
  kind: WorldKind
  /** Province or region, as the owner wrote it (cleaned). */
  region: string
  title: { 'zh-CN': string; en: string }
  status: 'draft' | 'published'
  version: number
  createdAt: number
  updatedAt: number
  publishedAt: number | null
}

export interface WorldContent {
  version: number
  scene: Scene
  /** Codec bytes (not deflated): decodeGrid reads them. */
  voxels: Uint8Array
}

export interface WorldVersion {
  version: number
  createdAt: number
  createdBy: string
  note: string
}

export interface NewWorld {
  kind: string
  region: string
  title: { 'zh-CN': string; en: string }
}

function address(raw: string, what: string): string {
  if (!isAddress(raw)) throw new BuilderError('bad_input', `${what} is not an EVM address`)
  return getAddress(raw)
}

function text(raw: unknown, max: number, what: string): string {
  const t = cleanText(raw, max).trim()
  if (!t) throw new BuilderError('bad_input', `${what} is empty`)
  return t
}

/**
 * Checks content before it is stored: the scene is a voxel scene, the grid decodes, and its
 * size and materials are the scene's. Returns the scene as parsed and the deflated grid.
 */
export function checkContent(
  worldId: string,
  sceneInput: unknown,
  voxels: Uint8Array,
): { scene: Scene; stored: Uint8Array } {
  let scene: Scene
  try {
    scene = parseScene(sceneInput, `world ${worldId}`)
  } catch (err) {
    if (err instanceof SceneError) throw new BuilderError('bad_input', err.message)
    throw err
  }
  if (scene.id !== worldId)
    throw new BuilderError('bad_input', `the scene's id is "${scene.id}", not "${worldId}"`)
  if (!scene.voxel) throw new BuilderError('bad_input', 'a Block Park world needs a voxel section')
  let grid
  try {
    grid = decodeGrid(voxels, scene.voxel.palette.length + 1)
  } catch (err) {
    if (err instanceof VoxelCodecError)
      throw new BuilderError('bad_input', `the voxel grid: ${err.message}`)
    throw err
  }
  if (grid.dims.join('×') !== scene.voxel.size.join('×'))
    throw new BuilderError(
      'bad_input',
      `the voxel grid is ${grid.dims.join('×')}, the scene says ${scene.voxel.size.join('×')}`,
    )
  const stored = deflateRawSync(voxels)
  if (stored.length > MAX_VOXEL_BYTES)
    throw new BuilderError(
      'bad_input',
      `the voxel grid takes ${stored.length} bytes; at most ${MAX_VOXEL_BYTES}`,
    )
  return { scene, stored }
}

interface WorldRow {
  world_id: string
  owner: string
  kind: WorldKind
  region: string
  title_zh: string
  title_en: string
  status: 'draft' | 'published'
  current_version: number
  created_at: Date
  updated_at: Date
  published_at: Date | null
  builders: string[] | null
}

const WORLD_COLUMNS = `w.world_id, w.owner, w.kind, w.region, w.title_zh, w.title_en, w.status,
  w.current_version, w.created_at, w.updated_at, w.published_at,
  (select array_agg(m.address order by m.added_at, m.address) from builder_world_members m
    where m.world_id = w.world_id) as builders`

function toWorld(r: WorldRow): BuilderWorld {
  return {
    worldId: r.world_id,
    owner: r.owner,
    builders: r.builders ?? [],
    kind: r.kind,
    region: r.region,
    title: { 'zh-CN': r.title_zh, en: r.title_en },
    status: r.status,
    version: r.current_version,
    createdAt: new Date(r.created_at).getTime(),
    updatedAt: new Date(r.updated_at).getTime(),
    publishedAt: r.published_at ? new Date(r.published_at).getTime() : null,
  }
}

/** The note of the versions the rooms save by themselves (server/builder/room.ts). */
export const AUTOSAVE_NOTE = 'autosave'
/** Autosaves a world keeps (the newest); versions saved by a builder are all kept. */
export const KEPT_AUTOSAVES = 20

export class BuilderStore {
  constructor(private readonly db: Database) {}

  /** A world as `viewer` may see it: a draft only for its owner and builders, else null. */
  async world(worldId: string, viewer: string | null = null): Promise<BuilderWorld | null> {
    const world = await this.load(this.db, worldId)
    if (!world) return null
    if (world.status === 'published') return world
    return viewer && this.isMember(world, viewer) ? world : null
  }

  /** Worlds `address` owns or builds, drafts included, newest first. */
  async worldsOf(raw: string): Promise<BuilderWorld[]> {
    const a = address(raw, 'the address')
    const rows = await this.db.query<WorldRow>(
      `select ${WORLD_COLUMNS} from builder_worlds w
       where w.owner = $1 or exists (select 1 from builder_world_members m
         where m.world_id = w.world_id and m.address = $1)
       order by w.created_at desc, w.world_id`,
      [a],
    )
    return rows.map(toWorld)
  }

  /** Creates a draft with its first version (a template's or an uploaded height map's). */
  async create(
    owner: string,
    meta: NewWorld,
    scene: (worldId: string) => unknown,
    /** The grid's codec bytes, or what gives them once `scene` ran (a template makes both). */
    voxels: Uint8Array | (() => Uint8Array),
  ): Promise<BuilderWorld> {
    const by = address(owner, 'the owner')
    if (!(WORLD_KINDS as readonly string[]).includes(meta.kind))
      throw new BuilderError('bad_input', `kind is one of ${WORLD_KINDS.join(', ')}`)
    const title = {
      zh: text(meta.title['zh-CN'], TITLE_MAX_CHARS, 'the Chinese title'),
      en: text(meta.title.en, TITLE_MAX_CHARS, 'the English title'),
    }
    const region = text(meta.region, REGION_MAX_CHARS, 'the region')
    const worldId = `bw-${randomBytes(6).toString('hex')}`
    const sceneInput = scene(worldId)
    const grid = typeof voxels === 'function' ? voxels() : voxels
    const content = checkContent(worldId, sceneInput, grid)
    const search = searchText(title.zh, title.en, region)
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into builder_worlds (world_id, owner, kind, region, title_zh, title_en, search_text)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [worldId, by, meta.kind, region, title.zh, title.en, search],
      )
      await this.commitVersion(tx, worldId, 1, by, 'create', content)
    })
    return (await this.load(this.db, worldId))!
  }

  /** The owner invites a builder; returns the world. */
  async addBuilder(worldId: string, by: string, builder: string): Promise<BuilderWorld> {
    const who = address(builder, 'the builder')
    return this.db.transaction(async (tx) => {
      const world = await this.ownedBy(tx, worldId, by)
      if (who === world.owner || world.builders.includes(who)) return world
      if (world.builders.length >= MAX_BUILDERS)
        throw new BuilderError('builder_limit', `a world has at most ${MAX_BUILDERS} builders`)
      await tx.query(
        'insert into builder_world_members (world_id, address, added_by) values ($1, $2, $3)',
        [worldId, who, world.owner],
      )
      return (await this.load(tx, worldId))!
    })
  }

  async removeBuilder(worldId: string, by: string, builder: string): Promise<BuilderWorld> {
    const who = address(builder, 'the builder')
    return this.db.transaction(async (tx) => {
      await this.ownedBy(tx, worldId, by)
      await tx.query('delete from builder_world_members where world_id = $1 and address = $2', [
        worldId,
        who,
      ])
      return (await this.load(tx, worldId))!
    })
  }

  /** Whether `address` may edit (owner or builder). */
  async canEdit(worldId: string, address: string): Promise<boolean> {
    const world = await this.load(this.db, worldId)
    return !!world && this.isMember(world, address)
  }

  /** Saves new content as the next version; returns its number. */
  async save(
    worldId: string,
    by: string,
    scene: unknown,
    voxels: Uint8Array,
    note = 'save',
  ): Promise<{ version: number }> {
    const who = address(by, 'the builder')
    const content = checkContent(worldId, scene, voxels)
    return this.db.transaction(async (tx) => {
      const world = await this.lockForEdit(tx, worldId, who)
      const version = world.version + 1
      await this.commitVersion(tx, worldId, version, who, cleanText(note, NOTE_MAX_CHARS), content)
      if (note === AUTOSAVE_NOTE)
        // A world built on for hours autosaves every half minute: the newest autosaves stay
        // (and every save a builder named), the older ones go.
        await tx.query(
          `delete from builder_world_versions where world_id = $1 and note = $2 and version <= (
            select version from builder_world_versions where world_id = $1 and note = $2
            order by version desc offset $3 limit 1)`,
          [worldId, AUTOSAVE_NOTE, KEPT_AUTOSAVES],
        )
      return { version }
    })
  }

  /**
   * Content of the current version, for anyone who may see the world; an older `version` only
   * for its owner and builders (what they took out of a published world stays out).
   */
  async content(
    worldId: string,
    viewer: string | null,
    version?: number,
  ): Promise<WorldContent | null> {
    const world = await this.world(worldId, viewer)
    if (!world) return null
    const member = viewer !== null && this.isMember(world, viewer)
    if (version !== undefined && version !== world.version && !member) return null
    const rows = await this.db.query<{ version: number; scene: unknown; voxels: Uint8Array }>(
      'select version, scene, voxels from builder_world_versions where world_id = $1 and version = $2',
      [worldId, version ?? world.version],
    )
    const row = rows[0]
    if (!row) return null
    return {
      version: row.version,
      scene: parseScene(row.scene, `world ${worldId}`),
      voxels: inflateRawSync(row.voxels, { maxOutputLength: MAX_INFLATED_BYTES }),
    }
  }

  /**
   * The world and its current content whoever may see it: for the server's own use (a room of
   * the world loads it; what a room sends, it sends to those who could join it).
   */
  async current(worldId: string): Promise<{ world: BuilderWorld; content: WorldContent } | null> {
    const world = await this.load(this.db, worldId)
    if (!world) return null
    const content = await this.content(worldId, world.owner)
    return content && { world, content }
  }

  /**
   * Keeps a picture a builder uploaded (checked by picture.ts) for the world's points of
   * interest; returns its id. At most `max` a world.
   */
  async addPicture(
    worldId: string,
    by: string,
    picture: { type: string; bytes: Uint8Array; width: number; height: number },
    max: number,
  ): Promise<string> {
    const who = address(by, 'the builder')
    return this.db.transaction(async (tx) => {
      const world = await this.load(tx, worldId)
      if (!world || !this.isMember(world, who))
        throw new BuilderError('not_found', `no world ${worldId} that you build`)
      // The world's row, locked: two uploads at once cannot both take the last place.
      await tx.query('select 1 from builder_worlds where world_id = $1 for update', [worldId])
      const [{ n }] = (await tx.query<{ n: number }>(
        'select count(*)::int as n from builder_world_pictures where world_id = $1',
        [worldId],
      )) as [{ n: number }]
      if (n >= max) throw new BuilderError('builder_limit', `a world keeps at most ${max} pictures`)
      const id = randomBytes(8).toString('hex')
      await tx.query(
        `insert into builder_world_pictures
          (world_id, picture_id, type, bytes, width, height, added_by)
          values ($1, $2, $3, $4, $5, $6, $7)`,
        [worldId, id, picture.type, picture.bytes, picture.width, picture.height, who],
      )
      return id
    })
  }

  /** A picture of the world for anyone who may see the world; null otherwise. */
  async picture(
    worldId: string,
    pictureId: string,
    viewer: string | null,
  ): Promise<{ type: string; bytes: Uint8Array } | null> {
    if (!(await this.world(worldId, viewer))) return null
    return this.pictureOf(worldId, pictureId)
  }

  /** The picture itself, for the server's own use (a room checks a point's picture). */
  async pictureOf(
    worldId: string,
    pictureId: string,
  ): Promise<{ type: string; bytes: Uint8Array } | null> {
    const rows = await this.db.query<{ type: string; bytes: Uint8Array }>(
      'select type, bytes from builder_world_pictures where world_id = $1 and picture_id = $2',
      [worldId, pictureId],
    )
    return rows[0] ?? null
  }

  /** Keeps the world's thumbnail (a PNG map or a JPEG picture, both the server's own). */
  async setThumbnail(worldId: string, png: Uint8Array): Promise<void> {
    await this.db.query(
      'update builder_worlds set thumbnail = $2, thumbnail_at = now() where world_id = $1',
      [worldId, png],
    )
  }

  /** The world's thumbnail for anyone who may see the world; null when there is none (yet). */
  async thumbnail(worldId: string, viewer: string | null): Promise<Uint8Array | null> {
    if (!(await this.world(worldId, viewer))) return null
    const rows = await this.db.query<{ thumbnail: Uint8Array | null }>(
      'select thumbnail from builder_worlds where world_id = $1',
      [worldId],
    )
    return rows[0]?.thumbnail ?? null
  }

  /** Versions, newest first, for the owner and builders. */
  async versions(worldId: string, viewer: string, limit = 20): Promise<WorldVersion[]> {
    const world = await this.load(this.db, worldId)
    if (!world || !this.isMember(world, viewer))
      throw new BuilderError('not_found', `no world ${worldId} that you build`)
    const rows = await this.db.query<{
      version: number
      created_at: Date
      created_by: string
      note: string
    }>(
      `select version, created_at, created_by, note from builder_world_versions
       where world_id = $1 order by version desc limit $2`,
      [worldId, Math.max(1, Math.min(100, Math.floor(limit)))],
    )
    return rows.map((r) => ({
      version: r.version,
      createdAt: new Date(r.created_at).getTime(),
      createdBy: r.created_by,
      note: r.note,
    }))
  }

  /** Makes an older version's content the newest again (a new version: history stays). */
  async restore(worldId: string, by: string, version: number): Promise<{ version: number }> {
    const who = address(by, 'the builder')
    return this.db.transaction(async (tx) => {
      const world = await this.lockForEdit(tx, worldId, who)
      const rows = await tx.query<{ scene: unknown; voxels: Uint8Array }>(
        'select scene, voxels from builder_world_versions where world_id = $1 and version = $2',
        [worldId, version],
      )
      if (!rows[0])
        throw new BuilderError('not_found', `world ${worldId} has no version ${version}`)
      const next = world.version + 1
      await this.commitVersion(tx, worldId, next, who, `restore:${version}`, {
        scene: rows[0].scene,
        stored: rows[0].voxels,
      })
      return { version: next }
    })
  }

  /** The owner publishes (into the directory) or takes the world back to a draft. */
  async setPublished(worldId: string, by: string, published: boolean): Promise<BuilderWorld> {
    return this.db.transaction(async (tx) => {
      await this.ownedBy(tx, worldId, by)
      await tx.query(
        published
          ? `update builder_worlds set status = 'published',
               published_at = coalesce(published_at, now()) where world_id = $1`
          : `update builder_worlds set status = 'draft' where world_id = $1`,
        [worldId],
      )
      return (await this.load(tx, worldId))!
    })
  }

  private isMember(world: BuilderWorld, raw: string): boolean {
    if (!isAddress(raw)) return false
    const a = getAddress(raw)
    return world.owner === a || world.builders.includes(a)
  }

  private async load(q: Queryable, worldId: string): Promise<BuilderWorld | null> {
    const rows = await q.query<WorldRow>(
      `select ${WORLD_COLUMNS} from builder_worlds w where w.world_id = $1`,
      [worldId],
    )
    return rows[0] ? toWorld(rows[0]) : null
  }

  /** The world, its row locked until the transaction ends (edits to it go one at a time). */
  private async locked(tx: Queryable, worldId: string): Promise<BuilderWorld | null> {
    await tx.query('select 1 from builder_worlds where world_id = $1 for update', [worldId])
    return this.load(tx, worldId)
  }

  /** The world, locked for this transaction, when `by` owns it. */
  private async ownedBy(tx: Queryable, worldId: string, by: string): Promise<BuilderWorld> {
    const who = address(by, 'the owner')
    const world = await this.locked(tx, worldId)
    // A draft someone may not see is not found, so its id says nothing about it.
    if (!world || (world.status === 'draft' && !this.isMember(world, who)))
      throw new BuilderError('not_found', `no world ${worldId}`)
    if (world.owner !== who)
      throw new BuilderError('forbidden', `only the owner (${world.owner}) may do that`)
    return world
  }

  /** The world, locked for this transaction, when `who` may edit it. */
  private async lockForEdit(tx: Queryable, worldId: string, who: string): Promise<BuilderWorld> {
    const world = await this.locked(tx, worldId)
    if (!world || !this.isMember(world, who)) {
      // A draft someone may not see is not found, so its id says nothing about it.
      if (world?.status === 'published')
        throw new BuilderError('forbidden', `you are not a builder of ${worldId}`)
      throw new BuilderError('not_found', `no world ${worldId} that you build`)
    }
    return world
  }

  /** Stores `version` (checked content, or a stored version's) and makes it the current one. */
  private async commitVersion(
    tx: Queryable,
    worldId: string,
    version: number,
    by: string,
    note: string,
    content: { scene: unknown; stored: Uint8Array },
  ) {
    await tx.query(
      `insert into builder_world_versions (world_id, version, created_by, note, scene, voxels)
       values ($1, $2, $3, $4, $5, $6)`,
      [worldId, version, by, note, JSON.stringify(content.scene), content.stored],
    )
    await tx.query(
      'update builder_worlds set current_version = $2, updated_at = now() where world_id = $1',
      [worldId, version],
    )
  }
}
