// Where the visitor stands with VR: whether this browser offers an immersive-vr session, and the
// session's phase (the top bar's button reads it; the VR chunk moves it on). First bundle, tiny.
// Per-frame VR values live in `xrLive`, a plain object, never in React state.
import { create } from 'zustand'
import type { Object3D } from 'three'

/**
 * off: not in VR; loading: the VR chunk is being fetched after the button was pressed;
 * entering: the session is requested; in: presenting; leaving: the session is ending.
 */
export type XrPhase = 'off' | 'loading' | 'entering' | 'in' | 'leaving'

export interface XrState {
  /** navigator.xr says an immersive-vr session can be had (a headset, or the tests' emulator). */
  supported: boolean
  phase: XrPhase
  /** Once VR was asked for on this page, the VR chunk stays mounted (see VrButton's XrHost). */
  used: boolean
  /** Why the last try did not start (the browser's words), or null. */
  problem: string | null
  checked: (supported: boolean) => void
  /** The button was pressed: fetch the VR chunk, which then requests the session. */
  request: () => void
  entering: () => void
  entered: () => void
  leaving: () => void
  ended: () => void
  failed: (problem: string) => void
}

export const useXr = create<XrState>()((set) => ({
  supported: false,
  phase: 'off',
  used: false,
  problem: null,
  checked: (supported) => set({ supported }),
  request: () =>
    set((s) => (s.phase === 'off' ? { phase: 'loading', used: true, problem: null } : s)),
  entering: () => set({ phase: 'entering' }),
  entered: () => set({ phase: 'in' }),
  leaving: () => set({ phase: 'leaving' }),
  ended: () => set({ phase: 'off' }),
  failed: (problem) => set({ phase: 'off', problem: problem.slice(0, 200) }),
}))

/** Written by the VR chunk every XR frame; read by the tests' hook and nothing per frame else. */
export const xrLive = {
  /** XR frames run (frames the headset's loop handed over), since the page loaded. */
  frames: 0,
  /** The VR origin's yaw: where snap or smooth turns have turned the world, radians. */
  turn: 0,
  /** Teleports made. */
  teleports: 0,
  /** A teleport is being aimed, and whether where it points is walkable. */
  aiming: false,
  aimValid: false,
  /** The comfort vignette's strength now, 0..1. */
  vignette: 0,
}

/** Whether this browser can enter immersive VR; false on any failure (no WebXR, insecure page). */
export async function vrSupported(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.xr) return false
  try {
    return await navigator.xr.isSessionSupported('immersive-vr')
  } catch {
    return false
  }
}

/**
 * The VR origin and the panel's Leave VR button while in VR, so the tests' hook can say where
 * to point a controller (src/xr/testHooks.ts).
 */
export const xrObjects: { origin: Object3D | null; leave: Object3D | null } = {
  origin: null,
  leave: null,
}
