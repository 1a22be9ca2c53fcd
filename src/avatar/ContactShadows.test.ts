import { describe, expect, it } from 'vitest'
import { Vector3 } from 'three'
import type { WorldCollider } from '../world/collision'
import { placeShadow, type ShadowPlacement } from './ContactShadows'

/** Ground from a height function; walls and water play no part in a shadow. */
function ground(height: (x: number, z: number) => number): WorldCollider {
  return {
    bounds: { min: [-100, -10, -100], max: [100, 50, 100] },
    groundAt: (x, y, z, step) => {
      const h = height(x, z)
      return h <= y + step ? h : -Infinity
    },
    blocked: () => false,
    waterAt: () => -Infinity,
  }
}

const out = (): ShadowPlacement => ({ ground: 0, normal: new Vector3(), strength: 0, radius: 0 })

describe('a contact shadow', () => {
  it('lies flat and darkest under a figure standing near the camera', () => {
    const p = placeShadow(
      ground(() => 2),
      1,
      2,
      1,
      5,
      out(),
    )!
    expect(p.ground).toBe(2)
    expect(p.normal.y).toBeCloseTo(1, 6)
    expect(p.strength).toBeGreaterThan(0.4)
  })

  it('tilts with a slope, leaning away from the uphill side', () => {
    // Rises 0.5 m per metre towards +x: the normal leans towards -x.
    const p = placeShadow(
      ground((x) => x * 0.5),
      2,
      1,
      0,
      5,
      out(),
    )!
    expect(p.ground).toBeCloseTo(1, 6)
    expect(p.normal.x).toBeLessThan(-0.3)
    expect(p.normal.z).toBeCloseTo(0, 6)
    expect(p.normal.length()).toBeCloseTo(1, 6)
  })

  it('stays level at a step’s edge instead of leaning into the step', () => {
    const step = ground((x) => (x > 0.1 ? 1 : 0))
    const p = placeShadow(step, 0, 0, 0, 5, out())!
    expect(p.ground).toBe(0)
    expect(p.normal.y).toBeCloseTo(1, 6)
  })

  it('grows fainter and wider as the figure jumps, and is gone high up or far away', () => {
    const flat = ground(() => 0)
    const standing = { ...placeShadow(flat, 0, 0, 0, 5, out())! }
    const jumping = placeShadow(flat, 0, 1, 0, 5, out())!
    expect(jumping.strength).toBeLessThan(standing.strength)
    expect(jumping.radius).toBeGreaterThan(standing.radius)
    expect(placeShadow(flat, 0, 4, 0, 5, out())).toBeNull()
    expect(placeShadow(flat, 0, 0, 0, 60, out())).toBeNull()
  })

  it('is not drawn where there is no ground under the figure', () => {
    expect(
      placeShadow(
        ground(() => -Infinity),
        0,
        0,
        0,
        5,
        out(),
      ),
    ).toBeNull()
  })
})
