// Replicated state of an event instance: the world's state (players, spaces) plus `event`, the
// fields of WireEventState (src/protocol/events.ts). The screen and the latest announcement are
// JSON strings so that a change arrives whole in one patch.
import { MapSchema, Schema, type } from '@colyseus/schema'
import { EMPTY_SCREEN } from '../../src/protocol/events'
import { EMPTY_LIVE } from '../../src/protocol/stage'
import type * as Wire from '../../src/protocol/state'
import { WorldState } from '../rooms/WorldState'

/** The host or a performer standing in another instance (WireCastMember). */
export class CastMember extends Schema implements Wire.CastMemberState {
  @type('string') name = ''
  @type('uint32') color = 0
  @type('string') role = ''
  @type('uint16') instance = 0
  @type('float32') x = 0
  @type('float32') y = 0
  @type('float32') z = 0
  @type('float32') h = 0
  @type('string') a = 'idle'
}

export class EventSchema extends Schema implements Wire.EventPartState {
  @type('string') id = ''
  @type('string') status = 'upcoming'
  @type('string') screen = JSON.stringify(EMPTY_SCREEN)
  @type('uint32') attendance = 0
  @type('uint16') instances = 0
  @type('string') announcement = ''
  /** By address: the cast members who stand in other instances. */
  @type({ map: CastMember }) cast = new MapSchema<CastMember>()
  /** JSON of LiveState: the live stage, the same in every instance. */
  @type('string') live = JSON.stringify(EMPTY_LIVE)
}

export class EventRoomState extends WorldState implements Wire.EventRoomState {
  @type(EventSchema) event = new EventSchema()
}
