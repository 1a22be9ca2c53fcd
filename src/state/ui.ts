// Which DOM panels are open. Panels that take the keyboard set `modal` so the avatar's keyboard
// input pauses while someone types or tabs through a dialog.
import { create } from 'zustand'

export interface UiState {
  settingsOpen: boolean
  placesOpen: boolean
  /** How the open info card was opened: a click moves focus into it, walking up does not. */
  cardVia: 'click' | 'proximity' | null
  set: (patch: Partial<Omit<UiState, 'set'>>) => void
}

export const useUi = create<UiState>()((set) => ({
  settingsOpen: false,
  placesOpen: false,
  cardVia: null,
  set: (patch) => set(patch),
}))
