// Builder changes the room works out from its own grid and sends as patches: terrain brushes
// (raise, lower, flatten, smooth, paint the ground around a column) and pasting a copied box,
// turned and mirrored. Pure: the room calls them, tests check them; every result is a box
// patch (src/world/voxel/patch.ts) that keeps every cell it does not change.
import { MAX_EDIT_CELLS, type BoxPatch } from '../../protocol/builder'
import { KIND_SOLID, type VoxelGrid } from './grid'

export const TERRAIN_OPS = ['raise', 'lower', 'flatten', 'smooth', 'paint'] as const
export type TerrainOp = (typeof TERRAIN_OPS)[number]
/** Largest terrain brush radius, columns. */
export const MAX_TERRAIN_RADIUS = 8

/** A patch setting exactly `changes` (grid index → material), or why it cannot be one. */
export function patchOf(grid: VoxelGrid, changes: ReadonlyMap<number, number>): BoxPatch | string {
  if (changes.size === 0) return 'nothing to change there'
  const { sx, sy } = grid
  const min = [Infinity, Infinity, Infinity]
  const max = [-1, -1, -1]
  for (const i of changes.keys()) {
    const y = i % sy
    const col = (i - y) / sy
    const x = col % sx
    const z = (col - x) / sx
    const c = [x, y, z]
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, c[k]!)
      max[k] = Math.max(max[k]!, c[k]!)
    }
  }
  const cells = (max[0]! - min[0]! + 1) * (max[1]! - min[1]! + 1) * (max[2]! - min[2]! + 1)
  if (cells > MAX_EDIT_CELLS) return `that covers ${cells} blocks; at most ${MAX_EDIT_CELLS}`
  const runs: number[] = []
  let value = NaN
  let count = 0
  for (let z = min[2]!; z <= max[2]!; z++) {
    for (let x = min[0]!; x <= max[0]!; x++) {
      const base = (z * sx + x) * sy
      for (let y = min[1]!; y <= max[1]!; y++) {
        const v = changes.get(base + y) ?? -1
        if (v === value) {
          count++
          continue
        }
        if (count > 0) runs.push(count, value)
        value = v
        count = 1
      }
    }
  }
  runs.push(count, value)
  return {
    min: min as [number, number, number],
    max: max as [number, number, number],
    runs,
  }
}

/** Highest solid cell of a column, -1 when none. */
function top(grid: VoxelGrid, x: number, z: number): number {
  return grid.topSolid(x, z)
}

/**
 * A terrain brush around column (x, z): `radius` columns (a disc), `y` the height the click
 * pointed at (flatten's level), `material` the paint (and what raise and flatten build with
 * where a column has no solid top to copy).
 */
export function terrainPatch(
  grid: VoxelGrid,
  op: TerrainOp,
  at: readonly [number, number, number],
  radius: number,
  material: number,
): BoxPatch | string {
  if (!grid.inBounds(at[0], at[1], at[2])) return 'the brush is outside the world'
  if (material < 1 || material >= grid.materials.ids.length)
    return `material ${material} is not a block of the palette`
  const r = Math.max(0, Math.min(MAX_TERRAIN_RADIUS, Math.floor(radius)))
  const changes = new Map<number, number>()
  const set = (x: number, y: number, z: number, m: number) => {
    if (y < 0 || y >= grid.sy) return
    if (grid.get(x, y, z) !== m) changes.set(grid.index(x, y, z), m)
  }
  const columns: [number, number][] = []
  for (let dz = -r; dz <= r; dz++)
    for (let dx = -r; dx <= r; dx++) {
      const x = at[0] + dx
      const z = at[2] + dz
      if (dx * dx + dz * dz <= r * r + r && x >= 0 && z >= 0 && x < grid.sx && z < grid.sz)
        columns.push([x, z])
    }
  // Heights before any change, so the brush reads the ground as it was.
  const heights = new Map(columns.map(([x, z]) => [x + z * grid.sx, top(grid, x, z)]))
  const height = (x: number, z: number) =>
    heights.get(x + z * grid.sx) ?? (grid.inBounds(x, 0, z) ? top(grid, x, z) : -1)
  /** The block a column's top is made of (its top solid cell), or the paint. */
  const surface = (x: number, z: number, h: number) => {
    const m = h >= 0 ? grid.get(x, h, z) : 0
    return m > 0 && grid.materials.kind[m] === KIND_SOLID ? m : material
  }
  /** Makes the column's solid top `to`: builds up with its surface block or digs to air. */
  const level = (x: number, z: number, to: number) => {
    const h = height(x, z)
    const m = surface(x, z, h)
    for (let y = h + 1; y <= to; y++) set(x, y, z, m)
    for (let y = h; y > to; y--) set(x, y, z, 0)
  }
  for (const [x, z] of columns) {
    const h = height(x, z)
    switch (op) {
      case 'raise':
        level(x, z, Math.min(grid.sy - 1, h + 1))
        break
      case 'lower':
        if (h > 0) level(x, z, h - 1)
        break
      case 'flatten':
        level(x, z, at[1])
        break
      case 'smooth': {
        let sum = 0
        let n = 0
        for (let dz = -1; dz <= 1; dz++)
          for (let dx = -1; dx <= 1; dx++) {
            const hh = height(x + dx, z + dz)
            if (hh >= 0) {
              sum += hh
              n++
            }
          }
        if (n > 0) level(x, z, Math.round(sum / n))
        break
      }
      case 'paint':
        if (h >= 0) set(x, h, z, material)
        break
    }
  }
  return patchOf(grid, changes)
}

