// Drives one figure's skeleton from a Motion with an animation mixer: idle, walk and run blended
// by speed (their strides kept in step), turning in place, jumps, falls and gestures faded in and
// out over about a fifth of a second, never snapped.
//
// Remote figures cost little: a figure far from the camera, or beyond the per-frame cap of fully
// animated figures, is advanced every second or fourth frame with the time it missed
// (`budget.take`), so a crowd costs a bounded number of skeleton updates per frame; far figures
// that only stand or walk share a crowd rig's animator instead (crowd.ts).
import {
  AnimationMixer,
  LoopOnce,
  type AnimationAction,
  type AnimationClip,
  type Object3D,
} from 'three'
import type { Motion } from '../../state/player'
import { activeEmote } from '../emotes'
import { getClips, RUN_CLIP_SPEED, WALK_CLIP_SPEED, type ClipName } from './clips'

/** Seconds a fade between states takes (the weights ease with this time constant). */
const FADE_S = 0.12
/** Heading change, rad/s, above which a figure standing still steps round. */
const TURN_RATE = 1.2

/** Bones pulled towards another skeleton's pose after each advance (the fade onto a shared rig). */
interface Pull {
  own: readonly Object3D[]
  to: readonly Object3D[]
  amount: number
}

export class Animator {
  readonly mixer: AnimationMixer
  /** Clips by index: their names, actions, eased weights and this frame's targets. */
  private readonly names: readonly ClipName[]
  private readonly actions: AnimationAction[] = []
  private readonly weights: Float64Array
  private readonly goal: Float64Array
  private readonly at: Record<ClipName, number>
  private lastHeading: number | null = null
  private turnRate = 0
  private emoteAt = -1
  /** Time this figure has not been advanced by yet (skipped frames), seconds. */
  private owed = 0
  private readonly pull: Pull = { own: [], to: [], amount: 0 }
  /** How far the last advance pulled the bones towards `pullTowards`'s pose, 0–1. */
  pulled = 0
  /** Seconds the last advancing update moved the pose by (what the feet's fit eases with). */
  lastStep = 0

  /**
   * `root` holds the bones; `clipFor` maps the shared clips onto them (a VRM's are renamed).
   */
  constructor(root: Object3D, clipFor: (clip: AnimationClip) => AnimationClip = (c) => c) {
    this.mixer = new AnimationMixer(root)
    const clips = getClips()
    this.names = Object.keys(clips) as ClipName[]
    this.weights = new Float64Array(this.names.length)
    this.goal = new Float64Array(this.names.length)
    this.at = {} as Record<ClipName, number>
    this.names.forEach((name, i) => {
      this.at[name] = i
      const action = this.mixer.clipAction(clipFor(clips[name]))
      if (name === 'jump') {
        action.setLoop(LoopOnce, 1)
        action.clampWhenFinished = true
      }
      action.enabled = true
      action.setEffectiveWeight(name === 'idle' ? 1 : 0)
      action.play()
      this.actions.push(action)
      this.weights[i] = name === 'idle' ? 1 : 0
    })
  }

  /** Writes what each clip should weigh now, from the motion, into `goal` (no allocation). */
  private targets(m: Motion, now: number): Float64Array {
    const g = this.goal
    const at = this.at
    g.fill(0)
    const emote = activeEmote(m, now)
    if (emote) g[at[emote]] = 1
    else if (m.anim === 'jump') g[at.jump] = 1
    else if (m.anim === 'fall') g[at.fall] = 1
    else {
      const moving = m.anim === 'walk' || m.anim === 'run'
      const s = moving ? m.speed : 0
      const go = Math.min(1, Math.max(0, (s - 0.3) / 1.2))
      const runShare = Math.min(1, Math.max(0, (s - 5) / 2))
      const turn =
        go < 0.5 ? Math.min(1, Math.max(0, (Math.abs(this.turnRate) - TURN_RATE) / 2)) : 0
      g[at.idle] = (1 - go) * (1 - turn)
      g[at.turn] = (1 - go) * turn
      g[at.walk] = go * (1 - runShare)
      g[at.run] = go * runShare
    }
    return g
  }

