// The gifts feature as the rooms see it: its part of a room (room.ts) with its handler table
// (handlers.ts), plugged in at the composition point (server/features.ts).
import type { Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import { giftHandlers } from './handlers'
import { RoomGifts, type GiftServices } from './room'

/** `services` is null while the chain is starting (offers are refused with why). */
export function giftsFeature(services: () => GiftServices | null): RoomFeature {
  return {
    name: 'gifts',
    attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomGifts(host, services)
      handlers.add('gifts', part, giftHandlers)
      part.start()
      return Promise.resolve(part)
    },
  }
}
