import { describe, expect, it } from 'vitest'
import { Space, type SpaceSlot } from '../protocol/scene'
import {
  STYLES,
  colliderBoxes,
  facing,
  fitPicture,
  frameSpot,
  labelAnchor,
  layoutSpace,
} from './layout'

const wall = (id: string, x: number, z: number, rotY: number, y = 3.6): SpaceSlot => ({
  id,
  kind: 'wall',
  position: [x, y, z],
  rotY,
  size: 1.5,
})
const pedestal = (id: string, x: number, z: number, rotY = 0): SpaceSlot => ({
  id,
  kind: 'pedestal',
  position: [x, 3, z],
  rotY,
  size: 0.8,
})

/** A 10×8 plot on [0,0]–[10,8] at floor 2 with a back wall on its north edge. */
function plot(slots: SpaceSlot[]) {
  return Space.parse({
    id: 'p',
    kind: 'plot',
    title: { 'zh-CN': '地块', en: 'Plot' },
    area: [0, 0, 10, 8],
    floorY: 2,
    slots,
  })
}

describe('layoutSpace', () => {
  it('puts one wall behind frames that share a plane, across the whole area', () => {
    const l = layoutSpace(
      plot([wall('a', 2, 0.5, 0), wall('b', 5, 0.5, 0), wall('c', 8, 0.5, 0)]),
      'voxel',
    )
    expect(l.walls).toHaveLength(1)
    const w = l.walls[0]!
    expect(w.slots).toEqual(['a', 'b', 'c'])
    expect(w.size[0]).toBeCloseTo(10)
    expect(w.center[0]).toBeCloseTo(5)
    // The front face goes through the slots; the wall is behind it, inside the area.
    expect(w.center[2] + w.size[2] / 2).toBeCloseTo(0.5)
    expect(w.center[2] - w.size[2] / 2).toBeCloseTo(0)
    // Block Park walls end on whole metres, tall enough for the frames.
    const top = w.center[1] + w.size[1] / 2
    expect(top - 2).toBe(Math.round(top - 2))
    expect(top).toBeGreaterThan(3.6 + 0.75 + STYLES.voxel.frameBorder)
    expect(l.front).toBe(0)
  })

  it('stops a side wall at the back wall where they meet', () => {
    const l = layoutSpace(
      plot([
        wall('a', 3, 0.5, 0),
        wall('b', 5, 0.5, 0),
        wall('c', 7, 0.5, 0),
        wall('side', 0.5, 4, Math.PI / 2),
      ]),
      'hd',
    )
    expect(l.walls).toHaveLength(2)
    const [back, side] = l.walls
    expect(back!.slots).toHaveLength(3)
    const sideMinZ = side!.center[2] - side!.size[0] / 2
    expect(sideMinZ).toBeCloseTo(0.5) // the back wall's front face
    expect(side!.center[2] + side!.size[0] / 2).toBeCloseTo(8)
  })

  it('caps walls at the space height', () => {
    const l = layoutSpace(plot([wall('a', 5, 0.5, 0, 9)]), 'hd')
    expect(l.walls[0]!.center[1] + l.walls[0]!.size[1] / 2).toBeCloseTo(2 + 6)
  })

  it('raises pedestals from the floor to their slot and faces the sign out of the space', () => {
    const l = layoutSpace(plot([wall('a', 5, 7.5, Math.PI), pedestal('p', 5, 4, Math.PI)]), 'voxel')
    expect(l.pedestals[0]!.top).toBe(3)
    expect(l.pedestals[0]!.center[1] - l.pedestals[0]!.size[1] / 2).toBeLessThan(2)
    expect(l.front).toBeCloseTo(Math.PI)
    // The sign stands near the open (south, z = 0) edge, facing -z.
    expect(l.sign.base[2]).toBeLessThan(1)
    expect(l.sign.rotY).toBeCloseTo(Math.PI)
    expect(l.sign.base[1]).toBeCloseTo(l.floorTop)
  })
})

describe('frameSpot', () => {
  const l = layoutSpace(plot([wall('a', 5, 0.5, 0), pedestal('p', 5, 4)]), 'hd')

  it('hangs wall exhibits on their slot and stands others on their pedestal', () => {
    const w = frameSpot(l, { kind: 'slot', slot: 'a' })!
    expect(w.mount).toBe('wall')
    expect(w.center).toEqual([5, 3.6, 0.5])
    const p = frameSpot(l, { kind: 'slot', slot: 'p' })!
    expect(p.mount).toBe('stand')
    expect(p.base).toBe(3)
    expect(p.center[1] - p.size / 2).toBeGreaterThan(3)
    expect(frameSpot(l, { kind: 'slot', slot: 'nope' })).toBeNull()
  })

  it('stands free exhibits at their position, scaled', () => {
    const f = frameSpot(l, { kind: 'free', x: 4, y: 2.15, z: 5, rotY: 1, scale: 2 })!
    expect(f.mount).toBe('stand')
    expect(f.size).toBe(2)
    expect(f.rotY).toBe(1)
    expect(f.base).toBe(2.15)
  })

  it('puts labels under the frame, in front of it', () => {
    const w = frameSpot(l, { kind: 'slot', slot: 'a' })!
    const [x, y, z] = labelAnchor(w, 'hd')
    expect(x).toBeCloseTo(5)
    expect(y).toBeLessThan(w.center[1] - w.size / 2)
    expect(z).toBeGreaterThan(0.5)
  })
})

describe('fitPicture', () => {
  it('keeps the aspect inside the square', () => {
    const [w, h] = fitPicture(2, 2)
    expect(w / h).toBeCloseTo(2)
    expect(w).toBeLessThanOrEqual(2)
    const [w2, h2] = fitPicture(2, 0.5)
    expect(w2 / h2).toBeCloseTo(0.5)
    expect(h2).toBeLessThanOrEqual(2)
    expect(fitPicture(2, Number.NaN)[0]).toBe(fitPicture(2, 1)[1])
  })
})

describe('colliderBoxes', () => {
  it('has a floor over the area and solid walls and pedestals', () => {
    const l = layoutSpace(plot([wall('a', 5, 0.5, 0), pedestal('p', 5, 4)]), 'voxel')
    const boxes = colliderBoxes(l)
    const floor = boxes.filter((b) => b.floor)
    expect(floor).toHaveLength(1)
    expect(floor[0]!.center[1] + floor[0]!.size[1] / 2).toBeCloseTo(l.floorTop)
    expect(boxes.filter((b) => !b.floor)).toHaveLength(2)
  })
})

describe('facing', () => {
  it('turns like three: 0 faces +z, π/2 faces +x', () => {
    expect(facing(0)[1]).toBeCloseTo(1)
    expect(facing(Math.PI / 2)[0]).toBeCloseTo(1)
  })
})
