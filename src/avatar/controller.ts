// The visitor's movement rules against a WorldCollider: camera-relative walking and running,
// jumps, gravity, step-up, sliding, bounds, water edges and click-to-move. Pure TypeScript.
//
// It is one file because the movement rules are the stages of one step (walk, jump, gravity, step-
// up, slide, bounds), each using the previous one's result.
import type { Movement } from '../protocol/scene'
import type { AnimState, Motion } from '../state/player'
import type { WorldCollider } from '../world/collision'
import { endEmoteOnMove } from './emotes'

export const PLAYER_RADIUS = 0.35
export const PLAYER_HEIGHT = 1.7
/** Ledges up to this height are climbed without jumping (a voxel half-slab, a stair). */
export const STEP_HEIGHT = 0.6
/** Water deeper than this (surface minus floor) is an edge the visitor will not walk into. */
export const MAX_WADE_DEPTH = 0.8
/** Click-to-move stops this close to its target (horizontal metres). */
export const ARRIVE_DISTANCE = 0.5

/**
 * Ledges up to this height (one voxel) are hopped onto automatically when walked into, so
 * Block Park's one-block terrain steps do not stop a walk or a click-to-move.
 */
export const HOP_HEIGHT = 1.05

/** Longest physics step: keeps each move well under a voxel so nothing tunnels. */
const MAX_SUBSTEP = 1 / 60
/** A frame longer than this (tab in background, debugger) is treated as this long. */
const MAX_FRAME = 0.25
/** Feet are probed this far above surfaces, so resting contact does not count as overlap. */
const SKIN = 0.01
const GROUND_ACCEL = 30
const GROUND_DECEL = 40
const AIR_ACCEL = 10
/** How far the feet follow the ground down per step before the visitor is falling. */
const SNAP_DOWN = 0.3
/** Steepest walkable ground (rise over run, 45°), measured over SLOPE_BASELINE metres. */
const MAX_SLOPE = 1
const SLOPE_BASELINE = 0.5
const MAX_FALL_SPEED = 40
/** Exponential turn rate of the heading towards the motion, 1/s. */
const TURN_RATE = 12
const DEADZONE = 0.08
/** Short drops (walking down a step) keep the ground animation instead of flashing 'fall'. */
const FALL_ANIM_DELAY = 0.15
/** Click-to-move gives up when it has not got closer for this long (a wall in the way). */
const STUCK_TIMEOUT = 1.5
const IDLE_SPEED = 0.3
const SEARCH_ITERATIONS = 7

/** A click-to-move goal in world coordinates; `active` false means none. */
export interface MoveTarget {
  active: boolean
  x: number
  y: number
  z: number
}

/** What the controller reads each step; sources write it (see input.ts). */
export interface ControlInput {
  /** Strafe axis, -1 (left) .. 1 (right), relative to the camera. */
  moveX: number
  /** Forward axis, -1 (back) .. 1 (forward), relative to the camera. */
  moveY: number
  run: boolean
  /** Seconds a jump request stays valid; the controller consumes it (sets 0) when it jumps. */
  jumpBuffer: number
  /** Click-to-move goal; the controller clears `active` on arrival or when the axes take over. */
  target: MoveTarget
}

/** Control input at rest: no axes, no run, no jump, no target. */
export function createControlInput(): ControlInput {
  return {
    moveX: 0,
    moveY: 0,
    run: false,
    jumpBuffer: 0,
    target: { active: false, x: 0, y: 0, z: 0 },
  }
}

/** Controller state that Motion does not carry (velocity, timers), kept per Motion object. */
interface Internal {
  vx: number
  vz: number
  airTime: number
  groundAnim: AnimState
  /** The target being tracked, to notice a new click (even on the same spot). */
  tracking: boolean
  tx: number
  tz: number
  bestDist: number
  stuckTime: number
}

const internals = new WeakMap<Motion, Internal>()

function internalOf(m: Motion): Internal {
  let s = internals.get(m)
  if (!s) {
    s = {
      vx: 0,
      vz: 0,
      airTime: 0,
      groundAnim: 'idle',
      tracking: false,
      tx: NaN,
      tz: NaN,
      bestDist: Infinity,
      stuckTime: 0,
    }
    internals.set(m, s)
  }
  return s
}

/** Places a motion at rest (spawn, teleport, world change). */
export function resetMotion(m: Motion, x: number, y: number, z: number, heading: number): void {
  m.x = x
  m.y = y
  m.z = z
  m.heading = wrapAngle(heading)
  m.vy = 0
  m.speed = 0
  m.grounded = true
  m.anim = 'idle'
  const s = internalOf(m)
  s.vx = s.vz = s.airTime = s.stuckTime = 0
  s.groundAnim = 'idle'
  s.tracking = false
  s.tx = s.tz = NaN
  s.bestDist = Infinity
}

