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
