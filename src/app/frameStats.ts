// Frame counters written in the render loop (never through React state) and exposed on
// `window.__cq` so end-to-end tests and benchmarks can read what the renderer and world did.
import { input } from '../avatar/input'
import { figureStats } from '../avatar/figureStats'
import { cameraRig, localMotion } from '../state/player'
import { useWorld } from '../state/world'
import { current } from '../net/current'
import { remotes } from '../net/remotes'
import { useNet } from '../state/net'
import type { AvatarLook } from '../protocol/avatar'
import { walletSummary, type WalletSummary } from '../wallet/store'
import { spacesHooks, type SpacesHooks } from '../spaces/testHooks'

export interface FrameStats {
  frames: number
  firstFrameAt: number
  /** performance.now() of the first frame drawn after the open world reported ready. */
  worldFirstFrameAt: number
  worldFirstFrameId: string | null
  drawCalls: number
  triangles: number
}

export const frameStats: FrameStats = {
  frames: 0,
  firstFrameAt: 0,
  worldFirstFrameAt: 0,
  worldFirstFrameId: null,
  drawCalls: 0,
  triangles: 0,
}

export interface TestHooks {
  frameStats: FrameStats
  player: typeof localMotion
  cameraRig: typeof cameraRig
  world: () => { status: string; worldId: string | null; openPoi: string | null }
  /**
   * Click-to-move to (x, z), as a click on the ground there does (the controller steers every
   * frame and stops within ARRIVE_DISTANCE); `active` until it arrives or gives up.
   */
  walk: { to: (x: number, z: number) => void; active: () => boolean }
  net: {
    state: () => {
      status: string
      sessionId: string | null
      instance: number
      people: number
      reconnects: number
    }
    remotes: () => {
      id: string
      x: number
      z: number
      anim: string
      emote: string | null
      /** What their figure wears, as this page received it. */
      look: AvatarLook | null
      /** How far their figure's mouth is open with their voice, 0–1. */
      voice: number
    }[]
    drop: () => void
  }
  /** Figures: how many visitors' own avatar files this page wears now (theirs and others'). */
  avatars: () => { vrmWorn: number; shadows: number }
  wallet: { state: () => WalletSummary }
  /** Creator spaces: what visitors see, and a way to put a layout in without a server. */
  spaces: SpacesHooks
}

declare global {
  interface Window {
    __cq?: TestHooks & Record<string, unknown>
  }
}

if (typeof window !== 'undefined') {
  window.__cq = {
    ...window.__cq,
    frameStats,
    player: localMotion,
    cameraRig,
    world: () => {
      const s = useWorld.getState()
      return { status: s.status, worldId: s.worldId, openPoi: s.openPoi }
    },
    walk: {
      to: (x, z) => {
        Object.assign(input.target, { active: true, x, y: localMotion.y, z })
      },
      active: () => input.target.active,
    },
    net: {
      state: () => {
        const n = useNet.getState()
        return {
          status: n.status,
          sessionId: n.sessionId,
          instance: n.instance,
          people: n.people.length,
          reconnects: n.reconnects,
        }
      },
      remotes: () => {
        const people = useNet.getState().people
        return [...remotes.values()].map((r) => ({
          id: r.id,
          x: r.motion.x,
          z: r.motion.z,
          anim: r.motion.anim,
          emote: r.motion.emote,
          look: people.find((p) => p.id === r.id)?.look ?? null,
          voice: r.motion.voice,
        }))
      },
      drop: () => current.session?.dropConnection(),
    },
    avatars: () => ({ vrmWorn: figureStats.vrmWorn, shadows: figureStats.shadows }),
    wallet: { state: walletSummary },
    spaces: spacesHooks,
  }
}
