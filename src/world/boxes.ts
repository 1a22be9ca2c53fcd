// Turned boxes in the avatar's collision, over whatever a world's own collider answers: floors
// (slabs, decks, stage platforms) carry the avatar, solids (walls, pedestals, pillars) stop it.
// The engine's shape for what features add to a world (creator spaces, stages); pure, and it
// allocates nothing per query.
import type { WorldCollider } from './collision'

export type V3 = [number, number, number]

/** A box turned about +y: the shape of every wall, pedestal, slab and collider a feature adds. */
export interface OrientedBox {
  center: V3
  /** Full size along the box's local x (along), y, z (facing). */
  size: V3
  rotY: number
}

export interface ColliderBox extends OrientedBox {
  /** Floors carry visitors; solids stop them. */
  floor: boolean
}

/** A solid box (pedestal) may be stepped over when its top is at most this far above the feet. */
const STEP_OVER = 0.3
/** Floors (a slab on a slope) are climbed when their top is within this of the feet. */
const FLOOR_CLIMB = 0.6

interface Box {
  cx: number
  cz: number
  cos: number
  sin: number
  hx: number
  hz: number
  minY: number
  maxY: number
  floor: boolean
}

function toBox(b: ColliderBox): Box {
  return {
    cx: b.center[0],
    cz: b.center[2],
    cos: Math.cos(b.rotY),
    sin: Math.sin(b.rotY),
    hx: b.size[0] / 2,
    hz: b.size[2] / 2,
    minY: b.center[1] - b.size[1] / 2,
    maxY: b.center[1] + b.size[1] / 2,
    floor: b.floor,
  }
}

// World to box frame: the inverse of three's rotation.y.
const localX = (b: Box, x: number, z: number) => (x - b.cx) * b.cos - (z - b.cz) * b.sin
const localZ = (b: Box, x: number, z: number) => (x - b.cx) * b.sin + (z - b.cz) * b.cos

export class BoxCollider implements WorldCollider {
  private readonly boxes: Box[]
  /** The union of every box's xz circle: most queries are nowhere near a space. */
  private readonly regions: { x: number; z: number; r: number }[]

  constructor(
    private readonly inner: WorldCollider,
    boxes: readonly ColliderBox[],
  ) {
    this.boxes = boxes.map(toBox)
    this.regions = this.boxes.map((b) => ({ x: b.cx, z: b.cz, r: Math.hypot(b.hx, b.hz) + 1 }))
  }

  get bounds() {
    return this.inner.bounds
  }

  private near(x: number, z: number, pad: number): boolean {
    for (const r of this.regions) {
      const dx = x - r.x
      const dz = z - r.z
      const reach = r.r + pad
      if (dx * dx + dz * dz < reach * reach) return true
    }
    return false
  }

  groundAt(x: number, y: number, z: number, step: number): number {
    let ground = this.inner.groundAt(x, y, z, step)
    if (!this.near(x, z, 0)) return ground
    const reach = y + Math.max(step, FLOOR_CLIMB)
    for (const b of this.boxes) {
      if (!b.floor || b.maxY > reach || b.maxY <= ground) continue
      if (Math.abs(localX(b, x, z)) <= b.hx && Math.abs(localZ(b, x, z)) <= b.hz) ground = b.maxY
    }
    return ground
  }

  blocked(x: number, y: number, z: number, radius: number, height: number): boolean {
    if (this.inner.blocked(x, y, z, radius, height)) return true
    if (!this.near(x, z, radius)) return false
    for (const b of this.boxes) {
      if (b.maxY <= y + (b.floor ? FLOOR_CLIMB : STEP_OVER) || b.minY >= y + height) continue
      const dx = Math.max(0, Math.abs(localX(b, x, z)) - b.hx)
      const dz = Math.max(0, Math.abs(localZ(b, x, z)) - b.hz)
      if (dx * dx + dz * dz < radius * radius) return true
    }
    return false
  }

  waterAt(x: number, z: number): number {
    return this.inner.waterAt(x, z)
  }
}
