import { describe, expect, it } from 'vitest'
import { HdCollider, MAX_WALK_SLOPE } from './collider'
import { layoutLandmarks, localToWorld } from './landmarks'
import { createHeightField } from './terrain'
import { testHd } from './testWorld'

describe('HdCollider', () => {
  const hd = testHd()
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const collider = new HdCollider(field, layouts)
  const of = (kind: string) => layouts.find((l) => l.kind === kind)!

  it('stands visitors on the terrain in the open', () => {
    const h = field.heightAt(5, 5)
    expect(collider.groundAt(5, h, 5, 0.3)).toBeCloseTo(h)
    expect(collider.blocked(5, h, 5, 0.4, 1.8)).toBe(false)
    const { min, max } = collider.bounds
    expect(min[0]).toBeLessThan(-400)
    expect(max[1]).toBeGreaterThan(field.maxHeight)
  })

  it('lifts visitors onto terrace floors only within a step', () => {
    const p = of('pavilion')
    const top = p.y + 0.4
    expect(collider.groundAt(p.x, top, p.z, 0.3)).toBeCloseTo(top)
    // From well below the terrace it is not ground (too high to step onto).
    expect(collider.groundAt(p.x, p.y - 1, p.z, 0.3)).toBeLessThan(top)
  })

  it('blocks at columns and walls but not in the open front of the pavilion', () => {
    const p = of('pavilion')
    const [cx, cz] = localToWorld(p, 2.7, 2.7)
    expect(collider.blocked(cx, p.y + 0.4, cz, 0.3, 1.8)).toBe(true)
    const [fx, fz] = localToWorld(p, 0, 2.7)
    expect(collider.blocked(fx, p.y + 0.4, fz, 0.3, 1.8)).toBe(false)
    const [bx, bz] = localToWorld(p, 0, -2.7)
    expect(collider.blocked(bx, p.y + 0.4, bz, 0.3, 1.8)).toBe(true)
    const h = of('hall')
    const [wx, wz] = localToWorld(h, 0, -5.6)
    expect(collider.blocked(wx, h.y + 0.8, wz, 0.3, 1.8)).toBe(true)
  })

  it('walks up the hall steps one rise at a time', () => {
    const h = of('hall')
    let y = collider.groundAt(
      ...(localToWorld(h, 0, 12).flatMap((v, i) => (i ? [h.y + 0.05, v] : [v])) as [
        number,
        number,
        number,
      ]),
      0.3,
    )
    for (let lz = 12; lz >= 4; lz -= 0.2) {
      const [x, z] = localToWorld(h, 0, lz)
      expect(collider.blocked(x, y, z, 0.3, 1.8)).toBe(false)
      y = collider.groundAt(x, y, z, 0.3)
    }
    expect(y).toBeCloseTo(h.y + 0.8)
  })

  it('carries visitors over the bridge above the water, between its railings', () => {
    const b = of('bridge')
    const [x, z] = [b.x, b.z]
    expect(collider.waterAt(x, z)).toBe(hd.waterLevel)
    let y = b.y
    for (let lx = -9; lx <= 0; lx += 0.2) {
      const [wx, wz] = localToWorld(b, lx, 0)
      expect(collider.blocked(wx, y, wz, 0.3, 1.8)).toBe(false)
      y = collider.groundAt(wx, y, wz, 0.3)
    }
    expect(y).toBeGreaterThan(b.y + 2)
    const [rx, rz] = localToWorld(b, 0, 1.7)
    expect(collider.blocked(rx, y, rz, 0.3, 1.8)).toBe(true)
  })

  it('reports water only where the terrain dips below it', () => {
    expect(collider.waterAt(field.lake.x, field.lake.z)).toBe(hd.waterLevel)
    expect(collider.waterAt(0, 0)).toBe(-Infinity)
  })

  it('refuses to climb slopes too steep to walk, but lets visitors come down', () => {
    let steep: [number, number] | null = null
    const half = hd.size / 2
    for (let x = -half * 0.9; x < half * 0.9 && !steep; x += 7)
      for (let z = -half * 0.9; z < half * 0.9 && !steep; z += 7)
        if (field.slopeAt(x, z) > MAX_WALK_SLOPE * 1.3) steep = [x, z]
    expect(steep).not.toBeNull()
    const [x, z] = steep!
    const h = field.heightAt(x, z)
    expect(collider.blocked(x, h - 1, z, 0.3, 1.8)).toBe(true)
    expect(collider.blocked(x, h + 0.5, z, 0.3, 1.8)).toBe(false)
  })
})
