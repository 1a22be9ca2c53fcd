// The live stage as the UI and the stage screen see it: the event's `live` state, this visitor's
// watching (phase and why) and publishing (phase, what, why), and the media streams (the one
// received from the stage, the publisher's own preview). Human-speed state only; filled by the
// stage's session part (./session.ts), read by the host panel, the HUD, the screen and hooks.
import { create } from 'zustand'
import { EMPTY_LIVE, type LiveState, type LiveVideo } from '../../protocol/stage'
import type { WatchPhase } from './wire'

export type PublishPhase = 'off' | 'asking' | 'connecting' | 'live' | 'failed'

export interface PublishState {
  phase: PublishPhase
  audio: boolean
  video: LiveVideo
  /** Why it failed or ended (a string key of ./strings or the server's words), or null. */
  why: string | null
  /** Date.now() when the media server took the media (the "On air" timer's start). */
  since: number
}

export const PUBLISH_OFF: PublishState = {
  phase: 'off',
  audio: false,
  video: 'none',
  why: null,
  since: 0,
}

export interface LiveStore {
  live: LiveState
  watch: { phase: WatchPhase; why: string | null }
  publish: PublishState
  /** What arrives from the stage (audio and/or video tracks), while watching. */
  feed: MediaStream | null
  /** The publisher's own capture, for its preview. */
  preview: MediaStream | null
  setLive: (live: LiveState) => void
  setWatch: (phase: WatchPhase, why: string | null) => void
  setPublish: (p: Partial<PublishState>) => void
  setFeed: (feed: MediaStream | null) => void
  setPreview: (preview: MediaStream | null) => void
  /** The session left the event: everything goes. */
  reset: () => void
}

export const useLive = create<LiveStore>()((set) => ({
  live: EMPTY_LIVE,
  watch: { phase: 'off', why: null },
  publish: PUBLISH_OFF,
  feed: null,
  preview: null,
  setLive: (live) => set({ live }),
  setWatch: (phase, why) =>
    set((s) => (s.watch.phase === phase && s.watch.why === why ? s : { watch: { phase, why } })),
  setPublish: (p) => set((s) => ({ publish: { ...s.publish, ...p } })),
  setFeed: (feed) => set({ feed }),
  setPreview: (preview) => set({ preview }),
  reset: () =>
    set({
      live: EMPTY_LIVE,
      watch: { phase: 'off', why: null },
      publish: PUBLISH_OFF,
      feed: null,
      preview: null,
    }),
}))

/** Whether this visitor is (about to be) on air: it does not watch itself. */
export const isPublishing = (p: PublishState) =>
  p.phase === 'asking' || p.phase === 'connecting' || p.phase === 'live'
