// Feet on the ground: the two-bone solver reaches its target with legs of unchanged length and
// knees bent forward, never NaN; a figure across a step or on a slope stands with each foot on
// its own ground, the hips lowered for the lower foot; sitting puts the hips on the ground; the
// fit fades in over frames and lets go in the air.
import { describe, expect, it } from 'vitest'
import { Euler, Group, Quaternion, Vector3, type Bone, type Object3D } from 'three'
import { defaultLook } from '../../protocol/avatar'
import { createMotion, type Motion } from '../../state/player'
import type { WorldCollider } from '../../world/collision'
import { Animator } from './animator'
import { Feet, MAX_DROP, solveLeg, type FeetBones, type Leg } from './feet'
import { layoutFor, makeSkeleton } from './skeleton'

/** A figure as Avatar.tsx builds it: root (placed) → model (turned to face +z) → bones. */
function figure(style: 'hd' | 'voxel', heading = 0) {
  const { skeleton, root: hips } = makeSkeleton(layoutFor(style, defaultLook('#336699')))
  const root = new Group()
  const model = new Group()
  model.rotation.y = Math.PI
  const holder = new Group()
  holder.add(hips)
  model.add(holder)
  root.add(model)
  root.rotation.y = heading
  root.updateMatrixWorld(true)
  const bone = (n: string) => skeleton.getBoneByName(n)!
  const bones: FeetBones = {
    hips,
    left: { upper: bone('leftUpperLeg'), lower: bone('leftLowerLeg'), foot: bone('leftFoot') },
    right: { upper: bone('rightUpperLeg'), lower: bone('rightLowerLeg'), foot: bone('rightFoot') },
  }
  /** What the mixer does each frame: every bone back to its pose (rest, or the sit clip's legs). */
  const pose = (sitting = false) => {
    for (const b of skeleton.bones as Bone[]) b.quaternion.identity()
    if (sitting)
      for (const leg of [bones.left, bones.right]) {
        leg.upper.quaternion.setFromEuler(new Euler(-2.1, 0, 0))
        leg.lower.quaternion.setFromEuler(new Euler(1.1, 0, 0))
      }
  }
  return { root, model, hips, bones, pose }
}

const world = (o: Object3D) => o.getWorldPosition(new Vector3())

function collider(surface: (x: number, z: number) => number): WorldCollider {
  return {
    bounds: { min: [-100, -100, -100], max: [100, 100, 100] },
    groundAt: (x, y, z, step) => {
      const h = surface(x, z)
      return h <= y + step ? h : -Infinity
    },
    blocked: () => false,
    waterAt: () => -Infinity,
  }
}

/** Runs `frames` animated frames at 60 fps. */
function settle(
  f: ReturnType<typeof figure>,
  feet: Feet,
  m: Motion,
  c: WorldCollider | null,
  frames = 120,
  sit = 0,
) {
  for (let i = 0; i < frames; i++) {
    f.root.position.set(m.x, m.y, m.z)
    f.root.updateMatrixWorld(true)
    f.pose(sit > 0)
    feet.update(m, c, 1 / 60, sit, true)
  }
  f.root.updateMatrixWorld(true)
}

function lengths(leg: Leg): [number, number] {
  return [
    world(leg.upper).distanceTo(world(leg.lower)),
    world(leg.lower).distanceTo(world(leg.foot)),
  ]
}

