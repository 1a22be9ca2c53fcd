// The spaces feature as the rooms see it: its part of a room (room.ts) with its handler table
// (handlers.ts), plugged in at the composition point (server/features.ts).
import type { Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import { spacesHandlers } from './handlers'
import { RoomSpaces } from './room'
import type { SpaceService } from './service'

/** The spaces feature; `service` is null while the chain or the database is still starting. */
export function spacesFeature(service: () => SpaceService | null): RoomFeature {
  return {
    name: 'spaces',
    async attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomSpaces(host, service)
      handlers.add('spaces', part, spacesHandlers)
      await part.start()
      return part
    },
  }
}
