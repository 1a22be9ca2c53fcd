// Tours on a world session. Arriving at a stop with a staged scene is told to the room
// (`tour.arrive`), and the room's `tour.scene` sets when the scene started, so everyone at the
// stop sees the same moment. A guide's stops go to the room (`tour.lead`); the room's group
// tours (`tour.group`) fill the list a visitor may follow, and a follower's stop is the guide's.
// Without a room (exploring alone, `?solo=1`, or offline) scenes start at the visitor's own
// arrival and nobody leads. Loaded with the network code.
import type { BindSession, RoomLink } from '../net/featureBinding'
import { useWorld } from '../state/world'
import { clock, serverNow } from '../net/clock'
import { pageSeconds, useTour, type TourState } from './state'

export const bind: BindSession = () => {
  let unsubscribe: (() => void) | null = null

  /** Tells the room of an arrival at a stop with a staged scene. */
  const arrive = (room: RoomLink, s: TourState) => {
    const stop = s.tour?.stops[s.stop]
    if (!s.tour || !stop?.scene || !s.here || !room.isOpen()) return
    room.send('tour.arrive', { tour: s.tour.id, stop: stop.id })
  }

  /** A guide's group is where the guide's tour is (or over). */
  const lead = (room: RoomLink, s: TourState) => {
    if (!room.isOpen()) return
    room.send(
      'tour.lead',
      s.leading && s.tour ? { tour: s.tour.id, stop: s.stop } : { tour: null, stop: 0 },
    )
  }

  const stopWatching = () => {
    unsubscribe?.()
    unsubscribe = null
  }

  return {
    joined(room) {
      useTour.getState().clearGroups()
      room.onMessage('tour.scene', (m) => {
        const s = useTour.getState()
        const stop = s.tour?.stops[s.stop]
        if (s.tour?.id !== m.tour || stop?.id !== m.stop) return
        // With the server's clock a late message still lands on the scene's moment; without it
        // (the first pongs not in yet), how far the server said it had got when it sent this.
        const elapsed = clock.synced ? serverNow() - m.startedAt : m.elapsed
        s.sceneFrom(pageSeconds() - elapsed / 1000)
      })
      room.onMessage('tour.group', (group) => {
        const s = useTour.getState()
        s.setGroup(group)
        if (s.following !== group.guide || group.guide === room.sessionId) return
        if (group.tour === null) {
          useTour.setState({ following: null, guideGone: true })
        } else if (group.tour !== s.tour?.id) {
          s.follow(group.guide, useWorld.getState().scene?.tours ?? [])
        } else if (group.stop !== s.stop) {
          s.go(group.stop)
        }
      })
      stopWatching()
      unsubscribe = useTour.subscribe((s, before) => {
        const moved = s.stop !== before.stop || s.tour !== before.tour
        if (s.here && (!before.here || moved)) arrive(room, s)
        if (s.leading !== before.leading || (s.leading && moved) || (before.leading && !s.tour))
          lead(room, s)
      })
      // After a reconnection: the room may have started the stop's scene meanwhile, and a
      // guide's group is announced again (the room ended it when the seat went).
      const s = useTour.getState()
      arrive(room, s)
      if (s.leading) lead(room, s)
    },
    roomLeft: stopWatching,
    leave() {
      stopWatching()
      useTour.getState().clearGroups()
    },
  }
}
