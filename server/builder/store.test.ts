// BuilderStore against both real engines: PGlite in a temp folder and a throwaway PostgreSQL
// cluster. Worlds are the built-in village's scene under a new id, with its generated grid.
import fs from 'node:fs'
import { getAddress } from 'ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../db/database'
import { ENGINES, migratedDatabase, type TestDatabase } from '../db/testEngines'
import { parseScene } from '../../src/protocol/scene'
import { decodeGrid, encodeGrid } from '../../src/world/voxel/codec'
import { applyEdit, VoxelEdit } from '../../src/world/voxel/edits'
import { buildGrid } from '../../src/world/voxel/generate'
import { VoxelGrid, materialTable } from '../../src/world/voxel/grid'
import {
  AUTOSAVE_NOTE,
  BuilderError,
  BuilderStore,
  KEPT_AUTOSAVES,
  MAX_BUILDERS,
  type BuilderErrorCode,
} from './store'

const addr = (digit: string) => getAddress(`0x${digit.repeat(40)}`)
const [A, B, C] = ['a', 'b', 'c'].map(addr) as [string, string, string]

const village = JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')) as Record<
  string,
  unknown
>
const sceneFor = (id: string) => ({ ...village, id })
const baseGrid = buildGrid(parseScene(village, 'village').voxel!).grid
const baseBytes = encodeGrid(baseGrid)
const META = { kind: 'village', region: '浙江', title: { 'zh-CN': '新村', en: 'New Village' } }

function edited(bytes: Uint8Array, edit: unknown): Uint8Array {
  const d = decodeGrid(bytes)
  const grid = new VoxelGrid(d.dims, baseGrid.materials, d.data)
  applyEdit(grid, VoxelEdit.parse(edit))
  return encodeGrid(grid)
}

