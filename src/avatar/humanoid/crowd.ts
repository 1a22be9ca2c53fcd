// Far built figures cost little: beyond FAR_IN metres a figure is drawn with its look's far
// geometry (figures.ts at the 'far' detail) and, when it only stands or walks, from a crowd rig it
// shares with every far figure of the same style and build doing the same: one mixer and one
// skeleton animated once per frame at the origin, each far mesh bound to it in three's detached
// mode so that its own matrixWorld places it. Runs in the browser, per figure per frame.
//
// Binding (three 0.187, SkinnedMesh/Skeleton and the skinning shader): a vertex v is drawn at
//   matrixWorld · bindMatrixInverse · (boneWorld · boneInverse) · bindMatrix · v.
// Attached (a figure's own bones, children of its mesh, bindMatrix = I): bindMatrixInverse is
// matrixWorld⁻¹ every frame and boneWorld = matrixWorld · boneLocal, so v lands at
// matrixWorld · boneLocal · boneInverse · v. Detached: bindMatrixInverse = bindMatrix⁻¹ and the
// rig's bones hang from an identity root, so boneWorld = boneLocal; a rig is built at height 1 and
// each mesh binds with bindMatrix = scale(1 / height): every layout is its height times the
// height-1 layout of its build (skeleton.ts) and clips only rotate bones, so
// scale(h) · rigPose · scale(1 / h) is exactly the figure's own pose at its height.
//
// Switching: onto a rig, the figure's own bones are pulled towards the rig's pose over FADE_S
// (its own clips still play underneath), and the mesh is bound to the rig only once they have
// arrived, so the switch itself changes no vertex. Off a rig, the figure's own mixer takes the
// rig's clip weights and times (Animator.continueFrom) and goes on from that exact pose. A
// walker's stride phase is the rig's from then on: the per-figure time offset is lost while far,
// which nobody sees at that distance, and the fade covers the one change of phase.
import {
  AttachedBindMode,
  DetachedBindMode,
  Group,
  Matrix4,
  type Bone,
  type BufferGeometry,
  type Skeleton,
  type SkinnedMesh,
} from 'three'
import type { AvatarLook } from '../../protocol/avatar'
import { createMotion, type Motion } from '../../state/player'
import { activeEmote } from '../emotes'
import { Animator, budget } from './animator'
import { figureFor, releaseFigure } from './figures'
import { layoutFor, makeSkeleton } from './skeleton'

/**
 * Beyond FAR_IN metres a figure goes far, nearer than FAR_OUT it comes back (the 4 m between
 * keeps one standing at the edge from flickering). At 28 m, 720 px high with a 55° field of view
 * (the app's camera), a 1.7 m figure is about 45 px tall: its eyes and buttons (2–3 cm) are under
 * a pixel and a 14-segment limb shows no more edge than a 6-segment one. The budget animates
 * figures beyond 25 m every other frame already (animator.ts).
 */
export const FAR_IN = 28
export const FAR_OUT = 24
/** Seconds a figure's own pose takes to reach a crowd rig's before it is bound to it. */
export const FADE_S = 0.3
/** Walking speed steps the rigs are made for, m/s; a walker keeps its rig within SPEED_SLACK. */
const SPEED_STEP = 0.5
const SPEED_SLACK = 0.4
const MAX_SPEED_CODE = 30

const BUILDS = { slim: 0, regular: 1, sturdy: 2 } as const

interface Rig {
  key: number
  root: Group
  skeleton: Skeleton
  animator: Animator
  motion: Motion
  /** Walking speed the rig plays (0 standing). */
  speed: number
  users: number
  frame: number
}

const rigs = new Map<number, Rig>()

/**
 * `enabled` off: every figure is drawn near and animated on its own (the bench's before). The
 * distances can be lowered to look at far figures from close by (the bench's pictures).
 */
export const crowdSettings = { enabled: true, farIn: FAR_IN, farOut: FAR_OUT }

/** How many crowd rigs exist now (the bench reads it). */
export function sharedRigCount(): number {
  return rigs.size
}

/**
 * What a far figure doing `m` can share: 0 standing, 1 + its speed in SPEED_STEPs walking or
 * running, -1 nothing (a gesture, a jump or a fall plays on the figure's own mixer).
 */
export function shareableState(m: Motion, now: number): number {
  if (activeEmote(m, now)) return -1
  if (m.anim === 'idle') return 0
  if (m.anim !== 'walk' && m.anim !== 'run') return -1
  if (m.speed < 0.3) return 0
  return Math.min(MAX_SPEED_CODE, 1 + Math.round(m.speed / SPEED_STEP))
}

function rigKey(style: 'voxel' | 'hd', body: AvatarLook['body'], state: number): number {
  return ((style === 'hd' ? 0 : 3) + BUILDS[body]) * 100 + state
}

function acquireRig(key: number, style: 'voxel' | 'hd', look: AvatarLook, state: number): Rig {
  let rig = rigs.get(key)
  if (!rig) {
    const { skeleton, root: hips } = makeSkeleton(layoutFor(style, { ...look, height: 1 }))
    const root = new Group()
    root.add(hips)
    const speed = state === 0 ? 0 : (state - 1) * SPEED_STEP
    const motion = createMotion()
    motion.anim = speed === 0 ? 'idle' : speed >= 5 ? 'run' : 'walk'
    motion.speed = speed
    const animator = new Animator(root)
    animator.settle(motion, 0)
    animator.update(motion, 0, 0)
    root.updateMatrixWorld(true)
    rig = { key, root, skeleton, animator, motion, speed, users: 0, frame: -1 }
    rigs.set(key, rig)
  }
  rig.users++
  return rig
}

