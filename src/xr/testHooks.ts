// `window.__cq.xr` (see src/app/frameStats.ts for the rest of `__cq`): where VR stands and what
// its loop did, for end-to-end tests and developers. First bundle, with the top bar's button.
import { useXr, xrLive, xrObjects } from './store'

export interface XrHooks {
  state(): {
    supported: boolean
    phase: string
    frames: number
    turn: number
    teleports: number
    aiming: boolean
    aimValid: boolean
    vignette: number
  }
  /**
   * Where the panel's Leave VR button is, in the headset's own space (the VR origin's, where
   * controllers are posed), or null when not in VR.
   */
  leaveButton(): [number, number, number] | null
}

export const xrHooks: XrHooks = {
  state: () => {
    const s = useXr.getState()
    return { supported: s.supported, phase: s.phase, ...xrLive }
  },
  leaveButton: () => {
    const { origin, leave } = xrObjects
    if (!origin || !leave) return null
    // A copy of a Vector3 the page already has, so this first-bundle module imports nothing of three.
    const p = origin.worldToLocal(leave.getWorldPosition(leave.position.clone()))
    return [p.x, p.y, p.z]
  },
}

if (typeof window !== 'undefined') {
  window.__cq = { ...window.__cq, xr: xrHooks } as typeof window.__cq
}
