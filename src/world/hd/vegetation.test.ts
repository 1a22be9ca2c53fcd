import { describe, expect, it } from 'vitest'
import { layoutLandmarks } from './landmarks'
import { createHeightField } from './terrain'
import { testHd } from './testWorld'
import { GRASS_STRIDE, placeVegetation, VEGETATION_RULES } from './vegetation'

describe('placeVegetation', () => {
  const hd = testHd()
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const veg = placeVegetation(hd, field, layouts)
  const rules = VEGETATION_RULES

  it('is deterministic from the vegetation seed', () => {
    const again = placeVegetation(hd, field, layouts)
    expect(again.trees).toEqual(veg.trees)
    expect(again.grass).toEqual(veg.grass)
    const other = placeVegetation(
      testHd({ vegetation: { ...hd.vegetation, seed: 8 } }),
      field,
      layouts,
    )
    expect(other.trees).not.toEqual(veg.trees)
  })

  it('places a forest of all three kinds, willows by the water', () => {
    expect(veg.trees.length).toBeGreaterThan(hd.vegetation.trees * 0.8)
    expect(veg.trees.length).toBeLessThanOrEqual(hd.vegetation.trees)
    for (const kind of ['pine', 'willow', 'maple'] as const)
      expect(veg.trees.some((t) => t.kind === kind)).toBe(true)
    const willows = veg.trees.filter((t) => t.kind === 'willow')
    const bridges = layouts.filter((l) => l.kind === 'bridge')
    const byWater = willows.filter(
      (t) =>
        Math.hypot(t.x - field.lake.x, t.z - field.lake.z) < field.lake.radius + 20 ||
        bridges.some((b) => Math.hypot(t.x - b.x, t.z - b.z) < b.footprint * 2.5),
    )
    expect(byWater.length / willows.length).toBeGreaterThan(0.5)
  })

  it('keeps trees out of water, off steep slopes, landmarks and the spawn', () => {
    for (const t of veg.trees) {
      expect(field.heightAt(t.x, t.z)).toBeGreaterThanOrEqual(hd.waterLevel + rules.treeAboveWater)
      expect(field.slopeAt(t.x, t.z)).toBeLessThanOrEqual(rules.treeMaxSlope)
      expect(Math.hypot(t.x, t.z)).toBeGreaterThanOrEqual(rules.spawnClear)
      for (const l of layouts) expect(Math.hypot(t.x - l.x, t.z - l.z)).toBeGreaterThan(l.footprint)
    }
  })

  it('keeps grass out of water and off steep slopes', () => {
    expect(veg.grassCount).toBeGreaterThan(hd.vegetation.grass * 0.8)
    for (let i = 0; i < veg.grassCount; i++) {
      const x = veg.grass[i * GRASS_STRIDE]!
      const z = veg.grass[i * GRASS_STRIDE + 2]!
      expect(field.heightAt(x, z)).toBeGreaterThanOrEqual(hd.waterLevel + rules.grassAboveWater)
      expect(field.slopeAt(x, z)).toBeLessThanOrEqual(rules.grassMaxSlope)
    }
  })
})
