// Turns the height field into one terrain geometry whose vertex colours paint grass, shore,
// lake bed, blue-green rock and snow by height and slope (textures add the fine detail).
import { BufferAttribute, BufferGeometry, Color } from 'three'
import type { HdWorld } from '../../protocol/scene'
import { createNoise2D, hashSeed, smoothstep } from './noise'
import type { HeightField } from './terrain'

const PALETTE = {
  grass: new Color('#6a8a3a'),
  dryGrass: new Color('#8f9a4e'),
  forest: new Color('#4a6632'),
  shore: new Color('#a39272'),
  bed: new Color('#5b5846'),
  rock: new Color('#6d6f69'),
  tealRock: new Color('#4d6a66'),
  snow: new Color('#eef1f4'),
}

/** Grid stride (1, 2 or 4 samples) to draw the terrain with around a point. */
export type StrideAt = (x: number, z: number) => number

/** Terrain blocks are this many grid cells square; each is drawn at one stride. */
const BLOCK = 8

/**
 * The terrain surface in blocks of grid cells, each drawn at the stride `strideAt` picks for
 * its centre (coarser far away: software renderers pay per triangle). Heights are the grid's
 * own samples; where neighbouring blocks differ in stride, skirts hang from the edges to hide
 * the cracks. All in one geometry (one draw call).
 */
export function createTerrainGeometry(
  field: HeightField,
  hd: HdWorld,
  { strideAt = () => 1, haze }: { strideAt?: StrideAt; haze?: Color } = {},
): BufferGeometry {
  const res = field.resolution
  const fine = res + 1
  const half = field.size / 2
  const cell = field.cell
  const h = field.heights
  const water = field.waterLevel
  const floor = field.floorLevel
  const H = hd.terrain.height
  const snowline = floor + H * 0.62
  const valley = Math.max(20, hd.terrain.valleyRadius)
  const n1 = createNoise2D(hashSeed(hd.terrain.seed, 31))
  const n2 = createNoise2D(hashSeed(hd.terrain.seed, 32))
  const at = (i: number, j: number) =>
    h[Math.min(fine - 1, Math.max(0, j)) * fine + Math.min(fine - 1, Math.max(0, i))]!

  const positions: number[] = []
  const normals: number[] = []
  const uvs: number[] = []
  const colors: number[] = []
  const index: number[] = []
  const c = new Color()
  const rock = new Color()

  /** Adds grid point (i, j), optionally lowered by `drop` (skirts); returns its index. */
  const vertex = (i: number, j: number, drop = 0): number => {
    const x = -half + i * cell
    const z = -half + j * cell
    const y = h[j * fine + i]!
    // Central differences on the full grid keep normals smooth across strides.
    const gx = (at(i + 1, j) - at(i - 1, j)) / (2 * cell)
    const gz = (at(i, j + 1) - at(i, j - 1)) / (2 * cell)
    const len = Math.hypot(gx, 1, gz)
    positions.push(x, y - drop, z)
    normals.push(-gx / len, 1 / len, -gz / len)
    uvs.push(i / res, j / res)

    const slope = Math.hypot(gx, gz)
    const v1 = n1(x / 40, z / 40)
    const v2 = n2(x / 90, z / 90)
    c.copy(PALETTE.grass).lerp(PALETTE.dryGrass, smoothstep(-0.3, 0.6, v1))
    c.lerp(PALETTE.forest, smoothstep(floor + 5, floor + 25, y) * 0.75)
    c.lerp(PALETTE.shore, 1 - smoothstep(water + 0.2, water + 0.9, y))
    c.lerp(PALETTE.bed, smoothstep(water - 0.2, water - 1.8, y))
    rock.copy(PALETTE.rock).lerp(PALETTE.tealRock, smoothstep(-0.5, 0.5, v2))
    const rockiness =
      smoothstep(0.5, 0.95, slope + 0.15 * v2) +
      smoothstep(floor + H * 0.3, floor + H * 0.6, y) * 0.6
    c.lerp(rock, Math.min(1, rockiness))
    const snow =
      smoothstep(snowline - 8, snowline + 8, y + 12 * v1) * (1 - smoothstep(1.0, 1.6, slope))
    c.lerp(PALETTE.snow, snow)
    // Painted aerial perspective: ranges beyond the valley pale towards the haze, layer by
    // layer as in shan-shui painting (the fog alone is linear and starts late).
    if (haze) c.lerp(haze, smoothstep(valley * 1.1, half, Math.hypot(x, z)) * 0.6)
    colors.push(c.r, c.g, c.b)
    return positions.length / 3 - 1
  }

  /** Quads between two rows of vertex indices; front face normal is rowDir × colDir. */
  const strip = (row0: number[], row1: number[]) => {
    for (let k = 0; k < row0.length - 1; k++) {
      const a = row0[k]!
      const b = row0[k + 1]!
      const d = row1[k]!
      const e = row1[k + 1]!
      index.push(a, d, b, b, d, e)
    }
  }

  const blocks = Math.ceil(res / BLOCK)
  const span = (b: number): [number, number] => [b * BLOCK, Math.min(res, (b + 1) * BLOCK)]
  const strides = new Uint8Array(blocks * blocks)
  for (let bj = 0; bj < blocks; bj++)
    for (let bi = 0; bi < blocks; bi++) {
      const [i0, i1] = span(bi)
      const [j0, j1] = span(bj)
      let st = strideAt(-half + ((i0 + i1) / 2) * cell, -half + ((j0 + j1) / 2) * cell)
      if ((i1 - i0) % st !== 0 || (j1 - j0) % st !== 0) st = 1
      strides[bj * blocks + bi] = st
    }
  const strideOf = (bi: number, bj: number) =>
    bi < 0 || bj < 0 || bi >= blocks || bj >= blocks ? 0 : strides[bj * blocks + bi]!

  for (let bj = 0; bj < blocks; bj++)
    for (let bi = 0; bi < blocks; bi++) {
      const st = strideOf(bi, bj)
      const [i0, i1] = span(bi)
      const [j0, j1] = span(bj)
      const rows: number[][] = []
      for (let j = j0; j <= j1; j += st) {
        const row: number[] = []
        for (let i = i0; i <= i1; i += st) row.push(vertex(i, j))
        rows.push(row)
      }
      // Rows advance along +z, columns along +x: z × x = +y, facing up.
      for (let r = 0; r < rows.length - 1; r++) strip(rows[r]!, rows[r + 1]!)

      const skirt = (neighbour: number, edge: [number, number][], outwardFirst: boolean) => {
        if (neighbour === 0 || neighbour === st) return
        const drop = 3 + cell * Math.max(st, neighbour)
        const top = edge.map(([i, j]) => vertex(i, j))
        const bottom = edge.map(([i, j]) => vertex(i, j, drop))
        if (outwardFirst) strip(bottom, top)
        else strip(top, bottom)
      }
      const along = (a0: number, a1: number) => {
        const out: number[] = []
        for (let a = a0; a <= a1; a += st) out.push(a)
        return out
      }
      const xs = along(i0, i1)
      const zs = along(j0, j1)
      // Each skirt faces away from its block (see strip's rule for the winding).
      skirt(
        strideOf(bi, bj - 1),
        xs.map((i) => [i, j0]),
        true,
      )
      skirt(
        strideOf(bi, bj + 1),
        xs.map((i) => [i, j1]),
        false,
      )
      skirt(
        strideOf(bi - 1, bj),
        zs.map((j) => [i0, j]),
        false,
      )
      skirt(
        strideOf(bi + 1, bj),
        zs.map((j) => [i1, j]),
        true,
      )
    }

  const g = new BufferGeometry()
  g.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3))
  g.setAttribute('normal', new BufferAttribute(new Float32Array(normals), 3))
  g.setAttribute('uv', new BufferAttribute(new Float32Array(uvs), 2))
  g.setAttribute('color', new BufferAttribute(new Float32Array(colors), 3))
  const count = positions.length / 3
  g.setIndex(
    new BufferAttribute(count > 65535 ? new Uint32Array(index) : new Uint16Array(index), 1),
  )
  g.computeBoundingSphere()
  g.computeBoundingBox()
  return g
}

