// What the end-to-end tests read of the tour being taken (window.__cq.tour).
import { useTour } from './state'
import { actorPoses } from './actors'

export interface TourHooks {
  state(): { tour: string | null; stop: number; here: boolean; reached: number[]; done: boolean }
  /**
   * The staged scene's actors as last drawn: scene time, when that frame was drawn (ms since
   * the epoch), and each actor's place and line.
   */
  actors(): {
    t: number
    at: number
    actors: { id: string; x: number; z: number; line: string | null }[]
  }
}

if (typeof window !== 'undefined') {
  const hooks: TourHooks = {
    state: () => {
      const s = useTour.getState()
      return {
        tour: s.tour?.id ?? null,
        stop: s.stop,
        here: s.here,
        reached: [...s.reached].sort((a, b) => a - b),
        done: s.done,
      }
    },
    actors: () => actorPoses.read(),
  }
  window.__cq = { ...window.__cq, tour: hooks } as typeof window.__cq
}
