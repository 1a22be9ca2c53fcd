// The `build.*` messages. Each is handed to the room's builder part (room.ts), which runs it in
// arrival order after checking that the world is a builder world and the seat may edit it, in
// the instance that takes the world's edits: another instance of the world forwards it there.
// `builderOps` is what each message does once it runs.
import type { HandlerTable } from '../rooms/handlers'
import type { ClientMessage } from '../../src/protocol/messages'
import { linePatch, pastePatch, terrainPatch } from '../../src/world/voxel/sculpt'
import type { BuildMessageType, Builder, RoomBuilder } from './room'

type Op<T extends BuildMessageType> = (
  part: RoomBuilder,
  who: Builder,
  p: ClientMessage<T>,
) => Promise<void> | void

export const builderOps: { readonly [T in BuildMessageType]: Op<T> } = {
  'build.edit': (part, who, p) => part.edit(who, p.ref, p.edit),
  'build.prefab': (part, who, p) => part.prefab(who, p.ref, p.prefab, p.at, p.rotate),
  'build.terrain': (part, who, p) =>
    part.patch(who, 'build.terrain', p.ref, (grid) =>
      terrainPatch(grid, p.op, p.at, p.radius, p.material),
    ),
  'build.line': (part, who, p) =>
    part.patch(who, 'build.line', p.ref, (grid) =>
      linePatch(grid, p.from, p.to, p.size, p.material),
    ),
  'build.paste': (part, who, p) =>
    part.patch(who, 'build.paste', p.ref, (grid) =>
      pastePatch(grid, p.from, p.to, p.at, p.turn, p.mirror),
    ),
  'build.poi': (part, who, p) =>
    p.action === 'set' ? part.setPoi(who, p) : part.removePoi(who, p.id),
  'build.portal': (part, who, p) =>
    p.action === 'set' ? part.setPortal(who, p) : part.removePortal(who, p.id),
  'build.plot': (part, who, p) =>
    p.action === 'set' ? part.setPlot(who, p) : part.removePlot(who, p.id),
  'build.stage': (part, who, p) =>
    p.action === 'set' ? part.setStage(who, p) : part.removeStage(who, p.id),
  'build.colour': (part, who, p) => part.addColour(who, p.colour),
  'build.spawn': (part, who, p) => part.setSpawn(who, p.position, p.heading),
  'build.undo': (part, who) => part.undo(who, false),
  'build.redo': (part, who) => part.undo(who, true),
  'build.save': (part, who, p) => part.saveNow(who, p.note ?? ''),
  'build.restore': (part, who, p) => part.restore(who, p.version),
}

export const builderHandlers: HandlerTable<RoomBuilder> = Object.fromEntries(
  (Object.keys(builderOps) as BuildMessageType[]).map((type) => [
    type,
    (part: RoomBuilder, seat: Builder, p: unknown) => part.run(seat, type, p),
  ]),
)