export type Turn = 0 | 90 | 180 | 270

/**
 * The box min..max of `grid` copied with its min corner (after turning) at `at`: turned about y
 * (clockwise seen from above, as prefabs turn) and mirrored along x first when `mirror`. Air is
 * copied too (a paste is the box as it was). Clipped to the world.
 */
export function pastePatch(
  grid: VoxelGrid,
  from: readonly [number, number, number],
  to: readonly [number, number, number],
  at: readonly [number, number, number],
  turn: Turn,
  mirror: boolean,
): BoxPatch | string {
  const lo = [0, 1, 2].map((i) => Math.min(from[i]!, to[i]!))
  const hi = [0, 1, 2].map((i) => Math.max(from[i]!, to[i]!))
  for (let i = 0; i < 3; i++)
    if (lo[i]! < 0 || hi[i]! >= grid.dims[i]!) return 'the copied box is outside the world'
  const [w, h, d] = [hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1]
  if (w * h * d > MAX_EDIT_CELLS) return `a copy holds at most ${MAX_EDIT_CELLS} blocks`
  const changes = new Map<number, number>()
  for (let z = 0; z < d; z++)
    for (let x = 0; x < w; x++)
      for (let y = 0; y < h; y++) {
        const m = grid.get(lo[0]! + x, lo[1]! + y, lo[2]! + z)
        const px = mirror ? w - 1 - x : x
        let rx = px
        let rz = z
        if (turn === 90) {
          rx = d - 1 - z
          rz = px
        } else if (turn === 180) {
          rx = w - 1 - px
          rz = d - 1 - z
        } else if (turn === 270) {
          rx = z
          rz = w - 1 - px
        }
        const tx = at[0] + rx
        const ty = at[1] + y
        const tz = at[2] + rz
        if (!grid.inBounds(tx, ty, tz)) continue
        if (grid.get(tx, ty, tz) !== m) changes.set(grid.index(tx, ty, tz), m)
      }
  return patchOf(grid, changes)
}

/**
 * A line of blocks from `from` to `to` (both cells included): every cell a 3D digital line
 * passes through, as thick as `size` (a cube of that side around each), in `material` (0
 * removes). Its box must hold at most MAX_EDIT_CELLS cells, like every change.
 */
export function linePatch(
  grid: VoxelGrid,
  from: readonly [number, number, number],
  to: readonly [number, number, number],
  size: number,
  material: number,
): BoxPatch | string {
  if (!grid.inBounds(...from) || !grid.inBounds(...to)) return 'the line is outside the world'
  if (material < 0 || material >= grid.materials.ids.length)
    return `material ${material} is not a block of the palette`
  const steps = Math.max(...[0, 1, 2].map((i) => Math.abs(to[i]! - from[i]!)))
  const lo = Math.floor((size - 1) / 2)
  const changes = new Map<number, number>()
  for (let s = 0; s <= steps; s++) {
    const t = steps === 0 ? 0 : s / steps
    const c = [0, 1, 2].map((i) => Math.round(from[i]! + (to[i]! - from[i]!) * t))
    for (let dz = 0; dz < size; dz++)
      for (let dx = 0; dx < size; dx++)
        for (let dy = 0; dy < size; dy++) {
          const [x, y, z] = [c[0]! - lo + dx, c[1]! - lo + dy, c[2]! - lo + dz]
          if (grid.inBounds(x, y, z) && grid.get(x, y, z) !== material)
            changes.set(grid.index(x, y, z), material)
        }
  }
  return patchOf(grid, changes)
}
