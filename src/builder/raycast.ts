// Which block a pointer ray meets in a voxel grid, and which face of it: a grid walk (Amanatides
// and Woo) from the camera, so the builder's cursor lands on exact cells, not on mesh triangles.
// Water and air let the ray through; solid blocks and decorations (flowers) stop it.
import { KIND_AIR, KIND_LIQUID, type VoxelGrid } from '../world/voxel/grid'

export interface VoxelHit {
  /** The block the ray met. */
  cell: [number, number, number]
  /** The face it came through, as the cell beside it (where a new block goes). */
  before: [number, number, number]
  /** Distance along the ray, metres. */
  distance: number
}

/**
 * Walks the ray origin + t·dir (dir need not be unit) through the grid for up to `far` metres.
 * Cells outside the grid are passed through; the ground plane y = 0 is not a hit by itself.
 */
export function raycastVoxels(
  grid: VoxelGrid,
  origin: readonly [number, number, number],
  dir: readonly [number, number, number],
  far = 96,
): VoxelHit | null {
  const len = Math.hypot(dir[0], dir[1], dir[2])
  if (!(len > 0)) return null
  const d = [dir[0] / len, dir[1] / len, dir[2] / len]
  const cell = [Math.floor(origin[0]), Math.floor(origin[1]), Math.floor(origin[2])]
  const step = d.map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0))
  const tDelta = d.map((v) => (v !== 0 ? Math.abs(1 / v) : Infinity))
  const tMax = d.map((v, i) => {
    if (v === 0) return Infinity
    const edge = v > 0 ? cell[i]! + 1 : cell[i]!
    return (edge - origin[i]!) / v
  })
  let before: [number, number, number] = [cell[0]!, cell[1]!, cell[2]!]
  let t = 0
  const kinds = grid.materials.kind
  // Every step crosses one face; a ray of `far` metres crosses at most 3·far + 3 of them.
  for (let i = 0; i < 3 * far + 3 && t <= far; i++) {
    const [x, y, z] = cell as [number, number, number]
    if (grid.inBounds(x, y, z)) {
      const kind = kinds[grid.data[(z * grid.sx + x) * grid.sy + y]!]!
      if (kind !== KIND_AIR && kind !== KIND_LIQUID) return { cell: [x, y, z], before, distance: t }
    }
    before = [x, y, z]
    const axis = tMax[0]! < tMax[1]! ? (tMax[0]! < tMax[2]! ? 0 : 2) : tMax[1]! < tMax[2]! ? 1 : 2
    t = tMax[axis]!
    cell[axis]! += step[axis]!
    tMax[axis]! += tDelta[axis]!
  }
  return null
}
