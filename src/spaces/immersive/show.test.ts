import { describe, expect, it } from 'vitest'
import { Space, type SpaceSlot } from '../../protocol/scene'
import { layoutSpace } from '../layout'
import { FADE_MS, HOLD_MS, SHADE, STILL_HOLD_MS, hallSurfaces, insideHall, showAt } from './show'

const wall = (id: string, x: number, z: number, rotY: number): SpaceSlot => ({
  id,
  kind: 'wall',
  position: [x, 3.9, z],
  rotY,
  size: 1.5,
})

/** The lakeside gallery's shape: 14 × 10, walls north, west and east, open to the south. */
const hall = Space.parse({
  id: 'h',
  kind: 'hall',
  title: { 'zh-CN': '展厅', en: 'Hall' },
  area: [-20, -44, -6, -34],
  floorY: 2,
  slots: [
    wall('n1', -15, -43.5, 0),
    wall('n2', -11, -43.5, 0),
    wall('w', -19.5, -39.5, Math.PI / 2),
    wall('e', -6.5, -39.5, -Math.PI / 2),
  ],
})

describe('showAt', () => {
  it('is the same moment for two visitors at the same clock time, whenever they arrived', () => {
    const period = HOLD_MS + FADE_MS
    const early = 1_700_000_000_000
    const late = early + 3 * period + 4321
    // The early visitor samples every frame from its arrival; the late one joins mid-programme.
    for (let t = late; t < late + 2 * period; t += 16.7) {
      expect(showAt(t, 5)).toEqual(showAt(t, 5))
      expect(showAt(t, 5).step).toBe(Math.floor(t / period))
    }
    expect(showAt(early + 1234, 5)).toEqual(showAt(early + 1234, 5))
  })

  it('holds each work, then brings the next one in, and goes round every work', () => {
    const period = HOLD_MS + FADE_MS
    const start = 1000 * period
    const seen: number[] = []
    let last = -1
    for (let t = start; t < start + 4 * period; t += 250) {
      const m = showAt(t, 4)
      if (m.to === m.from) expect(m.mix).toBe(0)
      else {
        expect(m.to).toBe((m.from + 1) % 4)
        // Within one transition the mix only grows.
        if (last >= 0 && showAt(t - 250, 4).step === m.step)
          expect(m.mix).toBeGreaterThanOrEqual(last)
      }
      last = m.mix
      if (!seen.includes(m.from)) seen.push(m.from)
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3])
    // Mid-hold and mid-fade.
    expect(showAt(start + HOLD_MS / 2, 4).mix).toBe(0)
    const mid = showAt(start + HOLD_MS + FADE_MS / 2, 4)
    expect(mid.mix).toBeCloseTo(0.5, 5)
  })

  it('keeps works longer with reduced motion, and shows one work without any change', () => {
    const start = 5000 * (STILL_HOLD_MS + FADE_MS)
    expect(showAt(start + HOLD_MS + 100, 3, true).mix).toBe(0)
    expect(showAt(start + STILL_HOLD_MS + 100, 3, true).mix).toBeGreaterThan(0)
    expect(showAt(123456789, 1)).toEqual({ from: 0, to: 0, mix: 0, step: 0 })
    expect(showAt(123456789, 0)).toEqual({ from: 0, to: 0, mix: 0, step: 0 })
  })
})

/** Normal of quad k from its first three corners (counter-clockwise seen from the front). */
function normal(p: Float32Array, k: number): [number, number, number] {
  const at = (j: number) => [p[k * 12 + j * 3]!, p[k * 12 + j * 3 + 1]!, p[k * 12 + j * 3 + 2]!]
  const [a, b, c] = [at(0), at(1), at(2)]
  const u = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!]
  const v = [c[0]! - a[0]!, c[1]! - a[1]!, c[2]! - a[2]!]
  const n = [
    u[1]! * v[2]! - u[2]! * v[1]!,
    u[2]! * v[0]! - u[0]! * v[2]!,
    u[0]! * v[1]! - u[1]! * v[0]!,
  ]
  const l = Math.hypot(n[0]!, n[1]!, n[2]!)
  return [n[0]! / l, n[1]! / l, n[2]! / l]
}

describe('hallSurfaces', () => {
  const layout = layoutSpace(hall, 'hd')
  const s = hallSurfaces(layout)
  const walls = layout.walls.length
  const quads = s.positions.length / 12

  it('covers every wall, the floor and the ceiling, each facing into the hall', () => {
    expect(walls).toBe(3)
    expect(quads).toBe(walls + 2)
    const cx = -13
    const cz = -39
    for (let k = 0; k < walls; k++) {
      const n = normal(s.positions, k)
      expect(Math.abs(n[1])).toBeLessThan(1e-6)
      const mx = (s.positions[k * 12]! + s.positions[k * 12 + 3]!) / 2
      const mz = (s.positions[k * 12 + 2]! + s.positions[k * 12 + 5]!) / 2
      expect(n[0] * (cx - mx) + n[2] * (cz - mz)).toBeGreaterThan(0)
      expect(s.shade[k * 4]).toBe(SHADE.wall)
    }
    expect(normal(s.positions, walls)[1]).toBeCloseTo(1, 6)
    expect(normal(s.positions, walls + 1)[1]).toBeCloseTo(-1, 6)
    expect(s.shade[walls * 4]).toBeCloseTo(SHADE.floor, 6)
    expect(s.shade[(walls + 1) * 4]).toBeCloseTo(SHADE.ceiling, 6)
    expect(s.bottom).toBeGreaterThan(layout.floorTop)
    expect(s.top).toBeGreaterThan(s.bottom + 2.5)
    expect(Math.max(...s.indices)).toBe(quads * 4 - 1)
  })

  it('runs the art on from one wall to the next, a projection height per unit', () => {
    let u = 0
    for (let k = 0; k < walls; k++) {
      const a = (j: number) => [s.art[k * 8 + j * 2]!, s.art[k * 8 + j * 2 + 1]!] as const
      expect(a(0)[0]).toBeCloseTo(u, 6)
      const x0 = s.positions[k * 12]!
      const z0 = s.positions[k * 12 + 2]!
      const x1 = s.positions[k * 12 + 3]!
      const z1 = s.positions[k * 12 + 5]!
      expect(a(1)[0] - a(0)[0]).toBeCloseTo(Math.hypot(x1 - x0, z1 - z0) / s.height, 6)
      expect(a(0)[1]).toBe(0)
      expect(a(2)[1]).toBeGreaterThan(0.9)
      expect(a(2)[1]).toBeLessThanOrEqual(1 + 1e-6)
      u = a(1)[0]
    }
  })

  it('knows who stands inside', () => {
    expect(insideHall(layout, -13, layout.floorTop, -39)).toBe(true)
    expect(insideHall(layout, -13, layout.floorTop, -30)).toBe(false)
    expect(insideHall(layout, -13, layout.floorTop + 20, -39)).toBe(false)
  })
})
