import { describe, expect, it } from 'vitest'
import { VoxelWorld } from '../../protocol/scene'
import { buildGrid, compilePrefab, stampPrefab } from './generate'
import { materialId } from './grid'
import { sampleWorld } from './fixtures'
import { GRASS, STONE, TEST_PALETTE, emptyGrid } from './testing'

function flatWorld(extra: Partial<VoxelWorld> = {}): VoxelWorld {
  return VoxelWorld.parse({
    size: [32, 24, 32],
    palette: [...TEST_PALETTE, { id: 'sand', color: '#d9c38c' }, { id: 'snow', color: '#ffffff' }],
    terrain: { base: 8, surface: 'grass', subsurface: 'stone', deep: 'stone' },
    ...extra,
  })
}

describe('buildGrid', () => {
  it('is deterministic: same input, same bytes; another seed, other bytes', () => {
    const a = buildGrid(sampleWorld(64, 32, 64, 1))
    const b = buildGrid(sampleWorld(64, 32, 64, 1))
    const c = buildGrid(sampleWorld(64, 32, 64, 2))
    expect(Buffer.from(a.grid.data).equals(Buffer.from(b.grid.data))).toBe(true)
    expect(Buffer.from(a.heightmap.buffer).equals(Buffer.from(b.heightmap.buffer))).toBe(true)
    expect(Buffer.from(a.grid.data).equals(Buffer.from(c.grid.data))).toBe(false)
  })

  it('layers terrain: surface on subsurface on deep, beach by the sea, sea up to its level', () => {
    const w = sampleWorld(64, 32, 64, 3)
    w.ops = w.ops.filter((op) => op.op !== 'lake') // its water stands above the sea
    const { grid, heightmap } = buildGrid(w)
    const id = (n: string) => materialId(grid.materials, n)
    const sea = w.terrain.sea!.level
    let sawSea = false
    let sawLand = false
    for (let z = 0; z < 64; z++)
      for (let x = 0; x < 64; x++) {
        const top = heightmap[z * 64 + x]!
        expect(top).toBe(grid.topSolid(x, z))
        expect(grid.get(x, 0, z)).not.toBe(0)
        if (top < sea) {
          sawSea = true
          expect(grid.get(x, sea, z)).toBe(id('water'))
          expect(grid.get(x, sea + 1, z)).not.toBe(id('water'))
        } else if (grid.get(x, top, z) === id('grass')) {
          sawLand = true
          expect(grid.get(x, top - 1, z)).toBe(id('dirt'))
        }
      }
    expect(sawSea && sawLand).toBe(true)
  })

  it('applies box (and carves with air) and flatten', () => {
    const { grid } = buildGrid(
      flatWorld({
        ops: [
          { op: 'flatten', from: [0, 0], to: [15, 15], height: 5, material: 'sand' },
          { op: 'box', from: [20, 9, 20], to: [22, 11, 22], material: 'stone' },
          { op: 'box', from: [2, 3, 2], to: [4, 8, 4], material: 'air' },
        ],
      }),
    )
    const sand = materialId(grid.materials, 'sand')
    expect(grid.get(10, 5, 10)).toBe(sand)
    expect(grid.get(10, 6, 10)).toBe(0)
    expect(grid.get(21, 11, 21)).toBe(STONE)
    expect(grid.get(21, 12, 21)).toBe(0)
    expect(grid.get(3, 3, 3)).toBe(0)
    expect(grid.get(3, 2, 3)).toBe(STONE)
    expect(grid.topSolid(3, 3)).toBe(2)
  })

  it('digs a lake and fills it with water exactly to its level', () => {
    const { grid } = buildGrid(
      flatWorld({
        ops: [
          {
            op: 'lake',
            center: [16, 16],
            radius: 6,
            level: 7,
            floor: 3,
            material: 'water',
            shore: 'sand',
          },
        ],
      }),
    )
    const water = materialId(grid.materials, 'water')
    const sand = materialId(grid.materials, 'sand')
    for (let y = 4; y <= 7; y++) expect(grid.get(16, y, 16)).toBe(water)
    expect(grid.get(16, 3, 16)).toBe(sand)
    expect(grid.get(16, 8, 16)).toBe(0)
    // Every column of the basin holds water up to the level, none above it.
    for (let x = 11; x <= 21; x++) {
      expect(grid.get(x, 7, 16)).toBe(water)
      expect(grid.get(x, 8, 16)).toBe(0)
    }
    // The shore ring is sand and holds the water in.
    expect(grid.get(16 + 7, grid.topSolid(23, 16), 16)).toBe(sand)
  })

  it('raises a mountain with a cap above capAbove', () => {
    const { grid, heightmap } = buildGrid(
      flatWorld({
        ops: [
          {
            op: 'mountain',
            center: [16, 16],
            radius: 10,
            height: 12,
            material: 'stone',
            cap: 'snow',
            capAbove: 15,
            roughness: 0.2,
            terrace: 1,
          },
        ],
      }),
    )
    const snow = materialId(grid.materials, 'snow')
    const peak = heightmap[16 * 32 + 16]!
    expect(peak).toBeGreaterThan(16)
    expect(grid.get(16, peak, 16)).toBe(snow)
    expect(grid.get(16, 12, 16)).toBe(STONE)
    expect(heightmap[0]).toBe(8)
  })

  it('terraces a mountain into level steps with a surface material on each', () => {
    const { grid, heightmap } = buildGrid(
      flatWorld({
        ops: [
          {
            op: 'mountain',
            center: [16, 16],
            radius: 12,
            height: 16,
            material: 'stone',
            roughness: 0,
            terrace: 4,
            surface: 'grass',
          },
        ],
      }),
    )
    const grass = materialId(grid.materials, 'grass')
    for (let x = 6; x <= 26; x++) {
      const h = heightmap[16 * 32 + x]!
      // Every raised column ends on a multiple of 4, topped with grass.
      if (h > 8) {
        expect(h % 4, `column ${x}`).toBe(0)
        expect(grid.get(x, h, 16)).toBe(grass)
      }
    }
  })

  it('paints a path and only levels it slightly', () => {
    const { grid, heightmap } = buildGrid(
      flatWorld({
        ops: [
          { op: 'box', from: [11, 9, 0], to: [11, 10, 31], material: 'stone' },
          {
            op: 'path',
            points: [
              [4, 16],
              [28, 16],
            ],
            width: 3,
            material: 'sand',
          },
        ],
      }),
    )
    const sand = materialId(grid.materials, 'sand')
    for (const x of [5, 11, 27]) expect(grid.get(x, heightmap[16 * 32 + x]!, 16)).toBe(sand)
    // The 2-high, 1-wide ridge across the path is lowered towards the path's height, not erased.
    const ridge = heightmap[16 * 32 + 11]!
    expect(ridge).toBeGreaterThan(8)
    expect(ridge).toBeLessThan(10)
  })

  it('places prefabs on the ground and rotates them about y', () => {
    const prefab = {
      keys: { s: 'stone', g: 'grass' },
      // 3 wide (x), 2 deep (z): 's' at x=0,z=0 and 'g' at x=2,z=1.
      layers: [['s..', '..g']],
    }
    const { grid } = buildGrid(
      flatWorld({
        prefabs: { p: prefab },
        placements: [
          { prefab: 'p', at: [2, 'ground', 2], rotate: 0 },
          { prefab: 'p', at: [10, 'ground', 2], rotate: 90 },
          { prefab: 'p', at: [20, 'ground', 2], rotate: 180 },
          { prefab: 'p', at: [2, 12, 20], rotate: 270 },
        ],
      }),
    )
    // rotate 0: as written, one above the surface (top is y 8).
    expect(grid.get(2, 9, 2)).toBe(STONE)
    expect(grid.get(4, 9, 3)).toBe(GRASS)
    // 90: footprint 2 (x) × 3 (z); +x of the prefab runs along +z.
    expect(grid.get(11, 9, 2)).toBe(STONE)
    expect(grid.get(10, 9, 4)).toBe(GRASS)
    // 180: mirrored in both.
    expect(grid.get(22, 9, 3)).toBe(STONE)
    expect(grid.get(20, 9, 2)).toBe(GRASS)
    // 270 at a fixed height.
    expect(grid.get(2, 12, 22)).toBe(STONE)
    expect(grid.get(3, 12, 20)).toBe(GRASS)
  })

  it('stamps every rotation as the same shape turned', () => {
    const g = emptyGrid(12, 4, 12)
    const p = compilePrefab({ keys: { s: 'stone' }, layers: [['sss', 's..']] }, g.materials)
    const cells = (rot: 0 | 90 | 180 | 270) => {
      g.data.fill(0)
      stampPrefab(g, p, 4, 0, 4, rot)
      return [...g.data].filter((v) => v === STONE).length
    }
    expect([cells(0), cells(90), cells(180), cells(270)]).toEqual([4, 4, 4, 4])
  })

  it('scatters only on listed surfaces, never into water, keeping its spacing', () => {
    const w = sampleWorld(96, 32, 96, 4)
    w.placements = []
    w.scatter = [
      {
        prefab: 'flower',
        from: [0, 0],
        to: [95, 95],
        count: 300,
        seed: 9,
        on: ['sand'],
        minSpacing: 3,
      },
    ]
    const { grid } = buildGrid(w)
    const flower = materialId(grid.materials, 'flower')
    const sand = materialId(grid.materials, 'sand')
    const found: [number, number][] = []
    for (let z = 0; z < 96; z++)
      for (let x = 0; x < 96; x++)
        for (let y = 1; y < 32; y++)
          if (grid.get(x, y, z) === flower) {
            found.push([x, z])
            expect(grid.get(x, y - 1, z)).toBe(sand)
          }
    expect(found.length).toBeGreaterThan(0)
    for (let i = 0; i < found.length; i++)
      for (let j = i + 1; j < found.length; j++) {
        const [ax, az] = found[i]!
        const [bx, bz] = found[j]!
        expect(Math.hypot(ax - bx, az - bz)).toBeGreaterThanOrEqual(3)
      }
  })
})
