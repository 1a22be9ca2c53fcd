// Replicated state of a world instance (the interfaces in src/protocol/state.ts), kept compact: the schema encoder sends only changed
// fields, and positions travel as int16 (see the encoding helpers in src/protocol/messages.ts).
//
// `players` (name and look) goes to everyone in the instance: the people list needs it.
// Poses are not state: each visitor gets binary frames of the avatars near it
// (src/protocol/poseFrame.ts, server/rooms/WorldRoom.ts), so bytes per visitor stay flat as
// rooms grow.
import { ArraySchema, Encoder, MapSchema, Schema, type } from '@colyseus/schema'
import type * as Wire from '../../src/protocol/state'
import type { VoiceSeatState } from '../../src/protocol/voice'

// @colyseus/schema 3.0.76 encodes into an 8 KB buffer by default. A patch or full state that
// outgrows it is re-encoded into a larger buffer that the per-client (StateView) paths ignore,
// so clients get truncated state: a room of a few dozen people already passes 8 KB. 1 MB per
// room holds a full instance with room to spare (server/rooms/bigRoom.test.ts checks it).
Encoder.BUFFER_SIZE = 1024 * 1024

export class Player extends Schema implements Wire.PlayerState {
  @type('string') name = ''
  /** Avatar colour, 0xrrggbb. */
  @type('uint32') color = 0
  /** The avatar's number in pose frames (unique in the instance while the player is in it). */
  @type('uint16') n = 0
  /** What the figure wears: encodeLook JSON, '' for the colour alone. */
  @type('string') look = ''
}

/** A placed collectible as every visitor sees it (details and proof come from the API). */
export class ExhibitState extends Schema implements Wire.ExhibitState {
  @type('number') chainId = 0
  @type('string') contract = ''
  @type('string') tokenId = ''
  @type('string') standard = ''
  /** The slot it stands in; '' for free placement at x, y, z. */
  @type('string') slot = ''
  @type('float32') x = 0
  @type('float32') y = 0
  @type('float32') z = 0
  @type('float32') rotY = 0
  @type('float32') scale = 1
  @type('string') title = ''
  @type('string') issuer = ''
  /** The wallet that placed it (and must keep owning it). */
  @type('string') addedBy = ''
  /** Why it is hidden after a failed ownership check; '' when shown. */
  @type('string') hidden = ''
}

/** A claimed creator space (free spaces are absent). */
export class SpaceState extends Schema implements Wire.SpaceState {
  @type('string') owner = ''
  @type(['string']) collaborators = new ArraySchema<string>()
  @type('uint32') version = 0
  @type('string') mode = 'gallery'
  @type({ map: ExhibitState }) exhibits = new MapSchema<ExhibitState>()
}

/** A visitor in voice (keyed by session id): their feed on the media server, and the mute mark. */
export class VoiceSeat extends Schema implements VoiceSeatState {
  @type('uint32') feed = 0
  @type('boolean') muted = false
}

export class WorldState extends Schema implements Wire.WorldRoomState {
  @type('string') world = ''
  /** 1-based number of this instance among the world's instances. */
  @type('uint16') instance = 0
  @type('uint16') capacity = 0
  @type({ map: Player }) players = new MapSchema<Player>()
  @type({ map: SpaceState }) spaces = new MapSchema<SpaceState>()
  /** Who is in voice, by session id (server/voice). */
  @type({ map: VoiceSeat }) voice = new MapSchema<VoiceSeat>()
}
