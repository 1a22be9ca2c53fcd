// The editor's moves: where a new exhibit starts, how a slotted one becomes free, what arrows
// and buttons do, and that every result is one the server accepts.
import { describe, expect, it } from 'vitest'
import { Space } from '../protocol/scene'
import {
  GRID_STEP,
  ROT_STEP,
  SCALE_RANGE,
  freeInside,
  snapFree,
  type FreeBounds,
  type FreePlacement,
} from '../protocol/spaces'
import {
  START_DISTANCE,
  dragTo,
  freeFromSpot,
  nudge,
  raise,
  readout,
  resize,
  screenStep,
  startInFront,
  turn,
} from './gizmo'
import { facing, frameSpot, layoutSpace } from './layout'

const space = Space.parse({
  id: 'plot',
  kind: 'plot',
  title: { 'zh-CN': '地块', en: 'Plot' },
  area: [100, 111, 108, 121],
  floorY: 21,
  slots: [
    { id: 'w', kind: 'wall', position: [107.5, 22.6, 114.9], rotY: -Math.PI / 2, size: 1.5 },
    { id: 'p', kind: 'pedestal', position: [103.5, 22, 116], rotY: -Math.PI / 2, size: 0.8 },
  ],
})
const bounds: FreeBounds = space

const accepted = (p: FreePlacement) => {
  expect(snapFree(bounds, p)).toEqual(p)
  expect(freeInside(bounds, p)).toBe(true)
}

describe('free placement editor moves', () => {
  it('starts a new exhibit ahead of the visitor, facing them, on the floor', () => {
    // Heading π looks towards +z: into the plot from its south edge.
    const p = startInFront(bounds, { x: 104, z: 108.5, heading: Math.PI })
    accepted(p)
    expect(p.x).toBe(104)
    expect(p.z).toBe(108.5 + START_DISTANCE)
    expect(p.y).toBe(21)
    expect(p.scale).toBe(1)
    // It faces the visitor: facing(rotY) points back at them (-z).
    const [nx, nz] = facing(p.rotY)
    expect(nx).toBeCloseTo(0, 6)
    expect(nz).toBeCloseTo(-1, 6)
  })

  it('keeps a new exhibit inside the space when the visitor is far away', () => {
    const p = startInFront(bounds, { x: 0, z: 0, heading: 0 })
    accepted(p)
    expect([p.x, p.z]).toEqual([100, 111])
    // Facing the visitor, south-west of the plot, in 15° steps.
    const [nx, nz] = facing(p.rotY)
    expect(nx).toBeLessThan(0)
    expect(nz).toBeLessThan(0)
    expect(Math.abs(p.rotY / ROT_STEP - Math.round(p.rotY / ROT_STEP))).toBeLessThan(1e-9)
  })

  it('steps a wall frame out of its wall, keeping its picture where it was', () => {
    for (const style of ['voxel', 'hd'] as const) {
      const layout = layoutSpace(space, style)
      const spot = frameSpot(layout, { kind: 'slot', slot: 'w' })!
      const p = freeFromSpot(bounds, spot, style)
      accepted(p)
      // Out of the wall (it faces -x), the same turn and size, about the same height.
      expect(p.x).toBeLessThan(107.5)
      expect(p.z).toBeCloseTo(115, 6)
      expect(Math.cos(p.rotY - spot.rotY)).toBeCloseTo(1, 6)
      expect(p.scale).toBe(1.5)
      const free = frameSpot(layout, p)!
      expect(Math.abs(free.center[1] - spot.center[1])).toBeLessThanOrEqual(GRID_STEP / 2 + 1e-9)
    }
    const layout = layoutSpace(space, 'voxel')
    const ped = freeFromSpot(bounds, frameSpot(layout, { kind: 'slot', slot: 'p' })!, 'voxel')
    accepted(ped)
    expect([ped.x, ped.z]).toEqual([103.5, 116])
  })

  it('moves, turns, resizes and raises in steps, never out of bounds', () => {
    let p = startInFront(bounds, { x: 104, z: 108.5, heading: Math.PI })
    p = nudge(bounds, p, 1, -1)
    expect([p.x, p.z]).toEqual([104.25, 112.25])
    for (let i = 0; i < 100; i++) p = nudge(bounds, p, -1, -1)
    expect([p.x, p.z]).toEqual([100, 111])
    const r = p.rotY
    p = turn(bounds, p, 1)
    expect(p.rotY).toBeCloseTo((r + ROT_STEP) % (2 * Math.PI), 9)
    for (let i = 0; i < 24; i++) p = turn(bounds, p, -1)
    expect(p.rotY).toBeCloseTo((r + ROT_STEP) % (2 * Math.PI), 9)
    for (let i = 0; i < 40; i++) p = resize(bounds, p, 1)
    expect(p.scale).toBe(SCALE_RANGE[1])
    for (let i = 0; i < 40; i++) p = resize(bounds, p, -1)
    expect(p.scale).toBe(SCALE_RANGE[0])
    for (let i = 0; i < 40; i++) p = raise(bounds, p, 1)
    expect(p.y).toBe(21 + 6)
    p = raise(bounds, p, -3)
    expect(p.y).toBe(26.25)
    accepted(p)
    p = dragTo(bounds, p, 300.3, -7)
    expect([p.x, p.z]).toEqual([108, 111])
    p = dragTo(bounds, p, 105.13, 117.9)
    expect([p.x, p.z]).toEqual([105.25, 118])
    accepted(p)
  })

  it('maps arrows to grid steps as the camera sees the world', () => {
    // yaw 0: the camera looks towards -z, so "up" is -z and "right" is +x.
    expect(screenStep(0, 'up')).toEqual([0, -1])
    expect(screenStep(0, 'down')).toEqual([0, 1])
    expect(screenStep(0, 'right')).toEqual([1, 0])
    expect(screenStep(0, 'left')).toEqual([-1, 0])
    // yaw π/2: looking towards -x.
    expect(screenStep(Math.PI / 2, 'up')).toEqual([-1, 0])
    expect(screenStep(Math.PI / 2, 'right')).toEqual([0, -1])
    // Diagonal views pick one axis, so a step stays on the grid.
    const [dx, dz] = screenStep(Math.PI + 0.7, 'up')
    expect(Math.abs(dx) + Math.abs(dz)).toBe(1)
  })

  it('reads out the numbers the toolbar shows', () => {
    const p: FreePlacement = {
      kind: 'free',
      x: 103.25,
      y: 21.5,
      z: 112,
      rotY: 11 * ROT_STEP,
      scale: 1.25,
    }
    expect(readout(bounds, p)).toEqual({
      x: '103.25',
      z: '112.00',
      height: '0.50',
      degrees: '165',
      size: '1.25',
    })
  })
})
