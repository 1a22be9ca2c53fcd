import { describe, expect, it } from 'vitest'
import { landmarkFootprint } from './landmarks'
import { createHeightField } from './terrain'
import { testHd } from './testWorld'

describe('createHeightField', () => {
  const hd = testHd()
  const field = createHeightField(hd)

  it('is deterministic for a seed and changes with it', () => {
    const again = createHeightField(testHd())
    expect(again.heights).toEqual(field.heights)
    expect(again.lake).toEqual(field.lake)
    const other = createHeightField(testHd({ terrain: { ...hd.terrain, seed: 99 } }))
    expect(other.heights).not.toEqual(field.heights)
  })

  it('keeps the valley around the origin gentle and dry', () => {
    // Without landmarks: their terraces and ponds are tested below.
    const field = createHeightField(testHd({ landmarks: [] }))
    const R = hd.terrain.valleyRadius
    for (let x = -R * 0.4; x <= R * 0.4; x += 4)
      for (let z = -R * 0.4; z <= R * 0.4; z += 4) {
        if (Math.hypot(x, z) > R * 0.4) continue
        if (Math.hypot(x - field.lake.x, z - field.lake.z) < field.lake.radius * 1.6) continue
        expect(field.slopeAt(x, z)).toBeLessThan(0.25)
        expect(Math.abs(field.heightAt(x, z) - field.floorLevel)).toBeLessThan(3)
      }
    expect(field.heightAt(0, 0)).toBeGreaterThan(hd.waterLevel + 1)
  })

  it('raises mountains towards the edges', () => {
    const half = hd.size / 2
    let edge = 0
    let n = 0
    for (let a = 0; a < Math.PI * 2; a += 0.1) {
      edge += field.heightAt(Math.cos(a) * half * 0.9, Math.sin(a) * half * 0.9)
      n++
    }
    expect(edge / n).toBeGreaterThan(field.floorLevel + hd.terrain.height * 0.3)
  })

  it('digs a lake below the water level in the valley, away from the spawn', () => {
    const { lake } = field
    expect(Math.hypot(lake.x, lake.z) - lake.radius).toBeGreaterThan(10)
    expect(Math.hypot(lake.x, lake.z)).toBeLessThan(hd.terrain.valleyRadius)
    expect(field.heightAt(lake.x, lake.z)).toBeLessThan(hd.waterLevel - 1)
    const under = field.heights.filter((h) => h < hd.waterLevel).length
    // At least a lake's worth of grid cells (the bridge's pond adds a few more).
    expect(under * field.cell * field.cell).toBeGreaterThan(Math.PI * lake.radius ** 2 * 0.5)
  })

  it('interpolates bilinearly between grid samples', () => {
    const n = field.resolution + 1
    const half = hd.size / 2
    const i = 80
    const j = 70
    const x = -half + i * field.cell
    const z = -half + j * field.cell
    expect(field.heightAt(x, z)).toBeCloseTo(field.heights[j * n + i]!, 4)
    const mid = (field.heights[j * n + i]! + field.heights[j * n + i + 1]!) / 2
    expect(field.heightAt(x + field.cell / 2, z)).toBeCloseTo(mid, 4)
  })

  it('levels a terrace under each building and a pond under each bridge', () => {
    hd.landmarks.forEach((l, k) => {
      const [x, , z] = l.position
      const base = field.landmarkBase[k]!
      if (l.kind === 'bridge') {
        expect(field.heightAt(x, z)).toBeLessThan(hd.waterLevel)
        expect(base).toBeGreaterThanOrEqual(hd.waterLevel + 1.2)
        return
      }
      const r = landmarkFootprint(l.kind, l.scale) * 0.7
      for (const [dx, dz] of [
        [0, 0],
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
      ] as const) {
        // Within the terrace the grid interpolation alone may round edges by a few cm.
        expect(Math.abs(field.heightAt(x + dx, z + dz) - base)).toBeLessThan(0.5)
      }
    })
  })
})
