// VR locomotion rules, pure TypeScript (tested in Node): thumbstick turning (snap or smooth) and
// the teleport arc, which lands on ground the visitor's own collider can stand on. Movement
// itself is not here: the left stick feeds the player controller's input like a touch stick.
import type { WorldCollider } from '../world/collision'
import { MAX_WADE_DEPTH, PLAYER_HEIGHT, PLAYER_RADIUS } from '../avatar/controller'
import type { VrTurn } from '../state/settings'

/** One snap turn, radians (30°). */
export const SNAP_ANGLE = Math.PI / 6
/** A stick pushed past this fires a snap (or aims a teleport); it re-arms below RELEASE. */
export const PRESS = 0.6
export const RELEASE = 0.3
/** Smooth turning at full deflection, radians per second (90°/s), and its dead zone. */
export const SMOOTH_RATE = Math.PI / 2
const SMOOTH_DEADZONE = 0.15

export interface TurnState {
  /** The stick came back to the middle since the last snap. */
  armed: boolean
}

export function createTurnState(): TurnState {
  return { armed: true }
}

/**
 * The yaw change (radians; positive turns left, as yaw grows anticlockwise seen from above) for
 * the right stick's x this frame. Snap fires once per push; smooth turns with the deflection.
 */
export function turnStep(s: TurnState, x: number, dt: number, mode: VrTurn): number {
  if (mode === 'smooth') {
    s.armed = true
    if (Math.abs(x) < SMOOTH_DEADZONE) return 0
    return -x * SMOOTH_RATE * dt
  }
  if (Math.abs(x) < RELEASE) {
    s.armed = true
    return 0
  }
  if (!s.armed || Math.abs(x) < PRESS) return 0
  s.armed = false
  return x > 0 ? -SNAP_ANGLE : SNAP_ANGLE
}

/** Launch speed of the teleport arc (m/s), its gravity, time step and longest flight. */
const ARC_SPEED = 8
const ARC_GRAVITY = 9.8
const ARC_STEP = 0.04
const ARC_STEPS = 60

export interface ArcResult {
  /** Points of the arc drawn (x, y, z triples), up to where it lands or gives up. */
  points: Float32Array
  count: number
  /** Where it lands, and whether a visitor can stand there (ground, no wall, not deep water). */
  hit: boolean
  valid: boolean
  x: number
  y: number
  z: number
}

export function createArc(): ArcResult {
  return {
    points: new Float32Array((ARC_STEPS + 1) * 3),
    count: 0,
    hit: false,
    valid: false,
    x: 0,
    y: 0,
    z: 0,
  }
}

/**
 * Casts the teleport arc from (ox, oy, oz) along the unit direction (dx, dy, dz) against the
 * collider, filling `out` (no allocation). Valid when it lands on walkable ground within
 * `maxRange` metres (horizontally) of (px, pz), where the visitor's cylinder fits.
 */
export function castArc(
  c: WorldCollider,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  px: number,
  pz: number,
  maxRange: number,
  out: ArcResult,
): ArcResult {
  const vx = dx * ARC_SPEED
  let vy = dy * ARC_SPEED
  const vz = dz * ARC_SPEED
  let x = ox
  let y = oy
  let z = oz
  out.hit = out.valid = false
  out.points[0] = x
  out.points[1] = y
  out.points[2] = z
  out.count = 1
  const b = c.bounds
  for (let i = 0; i < ARC_STEPS; i++) {
    const ny = y + vy * ARC_STEP - 0.5 * ARC_GRAVITY * ARC_STEP * ARC_STEP
    vy -= ARC_GRAVITY * ARC_STEP
    const nx = x + vx * ARC_STEP
    const nz = z + vz * ARC_STEP
    if (nx < b.min[0] || nx > b.max[0] || nz < b.min[2] || nz > b.max[2] || ny < b.min[1]) break
    // The surface the segment went under (allow the whole drop of this step, plus a little).
    const ground = c.groundAt(nx, ny, nz, Math.max(0, y - ny) + 0.25)
    const k = out.count * 3
    // Water deeper than a wade stops the arc at its surface (nobody stands there).
    const water = c.waterAt(nx, nz)
    if (water !== -Infinity && water >= ny && ground < water - MAX_WADE_DEPTH) {
      out.points[k] = nx
      out.points[k + 1] = water
      out.points[k + 2] = nz
      out.count++
      out.hit = true
      out.x = nx
      out.y = water
      out.z = nz
      return out
    }
    if (ground !== -Infinity && ground >= ny) {
      out.points[k] = nx
      out.points[k + 1] = ground
      out.points[k + 2] = nz
      out.count++
      out.hit = true
      out.x = nx
      out.y = ground
      out.z = nz
      out.valid = standable(c, nx, ground, nz) && Math.hypot(nx - px, nz - pz) <= maxRange
      return out
    }
    // A wall (or a tree) in the way: the arc stops there, and nothing is aimed at.
    if (c.blocked(nx, ny, nz, 0.05, 0.05)) break
    out.points[k] = nx
    out.points[k + 1] = ny
    out.points[k + 2] = nz
    out.count++
    x = nx
    y = ny
    z = nz
  }
  return out
}

/** Whether the visitor's cylinder stands at (x, y, z): free of solids, not in deep water. */
export function standable(c: WorldCollider, x: number, y: number, z: number): boolean {
  if (c.blocked(x, y + 0.01, z, PLAYER_RADIUS, PLAYER_HEIGHT)) return false
  const water = c.waterAt(x, z)
  return water === -Infinity || water - y <= MAX_WADE_DEPTH
}
