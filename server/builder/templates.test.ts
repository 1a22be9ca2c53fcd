// The builder's world templates: each is a valid scene, makes a world the store accepts, stands
// its visitors on solid ground, offers the prefab library, and builds the same grid every time.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScene, type Scene } from '../../src/protocol/scene'
import { decodeGrid, encodeGrid } from '../../src/world/voxel/codec'
import { buildGrid, compilePrefab } from '../../src/world/voxel/generate'
import { KIND_LIQUID, KIND_SOLID, VoxelGrid, materialTable } from '../../src/world/voxel/grid'
import { BuilderError, WORLD_KINDS, checkContent } from './store'
import {
  PREFAB_LIBRARY,
  TEMPLATE_IDS,
  TEMPLATES,
  templateWorld,
  type TemplateId,
} from './templates'

const TITLE = { 'zh-CN': '新世界', en: 'New World' }
const file = (id: string) => `server/builder/templates/${id}.json`
const sources = new Map<TemplateId, Scene>(
  TEMPLATE_IDS.map((id) => [id, parseScene(fs.readFileSync(file(id), 'utf8'), file(id))]),
)
const source = (id: TemplateId) => sources.get(id)!

/** The prefabs a builder expects in every world's library. */
const REQUIRED_PREFABS = ['house', 'tree', 'bridge', 'pavilion', 'fence', 'lantern']

function gridOf(scene: Scene, voxels: Uint8Array): VoxelGrid {
  const d = decodeGrid(voxels)
  return new VoxelGrid(d.dims, materialTable(scene.voxel!.palette), d.data)
}

