import { describe, expect, it } from 'vitest'
import type { LandmarkKind } from './landmarks'
import { BRIDGE, bridgeDeckTop, layoutLandmarks, localToWorld, worldToLocal } from './landmarks'
import { createHeightField } from './terrain'
import { testHd } from './testWorld'

describe('layoutLandmarks', () => {
  const hd = testHd()
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)

  it('lays out every kind with parts and collision boxes', () => {
    const kinds: LandmarkKind[] = ['pavilion', 'pagoda', 'bridge', 'gate', 'hall']
    for (const kind of kinds) {
      const l = layouts.find((x) => x.kind === kind)
      expect(l, kind).toBeDefined()
      expect(l!.parts.length).toBeGreaterThan(5)
      expect(l!.boxes.some((b) => !b.floor)).toBe(true)
      if (kind !== 'gate') expect(l!.boxes.some((b) => b.floor)).toBe(true)
      for (const b of l!.boxes) for (const h of b.half) expect(h).toBeGreaterThan(0)
      if (kind !== 'bridge') expect(l!.parts.some((p) => p.shape === 'roof')).toBe(true)
    }
  })

  it('sits each landmark on the ground the height field levelled for it', () => {
    layouts.forEach((l, i) =>
      expect(l.y).toBe(field.landmarkBase[i]! + hd.landmarks[i]!.position[1]),
    )
  })

  it('scales parts and boxes with the landmark', () => {
    const big = layoutLandmarks(
      testHd({ landmarks: [{ kind: 'pavilion', position: [0, 0, 0], rotation: 0, scale: 2 }] }),
      [0],
    )[0]!
    const small = layoutLandmarks(
      testHd({ landmarks: [{ kind: 'pavilion', position: [0, 0, 0], rotation: 0, scale: 1 }] }),
      [0],
    )[0]!
    expect(big.boxes[0]!.half[0]).toBeCloseTo(small.boxes[0]!.half[0] * 2)
    expect(big.footprint).toBeCloseTo(small.footprint * 2)
  })

  it('steps the bridge deck in increments a visitor can climb', () => {
    const bridge = layouts.find((l) => l.kind === 'bridge')!
    const deck = bridge.boxes
      .filter((b) => b.floor)
      .sort((a, b) => a.center[0] - b.center[0])
      .map((b) => b.center[1] + b.half[1])
    for (let i = 1; i < deck.length; i++)
      expect(Math.abs(deck[i]! - deck[i - 1]!)).toBeLessThan(0.2)
    expect(Math.max(...deck)).toBeCloseTo(bridgeDeckTop(0, BRIDGE.length, BRIDGE.rise), 1)
  })

  it('converts between landmark and world coordinates both ways', () => {
    const l = layouts.find((x) => x.kind === 'hall')!
    const [wx, wz] = localToWorld(l, 3, -2)
    const [lx, lz] = worldToLocal(l, wx, wz)
    expect(lx).toBeCloseTo(3)
    expect(lz).toBeCloseTo(-2)
  })
})
