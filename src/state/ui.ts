// Which DOM panels are open, and how the open info card was opened. (The avatar's keyboard input
// pauses by itself while focus is in a dialog or a form control: see src/avatar/input.ts.)
import { create } from 'zustand'

export interface UiState {
  settingsOpen: boolean
  placesOpen: boolean
  peopleOpen: boolean
  /** The creator spaces editor. */
  spacesOpen: boolean
  /** The events list (HUD) and the create-event form. */
  eventsOpen: boolean
  createEventOpen: boolean
  /** How the open info card was opened: a click moves focus into it, walking up does not. */
  cardVia: 'click' | 'proximity' | null
  set: (patch: Partial<Omit<UiState, 'set'>>) => void
}

export const useUi = create<UiState>()((set) => ({
  settingsOpen: false,
  placesOpen: false,
  peopleOpen: false,
  spacesOpen: false,
  eventsOpen: false,
  createEventOpen: false,
  cardVia: null,
  set: (patch) => set(patch),
}))
