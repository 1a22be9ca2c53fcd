// The voice feature as the rooms see it: its part of a room (room.ts) with its handler table
// (handlers.ts), plugged into world and event rooms at the composition point (server/features.ts).
import type { Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import { voiceHandlers } from './handlers'
import { RoomVoice } from './room'
import type { MediaService } from '../media/service'

/** The voice feature; `service` is null when this server runs without one (tests). */
export function voiceFeature(service: () => MediaService | null): RoomFeature {
  return {
    name: 'voice',
    attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomVoice(host, service)
      handlers.add('voice', part, voiceHandlers)
      part.start()
      return Promise.resolve(part)
    },
  }
}