async function failsWith(promise: Promise<unknown>, code: BuilderErrorCode): Promise<string> {
  const err = await promise.then(
    () => new Error(`expected ${code}, but it succeeded`),
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(BuilderError)
  expect((err as BuilderError).code, (err as Error).message).toBe(code)
  return (err as Error).message
}

describe.each(ENGINES)('BuilderStore on %s', (engine) => {
  let opened: TestDatabase
  let db: Database
  let store: BuilderStore

  beforeAll(async () => {
    opened = await migratedDatabase(engine, 'builder')
    db = opened.db
    store = new BuilderStore(db)
  })

  afterAll(() => opened?.close())

  beforeEach(async () => {
    await db.query(
      'truncate builder_worlds, builder_world_members, builder_world_versions, builder_world_pictures',
    )
  })

  it('creates a draft that only its owner and builders see, until it is published', async () => {
    const world = await store.create(A.toLowerCase(), META, sceneFor, baseBytes)
    expect(world).toMatchObject({
      owner: A,
      builders: [],
      kind: 'village',
      region: '浙江',
      title: { 'zh-CN': '新村', en: 'New Village' },
      status: 'draft',
      version: 1,
      publishedAt: null,
    })
    expect(world.worldId).toMatch(/^bw-[0-9a-f]{12}$/)
    expect(await store.world(world.worldId, A)).toEqual(world)
    expect(await store.world(world.worldId, B)).toBeNull()
    expect(await store.world(world.worldId, null)).toBeNull()
    expect(await store.content(world.worldId, B)).toBeNull()
    await store.addBuilder(world.worldId, A, B.toLowerCase())
    expect((await store.world(world.worldId, B))?.builders).toEqual([B])
    expect((await store.worldsOf(B)).map((w) => w.worldId)).toEqual([world.worldId])
    // Only the owner publishes.
    await failsWith(store.setPublished(world.worldId, B, true), 'forbidden')
    const published = await store.setPublished(world.worldId, A, true)
    expect(published.status).toBe('published')
    expect(published.publishedAt).not.toBeNull()
    expect(await store.world(world.worldId, null)).toMatchObject({ status: 'published' })
    const content = await store.content(world.worldId, null)
    expect(content?.version).toBe(1)
    expect(content?.scene.id).toBe(world.worldId)
    expect(Buffer.from(content!.voxels).equals(Buffer.from(baseBytes))).toBe(true)
  })

  it('keeps pictures for builders, bounded per world, shown as the world is', async () => {
    const world = await store.create(A, META, sceneFor, baseBytes)
    const pic = { type: 'image/png', bytes: new Uint8Array([1, 2, 3]), width: 1, height: 1 }
    await failsWith(store.addPicture(world.worldId, B, pic, 2), 'not_found')
    const first = await store.addPicture(world.worldId, A, pic, 2)
    expect(first).toMatch(/^[0-9a-f]{16}$/)
    // Two uploads at once for the last place: one is kept, the other refused.
    const both = await Promise.allSettled([
      store.addPicture(world.worldId, A, pic, 2),
      store.addPicture(world.worldId, A, pic, 2),
    ])
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    await failsWith(store.addPicture(world.worldId, A, pic, 2), 'builder_limit')
    expect(await store.picture(world.worldId, first, B)).toBeNull()
    expect(await store.picture(world.worldId, first, A)).toMatchObject({ type: 'image/png' })
    await store.setPublished(world.worldId, A, true)
    const served = await store.picture(world.worldId, first, null)
    expect(Buffer.from(served!.bytes).equals(Buffer.from(pic.bytes))).toBe(true)
  })

  it('keeps the newest autosaves and every named save', async () => {
    const world = await store.create(A, META, sceneFor, baseBytes)
    const scene = sceneFor(world.worldId)
    await store.save(world.worldId, A, scene, baseBytes, 'the bridge')
    for (let i = 0; i < KEPT_AUTOSAVES + 5; i++)
      await store.save(world.worldId, A, scene, baseBytes, AUTOSAVE_NOTE)
    const rows = await db.query<{ version: number; note: string }>(
      'select version, note from builder_world_versions where world_id = $1 order by version',
      [world.worldId],
    )
    const autosaves = rows.filter((r) => r.note === AUTOSAVE_NOTE).map((r) => r.version)
    const newest = 2 + KEPT_AUTOSAVES + 5
    expect(autosaves).toEqual(
      Array.from({ length: KEPT_AUTOSAVES }, (_, i) => newest - KEPT_AUTOSAVES + 1 + i),
    )
    // The first version and the named save stay.
    expect(rows.filter((r) => r.note !== AUTOSAVE_NOTE).map((r) => r.version)).toEqual([1, 2])
    expect((await store.world(world.worldId, A))?.version).toBe(newest)
  })

  it('keeps every save as a version, restores an old one as a new version', async () => {
    const { worldId } = await store.create(A, META, sceneFor, baseBytes)
    await store.addBuilder(worldId, A, B)
    const tower = edited(baseBytes, { from: [90, 30, 100], to: [92, 40, 102], material: 3 })
    expect(await store.save(worldId, B, sceneFor(worldId), tower, 'a tower')).toEqual({
      version: 2,
    })
    const gone = edited(tower, { from: [90, 30, 100], to: [92, 40, 102], material: 0 })
    expect(await store.save(worldId, A, sceneFor(worldId), gone)).toEqual({ version: 3 })
    expect((await store.versions(worldId, B)).map((v) => [v.version, v.createdBy, v.note])).toEqual(
      [
        [3, A, 'save'],
        [2, B, 'a tower'],
        [1, A, 'create'],
      ],
    )
    expect(await store.restore(worldId, B, 2)).toEqual({ version: 4 })
    const now = await store.content(worldId, A)
    expect(now?.version).toBe(4)
    expect(Buffer.from(now!.voxels).equals(Buffer.from(tower))).toBe(true)
    expect(
      Buffer.from((await store.content(worldId, A, 3))!.voxels).equals(Buffer.from(gone)),
    ).toBe(true)
    expect((await store.versions(worldId, A))[0]).toMatchObject({ version: 4, note: 'restore:2' })
    await failsWith(store.restore(worldId, A, 9), 'not_found')
    // Visitors of the published world see its current content, not what was taken out of it.
    await store.setPublished(worldId, A, true)
    expect((await store.content(worldId, null))?.version).toBe(4)
    expect(await store.content(worldId, null, 3)).toBeNull()
    expect(await store.content(worldId, C, 3)).toBeNull()
    expect(await store.content(worldId, 'not an address')).not.toBeNull()
    expect(await store.canEdit(worldId, 'not an address')).toBe(false)
  })

  it('lets only the owner and builders save; a draft is not found for anyone else', async () => {
    const { worldId } = await store.create(A, META, sceneFor, baseBytes)
    expect(await store.canEdit(worldId, A)).toBe(true)
    expect(await store.canEdit(worldId, C)).toBe(false)
    expect(
      await failsWith(store.save(worldId, C, sceneFor(worldId), baseBytes), 'not_found'),
    ).not.toContain(A)
    await failsWith(store.versions(worldId, C), 'not_found')
    await store.setPublished(worldId, A, true)
    await failsWith(store.save(worldId, C, sceneFor(worldId), baseBytes), 'forbidden')
    await failsWith(store.addBuilder(worldId, B, C), 'forbidden')
    await store.addBuilder(worldId, A, B)
    await store.removeBuilder(worldId, A, B)
    await failsWith(store.save(worldId, B, sceneFor(worldId), baseBytes), 'forbidden')
    for (let i = 0; i < MAX_BUILDERS; i++)
      await store.addBuilder(worldId, A, getAddress(`0x${(i + 1).toString(16).padStart(40, '0')}`))
    await failsWith(store.addBuilder(worldId, A, C), 'builder_limit')
  })

  it('refuses content it could not show: a broken scene, a grid that does not match, bad text', async () => {
    const { worldId } = await store.create(A, META, sceneFor, baseBytes)
    const scene = sceneFor(worldId)
    expect(
      await failsWith(store.save(worldId, A, { ...scene, spawn: 'here' }, baseBytes), 'bad_input'),
    ).toMatch(/spawn/)
    expect(
      await failsWith(store.save(worldId, A, sceneFor('other'), baseBytes), 'bad_input'),
    ).toMatch(/the scene's id is "other"/)
    expect(
      await failsWith(store.save(worldId, A, scene, baseBytes.subarray(0, 100)), 'bad_input'),
    ).toMatch(/the voxel grid: /)
    const small = encodeGrid(new VoxelGrid([16, 16, 16], baseGrid.materials))
    expect(await failsWith(store.save(worldId, A, scene, small), 'bad_input')).toMatch(
      /the voxel grid is 16×16×16, the scene says 192×48×192/,
    )
    // A grid naming more materials than the scene's palette.
    const wide = new VoxelGrid(
      baseGrid.dims,
      materialTable(
        [...Array(40)].map((_, i) => ({
          id: `m${i}`,
          color: '#000000',
          solid: true,
          liquid: false,
        })),
      ),
    )
    expect(await failsWith(store.save(worldId, A, scene, encodeGrid(wide)), 'bad_input')).toMatch(
      /materials/,
    )
    await failsWith(store.create(A, { ...META, kind: 'castle' }, sceneFor, baseBytes), 'bad_input')
    await failsWith(
      store.create(A, { ...META, title: { 'zh-CN': '\u200b', en: 'x' } }, sceneFor, baseBytes),
      'bad_input',
    )
    await failsWith(store.create('0x12', META, sceneFor, baseBytes), 'bad_input')
    const long = await store.create(A, { ...META, region: 'r'.repeat(500) }, sceneFor, baseBytes)
    expect(long.region.length).toBeLessThanOrEqual(32)
    // Nothing was stored by the refused saves.
    expect((await store.versions(worldId, A)).map((v) => v.version)).toEqual([1])
  })
})
