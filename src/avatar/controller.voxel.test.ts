// The controller against the real Block Park collider: a voxel floor, a one-block step, a
// two-block wall and a pond, to check both sides agree on what "standing on a block" means.
import { describe, expect, it } from 'vitest'
import type { Movement } from '../protocol/scene'
import { createMotion } from '../state/player'
import { VoxelCollider } from '../world/voxel/collider'
import { emptyGrid, STONE, WATER } from '../world/voxel/testing'
import {
  createControlInput,
  resetMotion,
  standingHeight,
  stepMotion,
  type ControlInput,
} from './controller'

const MOVEMENT: Movement = { walkSpeed: 4.5, runSpeed: 9, jumpSpeed: 7, gravity: 22 }
const FACE_PLUS_X = -Math.PI / 2

/** 32×16×32 voxels: floor top at y=4; a step to 5 from x=12; a wall to 6 at x=20..21 (z<16). */
function world(): VoxelCollider {
  const g = emptyGrid(32, 16, 32)
  for (let x = 0; x < 32; x++)
    for (let z = 0; z < 32; z++) {
      g.fillColumn(x, z, 0, 3, STONE)
      if (x >= 12) g.set(x, 4, z, STONE)
      if (x >= 20 && x < 22 && z < 16) g.fillColumn(x, z, 5, 6, STONE)
    }
  // A pond two blocks deep at x 4..8, z 20..28, surface at y=4.
  for (let x = 4; x < 8; x++)
    for (let z = 20; z < 28; z++) {
      g.set(x, 2, z, WATER)
      g.set(x, 3, z, WATER)
    }
  return new VoxelCollider(g)
}

function controls(patch: Partial<ControlInput> = {}): ControlInput {
  return { ...createControlInput(), ...patch }
}

function run(c: VoxelCollider, input: ControlInput, x: number, z: number, yaw: number, s: number) {
  const m = createMotion()
  resetMotion(m, x, standingHeight(c, x, 12, z), z, 0)
  for (let i = 0; i < s * 60; i++) stepMotion(m, input, c, MOVEMENT, yaw, 1 / 60)
  return m
}

describe('stepMotion with the voxel collider', () => {
  it('stands on the floor, hops the one-block step and stops at the two-block wall', () => {
    const c = world()
    const m = run(c, controls({ moveY: 1 }), 4.5, 8.5, FACE_PLUS_X, 6)
    expect(m.y).toBeCloseTo(5, 2)
    expect(m.x).toBeGreaterThan(19)
    expect(m.x).toBeLessThanOrEqual(20 - 0.35 + 1e-6)
  })

  it('does not walk into the two-block-deep pond', () => {
    const c = world()
    // From z=16 walking +z (camera yaw π: forward is +z) towards the pond at z≥20.
    const m = run(c, controls({ moveY: 1 }), 6.5, 16.5, Math.PI, 3)
    expect(m.z).toBeLessThanOrEqual(20)
    expect(m.y).toBe(4)
  })

  it('walks to a clicked block', () => {
    const c = world()
    const input = controls({ target: { active: true, x: 16.5, y: 5, z: 4.5 } })
    const m = run(c, input, 4.5, 4.5, 0, 6)
    expect(input.target.active).toBe(false)
    expect(Math.hypot(m.x - 16.5, m.z - 4.5)).toBeLessThan(0.5)
    expect(m.y).toBeCloseTo(5, 2)
  })
})
