// Replicated state of a world room. Kept compact: the schema encoder sends only changed fields.
import { MapSchema, Schema, type } from '@colyseus/schema'

export class Player extends Schema {
  @type('string') name = ''
}

export class WorldState extends Schema {
  @type('string') world = ''
  @type({ map: Player }) players = new MapSchema<Player>()
}
