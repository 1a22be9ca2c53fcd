// The `space.*` messages: one handler each, run by the room's spaces part (room.ts), which checks
// the seat and the space and commits through the space service.
import type { ClientMessage } from '../../src/protocol/messages'
import { background } from '../background'
import type { Handler, HandlerTable } from '../rooms/handlers'
import type { RoomSpaces, SpaceEdit, SpaceMessageType } from './room'

type Commit<T extends SpaceMessageType> = (
  e: SpaceEdit,
  p: ClientMessage<T>,
) => Promise<{ version: number; id?: string }>

/** A layout edit: committed, then the space is reloaded here and `space.ok` sent. */
function edit<T extends SpaceMessageType>(type: T, commit: Commit<T>): Handler<RoomSpaces, T> {
  return (part, seat, p) =>
    background(
      part.edit(seat, type, p.space, (e) => commit(e, p)),
      '[spaces] edit',
    )
}

export const spacesHandlers: HandlerTable<RoomSpaces> = {
  'space.claim': edit('space.claim', (e) => e.spaces.claim(e.world, e.scene, e.by)),
  'space.release': edit('space.release', (e) => e.spaces.release(e.world, e.scene, e.by)),
  'space.place': edit('space.place', (e, p) =>
    e.spaces.place(e.world, e.scene, e.by, p.base, p.token, p.placement),
  ),
  'space.move': edit('space.move', (e, p) =>
    e.spaces.move(e.world, e.scene, e.by, p.base, p.id, p.placement),
  ),
  'space.remove': edit('space.remove', (e, p) =>
    e.spaces.remove(e.world, e.scene, e.by, p.base, p.id),
  ),
  'space.restore': edit('space.restore', (e, p) =>
    e.spaces.restore(e.world, e.scene, e.by, p.version),
  ),
  'space.collaborator': edit('space.collaborator', (e, p) =>
    e.spaces.collaborator(e.world, e.scene, e.by, p.address, p.add),
  ),
  'space.mode': edit('space.mode', (e, p) => e.spaces.mode(e.world, e.scene, e.by, p.mode)),
  // Reads only: nothing to reload.
  'space.history': (part, seat, p) =>
    background(
      part.edit(seat, 'space.history', p.space, (e) => e.spaces.history(e.scene, e.by), false),
      '[spaces] edit',
    ),
}
