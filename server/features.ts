// The composition point of the server's features: the one place that plugs them into the rooms
// (server/rooms, the engine, never imports a feature; lint holds it to that). A new feature is a
// folder with its handler table and a line here.
import type { RoomFeature } from './rooms/handlers'
import { WorldRoom } from './rooms/WorldRoom'
import { eventHandlers } from './events/handlers'
import { stageHandlers } from './events/stageHandlers'
import { spacesHandlers } from './spaces/handlers'
import { spacesFeature } from './spaces/feature'
import type { SpaceService } from './spaces/service'
import { voiceHandlers } from './voice/handlers'
import { voiceFeature } from './voice/feature'
import type { MediaService } from './media/service'
import { builderHandlers } from './builder/handlers'
import { builderFeature } from './builder/feature'
import { builtInWorlds, ROOM_BUILDER_DEFAULTS } from './builder/room'
import type { BuilderStore } from './builder/store'
import type { ThumbnailSink } from './builder/thumbnailJobs'
import { tourHandlers } from './tours/handlers'
import { toursFeature } from './tours/feature'
import { giftHandlers } from './gifts/handlers'
import { giftsFeature } from './gifts/feature'
import type { GiftServices } from './gifts/room'
import { avatarHandlers, avatarsFeature, type LookStore } from './avatars/looks'
import type { AvatarStore } from './avatars/store'

/**
 * What world and event rooms host besides the engine. The event room is the events feature's
 * own room class (server/events/room.ts): it adds the event table itself.
 */
export function roomFeatures(
  spaces: () => SpaceService | null,
  voice: () => MediaService | null,
  builder: () => BuilderStore | null = () => null,
  scenesDir = 'scenes',
  thumbnails: () => ThumbnailSink | null = () => null,
  gifts: () => GiftServices | null = () => null,
  looks: () => LookStore | null = () => null,
  avatarFiles: () => AvatarStore | null = () => null,
): RoomFeature[] {
  return [
    spacesFeature(spaces),
    voiceFeature(voice),
    builderFeature(builder, {
      ...ROOM_BUILDER_DEFAULTS,
      builtInWorld: builtInWorlds(scenesDir),
      thumbnails,
    }),
    toursFeature(),
    giftsFeature(gifts),
    avatarsFeature(looks, avatarFiles),
  ]
}

/** Every handler table by owner: together they handle each registered message type once. */
export const handlerTables = {
  engine: WorldRoom.engine,
  spaces: spacesHandlers,
  events: eventHandlers,
  stage: stageHandlers,
  voice: voiceHandlers,
  builder: builderHandlers,
  tours: tourHandlers,
  gifts: giftHandlers,
  avatars: avatarHandlers,
}
