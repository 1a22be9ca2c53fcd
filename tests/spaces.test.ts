// The creator spaces of every world in scenes/ sit where they can be built: on level, dry ground
// clear of houses, trees, landmarks, points of interest and each other, with their floor on the
// terrain and their walls, frames and pedestals inside the space.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScene, type Scene, type Space } from '../src/protocol/scene'
import { sceneFileNames } from '../scripts/vite-plugin-scenes'
import { buildGrid } from '../src/world/voxel/generate'
import { KIND_AIR } from '../src/world/voxel/grid'
import { createHeightField } from '../src/world/hd/terrain'
import { layoutLandmarks } from '../src/world/hd/landmarks'
import { placeVegetation } from '../src/world/hd/vegetation'
import { STYLES, frameSpot, layoutSpace } from '../src/spaces/layout'

const dir = path.resolve('scenes')
const scenes: Scene[] = sceneFileNames(dir).map((f) =>
  parseScene(fs.readFileSync(path.join(dir, f), 'utf8'), `scenes/${f}`),
)
const withSpaces = scenes.filter((s) => s.spaces.length > 0)

function overlaps(a: Space['area'], b: Space['area'], gap = 0) {
  return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap
}

/** Distance from a point to the nearest point of an area. */
function distance(area: Space['area'], x: number, z: number) {
  const dx = Math.max(area[0] - x, 0, x - area[2])
  const dz = Math.max(area[1] - z, 0, z - area[3])
  return Math.hypot(dx, dz)
}

describe('creator spaces in scenes/', () => {
  it('every world has creator spaces: 4 plots in the village, 2 on Cloud Ridge, 2 halls', () => {
    const count = (id: string, kind: string) =>
      scenes.find((s) => s.id === id)!.spaces.filter((s) => s.kind === kind).length
    expect(count('block-park-village', 'plot')).toBe(4)
    expect(count('block-park-cloud-ridge', 'plot')).toBe(2)
    expect(count('cangqiong', 'hall')).toBe(2)
  })

  it.each(withSpaces.map((s) => [s.id, s] as const))(
    '%s: 3–6 wall slots and 1–2 pedestals each, clear of each other, POIs and portals',
    (_, scene) => {
      for (const space of scene.spaces) {
        const walls = space.slots.filter((s) => s.kind === 'wall').length
        const pedestals = space.slots.filter((s) => s.kind === 'pedestal').length
        expect(walls, space.id).toBeGreaterThanOrEqual(3)
        expect(walls, space.id).toBeLessThanOrEqual(6)
        expect(pedestals, space.id).toBeGreaterThanOrEqual(1)
        expect(pedestals, space.id).toBeLessThanOrEqual(2)
        for (const other of scene.spaces) {
          if (other !== space) expect(overlaps(space.area, other.area, 2), other.id).toBe(false)
        }
        for (const p of scene.pois) {
          expect(distance(space.area, p.position[0], p.position[2]), p.id).toBeGreaterThan(p.radius)
        }
        for (const p of scene.portals) {
          expect(distance(space.area, p.position[0], p.position[2]), p.id).toBeGreaterThan(
            p.radius + 3,
          )
        }
      }
    },
  )

  it.each(withSpaces.map((s) => [s.id, s] as const))(
    '%s: walls, frames and pedestals stay inside each space and below its height',
    (_, scene) => {
      for (const space of scene.spaces) {
        const layout = layoutSpace(space, scene.style)
        const [x0, z0, x1, z1] = space.area
        for (const w of layout.walls) {
          const c = Math.cos(w.rotY)
          const s = Math.sin(w.rotY)
          for (const [lx, lz] of [
            [-1, -1],
            [1, -1],
            [1, 1],
            [-1, 1],
          ] as const) {
            const x = w.center[0] + (lx * w.size[0] * c + lz * w.size[2] * s) / 2
            const z = w.center[2] + (-lx * w.size[0] * s + lz * w.size[2] * c) / 2
            expect(x, space.id).toBeGreaterThanOrEqual(x0 - 1e-3)
            expect(x, space.id).toBeLessThanOrEqual(x1 + 1e-3)
            expect(z, space.id).toBeGreaterThanOrEqual(z0 - 1e-3)
            expect(z, space.id).toBeLessThanOrEqual(z1 + 1e-3)
          }
          expect(w.center[1] + w.size[1] / 2, space.id).toBeLessThanOrEqual(
            space.floorY + space.height,
          )
        }
        for (const slot of space.slots) {
          const spot = frameSpot(layout, { kind: 'slot', slot: slot.id })!
          // The frame is above the floor, and fits under its wall's top.
          const bottom = spot.center[1] - spot.size / 2 - STYLES[scene.style].frameBorder
          expect(bottom, slot.id).toBeGreaterThan(layout.floorTop)
          if (slot.kind === 'wall') {
            const wall = layout.walls.find((w) => w.slots.includes(slot.id))!
            expect(spot.center[1] + spot.size / 2, slot.id).toBeLessThan(
              wall.center[1] + wall.size[1] / 2,
            )
          }
        }
      }
    },
  )
})

