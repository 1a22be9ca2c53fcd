// Which DOM panels are open. (The avatar's keyboard input pauses by itself while focus is in a
// dialog or a form control: see src/avatar/input.ts.) How the open info card was opened lives
// with the card, in the world store.
import { create } from 'zustand'

/**
 * The HUD's panels: settings, the avatar editor, the places and people lists, the creator spaces editor, the events
 * list, the create-event form, and the top bar's "More" menu.
 */
export type Panel =
  'settings' | 'avatar' | 'places' | 'people' | 'spaces' | 'events' | 'createEvent' | 'more'

type Open = Record<`${Panel}Open`, boolean>

export interface UiState extends Open {
  /** Opens `panel` and closes the panels named after it, in one change. */
  openPanel: (panel: Panel, ...close: Panel[]) => void
  closePanel: (...panels: Panel[]) => void
  /** Opens or closes `panel`; closes the panels named after it either way. */
  togglePanel: (panel: Panel, ...close: Panel[]) => void
}

const key = (panel: Panel) => `${panel}Open` as const

function patch(open: Panel | null, close: Panel[]): Partial<Open> {
  const p: Partial<Open> = {}
  for (const c of close) p[key(c)] = false
  if (open) p[key(open)] = true
  return p
}

export const useUi = create<UiState>()((set) => ({
  settingsOpen: false,
  avatarOpen: false,
  placesOpen: false,
  peopleOpen: false,
  spacesOpen: false,
  eventsOpen: false,
  createEventOpen: false,
  moreOpen: false,
  openPanel: (panel, ...close) => set(patch(panel, close)),
  closePanel: (...panels) => set(patch(null, panels)),
  togglePanel: (panel, ...close) =>
    set((s) => ({ ...patch(null, close), [key(panel)]: !s[key(panel)] })),
}))
