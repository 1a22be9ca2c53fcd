import { afterEach, describe, expect, it } from 'vitest'
import { Movement, Stage } from '../protocol/scene'
import { createMotion } from '../state/player'
import type { WorldCollider } from '../world/collision'
import {
  createControlInput,
  resetMotion,
  standingHeight,
  stepMotion,
  PLAYER_RADIUS,
} from '../avatar/controller'
import { StagesCollider, insideStage, stageGate, withStages } from './collider'
import { layoutStage, stageClearArea } from './layout'

/** Flat ground at y = 2 everywhere, nothing solid, no water. */
const flat: WorldCollider = {
  bounds: { min: [-100, -10, -100], max: [100, 100, 100] },
  groundAt: () => 2,
  blocked: () => false,
  waterAt: () => -Infinity,
}

// A stage facing +x: its screen at the west edge, the audience 9 m east of the front edge.
const stage = Stage.parse({
  id: 'test-stage',
  title: { 'zh-CN': '舞台', en: 'Stage' },
  area: [-1, -6, 5, 6],
  floorY: 2.4,
  screen: { position: [0, 5.9, 0], rotY: Math.PI / 2, width: 9, height: 5 },
  audience: { position: [14, 2, 0], heading: Math.PI / 2 },
})

afterEach(() => stageGate.closed.clear())

/** Walks west (−x) from the audience spot for `seconds`; returns where the walk ended. */
function walkWest(c: WorldCollider, seconds: number) {
  const m = createMotion()
  resetMotion(m, 14, standingHeight(c, 14, 2, 0), 0, Math.PI / 2)
  const input = createControlInput()
  input.moveY = 1
  const mv = Movement.parse({})
  for (let t = 0; t < seconds; t += 1 / 30) stepMotion(m, input, c, mv, Math.PI / 2, 1 / 30)
  return m
}

describe('stage layout', () => {
  const layout = layoutStage(stage, 'hd')

  it('puts the platform over the area, the frame behind the picture, pillars on the platform', () => {
    const platform = layout.boxes.find((b) => b.part === 'platform')!
    expect(platform.center[1] + platform.size[1] / 2).toBeCloseTo(2.4)
    expect(platform.size[0]).toBe(6)
    expect(platform.size[2]).toBe(12)
    const frame = layout.boxes.find((b) => b.part === 'frame')!
    expect(frame.center[0]).toBeLessThan(0) // behind the picture (it faces +x)
    expect(layout.facing[0]).toBeCloseTo(1)
    for (const p of layout.boxes.filter((b) => b.part === 'pillar')) {
      expect(p.center[0] - p.size[0] / 2).toBeGreaterThanOrEqual(-1 - 1e-9)
      expect(Math.abs(p.center[2]) + p.size[2] / 2).toBeLessThanOrEqual(6 + 1e-9)
    }
    expect(layout.picture.center[0]).toBeGreaterThan(0)
  })

  it('keeps the ground clear from the stage to past the audience spot', () => {
    const [x0, z0, x1, z1] = stageClearArea(stage)
    expect(x0).toBeLessThanOrEqual(-1)
    expect(x1).toBeGreaterThanOrEqual(14 + 6)
    expect(z0).toBeLessThanOrEqual(-6)
    expect(z1).toBeGreaterThanOrEqual(6)
  })
})

describe('StagesCollider', () => {
  const c = new StagesCollider(flat, [stage], 'hd')

  it('stands people on the platform and stops them at the screen frame', () => {
    expect(c.groundAt(2, 2.3, 0, 0.6)).toBeCloseTo(2.4)
    expect(c.groundAt(10, 2, 0, 0.6)).toBe(2)
    expect(c.blocked(2, 2.41, 0, PLAYER_RADIUS, 1.7)).toBe(false)
    expect(c.blocked(-0.2, 2.41, 0, PLAYER_RADIUS, 1.7)).toBe(true)
  })

  it('lets anyone walk onto an open stage, stops the audience at a closed one', () => {
    const open = walkWest(c, 6)
    expect(insideStage(stage, open.x, open.z)).toBe(true)
    expect(open.y).toBeCloseTo(2.4)

    stageGate.closed.add('test-stage')
    const closed = walkWest(c, 6)
    expect(insideStage(stage, closed.x, closed.z)).toBe(false)
    // Stopped at the front edge (x = 5), a body's radius away.
    expect(closed.x).toBeGreaterThan(5 + PLAYER_RADIUS - 0.01)
    expect(closed.x).toBeLessThan(5 + PLAYER_RADIUS + 0.2)
    expect(closed.y).toBeCloseTo(2)
  })

  it('closes nothing it does not know, and is the world itself without stages', () => {
    stageGate.closed.add('elsewhere')
    expect(c.blocked(2, 2.41, 0, PLAYER_RADIUS, 1.7)).toBe(false)
    expect(withStages(flat, [], 'voxel')).toBe(flat)
  })
})