describe('Block Park plots', () => {
  const voxelScenes = withSpaces.filter((s) => s.voxel)

  it.each(voxelScenes.map((s) => [s.id, s] as const))(
    '%s: level ground under every plot (floorY on the voxel surface), nothing standing on it',
    (_, scene) => {
      const { grid } = buildGrid(scene.voxel!)
      for (const space of scene.spaces) {
        const [x0, z0, x1, z1] = space.area
        for (let x = x0; x < x1; x++) {
          for (let z = z0; z < z1; z++) {
            const top = grid.topSolid(x, z)
            expect(top + 1, `${space.id} ground at ${x},${z}`).toBe(space.floorY)
            for (let y = top + 1; y < Math.min(grid.sy, space.floorY + space.height); y++) {
              expect(grid.kindAt(x, y, z), `${space.id}: something at ${x},${y},${z}`).toBe(
                KIND_AIR,
              )
            }
          }
        }
      }
    },
  )
})

describe('Cangqiong halls', () => {
  const scene = withSpaces.find((s) => s.id === 'cangqiong')!
  const hd = scene.hd!
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const vegetation = placeVegetation(
    hd,
    field,
    layouts,
    scene.spaces.map((s) => s.area),
  )

  it.each(scene.spaces.map((s) => [s.id, s] as const))(
    '%s: the floor covers the terrain (none pokes through, the skirt reaches it), dry land',
    (_, space) => {
      const spec = STYLES.hd
      const [x0, z0, x1, z1] = space.area
      for (let x = x0; x <= x1; x += 0.5) {
        for (let z = z0; z <= z1; z += 0.5) {
          const h = field.heightAt(x, z)
          expect(h, `${space.id} at ${x},${z}`).toBeLessThanOrEqual(space.floorY)
          expect(h, `${space.id} at ${x},${z}`).toBeGreaterThan(space.floorY - spec.floorSkirt)
          expect(h).toBeGreaterThan(field.waterLevel + 0.5)
        }
      }
      for (const l of layouts) {
        expect(distance(space.area, l.x, l.z), l.kind).toBeGreaterThan(l.footprint + 2)
      }
    },
  )

  it('grows no tree or grass inside a hall', () => {
    for (const space of scene.spaces) {
      const [x0, z0, x1, z1] = space.area
      const inside = (x: number, z: number) => x > x0 && x < x1 && z > z0 && z < z1
      expect(vegetation.trees.filter((t) => inside(t.x, t.z))).toEqual([])
      for (let i = 0; i < vegetation.grassCount; i++) {
        expect(inside(vegetation.grass[i * 5]!, vegetation.grass[i * 5 + 2]!)).toBe(false)
      }
    }
  })
})
