// The scene file format (scenes/*.json), version 1: a world as data. Runs in the browser, the
// mesher worker and Node. Documented in scenes/README.md; every error names the field.
//
// It is one file because it is the one schema of the scene format: its types and the cross-checks
// between their parts validate together.
import { z } from 'zod'

export const SCENE_FORMAT = 'cangqiong-scene'
export const SCENE_VERSION = 1

export const WorldId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a world id is 1–64 lowercase letters, digits or dashes')

/** Text in both languages the app speaks. */
export const Text = z.object({
  'zh-CN': z.string().min(1).max(2000),
  en: z.string().min(1).max(2000),
})
export type Text = z.infer<typeof Text>

const finite = z.number().finite()
export const Vec3 = z.tuple([finite, finite, finite])
export const Vec2 = z.tuple([finite, finite])
export type Vec3 = z.infer<typeof Vec3>
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is "#rrggbb"')

/**
 * A picture on a card: a file of the site (`/assets/…`) or one a builder world's builders
 * uploaded (`/api/builder/worlds/<world>/pictures/<id>`).
 */
export const PicturePath = z
  .string()
  .regex(
    /^\/(assets\/[a-z0-9][a-z0-9._/-]{0,120}|api\/builder\/worlds\/bw-[0-9a-f]{12}\/pictures\/[0-9a-f]{16})$/,
    'a picture is /assets/… or a builder world picture',
  )
  .refine((p) => !p.includes('..'), 'a picture path has no ".."')

export const Poi = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(['scenic', 'landmark', 'village', 'viewpoint']).default('landmark'),
  title: Text,
  body: Text,
  position: Vec3,
  /** A card opens when a visitor comes this close (metres / voxels). */
  radius: z.number().positive().max(50).default(6),
  /**
   * A picture on its card: a file of the site (`/assets/…`) or one its builders uploaded
   * (`/api/builder/worlds/<world>/pictures/<id>`).
   */
  picture: PicturePath.optional(),
})
export type Poi = z.infer<typeof Poi>

export const Portal = z.object({
  id: z.string().min(1).max(64),
  to: WorldId,
  label: Text,
  position: Vec3,
  radius: z.number().positive().max(20).default(2),
})
export type Portal = z.infer<typeof Portal>

export const Environment = z.object({
  /** Sun elevation and azimuth in degrees. */
  sunElevation: z.number().min(-10).max(90).default(35),
  sunAzimuth: z.number().min(-360).max(360).default(135),
  fog: z
    .object({ color: Color, near: z.number().min(0), far: z.number().positive() })
    .default({ color: '#c9d8e6', near: 60, far: 400 }),
  skyColor: Color.default('#8ec5ff'),
})

export const Movement = z.object({
  walkSpeed: z.number().positive().max(20).default(4),
  runSpeed: z.number().positive().max(40).default(8),
  jumpSpeed: z.number().positive().max(30).default(6),
  gravity: z.number().positive().max(100).default(20),
})
export type Movement = z.infer<typeof Movement>

// ---- Block Park: voxels ---------------------------------------------------------------

export const PaletteEntry = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  color: Color,
  /** Walk-through voxels (water, flowers) are drawn but do not block. */
  solid: z.boolean().default(true),
  liquid: z.boolean().default(false),
})

const Int = z.number().int()
const ColumnXZ = z.tuple([Int, Int])
const BlockXYZ = z.tuple([Int, Int, Int])

