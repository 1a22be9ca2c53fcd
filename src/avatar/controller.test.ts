// The movement rules against small fake worlds: flat ground, ledges, walls, bounds and water.
import { describe, expect, it } from 'vitest'
import type { Movement } from '../protocol/scene'
import { createMotion, type Motion } from '../state/player'
import type { WorldCollider } from '../world/collision'
import {
  ARRIVE_DISTANCE,
  createControlInput,
  PLAYER_RADIUS,
  resetMotion,
  standingHeight,
  stepMotion,
  type ControlInput,
} from './controller'

type V3 = [number, number, number]
interface Box {
  min: V3
  max: V3
}
interface Pool {
  minX: number
  maxX: number
  minZ: number
  maxZ: number
  /** Water surface and the floor under it. */
  level: number
  floor: number
}

/** A voxel-like fake: solid ground at y=0 (or a pool floor), solid boxes, strict overlaps. */
function fakeWorld(opts: { boxes?: Box[]; pools?: Pool[]; half?: number } = {}): WorldCollider {
  const boxes = opts.boxes ?? []
  const pools = opts.pools ?? []
  const half = opts.half ?? 100
  const poolAt = (x: number, z: number) =>
    pools.find((p) => x > p.minX && x < p.maxX && z > p.minZ && z < p.maxZ)
  const floorAt = (x: number, z: number) => poolAt(x, z)?.floor ?? 0
  return {
    bounds: { min: [-half, -20, -half], max: [half, 60, half] },
    groundAt(x, y, z, step) {
      let best = -Infinity
      const f = floorAt(x, z)
      if (f <= y + step) best = f
      for (const b of boxes) {
        const inside = x >= b.min[0] && x <= b.max[0] && z >= b.min[2] && z <= b.max[2]
        if (inside && b.max[1] <= y + step && b.max[1] > best) best = b.max[1]
      }
      return best
    },
    blocked(x, y, z, r, h) {
      if (y < floorAt(x, z) - 1e-9) return true
      for (const b of boxes) {
        if (!(y < b.max[1] && y + h > b.min[1])) continue
        const cx = Math.max(b.min[0], Math.min(x, b.max[0]))
        const cz = Math.max(b.min[2], Math.min(z, b.max[2]))
        if (Math.hypot(x - cx, z - cz) < r) return true
      }
      return false
    },
    waterAt(x, z) {
      return poolAt(x, z)?.level ?? -Infinity
    },
  }
}

const MOVEMENT: Movement = { walkSpeed: 4, runSpeed: 8, jumpSpeed: 6, gravity: 20 }
/** Camera yaw whose "forward" is +x (forward = (-sin yaw, -cos yaw)). */
const FACE_PLUS_X = -Math.PI / 2

function controls(patch: Partial<ControlInput> = {}): ControlInput {
  return { ...createControlInput(), ...patch }
}

function fresh(x = 0, y = 0, z = 0): Motion {
  const m = createMotion()
  resetMotion(m, x, y, z, 0)
  return m
}

/** Runs the controller at 60 Hz for `seconds`, calling `each` after every frame. */
function run(
  m: Motion,
  input: ControlInput,
  world: WorldCollider,
  seconds: number,
  yaw = 0,
  each?: () => void,
) {
  const frames = Math.round(seconds * 60)
  for (let i = 0; i < frames; i++) {
    stepMotion(m, input, world, MOVEMENT, yaw, 1 / 60)
    each?.()
  }
}

