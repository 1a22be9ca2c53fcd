// The event stages of every world in scenes/ stand where gatherings can happen: a walkable
// platform on level, dry ground clear of houses, trees, landmarks, spaces, points of interest and
// portals; the screen on the platform's back edge facing the audience; the audience spot on open
// ground in front, facing the stage, where a visitor can stand and walk to the stage's edge.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScene, type Scene, type Stage } from '../src/protocol/scene'
import { sceneFileNames } from '../scripts/vite-plugin-scenes'
import { buildGrid } from '../src/world/voxel/generate'
import { KIND_AIR } from '../src/world/voxel/grid'
import { VoxelCollider } from '../src/world/voxel/collider'
import { createHeightField } from '../src/world/hd/terrain'
import { layoutLandmarks } from '../src/world/hd/landmarks'
import { HdCollider } from '../src/world/hd/collider'
import { placeVegetation } from '../src/world/hd/vegetation'
import type { WorldCollider } from '../src/world/collision'
import { withSpaces } from '../src/spaces/collider'
import { withStages } from '../src/events/collider'
import { layoutStage, stageClearArea, PLATFORM_DEPTH } from '../src/events/layout'
import { PLAYER_HEIGHT, PLAYER_RADIUS, STEP_HEIGHT, standingHeight } from '../src/avatar/controller'

const dir = path.resolve('scenes')
const scenes: Scene[] = sceneFileNames(dir).map((f) =>
  parseScene(fs.readFileSync(path.join(dir, f), 'utf8'), `scenes/${f}`),
)
const withStagesList = scenes.filter((s) => s.stages.length > 0)
type Area = Stage['area']

function overlaps(a: Area, b: Area, gap = 0) {
  return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap
}
function distance(area: Area, x: number, z: number) {
  const dx = Math.max(area[0] - x, 0, x - area[2])
  const dz = Math.max(area[1] - z, 0, z - area[3])
  return Math.hypot(dx, dz)
}

/** The world's collider as the client builds it (terrain, spaces, stages). */
function colliderOf(scene: Scene): WorldCollider {
  if (scene.voxel) {
    const { grid } = buildGrid(scene.voxel)
    return withStages(
      withSpaces(new VoxelCollider(grid), scene.spaces, 'voxel'),
      scene.stages,
      'voxel',
    )
  }
  const field = createHeightField(scene.hd!)
  const layouts = layoutLandmarks(scene.hd!, field.landmarkBase)
  return withStages(
    withSpaces(new HdCollider(field, layouts), scene.spaces, 'hd'),
    scene.stages,
    'hd',
  )
}

describe('stages in scenes/', () => {
  it('Cangqiong has the lakeside stage, the village the village stage', () => {
    const ids = (id: string) => scenes.find((s) => s.id === id)!.stages.map((s) => s.id)
    expect(ids('cangqiong')).toContain('lakeside-stage')
    expect(ids('block-park-village')).toContain('village-stage')
  })

  it.each(withStagesList.map((s) => [s.id, s] as const))(
    '%s: a walkable platform, the screen on it facing an audience spot that faces the stage',
    (_, scene) => {
      for (const stage of scene.stages) {
        const [x0, z0, x1, z1] = stage.area
        const w = Math.max(x1 - x0, z1 - z0)
        const d = Math.min(x1 - x0, z1 - z0)
        expect(w, stage.id).toBeGreaterThanOrEqual(10)
        expect(d, stage.id).toBeGreaterThanOrEqual(5)
        const layout = layoutStage(stage, scene.style)
        // Frame, posts and pillars stand on the platform.
        for (const b of layout.boxes.filter((b) => b.part !== 'lintel')) {
          const c = Math.abs(Math.cos(b.rotY))
          const s = Math.abs(Math.sin(b.rotY))
          const hx = (c * b.size[0] + s * b.size[2]) / 2
          const hz = (s * b.size[0] + c * b.size[2]) / 2
          const eps = 1e-6
          expect(b.center[0] - hx, `${stage.id} ${b.part}`).toBeGreaterThanOrEqual(x0 - eps)
          expect(b.center[0] + hx, `${stage.id} ${b.part}`).toBeLessThanOrEqual(x1 + eps)
          expect(b.center[2] - hz, `${stage.id} ${b.part}`).toBeGreaterThanOrEqual(z0 - eps)
          expect(b.center[2] + hz, `${stage.id} ${b.part}`).toBeLessThanOrEqual(z1 + eps)
        }
        // The picture clears the floor and faces the audience, who face it.
        const [px, py, pz] = stage.screen.position
        expect(py - stage.screen.height / 2, stage.id).toBeGreaterThan(stage.floorY + 0.5)
        const [ax, , az] = stage.audience.position
        const toAudience = [ax - px, az - pz]
        const len = Math.hypot(toAudience[0]!, toAudience[1]!)
        const [fx, fz] = layout.facing
        expect((fx * toAudience[0]! + fz * toAudience[1]!) / len, stage.id).toBeGreaterThan(0.9)
        const h = stage.audience.heading
        const look = [-Math.sin(h), -Math.cos(h)]
        expect((-look[0]! * toAudience[0]! - look[1]! * toAudience[1]!) / len).toBeGreaterThan(0.9)
        // Close enough to see, far enough not to crowd the edge.
        expect(distance(stage.area, ax, az), stage.id).toBeGreaterThan(4)
        expect(len, stage.id).toBeLessThan(30)
      }
    },
  )

  it.each(withStagesList.map((s) => [s.id, s] as const))(
    '%s: clear of spaces, points of interest and portals',
    (_, scene) => {
      for (const stage of scene.stages) {
        const clear = stageClearArea(stage)
        for (const space of scene.spaces)
          expect(overlaps(clear, space.area, 1), space.id).toBe(false)
        for (const p of scene.pois)
          expect(distance(clear, p.position[0], p.position[2]), p.id).toBeGreaterThan(p.radius)
        for (const p of scene.portals)
          expect(distance(clear, p.position[0], p.position[2]), p.id).toBeGreaterThan(p.radius + 2)
      }
    },
  )

  it.each(withStagesList.map((s) => [s.id, s] as const))(
    '%s: the audience spot is open ground: a visitor stands there, free, and nothing is in the way to the stage',
    (_, scene) => {
      const c = colliderOf(scene)
      for (const stage of scene.stages) {
        const [ax, ay, az] = stage.audience.position
        const g = standingHeight(c, ax, ay + 1, az)
        expect(Math.abs(g - ay), `${stage.id} ground ${g}`).toBeLessThan(1)
        expect(c.blocked(ax, g + 0.01, az, PLAYER_RADIUS, PLAYER_HEIGHT)).toBe(false)
        expect(c.waterAt(ax, az)).toBeLessThan(g)
        // Walk the line to the stage's front edge in 0.25 m steps: no obstacle, no cliff.
        const [x0, z0, x1, z1] = stage.area
        const ex = Math.min(Math.max(ax, x0), x1)
        const ez = Math.min(Math.max(az, z0), z1)
        const n = Math.ceil(Math.hypot(ex - ax, ez - az) / 0.25)
        let y = g
        for (let i = 1; i < n - 2; i++) {
          const x = ax + ((ex - ax) * i) / n
          const z = az + ((ez - az) * i) / n
          const next = c.groundAt(x, y, z, STEP_HEIGHT)
          expect(Math.abs(next - y), `${stage.id} step at ${x},${z}`).toBeLessThanOrEqual(
            STEP_HEIGHT,
          )
          y = next
          expect(
            c.blocked(x, y + 0.01, z, PLAYER_RADIUS, PLAYER_HEIGHT),
            `${stage.id} at ${x},${z}`,
          ).toBe(false)
        }
        // On the platform: standing on its floor.
        const cx = (x0 + x1) / 2
        const cz = (z0 + z1) / 2
        const [fx, fz] = layoutStage(stage, scene.style).facing
        const sx = cx + fx * 1.5
        const sz = cz + fz * 1.5
        expect(c.groundAt(sx, stage.floorY + 0.1, sz, STEP_HEIGHT)).toBeCloseTo(stage.floorY, 5)
      }
    },
  )
})

