// The Block Park builder on the wire: what builders send to a builder world's room (edits, undo,
// redo, save, restore) and what the room sends back (edits applied in order, the whole grid on
// joining, saves). The shapes of an edit and of a patch live here so that the server, the pages
// and src/world/voxel (which applies them) agree; docs/protocol.md describes the flow.
import type { Space, Stage } from './scene'
import { z } from 'zod'

/** Most cells one edit may touch: a 32 × 32 × 32 box. Bigger fills are several edits. */
export const MAX_EDIT_CELLS = 32 * 32 * 32

const Cell = z.tuple([z.number().int(), z.number().int(), z.number().int()])
/** The sender's own counter for a change: `build.applied` names it back to the sender. */
const Ref = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31)
/** A turn about y, clockwise seen from above. */
const QuarterTurn = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)])

/** An edit as it comes over the wire; src/world/voxel/edits.ts holds it against the world. */
export const VoxelEdit = z
  .object({
    /** Opposite corners, inclusive, in either order. */
    from: Cell,
    to: Cell,
    /** Material id (0 is air: removing). */
    material: z.number().int().min(0).max(255),
    /** Only cells holding this material change (replace); absent: every cell in the box. */
    only: z.number().int().min(0).max(255).optional(),
  })
  .strict()
export type VoxelEdit = z.infer<typeof VoxelEdit>

/** Most numbers in a patch's runs: two per cell of a 32³ box. */
export const MAX_PATCH_RUNS = 2 * MAX_EDIT_CELLS

/**
 * A box of cells with new values, run-length coded in grid order (z, then x, then y fastest):
 * count, value, count, value…; value -1 leaves a cell as it is (src/world/voxel/patch.ts).
 */
export const BoxPatch = z
  .object({
    min: Cell,
    max: Cell,
    runs: z.array(z.number().int().min(-1).max(255)).max(MAX_PATCH_RUNS),
  })
  .strict()
export type BoxPatch = z.infer<typeof BoxPatch>

/** A visitor layer item's id (a point, a portal, a plot) as a builder names it. */
const ItemId = z.string().regex(/^[a-z0-9-]{1,48}$/)

/** Taking a visitor layer item away, by its id. */
const Removal = z.object({ action: z.literal('remove'), id: ItemId }).strict()

/** Most points of interest a builder world holds. */
export const MAX_WORLD_POIS = 64

const Words = (max: number) =>
  z.object({
    'zh-CN': z.string().trim().min(1).max(max),
    en: z.string().trim().min(1).max(max),
  })

/** A point of interest as a builder sets it (the scene's Poi, sized for one message). */
export const PoiEdit = z
  .object({
    action: z.literal('set'),
    /** Absent: a new one (the room gives it an id). */
    id: ItemId.optional(),
    kind: z.enum(['scenic', 'landmark', 'village', 'viewpoint']),
    title: Words(40),
    body: Words(160),
    position: Cell,
    /** A picture the world's builders uploaded (POST …/pictures), by its id. */
    picture: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional(),
  })
  .strict()
export type PoiEdit = z.infer<typeof PoiEdit>

/** Most portals a builder world holds. */
export const MAX_WORLD_PORTALS = 16

/** A portal as a builder sets it: where it stands, the world it leads to, its label. */
export const PortalEdit = z
  .object({
    action: z.literal('set'),
    /** Absent: a new one (the room gives it an id). */
    id: ItemId.optional(),
    to: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a world id'),
    label: Words(40),
    position: Cell,
  })
  .strict()
export type PortalEdit = z.infer<typeof PortalEdit>

/** Most creator plots a builder world marks out, and the size of a side, cells. */
export const MAX_WORLD_PLOTS = 8
export const PLOT_SIDE = { min: 4, max: 48 } as const

/**
 * A creator plot as a builder marks it out: the ground between two corner cells (the cells
 * people stand in, so its floor is the lower one's bottom), and its name.
 */
export const PlotEdit = z
  .object({
    action: z.literal('set'),
    id: ItemId.optional(),
    from: Cell,
    to: Cell,
    title: Words(40),
  })
  .strict()
export type PlotEdit = z.infer<typeof PlotEdit>

