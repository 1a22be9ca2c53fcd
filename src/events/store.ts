// The live gathering the visitor attends, as the UI and the stage see it: the event, the
// visitor's role, the synced screen, attendance over every instance, announcements, reactions,
// raised hands and moderation notices. The network code (src/net/session.ts) fills it from the
// event room; the stage (src/events/) and the HUD read it. Human-speed state only: the cast's
// avatars move through src/net/remotes.ts like every other avatar, never through React state.
import { create } from 'zustand'
import {
  EMPTY_SCREEN,
  type Announcement,
  type EventInfo,
  type EventRole,
  type RaisedHand,
  type ReactionCounts,
  type ScreenState,
} from '../protocol/events'

/** How many announcements the HUD keeps (the newest last). */
export const ANNOUNCEMENTS_KEPT = 20

export interface EventState {
  /** The event whose room the visitor is in; null outside events. */
  event: EventInfo | null
  role: EventRole
  /** This instance's number (1-based) and how many instances the event has now. */
  instance: number
  instances: number
  /** People over all instances. */
  attendance: number
  screen: ScreenState
  /** Oldest first, at most ANNOUNCEMENTS_KEPT. */
  announcements: Announcement[]
  /** The latest aggregated reaction burst and when it arrived (performance.now()). */
  reactions: { counts: ReactionCounts; at: number } | null
  /** Hosts and moderators: every raised hand, oldest first. */
  hands: RaisedHand[]
  /** Hands raised in all (the list holds only the oldest few). */
  handsTotal: number
  /** Whether this visitor's hand is up. */
  handUp: boolean
  /** The host called on this visitor (performance.now() of the call), and who. */
  called: { by: string; at: number } | null
  /** Chat refused until this time (ms since the epoch); 0 when not muted. */
  mutedUntil: number
  /** Why the visitor left the event, when the server removed them (kicked, banned, ended). */
  removed: 'kicked' | 'banned' | 'ended' | null
  set: (patch: Partial<Omit<EventState, 'set' | 'announce' | 'reset'>>) => void
  /** Adds an announcement (ignores one already held, by seq). */
  announce: (a: Announcement) => void
  reset: () => void
}

const INITIAL = {
  event: null,
  role: 'audience' as EventRole,
  instance: 0,
  instances: 0,
  attendance: 0,
  screen: EMPTY_SCREEN,
  announcements: [],
  reactions: null,
  hands: [],
  handsTotal: 0,
  handUp: false,
  called: null,
  mutedUntil: 0,
  removed: null,
} satisfies Partial<EventState>

export const useEvent = create<EventState>()((set) => ({
  ...INITIAL,
  set: (patch) => set(patch),
  announce: (a) =>
    set((s) => {
      if (s.announcements.some((x) => x.seq === a.seq)) return s
      const list = [...s.announcements, a].sort((x, y) => x.seq - y.seq)
      return { announcements: list.slice(-ANNOUNCEMENTS_KEPT) }
    }),
  reset: () => set(INITIAL),
}))