export const VoxelOp = z.discriminatedUnion('op', [
  /** Fill (or with material "air", carve) an axis-aligned box, both corners inclusive. */
  z.object({ op: z.literal('box'), from: BlockXYZ, to: BlockXYZ, material: z.string() }),
  /** Raise a rounded mountain; `cap` covers its top above `capAbove`. */
  z.object({
    op: z.literal('mountain'),
    center: ColumnXZ,
    radius: z.number().positive().max(512),
    height: z.number().positive().max(256),
    material: z.string(),
    cap: z.string().optional(),
    capAbove: z.number().optional(),
    roughness: z.number().min(0).max(1).default(0.3),
    /** Quantise heights to steps this many voxels tall: terraced slopes instead of stairs. */
    terrace: Int.min(1).max(16).default(1),
    /** Material of each terrace's top below the cap (grass terraces on a rock mountain). */
    surface: z.string().optional(),
  }),
  /** Dig a round basin down to `floor` and fill it with `material` (usually water) to `level`. */
  z.object({
    op: z.literal('lake'),
    center: ColumnXZ,
    radius: z.number().positive().max(256),
    level: Int,
    floor: Int,
    material: z.string(),
    shore: z.string().optional(),
  }),
  /** Repaint the surface along a polyline, levelling it slightly. */
  z.object({
    op: z.literal('path'),
    points: z.array(ColumnXZ).min(2).max(256),
    width: z.number().positive().max(16),
    material: z.string(),
  }),
  /** Set every column in a rectangle to one height with a surface material. */
  z.object({
    op: z.literal('flatten'),
    from: ColumnXZ,
    to: ColumnXZ,
    height: Int,
    material: z.string(),
  }),
])
export type VoxelOp = z.infer<typeof VoxelOp>

/** A small voxel model: `layers[y][z]` is a row string, one character per x ('.' is air). */
export const Prefab = z.object({
  keys: z.record(z.string().length(1), z.string()),
  layers: z
    .array(z.array(z.string().max(64)).max(64))
    .min(1)
    .max(64),
})
export type Prefab = z.infer<typeof Prefab>

export const Placement = z.object({
  prefab: z.string(),
  /** y "ground" puts the prefab on the terrain surface at its x/z corner. */
  at: z.tuple([Int, z.union([Int, z.literal('ground')]), Int]),
  rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).default(0),
})

export const Scatter = z.object({
  prefab: z.string(),
  from: ColumnXZ,
  to: ColumnXZ,
  count: Int.min(1).max(5000),
  seed: Int.default(1),
  /** Only on columns whose surface is one of these materials. */
  on: z.array(z.string()).min(1),
  minSpacing: z.number().min(0).max(64).default(3),
})

/** Longest `voxel.grid` (base64 of at most 3 MB of deflated grid). */
export const MAX_GRID_BASE64 = 4 * 1024 * 1024

/** The largest Block Park world, [x, y, z] voxels (the builder's stored grids too). */
export const VOXEL_MAX_SIZE = [512, 128, 512] as const

export const VoxelWorld = z.object({
  /** [x, y, z] in voxels; one voxel is one metre. */
  size: z.tuple([
    Int.min(16).max(VOXEL_MAX_SIZE[0]),
    Int.min(16).max(VOXEL_MAX_SIZE[1]),
    Int.min(16).max(VOXEL_MAX_SIZE[2]),
  ]),
  palette: z.array(PaletteEntry).min(1).max(255),
  terrain: z.object({
    seed: Int.default(1),
    base: Int.min(0),
    /** Value-noise octaves summed onto `base`. */
    noise: z
      .array(z.object({ scale: z.number().positive(), amplitude: z.number().min(0) }))
      .max(8)
      .default([]),
    surface: z.string(),
    subsurface: z.string(),
    subsurfaceDepth: Int.min(0).max(32).default(3),
    deep: z.string(),
    /** Columns whose surface is at or below `level` get `material` (sand by water). */
    beach: z.object({ level: Int, material: z.string() }).optional(),
    /** Fill every empty voxel at or below `level` with `material` (a sea). */
    sea: z.object({ level: Int, material: z.string() }).optional(),
  }),
  ops: z.array(VoxelOp).max(512).default([]),
  prefabs: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), Prefab).default({}),
  placements: z.array(Placement).max(4096).default([]),
  scatter: z.array(Scatter).max(64).default([]),
  /**
   * A stored grid (a builder world exported): base64 of the raw-deflated grid codec bytes
   * (src/world/voxel/codec.ts). The world is these voxels; the generator above is not run.
   */
  grid: z
    .string()
    .max(MAX_GRID_BASE64)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the grid is base64')
    .optional(),
})
export type VoxelWorld = z.infer<typeof VoxelWorld>

// ---- Cangqiong: HD landscape ----------------------------------------------------------

export const Landmark = z.object({
  kind: z.enum(['pavilion', 'pagoda', 'bridge', 'gate', 'hall']),
  position: Vec3,
  /** Rotation about the vertical axis, degrees. */
  rotation: z.number().default(0),
  scale: z.number().positive().max(10).default(1),
})
export type Landmark = z.infer<typeof Landmark>

