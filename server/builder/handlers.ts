// The `build.*` messages: one handler each, run by the room's builder part (room.ts) in arrival
// order, after it checked that the world is a builder world and the seat may edit it.
import type { HandlerTable } from '../rooms/handlers'
import { linePatch, pastePatch, terrainPatch } from '../../src/world/voxel/sculpt'
import type { RoomBuilder } from './room'

export const builderHandlers: HandlerTable<RoomBuilder> = {
  'build.edit': (part, seat, p) =>
    part.run(seat, 'build.edit', () => part.edit(seat, p.ref, p.edit)),
  'build.prefab': (part, seat, p) =>
    part.run(seat, 'build.prefab', () => part.prefab(seat, p.ref, p.prefab, p.at, p.rotate)),
  'build.terrain': (part, seat, p) =>
    part.run(seat, 'build.terrain', () =>
      part.patch(seat, 'build.terrain', p.ref, (grid) =>
        terrainPatch(grid, p.op, p.at, p.radius, p.material),
      ),
    ),
  'build.line': (part, seat, p) =>
    part.run(seat, 'build.line', () =>
      part.patch(seat, 'build.line', p.ref, (grid) =>
        linePatch(grid, p.from, p.to, p.size, p.material),
      ),
    ),
  'build.paste': (part, seat, p) =>
    part.run(seat, 'build.paste', () =>
      part.patch(seat, 'build.paste', p.ref, (grid) =>
        pastePatch(grid, p.from, p.to, p.at, p.turn, p.mirror),
      ),
    ),
  'build.poi': (part, seat, p) =>
    part.run(seat, 'build.poi', () =>
      p.action === 'set' ? part.setPoi(seat, p) : part.removePoi(seat, p.id),
    ),
  'build.portal': (part, seat, p) =>
    part.run(seat, 'build.portal', () =>
      p.action === 'set' ? part.setPortal(seat, p) : part.removePortal(seat, p.id),
    ),
  'build.plot': (part, seat, p) =>
    part.run(seat, 'build.plot', () =>
      p.action === 'set' ? part.setPlot(seat, p) : part.removePlot(seat, p.id),
    ),
  'build.stage': (part, seat, p) =>
    part.run(seat, 'build.stage', () =>
      p.action === 'set' ? part.setStage(seat, p) : part.removeStage(seat, p.id),
    ),
  'build.colour': (part, seat, p) =>
    part.run(seat, 'build.colour', () => part.addColour(seat, p.colour)),
  'build.spawn': (part, seat, p) =>
    part.run(seat, 'build.spawn', () => part.setSpawn(seat, p.position, p.heading)),
  'build.undo': (part, seat) => part.run(seat, 'build.undo', () => part.undo(seat, false)),
  'build.redo': (part, seat) => part.run(seat, 'build.redo', () => part.undo(seat, true)),
  'build.save': (part, seat, p) =>
    part.run(seat, 'build.save', () => part.saveNow(seat, p.note ?? '')),
  'build.restore': (part, seat, p) =>
    part.run(seat, 'build.restore', () => part.restore(seat, p.version)),
}