/**
 * The water surface: one quad per grid cell that dips below the water level (and a ring of
 * neighbours for the shoreline), in the xy plane as three's Water expects (rotate -90° about x).
 * Null when the terrain stays dry.
 */
export function createWaterGeometry(field: HeightField): BufferGeometry | null {
  const n = field.resolution + 1
  const res = field.resolution
  const half = field.size / 2
  const wet = new Uint8Array(res * res)
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++) {
      const k = j * n + i
      const low = Math.min(
        field.heights[k]!,
        field.heights[k + 1]!,
        field.heights[k + n]!,
        field.heights[k + n + 1]!,
      )
      if (low < field.waterLevel) wet[j * res + i] = 1
    }
  const positions: number[] = []
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++) {
      let near = false
      for (let dj = -1; dj <= 1 && !near; dj++)
        for (let di = -1; di <= 1 && !near; di++) {
          const a = i + di
          const b = j + dj
          if (a >= 0 && b >= 0 && a < res && b < res && wet[b * res + a]) near = true
        }
      if (!near) continue
      const x0 = -half + i * field.cell
      const x1 = x0 + field.cell
      // Local y is world -z once the mesh is rotated -90° about x.
      const y0 = half - j * field.cell
      const y1 = y0 - field.cell
      positions.push(x0, y0, 0, x0, y1, 0, x1, y0, 0, x1, y0, 0, x0, y1, 0, x1, y1, 0)
    }
  if (positions.length === 0) return null
  const g = new BufferGeometry()
  g.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3))
  const normals = new Float32Array(positions.length)
  for (let i = 2; i < normals.length; i += 3) normals[i] = 1
  g.setAttribute('normal', new BufferAttribute(normals, 3))
  g.computeBoundingSphere()
  return g
}