export const HdWorld = z.object({
  /** Side of the square terrain in metres, centred on the origin. */
  size: z.number().min(64).max(4096),
  terrain: z.object({
    seed: Int.default(1),
    /** Height scale of the mountains (m). */
    height: z.number().min(0).max(1000),
    /** Radius around the origin kept gentle for walking (m). */
    valleyRadius: z.number().min(0).default(120),
    resolution: Int.min(32).max(512).default(192),
  }),
  waterLevel: z.number(),
  vegetation: z.object({
    trees: Int.min(0).max(20000).default(600),
    grass: Int.min(0).max(200000).default(20000),
    seed: Int.default(7),
  }),
  landmarks: z.array(Landmark).max(256).default([]),
})
export type HdWorld = z.infer<typeof HdWorld>

// ---- creator spaces ---------------------------------------------------------------------

/** A fixed spot for an exhibit: a frame on a wall, or a pedestal for models and objects. */
export const SpaceSlot = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a slot id is lowercase letters, digits, "-"'),
  kind: z.enum(['wall', 'pedestal']),
  /** Centre of the frame, or the top of the pedestal (world units). */
  position: Vec3,
  /** Which way the exhibit faces, radians (0 faces +z). */
  rotY: z.number().default(0),
  /** Frame width or pedestal top width, metres. */
  size: z.number().positive().max(8).default(1.5),
})
export type SpaceSlot = z.infer<typeof SpaceSlot>

/**
 * A creator space: a plot in a Block Park world or a gallery hall in Cangqiong. A signed-in
 * wallet claims it (or configuration assigns it) and exhibits collectibles it owns there.
 */
export const Space = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a space id is lowercase letters, digits, "-"'),
  kind: z.enum(['plot', 'hall']),
  title: Text,
  /** The ground the space covers, [minX, minZ, maxX, maxZ]; free placement stays inside. */
  area: z.tuple([finite, finite, finite, finite]),
  /** Floor height of the area, and how high exhibits may stand above it. */
  floorY: finite,
  height: z.number().positive().max(64).default(6),
  slots: z.array(SpaceSlot).max(64).default([]),
  limits: z
    .object({
      /** Exhibits at once. */
      exhibits: z.number().int().min(1).max(64).default(16),
      /** Estimated GPU texture memory of all exhibits, MB. */
      textureMB: z.number().positive().max(1024).default(64),
    })
    .default({ exhibits: 16, textureMB: 64 }),
})
export type Space = z.infer<typeof Space>

// ---- event stages -------------------------------------------------------------------------

/**
 * A stage for live gatherings (src/protocol/events.ts): a floor closed to the audience, a
 * screen the host plays media on, and the spot where attendees arrive, facing the stage.
 */
export const Stage = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a stage id is lowercase letters, digits, "-"'),
  title: Text,
  /** The stage floor, [minX, minZ, maxX, maxZ]: only the host and performers may stand here. */
  area: z.tuple([finite, finite, finite, finite]),
  floorY: finite,
  screen: z.object({
    /** Centre of the picture (world units). */
    position: Vec3,
    /** Which way the picture faces, radians (0 faces +z). */
    rotY: z.number().default(0),
    width: z.number().positive().max(64),
    height: z.number().positive().max(36),
  }),
  /** Where attendees arrive (outside the stage area), and the heading that faces the stage. */
  audience: z.object({ position: Vec3, heading: z.number().default(0) }),
})
export type Stage = z.infer<typeof Stage>

// ---- tours: guided walks through a world, with staged scenes at their stops -------------------

const ItemId = z.string().min(1).max(64)

/** What an actor wears: its figure's colour (the visitors' figures, src/avatar/Avatar.tsx). */
export const Costume = z.object({ color: Color })

/** A scripted figure of a staged scene: where it stands when the scene starts. */
export const Actor = z.object({
  id: ItemId,
  name: Text,
  costume: Costume,
  position: Vec3,
  heading: z.number().finite().default(0),
})
export type Actor = z.infer<typeof Actor>

/** The gestures an actor makes: the visitors' emotes. */
export const GESTURES = ['wave', 'clap', 'cheer', 'dance'] as const

