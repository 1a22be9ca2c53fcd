// The tours feature as the rooms see it: its part of a room (room.ts) with its handler table
// (handlers.ts), plugged into world rooms at the composition point (server/features.ts).
import type { Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import { tourHandlers } from './handlers'
import { RoomTours } from './room'

export function toursFeature(): RoomFeature {
  return {
    name: 'tours',
    attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomTours(host)
      handlers.add('tours', part, tourHandlers)
      return part.start().then(() => part)
    },
  }
}
