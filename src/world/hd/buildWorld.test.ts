import { describe, expect, it } from 'vitest'
import type { Mesh } from 'three'
import { Environment } from '../../protocol/scene'
import type { LoadLabel } from './buildWorld'
import { buildHdWorld, BuildCancelled } from './buildWorld'
import { sunDirection } from './lighting'
import { HD_PRESETS } from './quality'
import { testHd } from './testWorld'

const env = Environment.parse({})

describe('buildHdWorld', () => {
  it('builds the whole world as about a dozen meshes, reporting progress in order', async () => {
    const steps: [number, LoadLabel][] = []
    const world = await buildHdWorld(testHd(), env, () => HD_PRESETS.high, {
      progress: (p, label) => steps.push([p, label]),
      pause: async () => {},
      cancelled: () => false,
    })
    expect(steps.map((s) => s[1])).toEqual([
      'loading.terrain',
      'loading.vegetation',
      'loading.shaders',
    ])
    expect(steps.map((s) => s[0])).toEqual([0.1, 0.4, 0.7])
    // Every visible mesh is one draw call per pass: this is the budget's main-pass share (grass
    // patches are culled by the frustum and by distance, so only a few draw at once).
    let meshes = 0
    world.root.traverse((o) => {
      if ((o as Mesh).isMesh && o.visible && !o.name.startsWith('hd-grass-')) meshes++
    })
    expect(meshes).toBeLessThanOrEqual(13)
    expect(world.grass.length).toBeLessThanOrEqual(36)
    expect(world.terrain.userData.walkable).toBe(true)

    const pines = world.trees.find((m) => m.name === 'hd-trees-pine-valley')!
    const full = pines.count
    world.applyQuality(HD_PRESETS.low, false)
    expect(pines.count).toBe(Math.round(full * HD_PRESETS.low.treeFraction))
    const grass = world.grass.reduce((n, m) => n + m.count, 0)
    expect(grass / world.vegetation.grassCount).toBeCloseTo(HD_PRESETS.low.grassFraction, 2)
    const lowDetail = pines.geometry.getAttribute('position').count
    world.applyQuality(HD_PRESETS.high, false)
    expect(pines.count).toBe(full)
    // High quality rounds the crowns; low draws the lighter ones.
    expect(pines.geometry.getAttribute('position').count).toBeGreaterThan(lowDetail * 2)
    world.dispose()
    expect(world.root.parent).toBeNull()
  })

  it('stops at the next step when cancelled', async () => {
    let cancel = false
    const build = buildHdWorld(testHd(), env, () => HD_PRESETS.low, {
      progress: () => {},
      pause: async () => {
        cancel = true
      },
      cancelled: () => cancel,
    })
    await expect(build).rejects.toBeInstanceOf(BuildCancelled)
  })

  it('puts the sun where elevation and azimuth say', () => {
    const high = sunDirection({ ...env, sunElevation: 90 })
    expect(high.y).toBeCloseTo(1)
    const east = sunDirection({ ...env, sunElevation: 0, sunAzimuth: 90 })
    expect(east.x).toBeCloseTo(1)
    expect(east.length()).toBeCloseTo(1)
  })
})