describe('solveLeg', () => {
  for (const style of ['hd', 'voxel'] as const) {
    it(`lifts a ${style} foot 0.3 m with the knee forward and the leg's length kept`, () => {
      const f = figure(style, 0.7)
      const leg = f.bones.left
      const before = lengths(leg)
      const hip = world(leg.upper)
      const target = world(leg.foot).add(new Vector3(0, 0.3, 0))
      const forward = new Vector3(0, 0, 1).transformDirection(f.model.matrixWorld)
      solveLeg(leg, target, forward)
      f.root.updateMatrixWorld(true)
      expect(world(leg.foot).distanceTo(target)).toBeLessThan(1e-3)
      const after = lengths(leg)
      expect(after[0]).toBeCloseTo(before[0], 5)
      expect(after[1]).toBeCloseTo(before[1], 5)
      // The knee comes forward of the hip–foot line.
      const kneeAhead = world(leg.lower).sub(hip).dot(forward)
      expect(kneeAhead).toBeGreaterThan(0.1)
    })
  }

  it('reaches as far as the leg allows and never gives NaN', () => {
    const f = figure('hd')
    const leg = f.bones.right
    const [upper, lower] = lengths(leg)
    const hip = world(leg.upper)
    const forward = new Vector3(0, 0, -1)
    const targets = [
      hip.clone().add(new Vector3(0.3, -5, 2)), // far out of reach
      hip.clone(), // at the hip itself
      hip.clone().add(new Vector3(0, -0.01, 0)), // closer than the shin's length allows
      hip.clone().add(new Vector3(0, 0, -upper - lower)), // straight forward, along the pole
    ]
    for (const t of targets) {
      f.pose()
      f.root.updateMatrixWorld(true)
      solveLeg(leg, t, forward)
      f.root.updateMatrixWorld(true)
      for (const b of [leg.upper, leg.lower, leg.foot]) {
        const q = b.quaternion
        expect([q.x, q.y, q.z, q.w].every(Number.isFinite)).toBe(true)
      }
      const foot = world(leg.foot)
      expect(Number.isFinite(foot.x + foot.y + foot.z)).toBe(true)
      expect(foot.distanceTo(hip)).toBeLessThanOrEqual(upper + lower + 1e-4)
    }
    // Out of reach: the leg points at the target, straight.
    f.pose()
    f.root.updateMatrixWorld(true)
    const far = targets[0]!
    solveLeg(leg, far, forward)
    f.root.updateMatrixWorld(true)
    const dir = far.clone().sub(hip).normalize()
    const got = world(leg.foot).sub(hip)
    expect(got.length()).toBeCloseTo(upper + lower, 3)
    expect(got.normalize().dot(dir)).toBeGreaterThan(0.9999)
  })
})