/** Most stages a builder world holds, and the size of a side, cells. */
export const MAX_WORLD_STAGES = 2
export const STAGE_SIDE = { min: 4, max: 32 } as const

/**
 * A stage as a builder marks it out: the floor between two corner cells, its name, and the way
 * the audience looks at it (radians, 0 looks to -z; snapped to a quarter turn): the screen stands
 * at the far side, the audience arrives in front.
 */
export const StageEdit = PlotEdit.extend({
  facing: z.number().finite().min(-10).max(10),
}).strict()
export type StageEdit = z.infer<typeof StageEdit>

/** Custom colours a builder world may add to its style's palette (which holds at most 255). */
export const MAX_CUSTOM_COLOURS = 64

/** The palette id of a custom colour `#rrggbb`. */
export const customColourId = (colour: string) => `c-${colour.slice(1).toLowerCase()}`

type PaletteEntry = VisitorLayer['palette'][number]

/**
 * The palette with custom colour `colour` (`#rrggbb`) added after everything before it (ids
 * never move, so a grid and every page's copy of it stay valid); the same palette when it holds
 * the colour already; a reason when it is full.
 */
export function withColour<P extends PaletteEntry>(
  palette: readonly P[],
  colour: string,
): readonly (P | PaletteEntry)[] | string {
  const id = customColourId(colour)
  if (palette.some((p) => p.id === id)) return palette
  const custom = palette.filter((p) => p.id.startsWith('c-')).length
  if (custom >= MAX_CUSTOM_COLOURS)
    return `a world has at most ${MAX_CUSTOM_COLOURS} colours of its own`
  if (palette.length >= 255) return 'the palette is full (255 blocks)'
  return [...palette, { id, color: colour.toLowerCase(), solid: true, liquid: false }]
}

/** The visitor layer as the room holds it (sent whole after every change, and on joining). */
export interface VisitorLayer {
  /** The world's palette: the style's materials, then the builders' custom colours. */
  palette: { id: string; color: string; solid: boolean; liquid: boolean }[]
  pois: {
    id: string
    kind: 'scenic' | 'landmark' | 'village' | 'viewpoint'
    title: { 'zh-CN': string; en: string }
    body: { 'zh-CN': string; en: string }
    position: [number, number, number]
    radius: number
    picture?: string
  }[]
  spawn: { position: [number, number, number]; heading: number }
  /** Creator spaces: a builder world's are plots its builders marked out. */
  spaces: Space[]
  /** Stages for live gatherings (events are hosted on them). */
  stages: Stage[]
  portals: {
    id: string
    to: string
    label: { 'zh-CN': string; en: string }
    position: [number, number, number]
    radius: number
  }[]
}

export const BUILDER_ERROR_CODES = [
  /** Not signed in, or not the owner or a builder of this world. */
  'not_builder',
  /** The edit does not fit the world (outside it, too big, a material not in the palette). */
  'bad_edit',
  /** Nothing to undo or redo. */
  'nothing_to_undo',
  /** This room's world is not a builder world. */
  'not_builder_world',
  /** The database refused or is unavailable: the edit is kept, the save is not done yet. */
  'save_failed',
] as const
export type BuilderErrorCode = (typeof BUILDER_ERROR_CODES)[number]

/** Edits per second a builder may send: a person dragging a brush, not a script. */
const EDIT_RATE = { perSecond: 20, burst: 40 }