/**
 * One thing an actor does at `at` seconds into the scene: walk a path (from where it is, through
 * each point, at `speed`), make a gesture, or say a line (shown in a bubble for `for` seconds).
 * A cue may do several at once (say a line while walking).
 */
export const Cue = z
  .object({
    at: z.number().min(0).max(600),
    actor: ItemId,
    walk: z.array(Vec3).min(1).max(16).optional(),
    speed: z.number().positive().max(6).default(1.4),
    gesture: z.enum(GESTURES).optional(),
    say: Text.optional(),
    for: z.number().positive().max(30).default(4),
  })
  .refine((c) => c.walk || c.gesture || c.say, {
    message: 'a cue walks, makes a gesture or says a line',
  })
export type Cue = z.infer<typeof Cue>

/**
 * Actors and their cues on one timeline that starts when a visitor reaches the stop; everyone at
 * the stop sees the same moment of it (src/tours/timeline.ts). With `loop` it starts over that
 * many seconds after it started; without, the actors stay where the last cue left them.
 */
export const StagedScene = z.object({
  actors: z.array(Actor).min(1).max(8),
  cues: z.array(Cue).max(200),
  loop: z.number().positive().max(900).optional(),
})
export type StagedScene = z.infer<typeof StagedScene>

/** A stop: where the visitor stands and looks, what they are told, what happens there. */
export const TourStop = z.object({
  id: ItemId,
  title: Text,
  narration: Text,
  /** Where the visitor stands; they have arrived within `radius`. */
  position: Vec3,
  /** What the view turns to on arrival. */
  look: Vec3.optional(),
  radius: z.number().positive().max(30).default(5),
  pictures: z.array(PicturePath).max(4).default([]),
  /** Points of interest, portals or spaces (by id) that light up while the visitor is here. */
  lights: z.array(ItemId).max(8).default([]),
  scene: StagedScene.optional(),
})
export type TourStop = z.infer<typeof TourStop>

export const Tour = z.object({
  id: ItemId,
  title: Text,
  summary: Text,
  stops: z.array(TourStop).min(2).max(32),
})
export type Tour = z.infer<typeof Tour>

// ---- the scene file ------------------------------------------------------------------

export const Scene = z
  .object({
    format: z.literal(SCENE_FORMAT),
    version: z.literal(SCENE_VERSION),
    id: WorldId,
    name: Text,
    summary: Text,
    style: z.enum(['voxel', 'hd']),
    /** Block Park worlds are grouped as villages or scenic areas in the directory. */
    kind: z.enum(['village', 'scenic', 'landscape']),
    spawn: z.object({ position: Vec3, heading: z.number().default(0) }),
    movement: Movement.default(Movement.parse({})),
    environment: Environment.default(Environment.parse({})),
    pois: z.array(Poi).max(256).default([]),
    portals: z.array(Portal).max(64).default([]),
    spaces: z.array(Space).max(128).default([]),
    stages: z.array(Stage).max(16).default([]),
    tours: z.array(Tour).max(16).default([]),
    voxel: VoxelWorld.optional(),
    hd: HdWorld.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.style === 'voxel' && !s.voxel)
      ctx.addIssue({
        code: 'custom',
        path: ['voxel'],
        message: 'a voxel world needs a "voxel" section',
      })
    if (s.style === 'hd' && !s.hd)
      ctx.addIssue({ code: 'custom', path: ['hd'], message: 'an hd world needs an "hd" section' })
    if (s.voxel) checkVoxelReferences(s.voxel, ctx)
    checkSpaces(s.spaces, ctx)
    checkStages(s.stages, ctx)
    checkTours(s, ctx)
  })
export type Scene = z.infer<typeof Scene>
export type SceneInput = z.input<typeof Scene>

