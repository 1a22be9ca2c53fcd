// Decides whether a visitor's reported pose is physically possible: inside the world box and no
// further from the last accepted pose than the world's run speed allows. Pure, so it is tested
// without a server.
import type { WorldRules } from '../worlds'

/** Speed allowance over the world's run speed (frame jitter, rounding, slopes). */
export const SPEED_TOLERANCE = 1.35
/** Distance always allowed on top of the speed budget, metres. */
export const SLACK_M = 0.75
/** Longest stretch of unused budget a visitor can bank, seconds (covers a bunched burst). */
export const MAX_BANKED_S = 1
/** Fastest vertical speed the controller produces (its terminal fall speed, with margin). */
export const MAX_VERTICAL_SPEED = 45

export type PoseVerdict = 'ok' | 'out_of_bounds' | 'too_fast'

export class PoseGuard {
  x: number
  y: number
  z: number
  private budget = 0
  private vBudget = 0
  private last: number

  constructor(
    private readonly rules: WorldRules,
    now: number,
    /** Where the visitor starts (the world's spawn unless a room puts them elsewhere). */
    start: { x: number; y: number; z: number } = rules.spawn,
  ) {
    this.x = start.x
    this.y = start.y
    this.z = start.z
    this.last = now
  }

  /** Puts the visitor somewhere by the server's decision (not a move they made). */
  place(x: number, y: number, z: number) {
    this.x = x
    this.y = y
    this.z = z
  }

  check(x: number, y: number, z: number, now: number): PoseVerdict {
    const { min, max } = this.rules.bounds
    if (x < min[0] || x > max[0] || y < min[1] || y > max[1] || z < min[2] || z > max[2]) {
      return 'out_of_bounds'
    }
    const dt = Math.max(0, Math.min(MAX_BANKED_S, (now - this.last) / 1000))
    this.last = now
    const speed = this.rules.movement.runSpeed * SPEED_TOLERANCE
    this.budget = Math.min(this.budget + speed * dt, speed * MAX_BANKED_S)
    this.vBudget = Math.min(this.vBudget + MAX_VERTICAL_SPEED * dt, MAX_VERTICAL_SPEED)
    const d = Math.hypot(x - this.x, z - this.z)
    const dy = Math.abs(y - this.y)
    if (d > this.budget + SLACK_M || dy > this.vBudget + SLACK_M * 2) return 'too_fast'
    this.budget = Math.max(0, this.budget - d)
    this.vBudget = Math.max(0, this.vBudget - dy)
    this.x = x
    this.y = y
    this.z = z
    return 'ok'
  }
}