function releaseRig(rig: Rig): void {
  if (--rig.users > 0) return
  rigs.delete(rig.key)
  rig.animator.dispose()
  rig.skeleton.dispose()
}

/** Advances a rig once per frame, whichever of its figures asks first. */
function tickRig(rig: Rig, frame: number, dt: number): void {
  if (rig.frame === frame) return
  rig.frame = frame
  rig.animator.update(rig.motion, dt, 0)
  rig.root.updateMatrixWorld(true)
  budget.skinnedUpdated++
  budget.mixersUpdated++
}

const IDENTITY = new Matrix4()

/** One built figure's level of detail and its place in the crowd rigs. */
export class FigureLod {
  far = false
  /** The rig this figure is fading onto or bound to. */
  private rig: Rig | null = null
  private bound = false
  private fade = 0
  private farGeometry: BufferGeometry | null = null
  private readonly bindScale: Matrix4

  constructor(
    private readonly mesh: SkinnedMesh,
    private readonly hips: Bone,
    private readonly own: Skeleton,
    private readonly animator: Animator,
    private readonly style: 'voxel' | 'hd',
    private readonly look: AvatarLook,
    private readonly nearGeometry: BufferGeometry,
  ) {
    const k = 1 / look.height
    this.bindScale = new Matrix4().makeScale(k, k, k)
  }

  /** Whether the figure is drawn from a shared rig now (for tests). */
  get shared(): boolean {
    return this.bound
  }

  /**
   * Picks the detail for `distance` and the rig for `m`; true when the figure is drawn from a
   * shared rig this frame, so its own mixer has nothing to do.
   */
  step(frame: number, distance: number, m: Motion, dt: number, now: number): boolean {
    budget.begin(frame)
    if (!crowdSettings.enabled) distance = 0
    if (!this.far && distance > crowdSettings.farIn) {
      this.far = true
      this.farGeometry ??= figureFor(this.style, this.look, 'far').geometry
      this.mesh.geometry = this.farGeometry
    } else if (this.far && distance < crowdSettings.farOut) {
      this.far = false
      this.mesh.geometry = this.nearGeometry
    }
    if (this.far) budget.farFigures++

    let state = this.far ? shareableState(m, now) : -1
    const rig = this.rig
    // A walker keeps its rig while its speed stays near the rig's (no hopping between steps).
    if (rig && state > 0 && rig.speed > 0 && Math.abs(m.speed - rig.speed) <= SPEED_SLACK)
      state = rig.key % 100
    const key = state < 0 ? -1 : rigKey(this.style, this.look.body, state)

    if (this.bound && rig) {
      tickRig(rig, frame, dt)
      if (rig.key === key) {
        budget.sharedFigures++
        return true
      }
      this.leave(rig)
      return false
    }
    if (rig && rig.key !== key) {
      // Fading onto a rig no longer wanted: fade back out, then let it go.
      tickRig(rig, frame, dt)
      this.fade = Math.max(0, this.fade - dt / FADE_S)
      this.animator.pullTowards(this.own.bones, rig.skeleton.bones, this.fade)
      if (this.fade === 0) {
        this.rig = null
        releaseRig(rig)
      }
      return false
    }
    if (!rig && key >= 0) {
      this.rig = acquireRig(key, this.style, this.look, state)
      this.fade = 0
    }
    const target = this.rig
    if (!target) return false
    tickRig(target, frame, dt)
    // Bound only once the figure's own bones have been drawn at the rig's pose.
    if (this.animator.pulled >= 1) {
      this.bind(target)
      budget.sharedFigures++
      return true
    }
    this.fade = Math.min(1, this.fade + dt / FADE_S)
    this.animator.pullTowards(this.own.bones, target.skeleton.bones, this.fade)
    return false
  }

  private bind(rig: Rig): void {
    this.mesh.remove(this.hips)
    this.mesh.bindMode = DetachedBindMode
    this.mesh.bind(rig.skeleton, this.bindScale)
    this.bound = true
  }

  /** Back onto the figure's own bones, carrying on from the rig's pose. */
  private leave(rig: Rig): void {
    this.animator.continueFrom(rig.animator)
    this.mesh.add(this.hips)
    this.mesh.bindMode = AttachedBindMode
    this.mesh.bind(this.own, IDENTITY)
    this.bound = false
    this.fade = 0
    this.rig = null
    releaseRig(rig)
  }

  dispose(): void {
    if (this.rig) {
      if (this.bound) {
        this.mesh.add(this.hips)
        this.mesh.bindMode = AttachedBindMode
        this.mesh.bind(this.own, IDENTITY)
        this.bound = false
      }
      releaseRig(this.rig)
      this.rig = null
    }
    this.animator.pullTowards(this.own.bones, this.own.bones, 0)
    this.far = false
    this.mesh.geometry = this.nearGeometry
    if (this.farGeometry) releaseFigure(this.farGeometry)
    this.farGeometry = null
  }
}