/** Horizontal velocity the controller currently holds (for tests and debugging). */
export function velocityOf(m: Motion): { vx: number; vz: number } {
  const s = internalOf(m)
  return { vx: s.vx, vz: s.vz }
}

/**
 * Feet height for standing at (x, z) near `y`: the surface at or below `y` (stepping small
 * ledges), else the highest surface in the column, lifted out of any solid it overlaps.
 */
export function standingHeight(c: WorldCollider, x: number, y: number, z: number): number {
  let g = c.groundAt(x, y, z, STEP_HEIGHT)
  if (g === -Infinity) g = c.groundAt(x, c.bounds.max[1], z, 0)
  if (g === -Infinity) g = y
  // Spawn points inside a wall or tree: climb until free, at most a few metres.
  for (let i = 0; i < 40 && c.blocked(x, g + SKIN, z, PLAYER_RADIUS, PLAYER_HEIGHT); i++) g += 0.25
  return g
}

/**
 * Advances `m` by `dt` seconds. `camYaw` is the orbit yaw of the camera (0: camera at +z looking
 * towards -z), so "forward" is away from the camera. Mutates `m`, and consumes `input.jumpBuffer`
 * and `input.target` as they are used. Allocation-free.
 */
export function stepMotion(
  m: Motion,
  input: ControlInput,
  collider: WorldCollider,
  movement: Movement,
  camYaw: number,
  dt: number,
): void {
  if (!(dt > 0)) return
  const s = internalOf(m)
  // Teleported (tests, portals) or spawned into a solid: lift out before moving.
  if (collider.blocked(m.x, m.y + SKIN, m.z, PLAYER_RADIUS, PLAYER_HEIGHT)) unstick(m, collider)
  const total = Math.min(dt, MAX_FRAME)
  const n = Math.ceil(total / MAX_SUBSTEP)
  const h = total / n
  for (let i = 0; i < n; i++) substep(m, s, input, collider, movement, camYaw, h)
  // Moving, jumping or falling ends a gesture (a sit included).
  endEmoteOnMove(m)
}

