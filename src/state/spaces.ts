// Creator spaces as visitors see them: who holds each space of the open world and what it
// exhibits. The network code fills it from the room state; the renderer and the exhibit card read
// it. Low-frequency state only (a layout changes when a creator edits it, never per frame).
import { z } from 'zod'
import { create } from 'zustand'
import { Placement } from '../protocol/spaces'

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

export const SpaceView = z.object({
  /** The wallet address that holds the space, or null while it is free to claim. */
  owner: z.string().min(1).max(128).nullable(),
  collaborators: z.array(z.string().min(1).max(128)).max(32),
  /** Bumped by the server on every committed change of the space. */
  version: z.number().int().nonnegative(),
  exhibits: z.array(ExhibitView).max(64),
})
export type SpaceView = z.infer<typeof SpaceView>

/** The wallet whose listing must confirm an exhibit: whoever placed it, else the owner. */
export function holderOf(space: SpaceView, exhibit: ExhibitView): string | null {
  return exhibit.addedBy ?? space.owner
}

export interface OpenExhibit {
  spaceId: string
  exhibitId: string
}

export interface SpacesState {
  /** By space id (the ids of the open world's scene file). */
  spaces: Record<string, SpaceView>
  /** The exhibit whose card is open. */
  open: OpenExhibit | null
  /** Replaces one space's view; null forgets it. */
  set: (spaceId: string, view: SpaceView | null) => void
  /** Forgets every space (leaving a world). */
  reset: () => void
  setOpen: (open: OpenExhibit | null) => void
}

export const useSpaces = create<SpacesState>()((set) => ({
  spaces: {},
  open: null,
  set: (spaceId, view) =>
    set((s) => {
      const spaces = { ...s.spaces }
      if (view) spaces[spaceId] = view
      else delete spaces[spaceId]
      const gone =
        s.open?.spaceId === spaceId && !view?.exhibits.some((e) => e.id === s.open?.exhibitId)
      return gone ? { spaces, open: null } : { spaces }
    }),
  reset: () => set({ spaces: {}, open: null }),
  setOpen: (open) => set({ open }),
}))
