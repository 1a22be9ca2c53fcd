// Creator spaces as visitors see them: who holds each space of the open world and what it
// exhibits. The network code fills it from the room state; the renderer and the exhibit card read
// it. Low-frequency state only (a layout changes when a creator edits it, never per frame).
import { create } from 'zustand'
import type { ExhibitView, SpaceView } from '../protocol/spaces'

export { ExhibitPlacement, ExhibitView, SpaceView } from '../protocol/spaces'

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
  /** Opens the card of an exhibit (a click on it). */
  openExhibit: (open: OpenExhibit) => void
  closeExhibit: () => void
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
  openExhibit: (open) => set({ open }),
  closeExhibit: () => set({ open: null }),
}))
