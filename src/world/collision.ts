// What the avatar controller asks of a world. Block Park answers from its voxel grid, Cangqiong
// from its heightfield and landmark boxes. Coordinates are metres; y is up.
export interface WorldCollider {
  /** Axis-aligned limits a visitor may not leave. */
  readonly bounds: { min: [number, number, number]; max: [number, number, number] }
  /**
   * Height of the highest walkable surface under (x, z) that is not above `y + step`
   * (so a visitor steps up small ledges but not onto roofs); -Infinity when there is none.
   */
  groundAt(x: number, y: number, z: number, step: number): number
  /** Whether an upright cylinder (feet at y) of `radius` and `height` overlaps solid matter. */
  blocked(x: number, y: number, z: number, radius: number, height: number): boolean
  /** Height of the water surface at (x, z), or -Infinity where there is no water. */
  waterAt(x: number, z: number): number
}

/** Sample spacing along a sight line, metres; with the 0.1 m probe, walls down to 5 cm stop it. */
const SIGHT_STEP = 0.25

/**
 * Whether solid matter stands between two points (say the camera and a label): samples the line
 * every SIGHT_STEP metres, skipping `skipEnd` metres at the `to` end (a label floats over the
 * thing it names, which may itself be solid).
 */
export function sightBlocked(
  collider: WorldCollider,
  from: { x: number; y: number; z: number },
  to: { x: number; y: number; z: number },
  skipEnd = 1,
): boolean {
  const dx = to.x - from.x
  const dy = to.y - from.y
  const dz = to.z - from.z
  const length = Math.hypot(dx, dy, dz)
  const end = length - skipEnd
  for (let d = SIGHT_STEP; d < end; d += SIGHT_STEP) {
    const k = d / length
    if (collider.blocked(from.x + dx * k, from.y + dy * k, from.z + dz * k, 0.1, 0.1)) return true
  }
  return false
}
