// Feet on the ground: after the animator has posed a figure, each foot is moved onto the ground
// under it (a step, a slope) by bending its leg with analytic two-bone IK, the hips lowered when
// one foot stands lower than the body, and the feet tilted a little to the slope. Sitting lowers
// the hips onto the ground under the figure. Runs in the browser's frame loop for figures near
// the camera; works on any chain whose rest pose has identity rotations (the built skeleton and a
// VRM's normalized bones), in world space, without allocating.
import type { Object3D } from 'three'
import { Quaternion, Vector3 } from 'three'
import type { Motion } from '../../state/player'
import type { WorldCollider } from '../../world/collision'

export interface Leg {
  upper: Object3D
  lower: Object3D
  foot: Object3D
}

export interface FeetBones {
  hips: Object3D
  left: Leg
  right: Leg
}

/** Lowest a foot may stand below the body, m (more: the foot is on the ledge's edge). */
export const MAX_DROP = 0.35
/** Highest a foot may stand above the body, m. */
export const MAX_RISE = 0.45
/** The hips rise at most this much when both feet stand above the body (a quantized pose). */
const MAX_LIFT = 0.08
/** How far from the foot the slope's normal is sampled, m. */
const NORMAL_SPAN = 0.14
/** A height change steeper than this between normal samples is a step's edge, not a slope. */
const EDGE_SLOPE = 1.2
/** Share of the slope's tilt the foot takes, and the most it tilts, rad. */
const TILT_SHARE = 0.7
const MAX_TILT = 0.5
/** Time constants, s: the IK's weight, and the ground heights the feet follow. */
const WEIGHT_S = 0.15
const FOLLOW_S = 0.07

const _a = new Vector3()
const _b = new Vector3()
const _c = new Vector3()
const _t = new Vector3()
const _d = new Vector3()
const _n = new Vector3()
const _u0 = new Vector3()
const _u1 = new Vector3()
const _s = new Vector3()
const _q = new Quaternion()
const _pq = new Quaternion()
const _fq = new Quaternion()
const _tilt = new Quaternion()
const _up = new Vector3(0, 1, 0)
const _fwd = new Vector3()
const _goal = new Vector3()
const _v = new Vector3()
const _noQ = new Quaternion()

/** Turns `bone` so that the world direction `from` (unit) becomes `to` (unit); updates its subtree. */
function turnBone(bone: Object3D, from: Vector3, to: Vector3): void {
  _q.setFromUnitVectors(from, to)
  bone.parent!.matrixWorld.decompose(_s, _pq, _v)
  // local' = P⁻¹ · q · P · local, P the parent's world rotation.
  bone.quaternion.premultiply(_pq).premultiply(_q).premultiply(_pq.invert())
  bone.updateMatrixWorld(true)
}

/**
 * Bends `leg` so its foot joint reaches `target` (world), or as near as the leg's length allows.
 * The knee bends the way it already bends, or towards `pole` (a world direction, the figure's
 * front) when the leg is straight. World matrices of the chain must be current; they are kept so.
 */
export function solveLeg(leg: Leg, target: Vector3, pole: Vector3): void {
  _a.setFromMatrixPosition(leg.upper.matrixWorld)
  _b.setFromMatrixPosition(leg.lower.matrixWorld)
  _c.setFromMatrixPosition(leg.foot.matrixWorld)
  const lab = _a.distanceTo(_b)
  const lbc = _b.distanceTo(_c)
  _d.subVectors(target, _a)
  let reach = _d.length()
  if (lab < 1e-6 || lbc < 1e-6 || !(reach > 1e-6)) return
  _d.divideScalar(reach)
  reach = Math.min(lab + lbc - 1e-5, Math.max(Math.abs(lab - lbc) + 1e-5, reach))

  // Where the knee is now off the hip–foot line, plus a little of the pole: a straight leg bends
  // towards the pole, a bent one keeps its bend.
  _u0.subVectors(_c, _a).normalize()
  _n.subVectors(_b, _a)
  _n.addScaledVector(_u0, -_n.dot(_u0)).addScaledVector(pole, 0.1 * lab)
  _n.addScaledVector(_d, -_n.dot(_d))
  if (_n.lengthSq() < 1e-12) {
    // The pole lies along the leg: any direction across it.
    _n.set(1, 0, 0).addScaledVector(_d, -_d.x)
    if (_n.lengthSq() < 1e-12) _n.set(0, 0, 1).addScaledVector(_d, -_d.z)
  }
  _n.normalize()
  const along = (lab * lab - lbc * lbc + reach * reach) / (2 * reach)
  const across = Math.sqrt(Math.max(0, lab * lab - along * along))

  // Upper leg: towards the knee's new place.
  _t.copy(_a).addScaledVector(_d, along).addScaledVector(_n, across)
  _u0.subVectors(_b, _a).normalize()
  _u1.subVectors(_t, _a).normalize()
  turnBone(leg.upper, _u0, _u1)

  // Lower leg: towards the (reachable) target.
  _b.setFromMatrixPosition(leg.lower.matrixWorld)
  _c.setFromMatrixPosition(leg.foot.matrixWorld)
  _t.copy(_a).addScaledVector(_d, reach)
  _u0.subVectors(_c, _b)
  _u1.subVectors(_t, _b)
  if (_u0.lengthSq() < 1e-12 || _u1.lengthSq() < 1e-12) return
  turnBone(leg.lower, _u0.normalize(), _u1.normalize())
}

