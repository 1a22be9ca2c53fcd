import { describe, expect, it } from 'vitest'
import { VoxelCollider } from './collider'
import { FLOWER, STONE, WATER, emptyGrid } from './testing'

function scene() {
  const g = emptyGrid(8, 8, 8)
  for (let x = 0; x < 8; x++) for (let z = 0; z < 8; z++) g.fillColumn(x, z, 0, 1, STONE)
  g.fillColumn(4, 4, 2, 5, STONE) // a pillar, top at 6
  g.set(2, 2, 2, WATER) // a puddle, surface at 3
  g.set(2, 5, 5, STONE) // a floating slab, top at 6 ...
  g.set(1, 2, 1, FLOWER) // walk-through
  return new VoxelCollider(g)
}

describe('VoxelCollider', () => {
  it('reports the world box as bounds', () => {
    expect(scene().bounds).toEqual({ min: [0, 0, 0], max: [8, 8, 8] })
  })

  it('finds the highest ground not above y + step', () => {
    const c = scene()
    expect(c.groundAt(0.5, 2, 0.5, 0.5)).toBe(2)
    expect(c.groundAt(4.5, 2, 4.5, 0.5)).toBe(2) // pillar too high to step onto
    expect(c.groundAt(4.5, 5.6, 4.5, 0.5)).toBe(6) // on top of it
    expect(c.groundAt(2.5, 2, 5.5, 0.5)).toBe(2) // under the slab, the floor
    expect(c.groundAt(2.5, 6, 5.5, 0.5)).toBe(6) // on the slab
    expect(c.groundAt(1.5, 2, 1.5, 0.5)).toBe(2) // flowers are not ground
    expect(c.groundAt(-1, 5, 0, 0.5)).toBe(-Infinity)
    expect(c.groundAt(0.5, -3, 0.5, 0.5)).toBe(-Infinity)
  })

  it('blocks a cylinder against solid voxels only', () => {
    const c = scene()
    expect(c.blocked(3.5, 2, 3.5, 0.3, 1.7)).toBe(false) // standing on the floor
    expect(c.blocked(3.5, 1.9, 3.5, 0.3, 1.7)).toBe(true) // sunk into it
    expect(c.blocked(3.8, 2, 4.5, 0.3, 1.7)).toBe(true) // touching into the pillar
    expect(c.blocked(3.6, 2, 4.5, 0.3, 1.7)).toBe(false) // 0.1 m off it
    // Diagonal: the box of the cylinder overlaps the pillar's corner, the circle does not.
    expect(c.blocked(3.75, 2, 3.75, 0.3, 1.7)).toBe(false)
    expect(c.blocked(3.85, 2, 3.85, 0.3, 1.7)).toBe(true)
    expect(c.blocked(2.5, 2, 2.5, 0.3, 1.7)).toBe(false) // water
    expect(c.blocked(1.5, 2, 1.5, 0.3, 1.7)).toBe(false) // flower
    expect(c.blocked(2.5, 2, 5.5, 0.3, 3.5)).toBe(true) // head in the slab
    expect(c.blocked(2.5, 2, 5.5, 0.3, 2.9)).toBe(false)
  })

  it('gives the water surface where there is water', () => {
    const c = scene()
    expect(c.waterAt(2.5, 2.5)).toBe(3)
    expect(c.waterAt(0.5, 0.5)).toBe(-Infinity)
    expect(c.waterAt(100, 0)).toBe(-Infinity)
  })
})
