// Cangqiong's collider for the avatar controller: ground from the height field and landmark
// floors, walls from landmark boxes and steep slopes, water from the lake and ponds. Pure math.
import type { WorldCollider } from '../collision'
import type { LandmarkLayout } from './landmarks'
import type { HeightField } from './terrain'

/** A solid box (bench, plinth) may be stepped over when its top is at most this far above the feet (m). */
export const STEP_CLEARANCE = 0.3
/**
 * Floors (terraces, stairs, the bridge's stepped deck) are climbed when their top is within this
 * of the feet, whatever step the controller asks for: a slow frame may cover two deck steps.
 */
export const FLOOR_CLIMB = 0.6
/** Slopes steeper than this (rise over run; 1 = 45°) stop a visitor walking uphill. */
export const MAX_WALK_SLOPE = 1.0

interface WorldBox {
  /** Landmark origin and rotation. */
  ox: number
  oz: number
  cos: number
  sin: number
  /** Box in the landmark frame, y in world metres. */
  cx: number
  cz: number
  hx: number
  hz: number
  minY: number
  maxY: number
  floor: boolean
}

const CELL = 16

export class HdCollider implements WorldCollider {
  readonly bounds: { min: [number, number, number]; max: [number, number, number] }
  private readonly boxes: WorldBox[] = []
  private readonly grid = new Map<number, number[]>()
  // Per-query visit marks, so a box spanning several cells is tested once without allocating.
  private marks = new Uint32Array(0)
  private stamp = 0

  constructor(
    private readonly field: HeightField,
    landmarks: readonly LandmarkLayout[],
  ) {
    const half = field.size / 2 - 2
    this.bounds = {
      min: [-half, field.minHeight - 20, -half],
      max: [half, field.maxHeight + 200, half],
    }
    for (const l of landmarks) {
      const cos = Math.cos(l.rotation)
      const sin = Math.sin(l.rotation)
      for (const b of l.boxes) {
        const box: WorldBox = {
          ox: l.x,
          oz: l.z,
          cos,
          sin,
          cx: b.center[0],
          cz: b.center[2],
          hx: b.half[0],
          hz: b.half[2],
          minY: l.y + b.center[1] - b.half[1],
          maxY: l.y + b.center[1] + b.half[1],
          floor: b.floor,
        }
        const index = this.boxes.push(box) - 1
        // Index by the world-space circle around the rotated box.
        const wx = l.x + b.center[0] * cos + b.center[2] * sin
        const wz = l.z - b.center[0] * sin + b.center[2] * cos
        const r = Math.hypot(b.half[0], b.half[2])
        for (let i = cellOf(wx - r); i <= cellOf(wx + r); i++)
          for (let j = cellOf(wz - r); j <= cellOf(wz + r); j++) {
            const k = key(i, j)
            const list = this.grid.get(k)
            if (list) list.push(index)
            else this.grid.set(k, [index])
          }
      }
    }
    this.marks = new Uint32Array(this.boxes.length)
  }

  /**
   * Highest landmark floor under (x, z) not above y + step (at least FLOOR_CLIMB, as blocked()
   * lets visitors walk into floors that low), or the terrain. The terrain always counts: it has
   * no overhangs, so a point below it can only be one to push back up.
   */
  groundAt(x: number, y: number, z: number, step: number): number {
    let ground = this.field.heightAt(x, z)
    const reach = y + Math.max(step, FLOOR_CLIMB)
    const list = this.grid.get(key(cellOf(x), cellOf(z)))
    if (!list) return ground
    for (const i of list) {
      const b = this.boxes[i]!
      if (!b.floor || b.maxY > reach || b.maxY <= ground) continue
      if (Math.abs(localX(b, x, z) - b.cx) <= b.hx && Math.abs(localZ(b, x, z) - b.cz) <= b.hz)
        ground = b.maxY
    }
    return ground
  }

  blocked(x: number, y: number, z: number, radius: number, height: number): boolean {
    // Too steep to climb: only going up is refused, so nobody gets stuck on a slope.
    if (
      this.field.slopeAt(x, z) > MAX_WALK_SLOPE &&
      this.field.heightAt(x, z) > y + STEP_CLEARANCE * 0.5
    )
      return true
    this.stamp = (this.stamp + 1) >>> 0 || 1
    for (let i = cellOf(x - radius); i <= cellOf(x + radius); i++)
      for (let j = cellOf(z - radius); j <= cellOf(z + radius); j++) {
        const list = this.grid.get(key(i, j))
        if (!list) continue
        for (const index of list) {
          if (this.marks[index] === this.stamp) continue
          this.marks[index] = this.stamp
          const b = this.boxes[index]!
          // Low boxes (steps, terraces) are climbed, not walls.
          if (b.maxY <= y + (b.floor ? FLOOR_CLIMB : STEP_CLEARANCE) || b.minY >= y + height)
            continue
          const dx = Math.max(0, Math.abs(localX(b, x, z) - b.cx) - b.hx)
          const dz = Math.max(0, Math.abs(localZ(b, x, z) - b.cz) - b.hz)
          if (dx * dx + dz * dz < radius * radius) return true
        }
      }
    return false
  }

  waterAt(x: number, z: number): number {
    const w = this.field.waterLevel
    return this.field.heightAt(x, z) < w ? w : -Infinity
  }
}

// World to landmark frame (inverse of three's rotation.y), split so queries allocate nothing.
function localX(b: WorldBox, x: number, z: number): number {
  return (x - b.ox) * b.cos - (z - b.oz) * b.sin
}

function localZ(b: WorldBox, x: number, z: number): number {
  return (x - b.ox) * b.sin + (z - b.oz) * b.cos
}

function cellOf(v: number): number {
  return Math.floor(v / CELL)
}

function key(i: number, j: number): number {
  // Cells stay well within ±2^15 for terrains up to 4096 m.
  return (i + 32768) * 65536 + (j + 32768)
}
