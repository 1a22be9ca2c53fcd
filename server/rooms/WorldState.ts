// Replicated state of a world instance, kept compact: the schema encoder sends only changed
// fields, and positions travel as int16 (see the encoding helpers in src/protocol/messages.ts).
//
// `players` (name and look) goes to everyone in the instance: the people list needs it.
// Poses are not state: each visitor gets binary frames of the avatars near it
// (src/protocol/poseFrame.ts, server/rooms/WorldRoom.ts), so bytes per visitor stay flat as
// rooms grow.
import { Encoder, MapSchema, Schema, type } from '@colyseus/schema'

// @colyseus/schema 3.0.76 encodes into an 8 KB buffer by default. A patch or full state that
// outgrows it is re-encoded into a larger buffer that the per-client (StateView) paths ignore,
// so clients get truncated state: a room of a few dozen people already passes 8 KB. 1 MB per
// room holds a full instance with room to spare (server/rooms/bigRoom.test.ts checks it).
Encoder.BUFFER_SIZE = 1024 * 1024

export class Player extends Schema {
  @type('string') name = ''
  /** Avatar colour, 0xrrggbb. */
  @type('uint32') color = 0
  /** The avatar's number in pose frames (unique in the instance while the player is in it). */
  @type('uint16') n = 0
}

export class WorldState extends Schema {
  @type('string') world = ''
  /** 1-based number of this instance among the world's instances. */
  @type('uint16') instance = 0
  @type('uint16') capacity = 0
  @type({ map: Player }) players = new MapSchema<Player>()
}
