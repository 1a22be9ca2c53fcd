// Stages in the avatar's collision: the platform carries whoever may stand on it, the screen's
// frame and the pillars stop everyone, and while the visitor attends an event on a stage as
// audience, the stage's closed area stops them at its edge (the client's mirror of the server's
// rule, src/protocol/events.ts onStage). Pure; allocates nothing per query.
import type { Stage } from '../protocol/scene'
import type { WorldCollider } from '../world/collision'
import type { ColliderLayer } from '../world/extensions'
import { BoxCollider } from '../world/boxes'
import { layoutStage, stageClearArea, stageColliderBoxes, type StageStyle } from './layout'

/**
 * Which stages are closed to this visitor now, by id. Stage.tsx keeps it up to date from the
 * event store (audience in an event on that stage, and not standing inside the area already:
 * someone caught inside when the event starts can still walk out).
 */
export const stageGate = { closed: new Set<string>() }

/** The closed area reaches this high above the stage floor (m): a jump does not clear it. */
const GATE_HEIGHT = 6

interface Gate {
  id: string
  x0: number
  z0: number
  x1: number
  z1: number
  y0: number
  y1: number
}

export class StagesCollider implements WorldCollider {
  private readonly inner: WorldCollider
  private readonly gates: Gate[]

  constructor(inner: WorldCollider, stages: readonly Stage[], style: StageStyle) {
    const layouts = stages.map((s) => layoutStage(s, style))
    this.inner = new BoxCollider(inner, layouts.flatMap(stageColliderBoxes))
    this.gates = layouts.map((l) => ({
      id: l.stage.id,
      x0: l.stage.area[0],
      z0: l.stage.area[1],
      x1: l.stage.area[2],
      z1: l.stage.area[3],
      y0: l.stage.floorY - l.platformDepth - 2,
      y1: l.stage.floorY + GATE_HEIGHT,
    }))
  }

  get bounds() {
    return this.inner.bounds
  }

  groundAt(x: number, y: number, z: number, step: number): number {
    return this.inner.groundAt(x, y, z, step)
  }

  blocked(x: number, y: number, z: number, radius: number, height: number): boolean {
    if (stageGate.closed.size > 0) {
      for (const g of this.gates) {
        if (!stageGate.closed.has(g.id)) continue
        if (y >= g.y1 || y + height <= g.y0) continue
        const dx = Math.max(0, g.x0 - x, x - g.x1)
        const dz = Math.max(0, g.z0 - z, z - g.z1)
        if (dx * dx + dz * dz < radius * radius) return true
      }
    }
    return this.inner.blocked(x, y, z, radius, height)
  }

  waterAt(x: number, z: number): number {
    return this.inner.waterAt(x, z)
  }
}

/** The world's collider with the scene's stages added (itself when there are none). */
export function withStages(
  inner: WorldCollider,
  stages: readonly Stage[],
  style: StageStyle,
): WorldCollider {
  return stages.length === 0 ? inner : new StagesCollider(inner, stages, style)
}

/** Whether (x, z) is inside a stage's closed area. */
export function insideStage(stage: Stage, x: number, z: number): boolean {
  const [x0, z0, x1, z1] = stage.area
  return x >= x0 && x <= x1 && z >= z0 && z <= z1
}

/** Event stages as a layer of every world: platforms and frames collide, their ground is clear. */
export const stagesLayer: ColliderLayer = {
  collider: (inner, scene, style) => withStages(inner, scene.stages, style),
  clearAreas: (scene) => scene.stages.map(stageClearArea),
}
