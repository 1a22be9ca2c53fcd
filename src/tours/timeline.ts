// A staged scene's timeline as a pure function of time: where each actor is, which way it faces,
// whether it walks, which gesture it makes and which line it says, `t` seconds after the scene
// started. Nothing accumulates frame by frame, so every page that knows when the scene started
// shows the same moment, a late arrival included, however often or rarely it draws.
import type { Actor, GESTURES, StagedScene, Text } from '../protocol/scene'

export type Gesture = (typeof GESTURES)[number]

export interface ActorPose {
  x: number
  y: number
  z: number
  /** Radians about +y; 0 looks towards −z (as the visitors' figures). */
  heading: number
  walking: boolean
  /** m/s while walking. */
  speed: number
  gesture: Gesture | null
  /** Scene time the gesture started, seconds. */
  gestureAt: number
  line: Text | null
}

interface Leg {
  t0: number
  t1: number
  from: readonly [number, number, number]
  to: readonly [number, number, number]
  speed: number
  heading: number
}

interface Timed<T> {
  at: number
  until: number
  value: T
}

export interface ActorTimeline {
  actor: Actor
  legs: Leg[]
  gestures: Timed<Gesture>[]
  lines: Timed<Text>[]
}

export interface SceneTimeline {
  actors: ActorTimeline[]
  /** Seconds after which it starts over; undefined plays once. */
  loop: number | undefined
  /** When the last cue has finished, seconds. */
  length: number
}

/** The heading (radians about +y, 0 towards −z) of a move by (dx, dz). */
export const headingOf = (dx: number, dz: number) => Math.atan2(-dx, -dz)

/**
 * The scene's cues as each actor's legs, gestures and lines in time. A walk starts at its cue or
 * when the actor's previous walk ends, whichever is later, from where that walk left it.
 */
export function compileScene(scene: StagedScene): SceneTimeline {
  let length = 0
  const actors = scene.actors.map((actor): ActorTimeline => {
    const cues = scene.cues
      .map((cue, order) => ({ cue, order }))
      .filter(({ cue }) => cue.actor === actor.id)
      .sort((a, b) => a.cue.at - b.cue.at || a.order - b.order)
      .map(({ cue }) => cue)
    const legs: Leg[] = []
    const gestures: Timed<Gesture>[] = []
    const lines: Timed<Text>[] = []
    let at: readonly [number, number, number] = actor.position
    let free = 0
    for (const cue of cues) {
      if (cue.walk) {
        let t = Math.max(cue.at, free)
        for (const point of cue.walk) {
          const dx = point[0] - at[0]
          const dz = point[2] - at[2]
          const d = Math.hypot(dx, point[1] - at[1], dz)
          if (d < 1e-6) continue
          const t1 = t + d / cue.speed
          legs.push({
            t0: t,
            t1,
            from: at,
            to: point,
            speed: cue.speed,
            heading: headingOf(dx, dz),
          })
          at = point
          t = t1
        }
        free = t
        length = Math.max(length, t)
      }
      if (cue.gesture) gestures.push({ at: cue.at, until: cue.at + cue.for, value: cue.gesture })
      if (cue.say) lines.push({ at: cue.at, until: cue.at + cue.for, value: cue.say })
      length = Math.max(length, cue.at + cue.for)
    }
    return { actor, legs, gestures, lines }
  })
  return { actors, loop: scene.loop, length }
}

/** Scene time at `now` for a scene that started at `startedAt` (the same clock, seconds). */
export function sceneTime(timeline: SceneTimeline, startedAt: number, now: number): number {
  const t = Math.max(0, now - startedAt)
  return timeline.loop ? t % timeline.loop : t
}

/** The latest of `list` (sorted by `at`) that holds at `t`. */
function holding<T>(list: readonly Timed<T>[], t: number): Timed<T> | null {
  let found: Timed<T> | null = null
  for (const x of list) {
    if (x.at > t) break
    if (t < x.until) found = x
  }
  return found
}

/** Actor `a`'s pose at scene time `t` (seconds). */
export function poseAt(a: ActorTimeline, t: number): ActorPose {
  let [x, y, z] = a.actor.position
  let heading = a.actor.heading
  let walking = false
  let speed = 0
  for (const leg of a.legs) {
    if (leg.t0 > t) break
    heading = leg.heading
    if (t >= leg.t1) {
      ;[x, y, z] = leg.to
      continue
    }
    const f = (t - leg.t0) / (leg.t1 - leg.t0)
    x = leg.from[0] + (leg.to[0] - leg.from[0]) * f
    y = leg.from[1] + (leg.to[1] - leg.from[1]) * f
    z = leg.from[2] + (leg.to[2] - leg.from[2]) * f
    walking = true
    speed = leg.speed
    break
  }
  // A gesture plays standing: a walk ends it (as it does a visitor's emote).
  const gesture = walking ? null : holding(a.gestures, t)
  const line = holding(a.lines, t)
  return {
    x,
    y,
    z,
    heading,
    walking,
    speed,
    gesture: gesture?.value ?? null,
    gestureAt: gesture?.at ?? 0,
    line: line?.value ?? null,
  }
}
