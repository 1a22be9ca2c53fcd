// Collision for Block Park: answers the avatar controller's WorldCollider questions straight from
// the voxel grid. Runs on the main thread (plain TypeScript, no three.js).
import type { WorldCollider } from '../collision'
import { KIND_LIQUID, KIND_SOLID } from './grid'
import type { VoxelGrid } from './grid'

/** Voxel (x, y, z) fills [x, x+1) × [y, y+1) × [z, z+1) in metres. */
export class VoxelCollider implements WorldCollider {
  readonly bounds: { min: [number, number, number]; max: [number, number, number] }
  /** Top of the highest liquid voxel per column (index z * sx + x), -Infinity where none. */
  private readonly water: Float32Array

  constructor(readonly grid: VoxelGrid) {
    this.bounds = { min: [0, 0, 0], max: [grid.sx, grid.sy, grid.sz] }
    // Water surfaces are asked for every frame and never change: scan the columns once.
    this.water = new Float32Array(grid.sx * grid.sz).fill(-Infinity)
    const kind = grid.materials.kind
    const data = grid.data
    for (let c = 0; c < grid.sx * grid.sz; c++) {
      const base = c * grid.sy
      for (let y = grid.sy - 1; y >= 0; y--)
        if (kind[data[base + y]!] === KIND_LIQUID) {
          this.water[c] = y + 1
          break
        }
    }
  }

  private solidAt(x: number, y: number, z: number): boolean {
    const g = this.grid
    if (x < 0 || y < 0 || z < 0 || x >= g.sx || y >= g.sy || z >= g.sz) return false
    return g.materials.kind[g.data[(z * g.sx + x) * g.sy + y]!] === KIND_SOLID
  }

  groundAt(x: number, y: number, z: number, step: number): number {
    const g = this.grid
    const ix = Math.floor(x)
    const iz = Math.floor(z)
    if (ix < 0 || iz < 0 || ix >= g.sx || iz >= g.sz) return -Infinity
    // A voxel's top is iy + 1; it counts when that is not above y + step.
    const start = Math.min(g.sy - 1, Math.floor(y + step) - 1)
    const base = (iz * g.sx + ix) * g.sy
    const kind = g.materials.kind
    for (let iy = start; iy >= 0; iy--) if (kind[g.data[base + iy]!] === KIND_SOLID) return iy + 1
    return -Infinity
  }

  blocked(x: number, y: number, z: number, radius: number, height: number): boolean {
    // Half-open voxel boxes: standing exactly on a top or touching a wall is not overlap.
    const eps = 1e-6
    const x0 = Math.floor(x - radius + eps)
    const x1 = Math.floor(x + radius - eps)
    const z0 = Math.floor(z - radius + eps)
    const z1 = Math.floor(z + radius - eps)
    const y0 = Math.floor(y + eps)
    const y1 = Math.floor(y + height - eps)
    const r2 = radius * radius
    for (let iz = z0; iz <= z1; iz++) {
      const dz = z < iz ? iz - z : z > iz + 1 ? z - iz - 1 : 0
      for (let ix = x0; ix <= x1; ix++) {
        const dx = x < ix ? ix - x : x > ix + 1 ? x - ix - 1 : 0
        // The circle must reach into the square, not merely graze its corner.
        if (dx * dx + dz * dz >= r2) continue
        for (let iy = y0; iy <= y1; iy++) if (this.solidAt(ix, iy, iz)) return true
      }
    }
    return false
  }

  waterAt(x: number, z: number): number {
    const ix = Math.floor(x)
    const iz = Math.floor(z)
    if (ix < 0 || iz < 0 || ix >= this.grid.sx || iz >= this.grid.sz) return -Infinity
    return this.water[iz * this.grid.sx + ix]!
  }
}
