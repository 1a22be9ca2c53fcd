import { describe, expect, it } from 'vitest'
import { Space } from '../protocol/scene'
import type { WorldCollider } from '../world/collision'
import { BoxCollider } from '../world/boxes'
import { withSpaces } from './collider'
import { colliderBoxes, layoutSpace } from './layout'

/** Flat ground at y = 2 everywhere, nothing solid, no water. */
const flat: WorldCollider = {
  bounds: { min: [-100, -10, -100], max: [100, 100, 100] },
  groundAt: () => 2,
  blocked: () => false,
  waterAt: () => -Infinity,
}

const space = Space.parse({
  id: 'hall',
  kind: 'hall',
  title: { 'zh-CN': '展厅', en: 'Hall' },
  area: [0, 0, 10, 8],
  floorY: 2,
  slots: [
    { id: 'a', kind: 'wall', position: [5, 3.8, 0.5], rotY: 0, size: 1.5 },
    { id: 'p', kind: 'pedestal', position: [5, 3, 4], rotY: 0, size: 0.8 },
  ],
})

describe('BoxCollider (creator spaces)', () => {
  const c = new BoxCollider(flat, colliderBoxes(layoutSpace(space, 'hd')))

  it('stands visitors on the floor slab inside the space, on the ground outside', () => {
    expect(c.groundAt(3, 2, 6, 0.3)).toBeCloseTo(2.15)
    expect(c.groundAt(-5, 2, 6, 0.3)).toBe(2)
    expect(c.bounds).toBe(flat.bounds)
    expect(c.waterAt(3, 3)).toBe(-Infinity)
  })

  it('lets visitors step onto the slab but not through walls or pedestals', () => {
    expect(c.blocked(3, 2, 6, 0.35, 1.7)).toBe(false)
    // Against the wall's front face (z = 0.5) and inside the pedestal.
    expect(c.blocked(3, 2.15, 0.6, 0.35, 1.7)).toBe(true)
    expect(c.blocked(5, 2.15, 4, 0.35, 1.7)).toBe(true)
    // Far away: the world's answer.
    expect(c.blocked(50, 2, 50, 0.35, 1.7)).toBe(false)
  })

  it('is the world collider itself when a scene has no spaces', () => {
    expect(withSpaces(flat, [], 'hd')).toBe(flat)
    expect(withSpaces(flat, [space], 'voxel')).toBeInstanceOf(BoxCollider)
  })
})
