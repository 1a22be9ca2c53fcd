// Other visitors' avatars between network updates. Each keeps a short buffer of received poses
// and is drawn INTERP_DELAY_MS in the past, interpolating between the two poses around that
// moment: the delay is longer than two send intervals, so a late or bunched packet never
// leaves an avatar without a next pose. Mutated every frame, never through React state.
import type { ANIMS } from '../protocol/messages'
import { POSE_HZ, animAt, dequantizeHeading, dequantizePos } from '../protocol/messages'
import { createMotion, type Motion } from '../state/player'

/** How far in the past remote avatars are drawn, ms (2.4 send intervals at 12 Hz). */
export const INTERP_DELAY_MS = Math.round((1000 / POSE_HZ) * 2.4)
const MAX_SNAPSHOTS = 24

interface Snapshot {
  t: number
  x: number
  y: number
  z: number
  h: number
  a: (typeof ANIMS)[number]
}

export class RemoteAvatar {
  readonly motion: Motion = createMotion()
  private snaps: Snapshot[] = []

  constructor(readonly id: string) {}

  /** Adds a pose as received (quantized state values) at local time `t`, ms. */
  push(t: number, q: { x: number; y: number; z: number; h: number; a: number }) {
    const s: Snapshot = {
      t,
      x: dequantizePos(q.x),
      y: dequantizePos(q.y),
      z: dequantizePos(q.z),
      h: dequantizeHeading(q.h),
      a: animAt(q.a),
    }
    const last = this.snaps.at(-1)
    // Two updates in one frame: keep them apart in time so interpolation stays defined.
    if (last && s.t <= last.t) s.t = last.t + 1
    this.snaps.push(s)
    if (this.snaps.length > MAX_SNAPSHOTS) this.snaps.shift()
    if (this.snaps.length === 1) this.place(s, 0)
  }

  get buffered(): number {
    return this.snaps.length
  }

  private place(s: Snapshot, speed: number) {
    const m = this.motion
    m.x = s.x
    m.y = s.y
    m.z = s.z
    m.heading = s.h
    m.speed = speed
    this.setAnim(s.a)
  }

  /** A sitting pose is an idle figure with the sit gesture; any other pose ends the sit. */
  private setAnim(a: Snapshot['a']) {
    const m = this.motion
    if (a === 'sit') {
      m.anim = 'idle'
      if (m.emote !== 'sit') {
        m.emote = 'sit'
        m.emoteAt = performance.now()
      }
    } else {
      m.anim = a
      if (m.emote === 'sit') m.emote = null
    }
    m.grounded = m.anim !== 'jump' && m.anim !== 'fall'
  }

  /** Writes the interpolated pose for local time `now` into `motion`. */
  sample(now: number) {
    const snaps = this.snaps
    if (snaps.length === 0) return
    const t = now - INTERP_DELAY_MS
    // Drop poses older than the pair we interpolate between.
    while (snaps.length > 2 && snaps[1]!.t <= t) snaps.shift()
    const a = snaps[0]!
    const b = snaps[1]
    if (!b || t <= a.t) {
      this.place(a, 0)
      if (b) this.motion.speed = 0
      return
    }
    if (t >= b.t) {
      // Starved (the sender paused or packets are late): hold the newest pose.
      this.place(b, 0)
      return
    }
    const k = (t - a.t) / (b.t - a.t)
    const m = this.motion
    m.x = a.x + (b.x - a.x) * k
    m.y = a.y + (b.y - a.y) * k
    m.z = a.z + (b.z - a.z) * k
    let dh = b.h - a.h
    if (dh > Math.PI) dh -= Math.PI * 2
    else if (dh < -Math.PI) dh += Math.PI * 2
    m.heading = a.h + dh * k
    this.setAnim(k < 0.5 ? a.a : b.a)
    m.speed = Math.hypot(b.x - a.x, b.z - a.z) / ((b.t - a.t) / 1000)
  }
}

/** Every remote avatar this client receives, by session id. */
export const remotes = new Map<string, RemoteAvatar>()
