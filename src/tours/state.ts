// The tour a visitor is taking: which one, which stop they are heading for or standing at, the
// stops they have reached, and when each stop's staged scene started (seconds on the page's
// clock, performance.now() / 1000). Alone, a scene starts when the visitor arrives.
import { create } from 'zustand'
import type { Tour } from '../protocol/scene'
import type { TourGroup } from '../protocol/tours'

/** The store's functions (everything else is state). */
type Actions = {
  [K in keyof TourState]: TourState[K] extends (...args: never[]) => unknown ? K : never
}[keyof TourState]

export interface TourState {
  tour: Tour | null
  /** The stop being shown (heading for it, or standing at it). */
  stop: number
  /** Stops reached on this tour, by index. */
  reached: ReadonlySet<number>
  /** Whether the visitor is at the shown stop now. */
  here: boolean
  /** When the shown stop's staged scene started, page seconds; null before arrival. */
  sceneStart: number | null
  /** Every stop visited and the visitor said so: the panel congratulates. */
  done: boolean
  /** Group tours under way in the room, by guide (session id). */
  groups: ReadonlyMap<string, TourGroup>
  /** This visitor leads their tour as a group tour (the room tells everyone each stop). */
  leading: boolean
  /** The guide this visitor follows (their stop is the guide's); null: on their own. */
  following: string | null
  /** The followed guide ended the tour (shown until the visitor moves on). */
  guideGone: boolean
  /** Narration read aloud (the browser's speech synthesis) on arrival. */
  speak: boolean
  start(tour: Tour): void
  go(stop: number): void
  arrive(stop: number, at: number): void
  /** The room says when the shown stop's scene started (page seconds). */
  sceneFrom(at: number): void
  leave(): void
  setSpeak(on: boolean): void
  finish(): void
  end(): void
  setGroup(group: TourGroup): void
  clearGroups(): void
  lead(on: boolean): void
  /** Follows `guide`'s group tour (the tour and stop the room last said), or stops following. */
  follow(guide: string | null, tours?: readonly Tour[]): void
}

/** The page's clock in seconds, on which scene starts are kept (performance.now() / 1000). */
export const pageSeconds = () => performance.now() / 1000

/** `tour` at its first stop, nothing reached, nobody led or followed (null: no tour). */
function untaken(tour: Tour | null): Omit<TourState, 'speak' | 'groups' | Actions> {
  return {
    tour,
    stop: 0,
    reached: new Set<number>(),
    here: false,
    sceneStart: null,
    done: false,
    leading: false,
    following: null,
    guideGone: false,
  }
}

export const useTour = create<TourState>()((set, get) => ({
  ...untaken(null),
  speak: false,
  groups: new Map(),
  start: (tour) => set(untaken(tour)),
  go: (stop) => {
    const { tour } = get()
    if (!tour || stop < 0 || stop >= tour.stops.length) return
    set({ stop, here: false, sceneStart: null, guideGone: false })
  },
  arrive: (stop, at) => {
    const s = get()
    if (!s.tour || stop !== s.stop || s.here) return
    set({ here: true, sceneStart: at, reached: new Set([...s.reached, stop]) })
  },
  sceneFrom: (at) => {
    if (get().here) set({ sceneStart: at })
  },
  leave: () => set({ here: false }),
  setSpeak: (speak) => set({ speak }),
  finish: () => set({ done: true }),
  end: () => set(untaken(null)),
  setGroup: (group) => {
    const groups = new Map(get().groups)
    if (group.tour === null) groups.delete(group.guide)
    else groups.set(group.guide, group)
    set({ groups })
  },
  clearGroups: () => set({ groups: new Map() }),
  lead: (leading) => set({ leading, following: null }),
  follow: (guide, tours = []) => {
    if (guide === null) return set({ following: null })
    const group = get().groups.get(guide)
    const tour = group && tours.find((t) => t.id === group.tour)
    if (!group || !tour) return
    get().start(tour)
    set({ following: guide, stop: Math.min(group.stop, tour.stops.length - 1) })
  },
}))