describe('stepMotion on flat ground', () => {
  it('walks forward relative to the camera yaw', () => {
    const world = fakeWorld()
    const a = fresh()
    run(a, controls({ moveY: 1 }), world, 1, 0)
    expect(a.z).toBeLessThan(-2) // yaw 0: the camera looks towards -z
    expect(Math.abs(a.x)).toBeLessThan(1e-6)

    const b = fresh()
    run(b, controls({ moveY: 1 }), world, 1, Math.PI / 2)
    expect(b.x).toBeLessThan(-2)
    expect(Math.abs(b.z)).toBeLessThan(1e-6)

    const c = fresh()
    run(c, controls({ moveX: 1 }), world, 1, 0)
    expect(c.x).toBeGreaterThan(2) // strafing right at yaw 0 is +x
  })

  it('turns the heading towards the motion', () => {
    const m = fresh()
    run(m, controls({ moveY: 1 }), fakeWorld(), 1, FACE_PLUS_X)
    expect(m.heading).toBeCloseTo(-Math.PI / 2, 2) // heading 0 faces -z, -π/2 faces +x
  })

  it('accelerates and decelerates instead of jumping to speed', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls({ moveY: 1 })
    stepMotion(m, input, world, MOVEMENT, 0, 1 / 60)
    expect(m.speed).toBeGreaterThan(0)
    expect(m.speed).toBeLessThan(MOVEMENT.walkSpeed)
    run(m, input, world, 1)
    expect(m.speed).toBeCloseTo(MOVEMENT.walkSpeed, 3)
    input.moveY = 0
    stepMotion(m, input, world, MOVEMENT, 0, 1 / 60)
    expect(m.speed).toBeGreaterThan(0)
    run(m, input, world, 1)
    expect(m.speed).toBe(0)
  })

  it('runs faster with run held', () => {
    const world = fakeWorld()
    const walker = fresh()
    const runner = fresh()
    run(walker, controls({ moveY: 1 }), world, 2)
    run(runner, controls({ moveY: 1, run: true }), world, 2)
    expect(-runner.z).toBeGreaterThan(-walker.z * 1.7)
    expect(runner.speed).toBeCloseTo(MOVEMENT.runSpeed, 3)
  })

  it('jumps, rises to about v²/2g and lands back on the ground', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls({ jumpBuffer: 0.15 })
    let top = 0
    let sawJump = false
    let sawFall = false
    run(m, input, world, 2, 0, () => {
      top = Math.max(top, m.y)
      if (m.anim === 'jump') sawJump = true
      if (m.anim === 'fall') sawFall = true
    })
    expect(input.jumpBuffer).toBe(0)
    expect(top).toBeGreaterThan(0.8)
    expect(top).toBeLessThan(0.95)
    expect(sawJump && sawFall).toBe(true)
    expect(m.y).toBe(0)
    expect(m.grounded).toBe(true)
    expect(m.anim).toBe('idle')
  })

  it('reports idle, walk, run, jump and fall', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls()
    run(m, input, world, 0.5)
    expect(m.anim).toBe('idle')
    input.moveY = 1
    run(m, input, world, 1)
    expect(m.anim).toBe('walk')
    input.run = true
    run(m, input, world, 1)
    expect(m.anim).toBe('run')
    input.jumpBuffer = 0.15
    run(m, input, world, 0.1)
    expect(m.anim).toBe('jump')
    run(m, input, world, 0.35)
    expect(m.anim).toBe('fall')
  })

  it('keeps a sit while the visitor stands still and ends it when they move or jump', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls()
    m.emote = 'sit'
    run(m, input, world, 2)
    expect(m.emote).toBe('sit')
    input.moveY = 1
    run(m, input, world, 0.5)
    expect(m.emote).toBeNull()
    input.moveY = 0
    run(m, input, world, 2)
    m.emote = 'sit'
    input.jumpBuffer = 0.15
    run(m, input, world, 0.1)
    expect(m.emote).toBeNull()
  })

  it('falls off a ledge and lands on the ground below', () => {
    const world = fakeWorld({ boxes: [{ min: [-5, 0, -5], max: [5, 3, 5] }] })
    const m = fresh(0, 3, 0)
    let fell = false
    run(m, controls({ moveY: 1 }), world, 3, FACE_PLUS_X, () => {
      if (m.anim === 'fall') fell = true
    })
    expect(fell).toBe(true)
    expect(m.x).toBeGreaterThan(5)
    expect(m.y).toBe(0)
    expect(m.grounded).toBe(true)
  })

  it('stays inside the bounds', () => {
    const world = fakeWorld({ half: 10 })
    const m = fresh()
    run(m, controls({ moveY: 1, run: true }), world, 5, FACE_PLUS_X)
    expect(m.x).toBeCloseTo(10 - PLAYER_RADIUS, 6)
    expect(m.anim).toBe('idle') // pushing against the edge does not look like walking
  })

  it('treats a long frame as fixed sub-steps and does not tunnel through a thin wall', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -50], max: [2.1, 3, 50] }] })
    const m = fresh()
    const input = controls({ moveY: 1, run: true })
    for (let i = 0; i < 10; i++) stepMotion(m, input, world, MOVEMENT, FACE_PLUS_X, 0.5)
    expect(m.x).toBeLessThanOrEqual(2 - PLAYER_RADIUS + 1e-9)
    expect(m.x).toBeGreaterThan(1.5)
  })
})

