// Tests only: a scenes folder with the committed village scene plus a stage of our own near its
// spawn, so event tests do not depend on the stages the real scenes declare (or on scene files
// being edited in the working tree).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Stage } from '../../src/protocol/scene'

export const TEST_WORLD = 'block-park-village'
export const TEST_STAGE = 'test-stage'

/** Writes `<dir>/block-park-village.json` with TEST_STAGE; returns the stage. */
export function writeTestScenes(dir: string): Stage {
  fs.mkdirSync(dir, { recursive: true })
  const text = execFileSync('git', ['show', `HEAD:scenes/${TEST_WORLD}.json`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const scene = JSON.parse(text) as {
    spawn: { position: [number, number, number] }
    stages?: Stage[]
  }
  const [x, y, z] = scene.spawn.position
  const stage: Stage = {
    id: TEST_STAGE,
    title: { 'zh-CN': '测试舞台', en: 'Test stage' },
    area: [x - 6, z + 8, x + 6, z + 16],
    floorY: y,
    screen: { position: [x, y + 4, z + 17], rotY: Math.PI, width: 8, height: 4.5 },
    audience: { position: [x, y, z], heading: 0 },
  }
  scene.stages = [...(scene.stages ?? []).filter((s) => s.id !== TEST_STAGE), stage]
  fs.writeFileSync(path.join(dir, `${TEST_WORLD}.json`), JSON.stringify(scene))
  return stage
}
