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
] as const
export type SpaceErrorCode = (typeof SPACE_ERROR_CODES)[number]

/** Snaps a free placement to the grid and to 15° turns. */
export function snap(
  p: Extract<Placement, { kind: 'free' }>,
): Extract<Placement, { kind: 'free' }> {
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