describe('Feet', () => {
  const standing = (y: number): Motion => createMotion(0, y, 0, 0)

  for (const style of ['hd', 'voxel'] as const) {
    it(`stands a ${style} figure across a 0.3 m step, each foot on its own ground`, () => {
      // Heading 0 faces -z; the figure's left foot is at world -x.
      const up = collider((x) => (x < 0 ? 0.3 : 0))
      const f = figure(style)
      const feet = new Feet(f.root, f.bones)
      const ankle = world(f.bones.left.foot).y
      const hipsRest = world(f.hips).y
      const legs = [lengths(f.bones.left), lengths(f.bones.right)]

      // Body on the lower level: the left foot steps up, the hips stay.
      settle(f, feet, standing(0), up)
      expect(world(f.bones.left.foot).y).toBeCloseTo(0.3 + ankle, 2)
      expect(Math.abs(world(f.bones.left.foot).y - (0.3 + ankle))).toBeLessThan(0.004)
      expect(Math.abs(world(f.bones.right.foot).y - ankle)).toBeLessThan(0.004)
      expect(world(f.hips).y).toBeCloseTo(hipsRest, 3)
      // The bent knee points forward (-z).
      const hip = world(f.bones.left.upper)
      expect(world(f.bones.left.lower).z - hip.z).toBeLessThan(-0.05)

      // Body on the upper level, the right foot over the lower one: the hips go down with it.
      settle(
        f,
        feet,
        standing(0.3),
        collider((x) => (x < 0.05 ? 0.3 : 0)),
      )
      expect(Math.abs(world(f.bones.right.foot).y - ankle)).toBeLessThan(0.004)
      expect(Math.abs(world(f.bones.left.foot).y - (0.3 + ankle))).toBeLessThan(0.004)
      expect(world(f.hips).y).toBeCloseTo(hipsRest + 0.3 - 0.3, 2)
      expect(feet.hipsShift).toBeCloseTo(-0.3, 2)
      // Legs keep their length through all of it.
      const now = [lengths(f.bones.left), lengths(f.bones.right)]
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) expect(now[i]![j]).toBeCloseTo(legs[i]![j]!, 5)
    })
  }

  it('stays put under a real mixer, which writes a bone only when its value changes', () => {
    // A standing figure's legs come out of the mixer the same every frame, so it leaves them
    // as the fit bent them: the fit must start from the animated pose, not from its own result.
    const f = figure('hd')
    const animator = new Animator(f.hips.parent!)
    const feet = new Feet(f.root, f.bones)
    const ankle = world(f.bones.left.foot).y
    const m = standing(0.3)
    const c = collider((x) => (x < 0.05 ? 0.3 : 0))
    f.root.position.y = m.y
    for (let i = 0; i < 240; i++) {
      animator.update(m, 1 / 60, i * 16)
      f.root.updateMatrixWorld(true)
      feet.update(m, c, animator.lastStep, animator.weightOf('sit'), true)
    }
    f.root.updateMatrixWorld(true)
    expect(Math.abs(world(f.bones.left.foot).y - (0.3 + ankle))).toBeLessThan(0.004)
    expect(Math.abs(world(f.bones.right.foot).y - ankle)).toBeLessThan(0.004)
    // Out of range: the legs go back to the animation's pose, the hips to theirs.
    for (let i = 0; i < 3; i++) {
      animator.update(m, 1 / 60, 4000 + i * 16)
      feet.update(m, c, animator.lastStep, 0, false)
    }
    f.root.updateMatrixWorld(true)
    expect(world(f.bones.left.foot).y).toBeCloseTo(0.3 + ankle, 3)
    expect(world(f.bones.right.foot).y).toBeCloseTo(0.3 + ankle, 3)
    animator.dispose()
  })

  it('leaves a foot over a drop deeper than it reaches on the ledge', () => {
    const f = figure('hd')
    const feet = new Feet(f.root, f.bones)
    const ankle = world(f.bones.right.foot).y
    settle(
      f,
      feet,
      standing(1),
      collider((x) => (x > 0.05 ? 1 - MAX_DROP - 0.5 : 1)),
    )
    expect(world(f.bones.right.foot).y).toBeCloseTo(1 + ankle, 3)
    expect(feet.hipsShift).toBeCloseTo(0, 3)
  })

  it('tilts the feet a little towards a slope', () => {
    const f = figure('hd')
    const feet = new Feet(f.root, f.bones)
    // Rising 0.3 m per metre towards +x.
    const slope = collider((x) => 0.3 * x)
    settle(f, feet, standing(0), slope)
    const normal = new Vector3(-0.3, 1, 0).normalize()
    const up = new Vector3(0, 1, 0)
    for (const leg of [f.bones.left, f.bones.right]) {
      const footUp = up.clone().applyQuaternion(leg.foot.getWorldQuaternion(new Quaternion()))
      const full = up.angleTo(normal)
      expect(footUp.angleTo(normal)).toBeLessThan(full * 0.5)
      expect(footUp.angleTo(up)).toBeGreaterThan(full * 0.5)
      // Each sole on its own ground.
      const at = world(leg.foot)
      expect(at.y - 0.3 * at.x).toBeGreaterThan(0.05)
      expect(at.y - 0.3 * at.x).toBeLessThan(0.13)
    }
  })

  it('fades in over frames, not at once, and lets go in the air', () => {
    const up = collider((x) => (x < 0 ? 0.3 : 0))
    const f = figure('hd')
    const feet = new Feet(f.root, f.bones)
    const ankle = world(f.bones.left.foot).y
    const m = standing(0)
    settle(f, feet, m, up, 1)
    const lift = world(f.bones.left.foot).y - ankle
    expect(lift).toBeGreaterThan(0)
    expect(lift).toBeLessThan(0.1)
    settle(f, feet, m, up)
    expect(feet.weight).toBeGreaterThan(0.99)
    m.anim = 'jump'
    m.grounded = false
    settle(f, feet, m, up, 1)
    expect(feet.weight).toBeGreaterThan(0.8) // eased out, not snapped
    settle(f, feet, m, up)
    expect(feet.weight).toBeLessThan(0.01)
    expect(world(f.bones.left.foot).y - ankle).toBeLessThan(0.01)
    // Walking fast: the fit stays partial so the stride's own lift shows.
    m.anim = 'run'
    m.grounded = true
    m.speed = 8
    settle(f, feet, m, up)
    expect(feet.weight).toBeLessThan(0.4)
  })

  it('seats a sitting figure on the ground under it, whatever the figure', () => {
    for (const style of ['hd', 'voxel'] as const) {
      const f = figure(style)
      const feet = new Feet(f.root, f.bones)
      expect(feet.seat).toBeGreaterThan(0.03)
      expect(feet.seat).toBeLessThan(feet.hipsHeight / 2)
      // The remote's pose is 3 cm high (quantized): the seat is on the ground all the same.
      const m = standing(2.03)
      settle(
        f,
        feet,
        m,
        collider(() => 2),
        120,
        1,
      )
      expect(world(f.hips).y).toBeCloseTo(2 + feet.seat, 3)
      // Its feet on the ground too, in front of it.
      for (const leg of [f.bones.left, f.bones.right])
        expect(Math.abs(world(leg.foot).y - (2 + feet.ankle))).toBeLessThan(0.004)
      // Half faded: halfway down.
      settle(
        f,
        feet,
        m,
        collider(() => 2),
        1,
        0.5,
      )
      expect(world(f.hips).y).toBeCloseTo(2 + (feet.seat + feet.hipsHeight) / 2, 3)
      // Standing again (sit weight 0): the hips back where the animation has them.
      settle(
        f,
        feet,
        standing(2),
        collider(() => 2),
        120,
        0,
      )
      expect(world(f.hips).y).toBeCloseTo(2 + feet.hipsHeight, 3)
    }
  })
})
