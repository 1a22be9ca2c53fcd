// `window.__cq.voice` (see src/app/frameStats.ts for the rest of `__cq`): what voice holds and
// what the visitor hears, for end-to-end tests and developers. Small: it rides in the first
// bundle with the HUD button; the measurements come from the media chunk once it is loaded.
import { voiceLive, type Measure } from './frame'
import { useVoice } from './store'

export interface VoiceHooks {
  /** The store's status: off, idle, joining, live or error. */
  state(): string
  /** Session ids received now. */
  subscribed(): string[]
  /** What the visitor hears from that avatar (after its gain and panner), or null. */
  heard(sessionId: string): Measure | null
  /** The master output. */
  mix(): Measure
}

export const voiceHooks: VoiceHooks = {
  state: () => useVoice.getState().status,
  subscribed: () => [...useVoice.getState().subscribed],
  heard: (sessionId) =>
    typeof sessionId === 'string' ? (voiceLive.engine?.heard(sessionId) ?? null) : null,
  mix: () => voiceLive.engine?.mix() ?? { rms: 0, peakHz: 0 },
}

if (typeof window !== 'undefined') {
  const w = window as unknown as { __cq?: Record<string, unknown> }
  w.__cq = { ...w.__cq, voice: voiceHooks }
}
