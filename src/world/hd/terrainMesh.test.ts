import { describe, expect, it } from 'vitest'
import { createHeightField } from './terrain'
import { createTerrainGeometry, createWaterGeometry } from './terrainMesh'
import { testHd } from './testWorld'

describe('terrain meshes', () => {
  const hd = testHd()
  const field = createHeightField(hd)

  it('draws the full grid from the height field samples, facing up', () => {
    const g = createTerrainGeometry(field, hd)
    expect(g.getIndex()!.count / 3).toBe(field.resolution * field.resolution * 2)
    const p = g.getAttribute('position')
    for (let i = 0; i < p.count; i += 997)
      expect(p.getY(i)).toBeCloseTo(field.heightAt(p.getX(i), p.getZ(i)), 3)
    const n = g.getAttribute('normal')
    for (let i = 0; i < n.count; i += 997) expect(n.getY(i)).toBeGreaterThan(0)
  })

  it('thins out far from the valley, with skirts only where strides meet', () => {
    const full = createTerrainGeometry(field, hd).getIndex()!.count
    const R = hd.terrain.valleyRadius
    const lod = createTerrainGeometry(field, hd, {
      strideAt: (x, z) => (Math.hypot(x, z) < R ? 1 : 4),
    })
    expect(lod.getIndex()!.count).toBeLessThan(full / 3)
    // Skirt vertices hang below the surface; none lie above it.
    const p = lod.getAttribute('position')
    for (let i = 0; i < p.count; i++)
      expect(p.getY(i)).toBeLessThanOrEqual(field.heightAt(p.getX(i), p.getZ(i)) + 1e-3)
  })

  it('covers the lake with a flat sheet that stays near the shore', () => {
    const g = createWaterGeometry(field)!
    expect(g).not.toBeNull()
    const p = g.getAttribute('position')
    let overLake = false
    for (let i = 0; i < p.count; i++) {
      // The plane is authored in xy; rotated -90° about x, local y becomes world -z.
      const x = p.getX(i)
      const z = -p.getY(i)
      expect(field.heightAt(x, z)).toBeLessThan(hd.waterLevel + 8)
      if (Math.hypot(x - field.lake.x, z - field.lake.z) < field.lake.radius * 0.5) overLake = true
    }
    expect(overLake).toBe(true)
    // Flat in its own plane: the mesh is placed at the water level.
    for (let i = 0; i < p.count; i++) expect(p.getZ(i)).toBe(0)
  })
})
