// `window.__cq.stage` (see src/app/frameStats.ts for the rest of `__cq`): the live stage for
// end-to-end tests and developers: the event's live state, this visitor's watching and
// publishing, whether the screen draws the live video (frames, mean colour of a readback), and
// the stage's sound as received and as heard. Registered when the stages chunk loads.
import type { LiveState } from '../../protocol/stage'
import { useLive, type PublishState } from './store'
import { liveProbe, liveViews, type Measure } from './view'
import type { WatchPhase } from './wire'

export interface StageHooks {
  live(): LiveState
  watch(): { phase: WatchPhase; why: string | null }
  publish(): PublishState & { preview: boolean }
  /** The live screen: drawn now, frames drawn and decoded, size, mean colour of the video. */
  video(): typeof liveProbe & { colour: { r: number; g: number; b: number } | null }
  /** The stage's sound: as it arrives, as heard here (after level and distance), or null. */
  audio(): { received: Measure; heard: Measure; running: boolean } | null
}

export const stageHooks: StageHooks = {
  live: () => ({ ...useLive.getState().live }),
  watch: () => ({ ...useLive.getState().watch }),
  publish: () => {
    const s = useLive.getState()
    return { ...s.publish, preview: s.preview !== null }
  },
  video: () => ({ ...liveProbe, colour: liveViews.current?.colour() ?? null }),
  audio: () => liveViews.current?.measure() ?? null,
}

export function registerStageHooks(): void {
  if (typeof window === 'undefined' || !window.__cq) return
  window.__cq.stage = stageHooks
}
