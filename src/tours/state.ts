// The tour a visitor is taking: which one, which stop they are heading for or standing at, the
// stops they have reached, and when each stop's staged scene started (seconds on the page's
// clock, performance.now() / 1000). Alone, a scene starts when the visitor arrives.
import { create } from 'zustand'
import type { Tour } from '../protocol/scene'

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
}

export const useTour = create<TourState>()((set, get) => ({
  tour: null,
  stop: 0,
  reached: new Set(),
  here: false,
  sceneStart: null,
  done: false,
  speak: false,
  start: (tour) =>
    set({ tour, stop: 0, reached: new Set(), here: false, sceneStart: null, done: false }),
  go: (stop) => {
    const { tour } = get()
    if (!tour || stop < 0 || stop >= tour.stops.length) return
    set({ stop, here: false, sceneStart: null })
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
  end: () =>
    set({ tour: null, stop: 0, reached: new Set(), here: false, sceneStart: null, done: false }),
}))
