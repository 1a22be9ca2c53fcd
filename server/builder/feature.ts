// The builder feature as the rooms see it: its part of a room (room.ts) with its handler table
// (handlers.ts), plugged in at the composition point (server/features.ts). In a world that is
// not a builder world the part holds nothing and refuses `build.*`.
import type { Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import { builderHandlers } from './handlers'
import { RoomBuilder, ROOM_BUILDER_DEFAULTS, type RoomBuilderOptions } from './room'
import type { BuilderStore } from './store'

/** The builder feature; `store` is null while the database is still starting. */
export function builderFeature(
  store: () => BuilderStore | null,
  opts: RoomBuilderOptions = ROOM_BUILDER_DEFAULTS,
): RoomFeature {
  return {
    name: 'builder',
    async attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomBuilder(host, store, opts)
      handlers.add('builder', part, builderHandlers)
      await part.start()
      return part
    },
  }
}