export const BuilderMessages = {
  /** `ref` is the sender's own counter: `build.applied` names it back to the sender. */
  'build.edit': {
    schema: z
      .object({
        ref: Ref,
        edit: VoxelEdit,
      })
      .strict(),
    rate: EDIT_RATE,
  },
  /** Place a piece from the world's prefab library with its rotated min corner at `at`. */
  'build.prefab': {
    schema: z
      .object({
        ref: Ref,
        prefab: z.string().min(1).max(40),
        at: Cell,
        rotate: QuarterTurn,
      })
      .strict(),
    rate: { perSecond: 4, burst: 8 },
  },
  /** A terrain brush around a column: raise, lower, flatten (to `at`'s height), smooth, paint. */
  'build.terrain': {
    schema: z
      .object({
        ref: Ref,
        op: z.enum(['raise', 'lower', 'flatten', 'smooth', 'paint']),
        at: Cell,
        radius: z.number().int().min(0).max(8),
        material: z.number().int().min(1).max(255),
      })
      .strict(),
    rate: { perSecond: 8, burst: 16 },
  },
  /** A line of blocks from..to, `size` thick (1–5), of `material` (0 removes); its box ≤ 32³. */
  'build.line': {
    schema: z
      .object({
        ref: Ref,
        from: Cell,
        to: Cell,
        size: z.number().int().min(1).max(5),
        material: z.number().int().min(0).max(255),
      })
      .strict(),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Copy the box from..to (≤ 32³, air too) to `at`, turned and mirrored along x first. */
  'build.paste': {
    schema: z
      .object({
        ref: Ref,
        from: Cell,
        to: Cell,
        at: Cell,
        turn: QuarterTurn,
        mirror: z.boolean(),
      })
      .strict(),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Add or change a point of interest (`set`), or take one away (`remove`). */
  'build.poi': {
    schema: z.discriminatedUnion('action', [PoiEdit, Removal]),
    rate: { perSecond: 2, burst: 6 },
  },
  /** Add or change a portal to another world (`set`), or take one away (`remove`). */
  'build.portal': {
    schema: z.discriminatedUnion('action', [PortalEdit, Removal]),
    rate: { perSecond: 2, burst: 6 },
  },
  /**
   * Mark out a creator plot (`set`; a new one, or move and rename one by its id), or take one
   * nobody has claimed away (`remove`).
   */
  'build.plot': {
    schema: z.discriminatedUnion('action', [PlotEdit, Removal]),
    rate: { perSecond: 2, burst: 6 },
  },
  /** Mark out a stage (`set`; a new one, or move and rename one by its id), or take one away. */
  'build.stage': {
    schema: z.discriminatedUnion('action', [StageEdit, Removal]),
    rate: { perSecond: 2, burst: 6 },
  },
  /** Add a custom colour to the world's palette (a solid block); an existing one is kept. */
  'build.colour': {
    schema: z.object({ colour: z.string().regex(/^#[0-9a-fA-F]{6}$/) }).strict(),
    rate: { perSecond: 1, burst: 5 },
  },
  /** Where visitors arrive: a cell (they stand on its floor) and a heading (radians). */
  'build.spawn': {
    schema: z.object({ position: Cell, heading: z.number().finite().min(-10).max(10) }).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Undo the sender's own last edit (or redo the last undo), as the room applies them. */
  'build.undo': { schema: z.object({}).strict(), rate: { perSecond: 10, burst: 20 } },
  'build.redo': { schema: z.object({}).strict(), rate: { perSecond: 10, burst: 20 } },
  /** Save now as a new version, with a note. */
  'build.save': {
    schema: z.object({ note: z.string().max(80).optional() }).strict(),
    rate: { perSecond: 0.2, burst: 3 },
  },
  /** Make an older version the newest again (everyone in the room gets the grid anew). */
  'build.restore': {
    schema: z.object({ version: z.number().int().min(1) }).strict(),
    rate: { perSecond: 0.2, burst: 3 },
  },
} as const

export interface BuilderServerMessages {
  /**
   * The room's grid, whole (on joining, and after a restore): codec bytes deflated (raw deflate).
   * `seq` is the number of the last change in it; `version` the stored version it started from.
   */
  'build.sync': { version: number; seq: number; grid: Uint8Array }
  /**
   * A change the room applied, in order (`seq` counts up by one). An edit from a builder, or a
   * patch (an undo or redo). `by` is the builder's session; `ref` the sender's counter.
   */
  'build.applied': {
    seq: number
    by: string
    ref?: number
    edit?: VoxelEdit
    patch?: BoxPatch
  }
  /** The palette, the points of interest, the portals and the spawn: on joining, after changes. */
  'build.scene': VisitorLayer
  /** The world is no longer there for this seat (unpublished, or its builder taken off it). */
  'build.closed': { message: string }
  /** The world was saved as `version` (autosave or a builder's save). */
  'build.saved': { version: number; note: string; at: number }
}