/** Byte equality (toEqual walks 600 KB arrays element by element, for seconds). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))

function badInput(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(BuilderError)
    expect((err as BuilderError).code).toBe('bad_input')
    return (err as Error).message
  }
  throw new Error('expected bad_input')
}

describe('template files', () => {
  it('lists village, scenic and town with the store kinds, names and sizes', () => {
    expect(TEMPLATES.map((t) => [t.id, t.kind, t.size])).toEqual([
      ['village', 'village', [256, 64, 256]],
      ['scenic', 'scenic', [256, 64, 256]],
      ['town', 'town', [192, 48, 192]],
    ])
    for (const t of TEMPLATES) {
      expect(WORLD_KINDS).toContain(t.kind)
      expect(t.name['zh-CN'].length).toBeGreaterThan(0)
      expect(t.name.en.length).toBeGreaterThan(0)
    }
  })

  it.each(TEMPLATE_IDS)('%s: carries no portals, creator spaces or stages', (id) => {
    const s = source(id)
    expect(s.style).toBe('voxel')
    expect([s.portals, s.spaces, s.stages]).toEqual([[], [], []])
  })

  it('share one palette, and a prefab a template defines is the library one', () => {
    const palette = source('village').voxel!.palette
    for (const id of TEMPLATE_IDS) {
      expect(source(id).voxel!.palette).toEqual(palette)
      for (const [name, prefab] of Object.entries(source(id).voxel!.prefabs))
        expect(prefab, `${id}: ${name}`).toEqual(PREFAB_LIBRARY[name])
    }
  })

  it('library prefabs compile against the palette and fit a 32-voxel cube', () => {
    const mats = materialTable(source('village').voxel!.palette)
    for (const name of REQUIRED_PREFABS) expect(PREFAB_LIBRARY).toHaveProperty(name)
    for (const [name, prefab] of Object.entries(PREFAB_LIBRARY)) {
      const p = compilePrefab(prefab, mats)
      expect(Math.max(p.w, p.h, p.d), name).toBeLessThanOrEqual(32)
      expect(p.cells.length, name).toBeGreaterThan(0)
    }
  })
})

describe.each(TEMPLATE_IDS)('templateWorld(%s)', (id) => {
  const worldId = `bw-test-${id}`
  const world = templateWorld(id, worldId, TITLE)
  const grid = gridOf(world.scene, world.voxels)
  const src = source(id)

  it('passes the store check with its grid', () => {
    const { scene, stored } = checkContent(worldId, world.scene, world.voxels)
    expect(scene.id).toBe(worldId)
    expect(stored.length).toBeLessThan(64 * 1024)
  })

  it('keeps palette, size, spawn and points of interest; drops generator steps', () => {
    const v = world.scene.voxel!
    expect(world.scene.id).toBe(worldId)
    expect(world.scene.name).toEqual(TITLE)
    expect(v.size).toEqual(src.voxel!.size)
    expect(v.palette).toEqual(src.voxel!.palette)
    expect([v.ops, v.placements, v.scatter]).toEqual([[], [], []])
    expect(world.scene.spawn).toEqual(src.spawn)
    expect(world.scene.pois).toEqual(src.pois)
    expect([world.scene.portals, world.scene.spaces, world.scene.stages]).toEqual([[], [], []])
    expect(grid.dims).toEqual(v.size)
  })

  it('offers the whole prefab library', () => {
    const prefabs = world.scene.voxel!.prefabs
    for (const name of [...REQUIRED_PREFABS, ...Object.keys(PREFAB_LIBRARY)])
      expect(prefabs, name).toHaveProperty(name)
  })

  it('is the grid the template builds, the same every time', () => {
    expect(same(encodeGrid(buildGrid(src.voxel!).grid), world.voxels)).toBe(true)
    const again = templateWorld(id, 'bw-other', TITLE)
    expect(same(again.voxels, world.voxels)).toBe(true)
    // Callers get their own bytes: changing them does not change the next world.
    again.voxels[20] = 255
    expect(same(templateWorld(id, 'bw-third', TITLE).voxels, world.voxels)).toBe(true)
  })

  it('stands the visitor on dry, solid ground with headroom', () => {
    const [x, y, z] = world.scene.spawn.position.map(Math.floor) as [number, number, number]
    expect(grid.topSolid(x, z)).toBe(y - 1)
    expect(grid.kindAt(x, y - 1, z)).toBe(KIND_SOLID)
    expect(grid.get(x, y, z)).toBe(0)
    expect(grid.get(x, y + 1, z)).toBe(0)
  })

  it('places each point of interest in the world, not floating', () => {
    for (const poi of world.scene.pois) {
      const [x, y, z] = poi.position.map(Math.floor) as [number, number, number]
      expect(x >= 0 && z >= 0 && x < grid.sx && z < grid.sz && y < grid.sy, poi.id).toBe(true)
      let below = y
      while (below >= 0 && grid.kindAt(x, below, z) !== KIND_SOLID) below--
      expect(y - below, poi.id).toBeLessThanOrEqual(4)
    }
  })

  it('holds water, and ground all over', () => {
    let liquid = 0
    let bare = 0
    for (let c = 0; c < grid.sx * grid.sz; c++) {
      const x = c % grid.sx
      const z = (c - x) / grid.sx
      const top = grid.topSolid(x, z)
      if (top <= 0) bare++
      if (grid.kindAt(x, top + 1, z) === KIND_LIQUID) liquid++
    }
    expect(bare).toBe(0)
    expect(liquid).toBeGreaterThan(500)
  })
})

describe('templateWorld input', () => {
  it('refuses an unknown template, an empty title and a bad world id with bad_input', () => {
    expect(badInput(() => templateWorld('castle' as TemplateId, 'bw-x', TITLE))).toMatch(
      /village, scenic, town/,
    )
    expect(badInput(() => templateWorld('village', 'bw-x', { 'zh-CN': ' ', en: 'x' }))).toMatch(
      /title/,
    )
    badInput(() => templateWorld('village', 'Not An Id', TITLE))
    badInput(() => templateWorld('village', 'bw-x', null as unknown as typeof TITLE))
  })

  it('cleans the title as the store does', () => {
    const { scene } = templateWorld('town', 'bw-x', {
      'zh-CN': '  古\u200b镇\n',
      en: 'x'.repeat(200),
    })
    expect(scene.name).toEqual({ 'zh-CN': '古镇', en: 'x'.repeat(48) })
  })
})
