// The templates a new Block Park builder world starts from (a village, a scenic area, a town).
// Each is a scene file in templates/ plus the shared prefab library (templates/prefabs.json);
// a new world gets the template's grid, built once, and a scene without generator steps (the grid
// holds them now) that keeps the palette, the prefab library, the spawn and the visitor layer.
import fs from 'node:fs'
import { z } from 'zod'
import { cleanText } from '../../src/protocol/messages'
import { parseScene, Prefab, SceneError, type Scene } from '../../src/protocol/scene'
import { encodeGrid } from '../../src/world/voxel/codec'
import { buildGrid } from '../../src/world/voxel/generate'
import { BuilderError, TITLE_MAX_CHARS, type WorldKind } from './store'

export const TEMPLATE_IDS = ['village', 'scenic', 'town'] as const
export type TemplateId = (typeof TEMPLATE_IDS)[number]

export interface TemplateInfo {
  id: TemplateId
  /** The kind of world it makes (the store's and the directory's grouping). */
  kind: WorldKind
  name: { 'zh-CN': string; en: string }
  summary: { 'zh-CN': string; en: string }
  /** [x, y, z] voxels. */
  size: [number, number, number]
}

export type Title = { 'zh-CN': string; en: string }

const KINDS: Record<TemplateId, WorldKind> = { village: 'village', scenic: 'scenic', town: 'town' }

function readJson(name: string): unknown {
  return JSON.parse(fs.readFileSync(new URL(`./templates/${name}.json`, import.meta.url), 'utf8'))
}

/** Prefabs every builder world offers, whichever template it came from. */
export const PREFAB_LIBRARY: Readonly<Record<string, Prefab>> = z
  .object({ prefabs: z.record(z.string(), Prefab) })
  .parse(readJson('prefabs')).prefabs

const SCENES = new Map<TemplateId, Scene>(
  TEMPLATE_IDS.map((id) => [id, parseScene(readJson(id), `server/builder/templates/${id}.json`)]),
)

function template(id: TemplateId): Scene {
  const scene = SCENES.get(id)
  if (!scene) throw new BuilderError('bad_input', `the templates are ${TEMPLATE_IDS.join(', ')}`)
  return scene
}

export const TEMPLATES: readonly TemplateInfo[] = TEMPLATE_IDS.map((id) => {
  const scene = template(id)
  const [x, y, z] = scene.voxel!.size
  return { id, kind: KINDS[id], name: scene.name, summary: scene.summary, size: [x, y, z] }
})

export function isTemplateId(raw: unknown): raw is TemplateId {
  return typeof raw === 'string' && (TEMPLATE_IDS as readonly string[]).includes(raw)
}

/** A world title cleaned as the store cleans it; bad_input when a language is left empty. */
export function cleanTitle(title: Title): Title {
  const zh = cleanText((title as Partial<Title> | null)?.['zh-CN'], TITLE_MAX_CHARS)
  const en = cleanText((title as Partial<Title> | null)?.en, TITLE_MAX_CHARS)
  if (!zh || !en)
    throw new BuilderError('bad_input', 'a world needs a title in Chinese and English')
  return { 'zh-CN': zh, en }
}

// The grid depends on the template only: built once per process, copied out to each caller.
const grids = new Map<TemplateId, Uint8Array>()

function templateGrid(id: TemplateId): Uint8Array {
  let bytes = grids.get(id)
  if (!bytes) {
    bytes = encodeGrid(buildGrid(template(id).voxel!).grid)
    grids.set(id, bytes)
  }
  return bytes.slice()
}

/**
 * A new world from a template: its scene (id `worldId`, named `title`) and its grid as codec
 * bytes. Deterministic; the first call per template builds the grid (tens of milliseconds).
 */
export function templateWorld(
  id: TemplateId,
  worldId: string,
  title: Title,
): { scene: Scene; voxels: Uint8Array } {
  const t = template(id)
  const voxel = t.voxel!
  const scene = sceneOrBadInput(
    {
      ...t,
      id: worldId,
      name: cleanTitle(title),
      voxel: {
        ...voxel,
        prefabs: { ...PREFAB_LIBRARY, ...voxel.prefabs },
        ops: [],
        placements: [],
        scatter: [],
      },
      // Portals lead to built-in worlds, creator spaces and stages are rows of built-in worlds
      // (claims, events): a fresh world has none. Its points of interest describe its grid.
      portals: [],
      spaces: [],
      stages: [],
    },
    `world ${worldId}`,
  )
  return { scene, voxels: templateGrid(id) }
}

/** parseScene for content made here from a caller's id and title: bad_input, not SceneError. */
export function sceneOrBadInput(input: unknown, file: string): Scene {
  try {
    return parseScene(input, file)
  } catch (err) {
    if (err instanceof SceneError) throw new BuilderError('bad_input', err.message)
    throw err
  }
}

/**
 * What a world made another way (a height map) takes from a template: its palette, the prefab
 * library, its movement and environment.
 */
export function templateStyle(id: TemplateId): {
  palette: NonNullable<Scene['voxel']>['palette']
  prefabs: Record<string, Prefab>
  movement: Scene['movement']
  environment: Scene['environment']
} {
  const t = template(id)
  return {
    palette: t.voxel!.palette,
    prefabs: { ...PREFAB_LIBRARY, ...t.voxel!.prefabs },
    movement: t.movement,
    environment: t.environment,
  }
}
