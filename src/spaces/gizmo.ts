// The free-placement editor's moves as pure math (no three, no React): where a new exhibit
// starts, how a slotted one becomes free, and what each drag, key and button does. Every result
// goes through clampFree, so the editor only ever proposes what the server accepts.
import {
  GRID_STEP,
  ROT_STEP,
  clampFree,
  type FreeBounds,
  type FreePlacement,
} from '../protocol/spaces'
import { STYLES, facing, type FrameSpot, type SpaceStyle } from './layout'

/** How far in front of the visitor a new exhibit starts, metres. */
export const START_DISTANCE = 4
/** Size of a new exhibit's frame, metres. */
export const START_SCALE = 1
/** A slotted wall frame becomes free this far in front of its wall. */
const WALL_CLEARANCE = 0.5

/**
 * A new exhibit: a few metres ahead of the visitor (heading 0 looks towards -z), turned to face
 * them, standing on the floor; held inside the space when the visitor is outside it.
 */
export function startInFront(
  bounds: FreeBounds,
  visitor: { x: number; z: number; heading: number },
): FreePlacement {
  const x = visitor.x - Math.sin(visitor.heading) * START_DISTANCE
  const z = visitor.z - Math.cos(visitor.heading) * START_DISTANCE
  const p = clampFree(bounds, { kind: 'free', x, y: bounds.floorY, z, rotY: 0, scale: START_SCALE })
  const dx = visitor.x - p.x
  const dz = visitor.z - p.z
  // Face the visitor (facing(rotY) points from the frame to them); straight back when too close.
  const rotY = Math.hypot(dx, dz) > 0.5 ? Math.atan2(dx, dz) : visitor.heading
  return clampFree(bounds, { ...p, rotY })
}

/** An exhibit's current spot as a free placement: a wall frame steps out of its wall. */
export function freeFromSpot(
  bounds: FreeBounds,
  spot: FrameSpot,
  style: SpaceStyle,
): FreePlacement {
  const spec = STYLES[style]
  const [nx, nz] = facing(spot.rotY)
  const out = spot.mount === 'wall' ? WALL_CLEARANCE : 0
  // The foot under a standing frame whose picture is centred where this one's is.
  const base =
    spot.mount === 'wall'
      ? spot.center[1] - spot.size / 2 - spec.frameBorder - spec.standLift
      : spot.base
  return clampFree(bounds, {
    kind: 'free',
    x: spot.center[0] + nx * out,
    y: base,
    z: spot.center[2] + nz * out,
    rotY: spot.rotY,
    scale: spot.size,
  })
}

/** The placement dragged so its foot is at (x, z), held inside the space. */
export function dragTo(bounds: FreeBounds, p: FreePlacement, x: number, z: number): FreePlacement {
  return clampFree(bounds, { ...p, x, z })
}

/** Moved by whole grid steps along x and z. */
export function nudge(bounds: FreeBounds, p: FreePlacement, dx: number, dz: number): FreePlacement {
  return clampFree(bounds, { ...p, x: p.x + dx * GRID_STEP, z: p.z + dz * GRID_STEP })
}

/** Turned by whole 15° steps (positive: counter-clockwise seen from above). */
export function turn(bounds: FreeBounds, p: FreePlacement, steps: number): FreePlacement {
  return clampFree(bounds, { ...p, rotY: p.rotY + steps * ROT_STEP })
}

/** Resized by quarter metres, within SCALE_RANGE. */
export function resize(bounds: FreeBounds, p: FreePlacement, steps: number): FreePlacement {
  return clampFree(bounds, { ...p, scale: p.scale + steps * 0.25 })
}

/** Raised or lowered by grid steps, between the floor and the space's height. */
export function raise(bounds: FreeBounds, p: FreePlacement, steps: number): FreePlacement {
  return clampFree(bounds, { ...p, y: p.y + steps * GRID_STEP })
}

export type ScreenDirection = 'up' | 'down' | 'left' | 'right'

/**
 * The grid step (dx, dz) for an arrow as the visitor sees the world: up is away from the camera,
 * along whichever world axis is closest, so a step stays on the grid. `yaw` is the camera rig's
 * (the camera looks towards (-sin yaw, -cos yaw)).
 */
export function screenStep(yaw: number, dir: ScreenDirection): [number, number] {
  const fx = -Math.sin(yaw)
  const fz = -Math.cos(yaw)
  // Right of forward, seen from above: (-fz, fx).
  const [vx, vz] =
    dir === 'up' ? [fx, fz] : dir === 'down' ? [-fx, -fz] : dir === 'right' ? [-fz, fx] : [fz, -fx]
  return Math.abs(vx) >= Math.abs(vz) ? [Math.sign(vx), 0] : [0, Math.sign(vz)]
}

/** The numbers the toolbar shows: position, height above the floor, turn in degrees, size. */
export function readout(bounds: FreeBounds, p: FreePlacement) {
  return {
    x: p.x.toFixed(2),
    z: p.z.toFixed(2),
    height: (p.y - bounds.floorY).toFixed(2),
    degrees: String(Math.round((p.rotY * 180) / Math.PI) % 360),
    size: p.scale.toFixed(2),
  }
}