describe('Block Park stages', () => {
  const voxelScenes = withStagesList.filter((s) => s.voxel)
  it.each(voxelScenes.map((s) => [s.id, s] as const))(
    '%s: level ground one voxel under the platform and around the audience, nothing standing there',
    (_, scene) => {
      const { grid } = buildGrid(scene.voxel!)
      for (const stage of scene.stages) {
        const ground = stage.floorY - PLATFORM_DEPTH.voxel
        const [cx0, cz0, cx1, cz1] = stageClearArea(stage)
        const [x0, z0, x1, z1] = stage.area
        for (let x = Math.ceil(cx0) + 2; x < cx1 - 2; x++) {
          for (let z = Math.ceil(cz0) + 2; z < cz1 - 2; z++) {
            const onStage = x >= x0 && x < x1 && z >= z0 && z < z1
            const top = grid.topSolid(x, z)
            if (onStage) expect(top + 1, `${stage.id} ground at ${x},${z}`).toBe(ground)
            else
              expect(
                Math.abs(top + 1 - ground),
                `${stage.id} ground at ${x},${z}`,
              ).toBeLessThanOrEqual(1)
            for (let y = top + 1; y < Math.min(grid.sy, ground + 8); y++)
              expect(grid.kindAt(x, y, z), `${stage.id}: something at ${x},${y},${z}`).toBe(
                KIND_AIR,
              )
          }
        }
      }
    },
  )
})

describe('Cangqiong stages', () => {
  const scene = withStagesList.find((s) => s.id === 'cangqiong')!
  const hd = scene.hd!
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const vegetation = placeVegetation(hd, field, layouts, [
    ...scene.spaces.map((s) => s.area),
    ...scene.stages.map(stageClearArea),
  ])

  it.each(scene.stages.map((s) => [s.id, s] as const))(
    '%s: the platform covers the terrain, a step above it at most, on dry land away from landmarks',
    (_, stage) => {
      const [x0, z0, x1, z1] = stage.area
      for (let x = x0; x <= x1; x += 0.5) {
        for (let z = z0; z <= z1; z += 0.5) {
          const h = field.heightAt(x, z)
          expect(h, `${stage.id} at ${x},${z}`).toBeLessThan(stage.floorY)
          expect(stage.floorY - h, `${stage.id} at ${x},${z}`).toBeLessThanOrEqual(STEP_HEIGHT)
          expect(h).toBeGreaterThan(stage.floorY - PLATFORM_DEPTH.hd + 0.2)
          expect(h).toBeGreaterThan(field.waterLevel + 0.5)
        }
      }
      const clear = stageClearArea(stage)
      for (const l of layouts)
        expect(distance(clear, l.x, l.z), l.kind).toBeGreaterThan(l.footprint + 2)
    },
  )

  it('grows no tree or grass on a stage or where its audience stands', () => {
    for (const stage of scene.stages) {
      const [x0, z0, x1, z1] = stageClearArea(stage)
      const inside = (x: number, z: number) => x > x0 && x < x1 && z > z0 && z < z1
      expect(vegetation.trees.filter((t) => inside(t.x, t.z))).toEqual([])
      for (let i = 0; i < vegetation.grassCount; i++)
        expect(inside(vegetation.grass[i * 5]!, vegetation.grass[i * 5 + 2]!)).toBe(false)
    }
  })
})
