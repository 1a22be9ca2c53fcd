// Replicated state of a world instance, kept compact: the schema encoder sends only changed
// fields, and positions travel as int16 (see the encoding helpers in src/protocol/messages.ts).
//
// `players` (name and look) goes to everyone in the instance: the people list needs it.
// `poses` is filtered per visitor with a StateView: each one receives only the poses of the
// avatars near it (server/rooms/interest.ts), so bytes per visitor stay flat as rooms grow.
import { Encoder, MapSchema, Schema, type, view } from '@colyseus/schema'

// @colyseus/schema 3.0.76 encodes into an 8 KB buffer by default. A patch or full state that
// outgrows it is re-encoded into a larger buffer that the per-client (StateView) paths ignore,
// so clients get truncated state: a room of a few dozen people already passes 8 KB. 1 MB per
// room holds a full instance with room to spare (server/rooms/bigRoom.test.ts checks it).
Encoder.BUFFER_SIZE = 1024 * 1024

export class Player extends Schema {
  @type('string') name = ''
  /** Avatar colour, 0xrrggbb. */
  @type('uint32') color = 0
}

export class Pose extends Schema {
  /** Position in 1/16 m. */
  @type('int16') x = 0
  @type('int16') y = 0
  @type('int16') z = 0
  /** Heading in 1/256 turn. */
  @type('uint8') h = 0
  /** Index into ANIMS. */
  @type('uint8') a = 0
}

export class WorldState extends Schema {
  @type('string') world = ''
  /** 1-based number of this instance among the world's instances. */
  @type('uint16') instance = 0
  @type('uint16') capacity = 0
  @type({ map: Player }) players = new MapSchema<Player>()
  @view() @type({ map: Pose }) poses = new MapSchema<Pose>()
}
