// Visitor settings, persisted in localStorage. Read with useSettings(selector) in components
// and useSettings.getState() inside frame loops.
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { AvatarLook } from '../protocol/avatar'

export type Quality = 'auto' | 'low' | 'medium' | 'high'
export type Language = 'zh-CN' | 'en'
/** How the right thumbstick turns the view in VR: in 30° steps, or smoothly. */
export type VrTurn = 'snap' | 'smooth'

export interface SettingsState {
  quality: Quality
  language: Language
  invertLook: boolean
  reducedMotion: boolean
  avatarColor: string
  /** What the figure wears (the avatar editor); null until the visitor opens it. */
  avatarLook: AvatarLook | null
  displayName: string
  /** VR comfort: snap or smooth turning, and a vignette that narrows the view while moving. */
  vrTurn: VrTurn
  vrVignette: boolean
  /** The controls hint was dismissed or learned (walked far enough); settings can show it again. */
  hintDone: boolean
  /**
   * A plain bag of the visitor's choices: the settings panel changes one field per control, so
   * the one action is a patch (named actions would only rename each field).
   */
  set: (patch: Partial<Omit<SettingsState, 'set'>>) => void
}

function defaultLanguage(): Language {
  if (typeof navigator === 'undefined') return 'zh-CN'
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches
}

export const AVATAR_COLORS = ['#e4572e', '#29335c', '#f3a712', '#669bbc', '#a8c686', '#8e44ad']

export const useSettings = create<SettingsState>()(
  persist(
    (set) => ({
      quality: 'auto',
      language: defaultLanguage(),
      invertLook: false,
      reducedMotion: prefersReducedMotion(),
      // A colour of one's own from the first visit, so a crowd is not all one colour.
      avatarColor: AVATAR_COLORS[Math.floor(Math.random() * AVATAR_COLORS.length)]!,
      avatarLook: null,
      displayName: '',
      // Snap turns and the vignette are the comfortable defaults for most people new to VR.
      vrTurn: 'snap',
      vrVignette: true,
      hintDone: false,
      set: (patch) => set(patch),
    }),
    {
      name: 'cangqiong.settings',
      version: 1,
      partialize: ({ set: _set, ...rest }) => rest,
      // Store the first visit's defaults (the random colour) at once, so they stay. A look this
      // version cannot read (edited by hand, or from a newer one) is dropped, not drawn.
      onRehydrateStorage: () => (state) =>
        state?.set(AvatarLook.safeParse(state.avatarLook).success ? {} : { avatarLook: null }),
    },
  ),
)

/** The quality actually in force: "auto" resolves to what the adaptive monitor chose. */
export const useEffectiveQuality = create<{
  level: Exclude<Quality, 'auto'>
  /** What the adaptive monitor (world/hd/AdaptiveQuality.tsx) chose for "auto". */
  choose: (level: Exclude<Quality, 'auto'>) => void
}>((set) => ({
  level: 'medium',
  choose: (level) => set({ level }),
}))

export function effectiveQuality(): Exclude<Quality, 'auto'> {
  const q = useSettings.getState().quality
  return q === 'auto' ? useEffectiveQuality.getState().level : q
}
