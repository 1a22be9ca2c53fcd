// Drives one figure's skeleton from a Motion with an animation mixer: idle, walk and run blended
// by speed (their strides kept in step), turning in place, jumps, falls and gestures faded in and
// out over about a fifth of a second, never snapped.
//
// Remote figures cost little: a figure far from the camera, or beyond the per-frame cap of fully
// animated figures, is advanced every second or fourth frame with the time it missed
// (`budget.take`), so a crowd costs a bounded number of skeleton updates per frame.
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

export class Animator {
  readonly mixer: AnimationMixer
  private readonly actions = new Map<ClipName, AnimationAction>()
  private readonly weight = new Map<ClipName, number>()
  private lastHeading: number | null = null
  private turnRate = 0
  private emoteAt = -1
  /** Time this figure has not been advanced by yet (skipped frames), seconds. */
  private owed = 0
  /** Seconds the last advancing update moved the pose by (what the feet's fit eases with). */
  lastStep = 0

  /**
   * `root` holds the bones; `clipFor` maps the shared clips onto them (a VRM's are renamed).
   */
  constructor(root: Object3D, clipFor: (clip: AnimationClip) => AnimationClip = (c) => c) {
    this.mixer = new AnimationMixer(root)
    const clips = getClips()
    for (const name of Object.keys(clips) as ClipName[]) {
      const action = this.mixer.clipAction(clipFor(clips[name]))
      if (name === 'jump') {
        action.setLoop(LoopOnce, 1)
        action.clampWhenFinished = true
      }
      action.enabled = true
      action.setEffectiveWeight(name === 'idle' ? 1 : 0)
      action.play()
      this.actions.set(name, action)
      this.weight.set(name, name === 'idle' ? 1 : 0)
    }
  }

  /** What each clip should weigh now, from the motion. */
  private targets(m: Motion, now: number): Partial<Record<ClipName, number>> {
    const emote = activeEmote(m, now)
    if (emote) return { [emote]: 1 }
    if (m.anim === 'jump') return { jump: 1 }
    if (m.anim === 'fall') return { fall: 1 }
    const moving = m.anim === 'walk' || m.anim === 'run'
    const s = moving ? m.speed : 0
    const go = Math.min(1, Math.max(0, (s - 0.3) / 1.2))
    const runShare = Math.min(1, Math.max(0, (s - 5) / 2))
    const turn = go < 0.5 ? Math.min(1, Math.max(0, (Math.abs(this.turnRate) - TURN_RATE) / 2)) : 0
    return {
      idle: (1 - go) * (1 - turn),
      turn: (1 - go) * turn,
      walk: go * (1 - runShare),
      run: go * runShare,
    }
  }

  /**
   * Advances by `dt` seconds, or only books the time when `advance` is false (a skipped frame).
   * Returns whether the skeleton moved.
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

    // A new gesture starts from its beginning; a new jump too.
    if (m.emote && m.emoteAt !== this.emoteAt) {
      this.emoteAt = m.emoteAt
      this.actions.get(m.emote)?.reset()
    }
    const targets = this.targets(m, now)
    if ((targets.jump ?? 0) > 0 && (this.weight.get('jump') ?? 0) < 0.01)
      this.actions.get('jump')!.reset()

    const k = 1 - Math.exp(-step / FADE_S)
    let total = 0
    for (const [name, w] of this.weight) {
      const next = w + ((targets[name] ?? 0) - w) * k
      const clean = next < 0.002 ? 0 : next
      this.weight.set(name, clean)
      total += clean
    }
    for (const [name, action] of this.actions) {
      action.setEffectiveWeight(
        total > 0 ? this.weight.get(name)! / total : name === 'idle' ? 1 : 0,
      )
    }

    // Strides at the figure's speed, the run kept in step with the walk.
    const walk = this.actions.get('walk')!
    const run = this.actions.get('run')!
    const speed = Math.max(m.speed, 1)
    walk.setEffectiveTimeScale(speed / WALK_CLIP_SPEED)
    run.setEffectiveTimeScale(speed / RUN_CLIP_SPEED)
    this.mixer.update(step)
    const walkClip = walk.getClip()
    run.time = (walk.time / walkClip.duration) * run.getClip().duration
    return true
  }

  /** How much a clip weighs now (for tests). */
  weightOf(name: ClipName): number {
    return this.weight.get(name) ?? 0
  }

  dispose(): void {
    this.mixer.stopAllAction()
    this.mixer.uncacheRoot(this.mixer.getRoot())
  }
}

/**
 * Skeleton updates per frame, shared by every figure: the nearest are animated every frame up to
 * `full`, the rest in turns. `skinnedUpdated` counts what the last frame did (the bench reads it).
 */
export const budget = {
  full: 24,
  frame: -1,
  used: 0,
  skinnedUpdated: 0,
  lastFrameUpdated: 0,
  /** Whether a figure at `distance` metres, number `slot`, is advanced this frame. */
  take(frame: number, distance: number, slot: number): boolean {
    if (frame !== this.frame) {
      this.lastFrameUpdated = this.skinnedUpdated
      this.frame = frame
      this.used = 0
      this.skinnedUpdated = 0
    }
    let every = distance < 25 ? 1 : distance < 60 ? 2 : 4
    if (every === 1 && this.used >= this.full) every = 2
    if (every === 1) this.used++
    const go = (frame + slot) % every === 0
    if (go) this.skinnedUpdated++
    return go
  },
}