function substep(
  m: Motion,
  s: Internal,
  input: ControlInput,
  c: WorldCollider,
  mv: Movement,
  yaw: number,
  h: number,
): void {
  // 1. What the visitor wants: a direction (length ≤ 1) and a speed.
  let wx = 0
  let wz = 0
  let speed = input.run ? mv.runSpeed : mv.walkSpeed
  const il = Math.hypot(input.moveX, input.moveY)
  const t = input.target
  if (il > DEADZONE) {
    t.active = false // keys and stick always win over a click
    const k = il > 1 ? 1 / il : 1
    const fx = -Math.sin(yaw)
    const fz = -Math.cos(yaw)
    // right = forward turned clockwise seen from above
    wx = (fx * input.moveY - fz * input.moveX) * k
    wz = (fz * input.moveY + fx * input.moveX) * k
  } else if (t.active) {
    if (!s.tracking || t.x !== s.tx || t.z !== s.tz) {
      s.tracking = true
      s.tx = t.x
      s.tz = t.z
      s.bestDist = Infinity
      s.stuckTime = 0
    }
    const dx = t.x - m.x
    const dz = t.z - m.z
    const d = Math.hypot(dx, dz)
    if (d < ARRIVE_DISTANCE) {
      t.active = false
    } else {
      if (d < s.bestDist - 0.05) {
        s.bestDist = d
        s.stuckTime = 0
      } else if ((s.stuckTime += h) > STUCK_TIMEOUT) {
        t.active = false
      }
      wx = dx / d
      wz = dz / d
      // Brake in time to stop near the target instead of orbiting it.
      speed = Math.min(speed, Math.max(1, Math.sqrt(GROUND_DECEL * (d - ARRIVE_DISTANCE * 0.5))))
    }
  }
  if (!t.active) s.tracking = false
  const wishing = wx !== 0 || wz !== 0

  // 2. Accelerate the horizontal velocity towards the wish.
  const dvx = wx * speed - s.vx
  const dvz = wz * speed - s.vz
  const dl = Math.hypot(dvx, dvz)
  const rate = m.grounded ? (wishing ? GROUND_ACCEL : GROUND_DECEL) : AIR_ACCEL
  const maxDv = rate * h
  if (dl <= maxDv) {
    s.vx += dvx
    s.vz += dvz
  } else {
    s.vx += (dvx / dl) * maxDv
    s.vz += (dvz / dl) * maxDv
  }

  // 3. Jump (buffered, so a press slightly before landing counts).
  if (input.jumpBuffer > 0) {
    if (m.grounded) {
      m.vy = mv.jumpSpeed
      m.grounded = false
      input.jumpBuffer = 0
    } else {
      input.jumpBuffer = Math.max(0, input.jumpBuffer - h)
    }
  }

  // 4. Horizontal move; when blocked, slide by trying each axis on its own.
  const x0 = m.x
  const z0 = m.z
  const mx = s.vx * h
  const mz = s.vz * h
  if (mx !== 0 || mz !== 0) {
    if (!tryMove(m, c, m.x + mx, m.z + mz)) {
      if (mx === 0 || !tryMove(m, c, m.x + mx, m.z)) s.vx = 0
      if (mz === 0 || !tryMove(m, c, m.x, m.z + mz)) s.vz = 0
      if (m.grounded && wishing && canHop(m, c, wx, wz)) {
        m.vy = Math.min(mv.jumpSpeed, Math.sqrt(2 * mv.gravity * (HOP_HEIGHT - STEP_HEIGHT + 0.25)))
        m.grounded = false
      }
    }
  }

  // 5. Vertical: follow the ground, or fall and land.
  if (m.grounded) {
    const g = supportBelow(c, m.x, m.y, m.z, SNAP_DOWN)
    if (g === -Infinity) {
      m.grounded = false // walked off an edge
      m.vy = 0
    } else {
      m.y = g
      m.vy = 0
    }
  }
  if (!m.grounded) {
    m.vy = Math.max(m.vy - mv.gravity * h, -MAX_FALL_SPEED)
    const dy = m.vy * h
    if (dy > 0) {
      if (c.blocked(m.x, m.y + dy, m.z, PLAYER_RADIUS, PLAYER_HEIGHT))
        m.vy = 0 // head bump
      else m.y += dy
    } else {
      const g = supportBelow(c, m.x, m.y, m.z, -dy)
      if (g === -Infinity) {
        m.y += dy
      } else {
        m.y = g
        m.vy = 0
        m.grounded = true
      }
    }
  }

  // 6. Stay inside the world box.
  const b = c.bounds
  if (m.y < b.min[1]) {
    m.y = b.min[1]
    m.vy = 0
    m.grounded = true
  } else if (m.y + PLAYER_HEIGHT > b.max[1]) {
    m.y = b.max[1] - PLAYER_HEIGHT
    if (m.vy > 0) m.vy = 0
  }

  // 7. Heading turns smoothly towards the wish (or the motion when coasting).
  m.speed = Math.hypot(m.x - x0, m.z - z0) / h
  let hx = wx
  let hz = wz
  if (!wishing && m.speed > IDLE_SPEED) {
    hx = s.vx
    hz = s.vz
  }
  if (hx !== 0 || hz !== 0) {
    const want = Math.atan2(-hx, -hz)
    const turn = 1 - Math.exp(-TURN_RATE * h)
    m.heading = wrapAngle(m.heading + wrapAngle(want - m.heading) * turn)
  }

  // 8. Animation state.
  if (m.grounded) {
    s.airTime = 0
    s.groundAnim =
      m.speed < IDLE_SPEED ? 'idle' : m.speed > (mv.walkSpeed + mv.runSpeed) / 2 ? 'run' : 'walk'
    m.anim = s.groundAnim
  } else {
    s.airTime += h
    m.anim = m.vy > 0 ? 'jump' : s.airTime > FALL_ANIM_DELAY ? 'fall' : s.groundAnim
  }
}

/** Whether the obstacle ahead (in direction wx, wz) is a ledge low enough to hop onto. */
function canHop(m: Motion, c: WorldCollider, wx: number, wz: number): boolean {
  const l = Math.hypot(wx, wz)
  const ax = m.x + (wx / l) * 0.1
  const az = m.z + (wz / l) * 0.1
  return (
    c.blocked(ax, m.y + SKIN, az, PLAYER_RADIUS, PLAYER_HEIGHT) &&
    // Ground rising under the centre is a steep slope (a height field), not a ledge.
    c.groundAt(ax, m.y, az, SKIN) <= m.y + SKIN &&
    !c.blocked(ax, m.y + HOP_HEIGHT, az, PLAYER_RADIUS, PLAYER_HEIGHT) &&
    !c.blocked(m.x, m.y + HOP_HEIGHT, m.z, PLAYER_RADIUS, PLAYER_HEIGHT)
  )
}

