import { describe, expect, it } from 'vitest'
import { sightBlocked, type WorldCollider } from './collision'

/** Open ground with one wall: x in [4.9, 5.1], z in [-2, 2], 3 m high. */
const wall: WorldCollider = {
  bounds: { min: [-100, -10, -100], max: [100, 100, 100] },
  groundAt: () => 0,
  waterAt: () => -Infinity,
  blocked: (x, y, z, r) => x + r > 4.9 && x - r < 5.1 && z > -2 && z < 2 && y < 3,
}

describe('sightBlocked', () => {
  const eye = { x: 0, y: 1.6, z: 0 }
  it('sees past nothing, and not through a wall', () => {
    expect(sightBlocked(wall, eye, { x: 0, y: 1.6, z: 10 })).toBe(false)
    expect(sightBlocked(wall, eye, { x: 10, y: 1.6, z: 0 })).toBe(true)
  })
  it('sees over the wall and round its end', () => {
    expect(sightBlocked(wall, eye, { x: 10, y: 9, z: 0 })).toBe(false)
    expect(sightBlocked(wall, eye, { x: 10, y: 1.6, z: 6 })).toBe(false)
  })
  it('ignores solid matter at the far end (what a label names)', () => {
    expect(sightBlocked(wall, eye, { x: 5.5, y: 1.6, z: 0 }, 1)).toBe(false)
  })
})
