// Creator spaces on the wire: where an exhibit stands, which token it shows, and what can go
// wrong when a creator edits a space. The room messages that carry these are in messages.ts.
import { z } from 'zod'

const finite = z.number().finite()

/** How far an exhibit may be scaled, either way. */
export const SCALE_RANGE = [0.25, 4] as const
/** Free placement snaps to this grid (metres) and to 15° turns. */
export const GRID_STEP = 0.25
export const ROT_STEP = Math.PI / 12

export const Placement = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slot'), slot: z.string().min(1).max(32) }),
  z.object({
    kind: z.literal('free'),
    x: finite,
    y: finite,
    z: finite,
    rotY: finite,
    scale: z.number().min(SCALE_RANGE[0]).max(SCALE_RANGE[1]),
  }),
])
export type Placement = z.infer<typeof Placement>

export const TokenRef = z.object({
  chainId: z
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
  contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'contract is a 0x address'),
  tokenId: z
    .string()
    .regex(/^(0|[1-9]\d{0,77})$/, 'tokenId is a decimal string without leading zeros'),
})
export type TokenRef = z.infer<typeof TokenRef>

export const SpaceId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/)

/** Why a space edit was refused (in `error.code`, with a message fit to show the creator). */
export const SPACE_ERROR_CODES = [
  'not_signed_in',
  'unknown_space',
  'space_taken',
  'claim_limit',
  'not_owner',
  'not_editor',
  'not_verified',
  'version_conflict',
  'slot_taken',
  'bad_placement',
  'too_many_exhibits',
  'unknown_exhibit',
  'chain_unavailable',
  'storage_unavailable',
  'no_credential',
] as const
export type SpaceErrorCode = (typeof SPACE_ERROR_CODES)[number]

export type FreePlacement = Extract<Placement, { kind: 'free' }>

/** Snaps a free placement to the grid and to 15° turns. */
export function snap(p: FreePlacement): FreePlacement {
  const g = (v: number) => Math.round(v / GRID_STEP) * GRID_STEP
  return {
    kind: 'free',
    x: g(p.x),
    y: g(p.y),
    z: g(p.z),
    rotY: Math.round(p.rotY / ROT_STEP) * ROT_STEP,
    scale: Math.round(p.scale * 4) / 4,
  }
}

/** What free placement needs of a space (a subset of the scene's Space). */
export interface FreeBounds {
  /** [minX, minZ, maxX, maxZ] */
  area: readonly [number, number, number, number]
  floorY: number
  height: number
}

const TURNS = Math.round((2 * Math.PI) / ROT_STEP)
/** Slack for floating-point sums such as floorY + k·GRID_STEP. */
const EPS = 1e-6

/**
 * Snaps a free placement in a space: x and z to the world grid (exhibits of neighbouring spaces
 * line up), y to grid steps above the space's floor (a foot stands on the floor even where the
 * floor is not on the grid), the turn to 15° steps in [0, 2π), the size to quarter metres.
 * The server stores exactly this; the editor shows exactly this.
 */
export function snapFree(space: FreeBounds, p: FreePlacement): FreePlacement {
  const s = snap(p)
  const turn = ((Math.round(p.rotY / ROT_STEP) % TURNS) + TURNS) % TURNS
  const up = Math.round((p.y - space.floorY) / GRID_STEP)
  return { ...s, y: space.floorY + up * GRID_STEP, rotY: turn * ROT_STEP }
}

/** Whether a snapped free placement lies in the space: the rule the server enforces. */
export function freeInside(space: FreeBounds, p: FreePlacement): boolean {
  const [x0, z0, x1, z1] = space.area
  return (
    p.x >= x0 - EPS &&
    p.x <= x1 + EPS &&
    p.z >= z0 - EPS &&
    p.z <= z1 + EPS &&
    p.y >= space.floorY - EPS &&
    p.y <= space.floorY + space.height + EPS &&
    p.scale >= SCALE_RANGE[0] &&
    p.scale <= SCALE_RANGE[1]
  )
}

/** The grid positions inside [lo, hi] (lo > hi when none is). */
function gridRange(lo: number, hi: number): [number, number] {
  return [Math.ceil(lo / GRID_STEP - EPS) * GRID_STEP, Math.floor(hi / GRID_STEP + EPS) * GRID_STEP]
}

const clampTo = (v: number, [lo, hi]: [number, number]) =>
  lo > hi ? lo : Math.min(hi, Math.max(lo, v))

/**
 * The nearest placement the server accepts: snapped, then held inside the space's area, between
 * its floor and its height, and within SCALE_RANGE. What the editor sends. (A space narrower
 * than one grid step has no such placement; the server then refuses it with a clear error.)
 */
export function clampFree(space: FreeBounds, p: FreePlacement): FreePlacement {
  const s = snapFree(space, p)
  const [x0, z0, x1, z1] = space.area
  const steps = Math.floor(space.height / GRID_STEP + EPS)
  const up = Math.min(steps, Math.max(0, Math.round((s.y - space.floorY) / GRID_STEP)))
  return {
    kind: 'free',
    x: clampTo(s.x, gridRange(x0, x1)),
    y: space.floorY + up * GRID_STEP,
    z: clampTo(s.z, gridRange(z0, z1)),
    rotY: s.rotY,
    scale: Math.min(SCALE_RANGE[1], Math.max(SCALE_RANGE[0], s.scale)),
  }
}

// What visitors see of a space: filled from the room state (src/protocol/state.ts) by the client.

/** Where an exhibit stands: on a slot of the scene's space, or freely inside its area. */
export const ExhibitPlacement = Placement
export type ExhibitPlacement = Placement

/** One exhibit of a space: the token it shows, where, and (when hidden) why visitors miss it. */
export const ExhibitView = z.object({
  id: z.string().min(1).max(64),
  chainId: z.number().int().nonnegative(),
  contract: z.string().min(1).max(128),
  /** Decimal string (uint256). */
  tokenId: z.string().regex(/^\d{1,78}$/),
  standard: z.enum(['erc721', 'erc1155']),
  placement: ExhibitPlacement,
  /** The name when it was placed: shown until the owner's listing confirms the current one. */
  title: z.string().max(200),
  issuer: z.string().max(200).nullable(),
  /**
   * The wallet that placed it and must keep holding it: a collaborator's own piece is verified
   * against the collaborator's wallet. Null (or absent) means the space's owner.
   */
  addedBy: z.string().min(1).max(128).nullable().default(null),
  /** Set by the server when a re-check failed: such exhibits are not drawn for visitors. */
  hidden: z.object({ reason: z.string().max(200) }).nullable(),
})
export type ExhibitView = z.infer<typeof ExhibitView>

/** How a space shows its exhibits: framed on its walls, or flowing over every surface. */
export const SPACE_MODES = ['gallery', 'immersive'] as const
export const SpaceMode = z.enum(SPACE_MODES)
export type SpaceMode = z.infer<typeof SpaceMode>

export const SpaceView = z.object({
  /** The wallet address that holds the space, or null while it is free to claim. */
  owner: z.string().min(1).max(128).nullable(),
  collaborators: z.array(z.string().min(1).max(128)).max(32),
  /** Bumped by the server on every committed change of the space. */
  version: z.number().int().nonnegative(),
  /** Set by the owner (`space.mode`); a space starts as a gallery. */
  mode: SpaceMode.default('gallery'),
  exhibits: z.array(ExhibitView).max(64),
})
export type SpaceView = z.infer<typeof SpaceView>