describe('stepMotion against obstacles', () => {
  it('steps up a 0.5 m ledge without jumping', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -5], max: [8, 0.5, 5] }] })
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 2, FACE_PLUS_X)
    expect(m.x).toBeGreaterThan(4)
    expect(m.y).toBeCloseTo(0.5, 2)
    expect(m.grounded).toBe(true)
  })

  it('does not step up a 1.2 m wall', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -5], max: [8, 1.2, 5] }] })
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 2, FACE_PLUS_X)
    expect(m.x).toBeLessThanOrEqual(2 - PLAYER_RADIUS + 1e-9)
    expect(m.x).toBeGreaterThan(1.5)
    expect(m.y).toBe(0)
  })

  it('hops onto a one-voxel (1 m) step by itself when walking into it', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -5], max: [8, 1, 5] }] })
    const m = fresh()
    let hopped = false
    run(m, controls({ moveY: 1 }), world, 2, FACE_PLUS_X, () => {
      if (m.anim === 'jump') hopped = true
    })
    expect(hopped).toBe(true)
    expect(m.x).toBeGreaterThan(3)
    expect(m.y).toBeCloseTo(1, 2)
  })

  it('climbs a 1.2 m block by jumping onto it', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -5], max: [8, 1.2, 5] }] })
    const m = fresh(1, 0, 0)
    const input = controls({ moveY: 1 })
    run(m, input, world, 0.3, FACE_PLUS_X)
    input.jumpBuffer = 0.15
    run(m, input, world, 1.5, FACE_PLUS_X)
    expect(m.x).toBeGreaterThan(3)
    expect(m.y).toBeCloseTo(1.2, 2)
  })

  it('slides along a wall when pushing into it at an angle', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -50], max: [3, 3, 50] }] })
    const m = fresh()
    // forward (+x) and right (+z): diagonal into the wall
    run(m, controls({ moveY: 1, moveX: 1 }), world, 3, FACE_PLUS_X)
    expect(m.x).toBeLessThanOrEqual(2 - PLAYER_RADIUS + 1e-9)
    expect(m.z).toBeGreaterThan(5)
    expect(m.anim).toBe('walk')
  })

  it('bumps its head on a low ceiling', () => {
    const world = fakeWorld({ boxes: [{ min: [-5, 2.2, -5], max: [5, 3, 5] }] })
    const m = fresh()
    let top = 0
    run(m, controls({ jumpBuffer: 0.15 }), world, 1.5, 0, () => (top = Math.max(top, m.y)))
    expect(top).toBeLessThanOrEqual(2.2 - 1.7 + 1e-9)
    expect(m.y).toBe(0)
  })
})

describe('stepMotion at water', () => {
  const pool = (depth: number): Pool => ({
    minX: 3,
    maxX: 30,
    minZ: -30,
    maxZ: 30,
    level: 0,
    floor: -depth,
  })

  it('refuses to walk into deep water', () => {
    const world = fakeWorld({ pools: [pool(2)] })
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 3, FACE_PLUS_X)
    expect(m.x).toBeLessThanOrEqual(3)
    expect(m.x).toBeGreaterThan(2.5)
    expect(m.y).toBe(0)
  })

  it('wades through shallow water', () => {
    const world = fakeWorld({ pools: [pool(0.5)] })
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 3, FACE_PLUS_X)
    expect(m.x).toBeGreaterThan(6)
    expect(m.y).toBeCloseTo(-0.5, 6)
  })

  it('lets a visitor who is already in deep water wade towards shallower water only', () => {
    // deep middle (2 m) inside a 1.5 m shelf: both too deep to enter from the shore
    const deep = { ...pool(2), minX: 6 }
    const world = fakeWorld({ pools: [deep, pool(1.5)] })
    const out = fresh(8, -2, 0)
    run(out, controls({ moveY: 1 }), world, 2, Math.PI / 2) // forward is -x, towards the shore
    expect(out.x).toBeLessThan(6)
    expect(out.y).toBe(-1.5)
    const back = fresh(4, -1.5, 0)
    run(back, controls({ moveY: 1 }), world, 2, FACE_PLUS_X)
    expect(back.x).toBeLessThanOrEqual(6)
  })
})