interface FootState {
  /** Ground under the foot relative to the body's feet (m), followed smoothly. */
  offset: number
  /** The slope under the foot: the normal's x and z (y is 1 before normalising). */
  nx: number
  nz: number
  /** Animated foot joint (world) before the IK. */
  readonly at: Vector3
  /** Animated foot rotation (world) before the IK. */
  readonly turn: Quaternion
}

const newFoot = (): FootState => ({
  offset: 0,
  nx: 0,
  nz: 0,
  at: new Vector3(),
  turn: new Quaternion(),
})

export interface FeetOptions {
  /** The thigh's thickness below its bone, m (how high the hips sit above the ground). */
  thigh?: number
}

/** One figure's feet: measures the rest pose once, then places the feet every animated frame. */
export class Feet {
  /** The IK's weight now, 0–1 (eased). */
  weight = 0
  /** The hips' shift this frame, m (world; negative is down). */
  hipsShift = 0
  private readonly restHips: Vector3
  /** Hips above the feet in the rest pose, m (world). */
  readonly hipsHeight: number
  /** Hips above the ground when sitting, m (world). */
  readonly seat: number
  /** The foot joints above the ground in the rest pose, m (world). */
  readonly ankle: number
  private readonly feet: [FootState, FootState] = [newFoot(), newFoot()]
  private active = false
  /** The legs' bones (upper, lower, foot; left then right). */
  private readonly chain: Object3D[]
  /** Their rotations as the mixer left them, and as the fit left them, last frame. */
  private readonly animated: Quaternion[]
  private readonly written: Quaternion[]

  /**
   * `root` is the figure's placed node (its origin at the feet); `bones` must be in the rest
   * pose now.
   */
  constructor(
    private readonly root: Object3D,
    private readonly bones: FeetBones,
    options: FeetOptions = {},
  ) {
    this.restHips = bones.hips.position.clone()
    const { left: l, right: r } = bones
    this.chain = [l.upper, l.lower, l.foot, r.upper, r.lower, r.foot]
    this.animated = this.chain.map((b) => b.quaternion.clone())
    this.written = this.chain.map(() => new Quaternion(NaN, NaN, NaN, NaN))
    root.updateMatrixWorld(true)
    const base = root.getWorldPosition(new Vector3())
    const hipsY = bones.hips.getWorldPosition(new Vector3()).y - base.y
    const legY = bones.left.upper.getWorldPosition(new Vector3()).y - base.y
    this.hipsHeight = hipsY
    this.ankle = Math.max(0, bones.left.foot.getWorldPosition(new Vector3()).y - base.y)
    this.seat = hipsY - legY + (options.thigh ?? 0.08 * hipsY)
  }