  /**
   * Advances by `dt` seconds, or only books the time when `advance` is false (a skipped frame).
   * Returns whether the skeleton moved. Allocates nothing (it runs for every figure every frame).
   */
  update(m: Motion, dt: number, now: number, advance = true): boolean {
    // Heading change for turning in place (wrapped to ±π).
    if (this.lastHeading !== null && dt > 0) {
      let d = m.heading - this.lastHeading
      d = Math.atan2(Math.sin(d), Math.cos(d))
      this.turnRate += (d / dt - this.turnRate) * Math.min(1, dt / 0.15)
    }
    this.lastHeading = m.heading
    this.owed += dt
    if (!advance) return false
    const step = Math.min(this.owed, 0.25)
    this.owed = 0
    this.lastStep = step

    const at = this.at
    // A new gesture starts from its beginning; a new jump too.
    if (m.emote && m.emoteAt !== this.emoteAt) {
      this.emoteAt = m.emoteAt
      this.actions[at[m.emote]]!.reset()
    }
    const goal = this.targets(m, now)
    if (goal[at.jump]! > 0 && this.weights[at.jump]! < 0.01) this.actions[at.jump]!.reset()

    const k = 1 - Math.exp(-step / FADE_S)
    const w = this.weights
    let total = 0
    for (let i = 0; i < w.length; i++) {
      const next = w[i]! + (goal[i]! - w[i]!) * k
      w[i] = next < 0.002 ? 0 : next
      total += w[i]!
    }
    for (let i = 0; i < w.length; i++) {
      this.actions[i]!.setEffectiveWeight(total > 0 ? w[i]! / total : i === at.idle ? 1 : 0)
    }

    // Strides at the figure's speed, the run kept in step with the walk.
    const walk = this.actions[at.walk]!
    const run = this.actions[at.run]!
    const speed = Math.max(m.speed, 1)
    walk.setEffectiveTimeScale(speed / WALK_CLIP_SPEED)
    run.setEffectiveTimeScale(speed / RUN_CLIP_SPEED)
    this.mixer.update(step)
    const walkClip = walk.getClip()
    run.time = (walk.time / walkClip.duration) * run.getClip().duration

    const pull = this.pull
    this.pulled = pull.amount
    if (pull.amount > 0) {
      for (let i = 0; i < pull.own.length; i++) {
        pull.own[i]!.quaternion.slerp(pull.to[i]!.quaternion, pull.amount)
      }
    }
    return true
  }

  /**
   * From the next advance on, moves `own` bones `amount` (0–1) of the way to `to`'s pose after
   * the clips have posed them; 0 stops it.
   */
  pullTowards(own: readonly Object3D[], to: readonly Object3D[], amount: number): void {
    this.pull.own = own
    this.pull.to = to
    this.pull.amount = amount
    if (amount <= 0) this.pulled = 0
  }

  /** Takes the clips' weights straight to what `m` asks for (a new crowd rig starts settled). */
  settle(m: Motion, now: number): void {
    const goal = this.targets(m, now)
    let total = 0
    for (let i = 0; i < goal.length; i++) total += goal[i]!
    for (let i = 0; i < goal.length; i++) {
      this.weights[i] = goal[i]!
      this.actions[i]!.setEffectiveWeight(goal[i]! / total)
    }
  }

  /**
   * Carries on from where `other` is: the same clips' weights and times, posed now, so a figure
   * leaving a shared rig keeps the rig's pose and moves on from it without a jump.
   */
  continueFrom(other: Animator): void {
    for (let i = 0; i < this.actions.length; i++) {
      const mine = this.actions[i]!
      const theirs = other.actions[i]!
      this.weights[i] = other.weights[i]!
      mine.time = theirs.time
      mine.setEffectiveWeight(theirs.getEffectiveWeight())
      mine.setEffectiveTimeScale(theirs.getEffectiveTimeScale())
    }
    this.lastHeading = null
    this.turnRate = 0
    this.owed = 0
    this.pullTowards(this.pull.own, this.pull.to, 0)
    this.mixer.update(0)
  }

  /** How much a clip weighs now (for tests). */
  weightOf(name: ClipName): number {
    return this.weights[this.at[name]] ?? 0
  }

  dispose(): void {
    this.mixer.stopAllAction()
    this.mixer.uncacheRoot(this.mixer.getRoot())
  }
}

/**
 * Skeleton updates per frame, shared by every figure: the nearest are animated every frame up to
 * `full`, the rest in turns. The counters say what the current frame did so far (the bench reads
 * them after a frame): `skinnedUpdated` skeletons whose bones moved, `mixersUpdated` mixers
 * advanced (a figure's own or a crowd rig's), `farFigures` figures drawn at the far detail,
 * `sharedFigures` of those the ones drawn from a shared crowd rig (crowd.ts).
 */
export const budget = {
  full: 24,
  frame: -1,
  used: 0,
  skinnedUpdated: 0,
  mixersUpdated: 0,
  farFigures: 0,
  sharedFigures: 0,
  lastFrameUpdated: 0,
  /** Starts the counters over when `frame` is a new one. */
  begin(frame: number): void {
    if (frame === this.frame) return
    this.lastFrameUpdated = this.skinnedUpdated
    this.frame = frame
    this.used = 0
    this.skinnedUpdated = 0
    this.mixersUpdated = 0
    this.farFigures = 0
    this.sharedFigures = 0
  },
  /** Whether a figure at `distance` metres, number `slot`, is advanced this frame. */
  take(frame: number, distance: number, slot: number): boolean {
    this.begin(frame)
    let every = distance < 25 ? 1 : distance < 60 ? 2 : 4
    if (every === 1 && this.used >= this.full) every = 2
    if (every === 1) this.used++
    const go = (frame + slot) % every === 0
    if (go) {
      this.skinnedUpdated++
      this.mixersUpdated++
    }
    return go
  },
}
