// `window.__cq.event` (see src/app/frameStats.ts; the events UI's own is `__cq.events`): lets end-to-end tests and developers read what
// the stage screen does and how the clock stands, and put a screen state into the event store
// without a server (a preview of a stage). Registered when the stages chunk loads.
import {
  EventId,
  ScreenState,
  screenPosition,
  type EventInfo,
  type ReactionCounts,
} from '../protocol/events'
import { useEvent } from './store'
import { useWorld } from '../state/world'
import { clock, serverNow } from '../net/clock'
import { reactionsProbe } from './Reactions'
import { activeVideo, screenProbe } from './videoDriver'
import { registerStageHooks } from './live/hooks'

export interface EventHooks {
  /** The stage screen now: media time (s), paused, where it should be, drift (s), readyState. */
  screen: () => typeof screenProbe & { position: number | undefined }
  /** The clock estimate: offset (ms, server − local), best round trip (ms), samples. */
  clock: () => { offset: number; rtt: number; samples: number }
  /** Server time now (ms), by the clock estimate. */
  serverNow: () => number
  /**
   * Puts a screen state in the store. Without an event in the store, a local preview event on
   * `stage` (default: the world's first stage) is made up so the stage shows it.
   */
  inject: (screen: unknown, stage?: string) => void
  /** Sends an aggregated reaction burst to the stage, as the room would. */
  react: (counts: Partial<ReactionCounts>) => void
  /** Reaction particles alive and bursts shown. */
  reactions: () => { live: number; bursts: number }
}

const PREVIEW_ID = EventId.parse('localpreview')

function previewEvent(stage: string): EventInfo {
  const world = useWorld.getState().scene?.id ?? ''
  const now = Date.now()
  return {
    id: PREVIEW_ID,
    title: { 'zh-CN': '预览', en: 'Preview' },
    description: { 'zh-CN': '', en: '' },
    world,
    stage,
    startsAt: now,
    endsAt: now + 3600_000,
    capacity: 100,
    host: '0x0000000000000000000000000000000000000000',
    performers: [],
    moderators: [],
    status: 'live',
    attendance: 1,
    createdAt: now,
  }
}

export const eventHooks: EventHooks = {
  // Read live from the element (the probe is as old as the last frame, which on a slow
  // renderer is long). `position`: the video's own position (what e2e/events.spec.ts reads).
  screen: () => {
    const v = activeVideo
    if (!v) return { ...screenProbe, position: undefined }
    const state = useEvent.getState().screen
    const end = Number.isFinite(v.duration) ? Math.max(0, v.duration - 0.05) : Infinity
    const expected = Math.min(screenPosition(state, serverNow()), end)
    const mediaTime = v.currentTime
    return {
      ...screenProbe,
      mediaTime,
      paused: v.paused,
      readyState: v.readyState,
      expected,
      drift: mediaTime - expected,
      position: mediaTime,
    }
  },
  clock: () => clock.snapshot(),
  serverNow,
  inject: (screen, stage) => {
    const parsed = ScreenState.parse(screen)
    const s = useEvent.getState()
    const scene = useWorld.getState().scene
    const stageId = stage ?? s.event?.stage ?? scene?.stages[0]?.id
    if (!stageId) throw new Error('this world has no stage')
    if (!s.event || s.event.id === PREVIEW_ID || stage)
      s.preview({ ...(s.event ?? previewEvent(stageId)), stage: stageId }, parsed)
    else s.setScreen(parsed)
  },
  react: (counts) => {
    useEvent.getState().reacted({ applause: 0, hearts: 0, fireworks: 0, ...counts })
  },
  reactions: () => ({ ...reactionsProbe }),
}

export function registerEventHooks(): void {
  if (typeof window === 'undefined' || !window.__cq) return
  window.__cq.event = eventHooks
  registerStageHooks()
}
