import { describe, expect, it } from 'vitest'
import { Mesher, chunkLayout, chunkSizeFor, meshChunkGreedy, meshChunkNaive } from './mesher'
import type { ChunkMesh, MeshPart } from './mesher'
import { FLOWER, GRASS, STONE, WATER, emptyGrid } from './testing'
import type { VoxelGrid } from './grid'

function all(grid: VoxelGrid, size: number, greedy: boolean): ChunkMesh[] {
  const m = new Mesher(grid)
  const { nx, nz } = chunkLayout(grid.sx, grid.sz, size)
  const out: ChunkMesh[] = []
  for (let cz = 0; cz < nz; cz++)
    for (let cx = 0; cx < nx; cx++) out.push(m.mesh(cx, cz, size, greedy))
  return out
}
const tris = (chunks: ChunkMesh[]) => chunks.reduce((n, c) => n + c.triangles, 0)

/** Every triangle's winding must agree with its stored normal (so back-face culling is right). */
function expectOutwardWinding(p: MeshPart) {
  for (let t = 0; t < p.indices.length; t += 3) {
    const [a, b, c] = [p.indices[t]!, p.indices[t + 1]!, p.indices[t + 2]!]
    const P = (i: number, k: number) => p.positions[i * 3 + k]!
    const e1 = [0, 1, 2].map((k) => P(b, k) - P(a, k))
    const e2 = [0, 1, 2].map((k) => P(c, k) - P(a, k))
    const n = [
      e1[1]! * e2[2]! - e1[2]! * e2[1]!,
      e1[2]! * e2[0]! - e1[0]! * e2[2]!,
      e1[0]! * e2[1]! - e1[1]! * e2[0]!,
    ]
    const dot =
      n[0]! * p.normals[a * 3]! + n[1]! * p.normals[a * 3 + 1]! + n[2]! * p.normals[a * 3 + 2]!
    expect(dot).toBeGreaterThan(0)
  }
}

describe('meshers', () => {
  it('draw a single voxel as 12 triangles, greedy and naive', () => {
    const g = emptyGrid()
    g.set(3, 3, 3, STONE)
    const greedy = meshChunkGreedy(g, 0, 0, 8)
    const naive = meshChunkNaive(g, 0, 0, 8)
    expect(greedy.triangles).toBe(12)
    expect(naive.triangles).toBe(12)
    expect(greedy.faces).toBe(6)
    expect(greedy.liquid).toBeNull()
    expect(greedy.opaque!.positions.length).toBe(6 * 4 * 3)
    expectOutwardWinding(greedy.opaque!)
    const pos = greedy.opaque!.positions
    expect(Math.min(...pos)).toBe(3)
    expect(Math.max(...pos)).toBe(4)
  })

  it('merge a solid 4×4×4 block into 6 quads where naive needs 96', () => {
    const g = emptyGrid()
    for (let x = 2; x < 6; x++)
      for (let y = 2; y < 6; y++) for (let z = 2; z < 6; z++) g.set(x, y, z, STONE)
    expect(meshChunkGreedy(g, 0, 0, 8).triangles).toBe(12)
    const naive = meshChunkNaive(g, 0, 0, 8)
    expect(naive.triangles).toBe(4 * 4 * 6 * 2)
    expectOutwardWinding(naive.opaque!)
    expectOutwardWinding(meshChunkGreedy(g, 0, 0, 8).opaque!)
  })

  it('never merge two materials', () => {
    const g = emptyGrid()
    g.set(3, 3, 3, STONE)
    g.set(4, 3, 3, GRASS)
    // 10 visible faces, none mergeable; with one material the pair is a 1×1×2 box: 6 quads.
    expect(meshChunkGreedy(g, 0, 0, 8).triangles).toBe(20)
    g.set(4, 3, 3, STONE)
    expect(meshChunkGreedy(g, 0, 0, 8).triangles).toBe(12)
  })

  it('cull faces between neighbours across a chunk boundary', () => {
    const g = emptyGrid(8, 8, 8)
    g.set(3, 3, 3, STONE) // chunk (0, 0) with size 4
    g.set(4, 3, 3, STONE) // chunk (1, 0)
    g.set(3, 3, 4, STONE) // chunk (0, 1)
    const chunks = all(g, 4, true)
    expect(chunks.reduce((n, c) => n + c.faces, 0)).toBe(3 * 6 - 4)
    expect(tris(all(g, 4, false))).toBe((3 * 6 - 4) * 2)
    // No quad lies on the shared planes x = 4 (between the first two) or z = 4 inside x 3..4.
    for (const c of chunks) {
      const p = c.opaque
      if (!p) continue
      for (let q = 0; q < p.positions.length; q += 12) {
        const xs = [0, 3, 6, 9].map((k) => p.positions[q + k]!)
        const zs = [0, 3, 6, 9].map((k) => p.positions[q + k + 2]!)
        const onX4 = xs.every((x) => x === 4) && p.normals[q] !== 0
        const onZ4 = zs.every((z) => z === 4) && p.normals[q + 2] !== 0
        if (onX4) expect(Math.min(...zs)).not.toBe(3)
        if (onZ4) expect(Math.min(...xs)).not.toBe(3)
      }
    }
  })

  it('show solid faces against liquid and decor, liquid faces only against air', () => {
    const g = emptyGrid()
    g.set(3, 3, 3, STONE)
    g.set(4, 3, 3, WATER)
    const c = meshChunkGreedy(g, 0, 0, 8)
    // Stone keeps all 6 faces (one looks into the water); water loses the face against stone.
    expect(c.opaque!.triangles).toBe(12)
    expect(c.liquid!.triangles).toBe(10)
    expectOutwardWinding(c.liquid!)

    // Water next to water: no wall between them, the pair merges to 6 quads.
    g.set(3, 3, 3, WATER)
    const w = meshChunkGreedy(g, 0, 0, 8)
    expect(w.opaque).toBeNull()
    expect(w.liquid!.triangles).toBe(12)

    // A flower on stone: the stone top under it shows, the flower's bottom against stone does not.
    g.data.fill(0)
    g.set(3, 3, 3, STONE)
    g.set(3, 4, 3, FLOWER)
    expect(meshChunkGreedy(g, 0, 0, 8).opaque!.triangles).toBe(12 + 10)
  })

  it('does not draw the underside of the world, but does draw its sides', () => {
    const g = emptyGrid(4, 4, 4)
    g.set(0, 0, 0, STONE)
    expect(meshChunkGreedy(g, 0, 0, 4).triangles).toBe(10)
  })

  it('colours faces from the palette with a per-direction shade', () => {
    const g = emptyGrid()
    g.set(3, 3, 3, GRASS)
    const p = meshChunkGreedy(g, 0, 0, 8).opaque!
    const greens = new Set<number>()
    for (let v = 0; v < p.colors.length; v += 3) {
      expect(p.colors[v]).toBe(0)
      expect(p.colors[v + 2]).toBe(0)
      greens.add(p.colors[v + 1]!)
    }
    expect(Math.max(...greens)).toBe(255)
    expect(greens.size).toBeGreaterThan(2)
  })

  it('keeps a 256×256 world far under the draw-call budget', () => {
    expect(chunkLayout(256, 256).count).toBe(16)
    expect(chunkSizeFor(512, 512)).toBe(128)
    expect(chunkLayout(512, 512).count).toBe(16)
    expect(chunkLayout(100, 40).count).toBe(2)
  })
})