  /**
   * Places the hips and feet for motion `m` after the animator posed the figure this frame.
   * `dt`: seconds since the last call; `sit`: the sit clip's weight; `near`: within the range
   * where feet are fitted to the ground (beyond it only sitting moves the hips).
   */
  update(m: Motion, collider: WorldCollider | null, dt: number, sit: number, near: boolean): void {
    const { hips, left, right } = this.bones
    const ik = near && collider !== null
    if (!ik && !this.active && sit <= 0) return
    // The mixer writes a bone only when its value changes: a leg it left alone still wears last
    // frame's fit, and gets back the pose the mixer gave it then.
    const chain = this.chain
    for (let i = 0; i < chain.length; i++) {
      const q = chain[i]!.quaternion
      if (q.equals(this.written[i]!)) q.copy(this.animated[i]!)
      this.animated[i]!.copy(q)
      this.written[i]!.set(NaN, NaN, NaN, NaN)
    }
    // The mixer never moves the hips' position: it is set whole every frame.
    hips.position.copy(this.restHips)
    hips.parent!.updateWorldMatrix(true, false)
    this.active = false
    this.hipsShift = 0
    const k = 1 - Math.exp(-Math.max(0, dt) / WEIGHT_S)
    const target = ik && m.grounded && m.anim !== 'jump' && m.anim !== 'fall' ? walkShare(m) : 0
    // Out of range the IK lets go at once (nothing is fitted there); back in range it eases in.
    this.weight = ik ? this.weight + (target - this.weight) * k : 0

    // Sitting: the hips down to the ground under the figure (the motion's y is the ground,
    // give or take the pose's quantization).
    let shift = 0
    if (sit > 0) {
      let ground = m.y
      if (collider) {
        const g = collider.groundAt(m.x, m.y, m.z, 0.2)
        if (Math.abs(g - m.y) < 0.2) ground = g
      }
      shift = sit * (ground + this.seat - (m.y + this.hipsHeight))
      this.shiftHips(shift)
      this.active = true
    }
    if (!ik || this.weight <= 0) {
      hips.updateMatrixWorld(true)
      this.hipsShift = shift
      this.active = sit > 0
      return
    }
    this.active = true
    hips.updateMatrixWorld(true)

    // Ground under each animated foot, followed smoothly.
    const f = 1 - Math.exp(-Math.max(0, dt) / FOLLOW_S)
    let low = Infinity
    const legs = [left, right] as const
    for (let i = 0; i < 2; i++) {
      const leg = legs[i]!
      const s = this.feet[i]!
      s.at.setFromMatrixPosition(leg.foot.matrixWorld)
      leg.foot.matrixWorld.decompose(_s, s.turn, _v)
      const g = collider.groundAt(s.at.x, m.y, s.at.z, MAX_RISE)
      const want = g >= m.y - MAX_DROP ? Math.min(MAX_RISE, g - m.y) : 0
      s.offset += (want - s.offset) * f
      let nx = 0
      let nz = 0
      if (g >= m.y - MAX_DROP) {
        const gx = collider.groundAt(s.at.x + NORMAL_SPAN, g, s.at.z, 0.25)
        const gz = collider.groundAt(s.at.x, g, s.at.z + NORMAL_SPAN, 0.25)
        const sx = (gx - g) / NORMAL_SPAN
        const sz = (gz - g) / NORMAL_SPAN
        if (Math.abs(sx) < EDGE_SLOPE) nx = -sx
        if (Math.abs(sz) < EDGE_SLOPE) nz = -sz
      }
      s.nx += (nx - s.nx) * f
      s.nz += (nz - s.nz) * f
      low = Math.min(low, s.offset)
    }

    // The hips go down with the lower foot (never while sitting: they rest on the ground).
    const drop = Math.max(-MAX_DROP, Math.min(MAX_LIFT, low)) * this.weight * (1 - sit)
    if (drop !== 0) {
      this.shiftHips(drop)
      hips.updateMatrixWorld(true)
    }
    this.hipsShift = shift + drop

    // The knees bend towards the figure's front.
    _fwd.set(0, 0, 1).transformDirection(hips.parent!.matrixWorld)
    for (let i = 0; i < 2; i++) {
      const leg = legs[i]!
      const s = this.feet[i]!
      // Standing: the animated foot moved by its ground's height (a stride keeps its lift).
      // Sitting: the foot set on its ground, whatever the figure's proportions.
      const stand = s.offset
      const planted = m.y + s.offset + this.ankle - s.at.y
      _goal.copy(s.at)
      _goal.y += (stand + (planted - stand) * sit) * this.weight
      solveLeg(leg, _goal, _fwd)
      // The foot keeps its animated turn, tilted a little towards the slope.
      _u1.set(s.nx, 1, s.nz).normalize()
      _tilt.setFromUnitVectors(_up, _u1)
      const angle = 2 * Math.acos(Math.min(1, Math.abs(_tilt.w)))
      const share = angle > 0 ? Math.min(TILT_SHARE, MAX_TILT / angle) * this.weight : 0
      _fq.slerpQuaternions(_noQ, _tilt, share).multiply(s.turn)
      leg.lower.matrixWorld.decompose(_s, _q, _v)
      leg.foot.quaternion.copy(_q.invert().multiply(_fq))
      leg.foot.updateMatrixWorld(true)
    }
    for (let i = 0; i < chain.length; i++) this.written[i]!.copy(chain[i]!.quaternion)
  }

  /** Moves the hips `dy` metres along the world's up (from where they are now). */
  private shiftHips(dy: number): void {
    const hips = this.bones.hips
    const parent = hips.parent!
    _v.copy(hips.position)
    parent.localToWorld(_v)
    _v.y += dy
    parent.worldToLocal(_v)
    hips.position.copy(_v)
  }
}

/** The IK's share by ground speed: whole standing, fading through a walk, little in a run. */
function walkShare(m: Motion): number {
  const s = m.anim === 'walk' || m.anim === 'run' ? m.speed : 0
  return 1 - 0.75 * Math.min(1, Math.max(0, (s - 0.3) / 5))
}
