import { describe, expect, it } from 'vitest'
import type { WorldCollider } from '../world/collision'
import {
  castArc,
  createArc,
  createTurnState,
  SMOOTH_RATE,
  SNAP_ANGLE,
  standable,
  turnStep,
} from './locomotion'

/** Flat ground at y 0 over a 100 m square, a wall box, and a deep pond. */
function world(): WorldCollider {
  const wall = { x0: 4, x1: 5, z0: -50, z1: 50, top: 3 }
  const pond = { x0: -20, x1: -5, z0: -5, z1: 5, floor: -2, surface: 0 }
  const inPond = (x: number, z: number) =>
    x >= pond.x0 && x <= pond.x1 && z >= pond.z0 && z <= pond.z1
  return {
    bounds: { min: [-50, -5, -50], max: [50, 30, 50] },
    groundAt: (x, y, z, step) => {
      const g = inPond(x, z) ? pond.floor : 0
      return g <= y + step ? g : -Infinity
    },
    blocked: (x, y, z, r, h) =>
      x + r > wall.x0 &&
      x - r < wall.x1 &&
      z + r > wall.z0 &&
      z - r < wall.z1 &&
      y < wall.top &&
      y + h > 0,
    waterAt: (x, z) => (inPond(x, z) ? pond.surface : -Infinity),
  }
}

describe('snap turn', () => {
  it('turns 30° once per push, right turning clockwise (yaw down)', () => {
    const s = createTurnState()
    expect(turnStep(s, 0.9, 0.016, 'snap')).toBeCloseTo(-SNAP_ANGLE)
    // Held: no second turn until the stick comes back.
    expect(turnStep(s, 0.9, 0.016, 'snap')).toBe(0)
    expect(turnStep(s, 0.5, 0.016, 'snap')).toBe(0)
    expect(turnStep(s, 0.1, 0.016, 'snap')).toBe(0)
    expect(turnStep(s, -0.8, 0.016, 'snap')).toBeCloseTo(SNAP_ANGLE)
  })

  it('ignores a light touch', () => {
    const s = createTurnState()
    expect(turnStep(s, 0.5, 0.016, 'snap')).toBe(0)
  })

  it('turns smoothly with the deflection in smooth mode', () => {
    const s = createTurnState()
    expect(turnStep(s, 1, 0.5, 'smooth')).toBeCloseTo(-SMOOTH_RATE * 0.5)
    expect(turnStep(s, -0.5, 1, 'smooth')).toBeCloseTo(SMOOTH_RATE * 0.5)
    expect(turnStep(s, 0.1, 1, 'smooth')).toBe(0)
  })
})

describe('teleport arc', () => {
  const down = Math.SQRT1_2
  it('lands on flat ground ahead, within range', () => {
    const arc = castArc(world(), 0, 1.2, 0, 0, down, -down, 0, 0, 9, createArc())
    expect(arc.hit).toBe(true)
    expect(arc.valid).toBe(true)
    expect(arc.y).toBe(0)
    expect(arc.z).toBeLessThan(-3)
    expect(Math.abs(arc.x)).toBeLessThan(1e-9)
    expect(arc.count).toBeGreaterThan(3)
  })

  it('lands but is refused beyond the range the server allows', () => {
    const arc = castArc(world(), 0, 1.2, 0, 0, down, -down, 0, 0, 2, createArc())
    expect(arc.hit).toBe(true)
    expect(arc.valid).toBe(false)
  })

  it('stops at a wall', () => {
    const arc = castArc(world(), 0, 1.2, 0, 0.8, 0.6, 0, 0, 0, 9, createArc())
    expect(arc.hit).toBe(false)
    expect(arc.valid).toBe(false)
    const lastX = arc.points[(arc.count - 1) * 3]!
    expect(lastX).toBeLessThan(4)
  })

  it('refuses deep water', () => {
    const arc = castArc(world(), -3, 1.2, 0, -down, down, 0, -3, 0, 9, createArc())
    expect(arc.hit).toBe(true)
    expect(arc.x).toBeLessThan(-5)
    expect(arc.valid).toBe(false)
  })

  it('knows where a visitor fits', () => {
    const c = world()
    expect(standable(c, 0, 0, 0)).toBe(true)
    expect(standable(c, 4.5, 0, 0)).toBe(false)
    expect(standable(c, -7, -2, 0)).toBe(false)
  })
})
