// The rules a world room enforces, read from the same scene files the client renders: bounds,
// movement speeds, the spawn point and the creator spaces. Parsed once per process and world.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  WorldId,
  parseScene,
  sceneBounds,
  type Movement,
  type Scene,
  type Space,
  type Stage,
  type Tour,
} from '../src/protocol/scene'

export interface WorldRules {
  id: string
  bounds: { min: [number, number, number]; max: [number, number, number] }
  movement: Movement
  spawn: { x: number; y: number; z: number; heading: number }
  /** Creator spaces declared in the scene, by id. */
  spaces: ReadonlyMap<string, Space>
  /** Event stages declared in the scene, by id. */
  stages: ReadonlyMap<string, Stage>
  /** Tours of the world, by id. */
  tours: ReadonlyMap<string, Tour>
}

export class UnknownWorldError extends Error {}

const cache = new Map<string, Promise<WorldRules>>()

async function load(scenesDir: string, id: string): Promise<WorldRules> {
  const file = path.join(scenesDir, `${id}.json`)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new UnknownWorldError(`unknown world "${id}"`)
  }
  const scene = parseScene(text, `${id}.json`)
  if (scene.id !== id) throw new UnknownWorldError(`${id}.json declares id "${scene.id}"`)
  return rulesOf(scene)
}

/** The rules a parsed scene sets (a scene file's, or a builder world's stored scene). */
export function rulesOf(scene: Scene): WorldRules {
  const [x, y, z] = scene.spawn.position
  return {
    id: scene.id,
    bounds: sceneBounds(scene),
    movement: scene.movement,
    spawn: { x, y, z, heading: scene.spawn.heading },
    spaces: new Map(scene.spaces.map((s) => [s.id, s])),
    stages: new Map(scene.stages.map((s) => [s.id, s])),
    tours: new Map(scene.tours.map((t) => [t.id, t])),
  }
}

/** The rules of world `id` from `<scenesDir>/<id>.json`; rejects unknown ids and broken files. */
export function worldRules(scenesDir: string, id: string): Promise<WorldRules> {
  if (!WorldId.safeParse(id).success)
    return Promise.reject(new UnknownWorldError(`invalid world id "${id}"`))
  const key = `${scenesDir}\0${id}`
  let rules = cache.get(key)
  if (!rules) {
    rules = load(scenesDir, id)
    cache.set(key, rules)
    // A failed read is not cached: a fixed file works without a restart.
    rules.catch(() => cache.delete(key))
  }
  return rules
}
