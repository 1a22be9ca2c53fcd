// What a visitor's figure looks like: the avatar editor's choices, carried by the room's state
// (every visitor sees them), kept per browser and, when signed in, per wallet address on the
// server. Pure data: the figures are built from it in src/avatar/humanoid/.
//
// On the wire it is compact JSON (encodeLook), at most LOOK_MAX_CHARS, parsed with the schema on
// both sides: a look the server refuses never reaches anyone's scene.
import { z } from 'zod'

export const BODY_SHAPES = ['slim', 'regular', 'sturdy'] as const
export const HAIR_STYLES = ['short', 'long', 'bun', 'ponytail', 'buzz'] as const
/** Hanfu (汉服), tangzhuang (唐装) and qipao (旗袍) among everyday clothes. */
export const OUTFITS = ['casual', 'hanfu', 'tangzhuang', 'qipao'] as const
export const ACCESSORIES = ['none', 'hat', 'glasses', 'hairpin'] as const
/** Skin tones, light to dark. */
export const SKIN_TONES = [
  '#f6d5b8',
  '#f1c7a1',
  '#e0ac7e',
  '#c68a5a',
  '#9a6440',
  '#6b4328',
] as const
/** Height multipliers the editor offers (1 is about 1.72 m in the HD style). */
export const HEIGHT_MIN = 0.9
export const HEIGHT_MAX = 1.1

/** The longest encoded look the server accepts (a full look with a VRM id is about 230). */
export const LOOK_MAX_CHARS = 320

const Colour = z.string().regex(/^#[0-9a-f]{6}$/, 'a colour is "#rrggbb" in lowercase')
/** A validated avatar file's id on the server: its SHA-256, 64 lowercase hex digits. */
export const VrmId = z.string().regex(/^[0-9a-f]{64}$/, 'an avatar file id is 64 hex digits')

export const AvatarLook = z
  .object({
    body: z.enum(BODY_SHAPES),
    height: z.number().min(HEIGHT_MIN).max(HEIGHT_MAX),
    skin: z
      .number()
      .int()
      .min(0)
      .max(SKIN_TONES.length - 1),
    hair: z.enum(HAIR_STYLES),
    hairColor: Colour,
    outfit: z.enum(OUTFITS),
    /** The outfit's main colour. */
    top: Colour,
    /** Trousers, skirt or trim. */
    bottom: Colour,
    accessory: z.enum(ACCESSORIES),
    /** Worn instead of the built figure when set (an uploaded, validated VRM file). */
    vrm: VrmId.optional(),
  })
  .strict()
export type AvatarLook = z.infer<typeof AvatarLook>

/** A first look for a visitor who never opened the editor: their colour on everyday clothes. */
export function defaultLook(color = '#669bbc'): AvatarLook {
  return {
    body: 'regular',
    height: 1,
    skin: 1,
    hair: 'short',
    hairColor: '#2b211c',
    outfit: 'casual',
    top: /^#[0-9a-f]{6}$/.test(color) ? color : '#669bbc',
    bottom: '#3b4a66',
    accessory: 'none',
  }
}

/** The wire form: keys in schema order, the height to two decimals. */
export function encodeLook(look: AvatarLook): string {
  const { vrm, ...rest } = AvatarLook.parse(look)
  const canonical = { ...rest, height: Math.round(rest.height * 100) / 100 }
  return JSON.stringify(vrm ? { ...canonical, vrm } : canonical)
}

/** Reads a wire look; anything malformed or too long is null (the caller shows a default). */
export function parseLook(text: string | null | undefined): AvatarLook | null {
  if (!text || text.length > LOOK_MAX_CHARS) return null
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = AvatarLook.safeParse(raw)
  return parsed.success ? parsed.data : null
}

export const AvatarMessages = {
  /**
   * The visitor's look changed in the editor: everyone in the room sees it, and a signed-in
   * visitor's is kept for their address (the same look on every device and in every world).
   */
  'avatar.look': {
    schema: z.object({ look: AvatarLook }).strict(),
    // An editor's pace (each change is previewed locally; the page sends the result).
    rate: { perSecond: 1, burst: 4 },
  },
} as const

/**
 * `avatar_not_yours`: the look's VRM file came from a collectible and this visitor does not
 * hold a grant for it now (not signed in, another wallet, or the token moved away): the look is
 * worn without it (the built figure), and `avatar.saved` says which look is in force.
 */
export type AvatarErrorCode = 'avatar_not_yours'

export interface AvatarServerMessages {
  /**
   * The look in force for this visitor, as the server keeps it: after sign-in, the look kept
   * for that address; and whenever the server took a collectible's VRM off the look
   * (`avatar_not_yours`). The page puts it on and keeps it.
   */
  'avatar.saved': { look: AvatarLook }
}