function checkSpaces(spaces: Space[], ctx: z.RefinementCtx) {
  const ids = new Set<string>()
  spaces.forEach((space, i) => {
    const at = (...path: (string | number)[]) => ['spaces', i, ...path]
    if (ids.has(space.id))
      ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate space "${space.id}"` })
    ids.add(space.id)
    const [x0, z0, x1, z1] = space.area
    if (!(x0 < x1 && z0 < z1)) {
      ctx.addIssue({
        code: 'custom',
        path: at('area'),
        message: 'area is [minX, minZ, maxX, maxZ]',
      })
    }
    const slotIds = new Set<string>()
    space.slots.forEach((slot, k) => {
      if (slotIds.has(slot.id)) {
        ctx.addIssue({
          code: 'custom',
          path: at('slots', k, 'id'),
          message: `duplicate slot "${slot.id}"`,
        })
      }
      slotIds.add(slot.id)
      const [x, , z] = slot.position
      if (x < x0 - 1 || x > x1 + 1 || z < z0 - 1 || z > z1 + 1) {
        ctx.addIssue({
          code: 'custom',
          path: at('slots', k, 'position'),
          message: 'slot lies outside the space',
        })
      }
    })
  })
}

function checkStages(stages: Stage[], ctx: z.RefinementCtx) {
  const ids = new Set<string>()
  stages.forEach((stage, i) => {
    if (ids.has(stage.id))
      ctx.addIssue({
        code: 'custom',
        path: ['stages', i, 'id'],
        message: `duplicate stage "${stage.id}"`,
      })
    ids.add(stage.id)
    const [x0, z0, x1, z1] = stage.area
    if (!(x0 < x1 && z0 < z1))
      ctx.addIssue({
        code: 'custom',
        path: ['stages', i, 'area'],
        message: 'area is [minX, minZ, maxX, maxZ]',
      })
    const [ax, , az] = stage.audience.position
    if (ax >= x0 && ax <= x1 && az >= z0 && az <= z1)
      ctx.addIssue({
        code: 'custom',
        path: ['stages', i, 'audience'],
        message: 'the audience arrives outside the stage area',
      })
  })
}

function checkTours(s: Pick<Scene, 'tours' | 'pois' | 'portals' | 'spaces'>, ctx: z.RefinementCtx) {
  const lit = new Set([...s.pois, ...s.portals, ...s.spaces].map((x) => x.id))
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['tours', ...path], message })
  const tours = new Set<string>()
  s.tours.forEach((tour, i) => {
    if (tours.has(tour.id)) issue([i, 'id'], `duplicate tour "${tour.id}"`)
    tours.add(tour.id)
    const stops = new Set<string>()
    tour.stops.forEach((stop, k) => {
      const at = [i, 'stops', k]
      if (stops.has(stop.id)) issue([...at, 'id'], `duplicate stop "${stop.id}"`)
      stops.add(stop.id)
      stop.lights.forEach((id, n) => {
        if (!lit.has(id))
          issue([...at, 'lights', n], `no point of interest, portal or space "${id}"`)
      })
      if (!stop.scene) return
      const actors = new Set<string>()
      stop.scene.actors.forEach((a, n) => {
        if (actors.has(a.id))
          issue([...at, 'scene', 'actors', n, 'id'], `duplicate actor "${a.id}"`)
        actors.add(a.id)
      })
      stop.scene.cues.forEach((c, n) => {
        if (!actors.has(c.actor))
          issue([...at, 'scene', 'cues', n, 'actor'], `no actor "${c.actor}"`)
        const loop = stop.scene!.loop
        if (loop !== undefined && c.at >= loop)
          issue([...at, 'scene', 'cues', n, 'at'], `a cue starts before the loop (${loop} s)`)
      })
    })
  })
}

function checkVoxelReferences(v: VoxelWorld, ctx: z.RefinementCtx) {
  const materials = new Set(['air', ...v.palette.map((p) => p.id)])
  const need = (id: string, path: (string | number)[]) => {
    if (!materials.has(id))
      ctx.addIssue({
        code: 'custom',
        path: ['voxel', ...path],
        message: `unknown material "${id}"`,
      })
  }
  const seen = new Set<string>()
  v.palette.forEach((p, i) => {
    if (seen.has(p.id))
      ctx.addIssue({
        code: 'custom',
        path: ['voxel', 'palette', i, 'id'],
        message: `duplicate material "${p.id}"`,
      })
    seen.add(p.id)
  })
  const t = v.terrain
  need(t.surface, ['terrain', 'surface'])
  need(t.subsurface, ['terrain', 'subsurface'])
  need(t.deep, ['terrain', 'deep'])
  if (t.beach) need(t.beach.material, ['terrain', 'beach', 'material'])
  if (t.sea) need(t.sea.material, ['terrain', 'sea', 'material'])
  v.ops.forEach((op, i) => {
    need(op.material, ['ops', i, 'material'])
    if (op.op === 'mountain' && op.cap) need(op.cap, ['ops', i, 'cap'])
    if (op.op === 'mountain' && op.surface) need(op.surface, ['ops', i, 'surface'])
    if (op.op === 'lake' && op.shore) need(op.shore, ['ops', i, 'shore'])
  })
  for (const [name, prefab] of Object.entries(v.prefabs)) {
    for (const [key, mat] of Object.entries(prefab.keys)) need(mat, ['prefabs', name, 'keys', key])
    prefab.layers.forEach((layer, y) =>
      layer.forEach((row, z) => {
        for (const ch of row) {
          if (ch !== '.' && ch !== ' ' && !(ch in prefab.keys)) {
            ctx.addIssue({
              code: 'custom',
              path: ['voxel', 'prefabs', name, 'layers', y, z],
              message: `character "${ch}" has no entry in keys`,
            })
            return
          }
        }
      }),
    )
  }
  v.placements.forEach((p, i) => {
    if (!(p.prefab in v.prefabs))
      ctx.addIssue({
        code: 'custom',
        path: ['voxel', 'placements', i, 'prefab'],
        message: `unknown prefab "${p.prefab}"`,
      })
  })
  v.scatter.forEach((s, i) => {
    if (!(s.prefab in v.prefabs))
      ctx.addIssue({
        code: 'custom',
        path: ['voxel', 'scatter', i, 'prefab'],
        message: `unknown prefab "${s.prefab}"`,
      })
    s.on.forEach((m, j) => need(m, ['scatter', i, 'on', j]))
  })
}

export interface SceneIssue {
  /** Dotted path of the field, e.g. "voxel.palette[2].color". */
  field: string
  message: string
}

export class SceneError extends Error {
  constructor(
    readonly file: string,
    readonly issues: SceneIssue[],
  ) {
    super(`${file}: ${issues.map((i) => `${i.field || '(file)'}: ${i.message}`).join('; ')}`)
    this.name = 'SceneError'
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += (out ? '.' : '') + String(p)
  }
  return out
}

/** Parses scene JSON text (or an already parsed value); throws SceneError naming the file and field. */
export function parseScene(input: unknown, file: string): Scene {
  let data = input
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input)
    } catch (err) {
      throw new SceneError(file, [
        { field: '', message: `not valid JSON (${(err as Error).message})` },
      ])
    }
  }
  if (data && typeof data === 'object' && 'version' in data && data.version !== SCENE_VERSION) {
    throw new SceneError(file, [
      {
        field: 'version',
        message: `version ${String(data.version)} is not supported (this app reads ${SCENE_VERSION})`,
      },
    ])
  }
  const result = Scene.safeParse(data)
  if (result.success) return result.data
  throw new SceneError(
    file,
    result.error.issues.slice(0, 20).map((i) => ({ field: fieldPath(i.path), message: i.message })),
  )
}

/** What the world directory shows without loading whole scenes. */
export const CatalogEntry = z.object({
  id: WorldId,
  name: Text,
  summary: Text,
  style: z.enum(['voxel', 'hd']),
  kind: z.enum(['village', 'scenic', 'landscape']),
  thumbnail: z.string().nullable(),
})
export type CatalogEntry = z.infer<typeof CatalogEntry>

/**
 * The box a visitor can be in, metres, for the server's pose checks. Voxel worlds span
 * [0, size] (one voxel is a metre); HD worlds are centred on the origin, with room above the
 * highest peak and below the water.
 */
export function sceneBounds(scene: Scene): {
  min: [number, number, number]
  max: [number, number, number]
} {
  if (scene.voxel) {
    const [sx, sy, sz] = scene.voxel.size
    return { min: [0, -1, 0], max: [sx, sy + 8, sz] }
  }
  const hd = scene.hd!
  const half = hd.size / 2
  return {
    min: [-half, Math.min(hd.waterLevel, 0) - hd.terrain.height - 50, -half],
    max: [half, hd.terrain.height * 2 + 250, half],
  }
}
