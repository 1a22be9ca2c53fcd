// The staged scene's actors as last drawn: scene time and each actor's place and line (read by
// the end-to-end tests through window.__cq.tour; written by TourScene every frame it draws them).
export interface ActorSeen {
  id: string
  x: number
  z: number
  line: string | null
}

export const actorPoses = {
  t: 0,
  /** When that frame was drawn, ms since the epoch: pages on one machine compare moments by it. */
  at: 0,
  actors: [] as ActorSeen[],
  read() {
    return { t: this.t, at: this.at, actors: this.actors.map((a) => ({ ...a })) }
  },
}
