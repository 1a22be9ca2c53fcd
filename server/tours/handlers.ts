// The `tour.*` messages, run by the room's tours part (room.ts).
import type { HandlerTable } from '../rooms/handlers'
import type { RoomTours } from './room'

export const tourHandlers: HandlerTable<RoomTours> = {
  'tour.arrive': (part, seat, p) => part.arrive(seat, p.tour, p.stop),
  'tour.lead': (part, seat, p) => part.lead(seat, p.tour, p.stop),
}