describe('click-to-move', () => {
  it('walks to the target, stops within reach and clears it', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls({ target: { active: true, x: 6, y: 0, z: -4 } })
    run(m, input, world, 5)
    expect(input.target.active).toBe(false)
    expect(Math.hypot(m.x - 6, m.z + 4)).toBeLessThan(ARRIVE_DISTANCE)
    expect(m.speed).toBe(0)
    expect(m.anim).toBe('idle')
    const x = m.x
    run(m, input, world, 1)
    expect(m.x).toBe(x)
  })

  it('gives way to the keys', () => {
    const world = fakeWorld()
    const m = fresh()
    const input = controls({ target: { active: true, x: 20, y: 0, z: 0 } })
    run(m, input, world, 0.5)
    input.moveY = 1
    stepMotion(m, input, world, MOVEMENT, 0, 1 / 60)
    expect(input.target.active).toBe(false)
  })

  it('gives up when a wall keeps it from getting closer', () => {
    const world = fakeWorld({ boxes: [{ min: [2, 0, -50], max: [3, 3, 50] }] })
    const m = fresh()
    const input = controls({ target: { active: true, x: 8, y: 0, z: 0 } })
    run(m, input, world, 4)
    expect(input.target.active).toBe(false)
    expect(m.x).toBeLessThan(2)
  })
})

describe('standingHeight', () => {
  it('puts a spawn point on the ground below it, or on top of the column', () => {
    const world = fakeWorld({ boxes: [{ min: [-1, 0, -1], max: [1, 4, 1] }] })
    expect(standingHeight(world, 5, 30, 5)).toBe(0)
    expect(standingHeight(world, 0, 30, 0)).toBe(4)
    expect(standingHeight(world, 0, 0, 0)).toBe(4) // spawned inside the column
  })
})

describe('recovery', () => {
  it('lifts a visitor teleported into a solid out of it', () => {
    const world = fakeWorld({ boxes: [{ min: [-2, 0, -2], max: [2, 3, 2] }] })
    const m = fresh(0, 1, 0)
    run(m, controls(), world, 0.5)
    expect(m.y).toBeCloseTo(3, 2)
    expect(m.grounded).toBe(true)
  })
})

/**
 * A Cangqiong-like fake: terrain is a height field that groundAt always reports (even above the
 * feet), blocked() refuses climbing slopes steeper than 1, low steps (≤ 0.3 m) are floors only.
 */
function fakeHeightfield(height: (x: number) => number, steps: Box[] = []): WorldCollider {
  const slope = (x: number) => Math.abs(height(x + 0.05) - height(x - 0.05)) / 0.1
  return {
    bounds: { min: [-100, -50, -100], max: [100, 100, 100] },
    groundAt(x, y, z, step) {
      let g = height(x)
      for (const b of steps) {
        const inside = x >= b.min[0] && x <= b.max[0] && z >= b.min[2] && z <= b.max[2]
        if (inside && b.max[1] <= y + step && b.max[1] > g) g = b.max[1]
      }
      return g
    },
    blocked(x, y, _z, r, h) {
      if (slope(x) > 1 && height(x) > y + 0.15) return true
      for (const b of steps) {
        if (b.max[1] <= y + 0.3 || b.min[1] >= y + h) continue
        if (x + r > b.min[0] && x - r < b.max[0]) return true
      }
      return false
    },
    waterAt: () => -Infinity,
  }
}

describe('stepMotion on a height field', () => {
  it('walks up a gentle slope, following the ground', () => {
    const world = fakeHeightfield((x) => Math.max(0, (x - 2) * 0.5))
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 3, FACE_PLUS_X)
    expect(m.x).toBeGreaterThan(8)
    expect(m.y).toBeCloseTo((m.x - 2) * 0.5, 3)
    expect(m.grounded).toBe(true)
  })

  it('walks down a slope without taking off', () => {
    const world = fakeHeightfield((x) => Math.max(0, 10 - x * 0.8))
    const m = fresh(1, 9.2, 0)
    let airborne = false
    run(m, controls({ moveY: 1, run: true }), world, 1.2, FACE_PLUS_X, () => {
      if (m.anim === 'fall' || m.anim === 'jump') airborne = true
    })
    expect(m.x).toBeGreaterThan(8)
    expect(airborne).toBe(false)
  })

  it('stops at a slope too steep to climb', () => {
    const world = fakeHeightfield((x) => Math.max(0, (x - 2) * 2))
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 3, FACE_PLUS_X)
    expect(m.x).toBeLessThan(2.2)
    expect(m.y).toBeLessThan(0.4)
  })

  it('steps onto low landmark floors and over taller ones up to a step', () => {
    const low = { min: [2, -1, -5], max: [4, 0.25, 5] } as Box
    const high = { min: [4, -1, -5], max: [6, 0.75, 5] } as Box
    const world = fakeHeightfield(() => 0, [low, high])
    const m = fresh()
    run(m, controls({ moveY: 1 }), world, 1.2, FACE_PLUS_X)
    expect(m.x).toBeGreaterThan(4.5)
    expect(m.y).toBeCloseTo(0.75, 2)
  })
})
