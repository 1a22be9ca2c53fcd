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
  actors: [] as ActorSeen[],
  read() {
    return { t: this.t, actors: this.actors.map((a) => ({ ...a })) }
  },
}
