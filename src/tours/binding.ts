// Tours on a world session: arriving at a stop with a staged scene is told to the room
// (`tour.arrive`), and the room's `tour.scene` sets when the scene started, so everyone at the
// stop sees the same moment. Without a room (exploring alone, `?solo=1`, or offline) the scene
// starts at the visitor's own arrival (src/tours/state.ts). Loaded with the network code.
import type { BindSession, RoomLink } from '../net/featureBinding'
import { useTour } from './state'

const now = () => performance.now() / 1000

export const bind: BindSession = () => {
  let unsubscribe: (() => void) | null = null

  /** Tells the room of an arrival at a stop with a staged scene. */
  const tell = (room: RoomLink) => {
    const s = useTour.getState()
    const stop = s.tour?.stops[s.stop]
    if (!s.tour || !stop?.scene || !s.here || !room.isOpen()) return
    room.send('tour.arrive', { tour: s.tour.id, stop: stop.id })
  }

  return {
    joined(room) {
      room.onMessage('tour.scene', (m) => {
        const s = useTour.getState()
        const stop = s.tour?.stops[s.stop]
        if (s.tour?.id !== m.tour || stop?.id !== m.stop) return
        s.sceneFrom(now() - m.elapsed / 1000)
      })
      unsubscribe?.()
      unsubscribe = useTour.subscribe((s, before) => {
        if (s.here && (!before.here || s.stop !== before.stop || s.tour !== before.tour)) tell(room)
      })
      // Already standing at a stop (a reconnection): the room may have started it meanwhile.
      tell(room)
    },
    roomLeft() {
      unsubscribe?.()
      unsubscribe = null
    },
    leave() {
      unsubscribe?.()
      unsubscribe = null
    },
  }
}