/** Lifts feet that overlap a solid to the lowest free height above (or the column top). */
function unstick(m: Motion, c: WorldCollider): void {
  for (let dy = 0.25; dy <= 8; dy += 0.25) {
    if (c.blocked(m.x, m.y + dy, m.z, PLAYER_RADIUS, PLAYER_HEIGHT)) continue
    let lo = m.y + dy - 0.25
    let hi = m.y + dy
    for (let i = 0; i < SEARCH_ITERATIONS; i++) {
      const mid = (lo + hi) / 2
      if (c.blocked(m.x, mid, m.z, PLAYER_RADIUS, PLAYER_HEIGHT)) lo = mid
      else hi = mid
    }
    m.y = hi
    m.vy = 0
    return
  }
  const top = c.groundAt(m.x, c.bounds.max[1], m.z, 0)
  if (top !== -Infinity) m.y = top
  m.vy = 0
}

/** Moves the feet to (nx, nz) if the world allows it, stepping up small ledges. */
function tryMove(m: Motion, c: WorldCollider, nx: number, nz: number): boolean {
  const b = c.bounds
  nx = clamp(nx, b.min[0] + PLAYER_RADIUS, b.max[0] - PLAYER_RADIUS)
  nz = clamp(nz, b.min[2] + PLAYER_RADIUS, b.max[2] - PLAYER_RADIUS)
  if (nx === m.x && nz === m.z) return false
  let y = m.y
  let floor: number
  if (c.blocked(nx, y + SKIN, nz, PLAYER_RADIUS, PLAYER_HEIGHT)) {
    // A solid in the way: climb it if its top is within a step and there is headroom above.
    const top = y + STEP_HEIGHT
    if (c.blocked(nx, top, nz, PLAYER_RADIUS, PLAYER_HEIGHT)) return false
    let lo = y + SKIN
    let hi = top
    for (let i = 0; i < SEARCH_ITERATIONS; i++) {
      const mid = (lo + hi) / 2
      if (c.blocked(nx, mid, nz, PLAYER_RADIUS, PLAYER_HEIGHT)) lo = mid
      else hi = mid
    }
    y = hi
    floor = c.groundAt(nx, y, nz, SKIN)
    // Ground under the centre still above the feet: the collider refused a slope, not a ledge.
    if (floor > y + SKIN) return false
  } else {
    floor = c.groundAt(nx, y, nz, STEP_HEIGHT)
    if (floor > y + STEP_HEIGHT) return false // a heightfield cliff (its terrain always counts)
    if (floor > y + SKIN) {
      // Ground rising under the centre (a slope, a low step). Judge steepness over a fixed
      // baseline rather than one sub-step, so neither frame rate nor a low stair decides it.
      const run = Math.hypot(nx - m.x, nz - m.z)
      const ax = m.x + ((nx - m.x) / run) * SLOPE_BASELINE
      const az = m.z + ((nz - m.z) / run) * SLOPE_BASELINE
      if (c.groundAt(ax, y, az, STEP_HEIGHT) - y > SLOPE_BASELINE * MAX_SLOPE) return false
      if (c.blocked(nx, floor + SKIN, nz, PLAYER_RADIUS, PLAYER_HEIGHT)) return false
      y = floor
    }
  }
  // The water edge: refuse deep water, but let a visitor already in it wade out.
  const w = c.waterAt(nx, nz)
  if (w !== -Infinity && w - floor > MAX_WADE_DEPTH) {
    const here = c.waterAt(m.x, m.z)
    const hereDepth = here === -Infinity ? 0 : here - c.groundAt(m.x, m.y, m.z, SKIN)
    if (w - floor > hereDepth + SKIN) return false
  }
  m.x = nx
  m.z = nz
  m.y = y
  return true
}

/**
 * The highest support for feet at `y`, no lower than `y - down`: the surface under the centre,
 * or a solid under the rim of the cylinder (standing on a ledge edge). -Infinity when none.
 */
function supportBelow(c: WorldCollider, x: number, y: number, z: number, down: number): number {
  const g = c.groundAt(x, y, z, SKIN)
  if (g >= y - SKIN) return g
  const low = y - down
  if (c.blocked(x, low, z, PLAYER_RADIUS, PLAYER_HEIGHT)) {
    // Something under the rim between low and y: find the lowest height that is free.
    let lo = low
    let hi = y
    if (c.blocked(x, hi, z, PLAYER_RADIUS, PLAYER_HEIGHT)) return y // already touching: stay
    for (let i = 0; i < SEARCH_ITERATIONS; i++) {
      const mid = (lo + hi) / 2
      if (c.blocked(x, mid, z, PLAYER_RADIUS, PLAYER_HEIGHT)) lo = mid
      else hi = mid
    }
    return Math.max(hi, g)
  }
  return g >= low ? g : -Infinity
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}

/** Wraps an angle into (-π, π]. */
export function wrapAngle(a: number): number {
  const t = Math.PI * 2
  let r = a % t
  if (r > Math.PI) r -= t
  else if (r <= -Math.PI) r += t
  return r
}
