// Far figures and crowd rigs: the far geometry past the edge (with hysteresis), one rig shared by
// far figures of one build doing the same, a detached binding that draws a figure exactly where
// and how its own skeleton would, switches on and off a rig without a jump, and rigs let go when
// nobody uses them.
import { afterEach, describe, expect, it } from 'vitest'
import { Group, Matrix4, SkinnedMesh, Vector3 } from 'three'
import { defaultLook, type AvatarLook } from '../../protocol/avatar'
import { createMotion, type Motion } from '../../state/player'
import { Animator, budget } from './animator'
import { FADE_S, FAR_IN, FAR_OUT, FigureLod, sharedRigCount, shareableState } from './crowd'
import { figureFor, releaseFigure } from './figures'
import { boneIndex, layoutFor, makeSkeleton } from './skeleton'

const made: { dispose: () => void }[] = []
afterEach(() => {
  for (const f of made.splice(0)) f.dispose()
})

function figure(look: AvatarLook, x = 0, z = 0, heading = 0) {
  const { geometry, layout } = figureFor('hd', look)
  const { skeleton, root: hips } = makeSkeleton(layout)
  const mesh = new SkinnedMesh(geometry)
  mesh.add(hips)
  mesh.bind(skeleton, new Matrix4())
  const place = new Group()
  place.position.set(x, 0, z)
  place.rotation.y = heading
  place.add(mesh)
  const animator = new Animator(mesh)
  const lod = new FigureLod(mesh, hips, skeleton, animator, 'hd', look, geometry)
  const f = {
    mesh,
    place,
    skeleton,
    animator,
    lod,
    geometry,
    dispose: () => {
      lod.dispose()
      animator.dispose()
      skeleton.dispose()
      releaseFigure(geometry)
    },
  }
  made.push(f)
  return f
}
type Figure = ReturnType<typeof figure>

let frameNo = 1000
const DT = 1 / 60
/** One frame of Avatar.tsx's drive() for each figure (every figure advanced, no budget). */
function frame(figs: [Figure, number, Motion][]): void {
  frameNo++
  const now = frameNo * DT * 1000
  for (const [f, distance, m] of figs) {
    if (!f.lod.step(frameNo, distance, m, DT, now)) f.animator.update(m, DT, now)
  }
}

/**
 * Where vertex `i` of the near geometry is drawn, in world space, as the skinning shader computes
 * it (whichever geometry the figure shows: the same bones move both).
 */
function drawn(f: Figure, i: number): Vector3 {
  f.place.updateMatrixWorld(true)
  f.mesh.skeleton.update()
  const shown = f.mesh.geometry
  f.mesh.geometry = f.geometry
  const p = f.mesh.getVertexPosition(i, new Vector3()).applyMatrix4(f.mesh.matrixWorld)
  f.mesh.geometry = shown
  return p
}

function vertexOn(f: Figure, bone: Parameters<typeof boneIndex>[0]): number {
  const si = f.geometry.attributes.skinIndex!
  for (let i = 0; i < si.count; i++) if (si.getX(i) === boneIndex(bone)) return i
  throw new Error(`no vertex on ${bone}`)
}

const tall: AvatarLook = { ...defaultLook('#2e8b57'), height: 1.12, body: 'sturdy' }

describe('far figures', () => {
  it('switch to the far geometry beyond FAR_IN and back only nearer than FAR_OUT', () => {
    const f = figure(defaultLook())
    const m = createMotion()
    m.emote = 'wave'
    m.emoteAt = 1e12 // waving throughout: no rig, only the detail changes
    const far = figureFor('hd', defaultLook(), 'far').geometry
    releaseFigure(far)
    frame([[f, FAR_IN - 1, m]])
    expect(f.mesh.geometry).toBe(f.geometry)
    frame([[f, FAR_IN + 1, m]])
    expect(f.mesh.geometry).toBe(far)
    expect(budget.farFigures).toBe(1)
    // Between the two edges it stays as it was, both ways.
    frame([[f, (FAR_IN + FAR_OUT) / 2, m]])
    expect(f.mesh.geometry).toBe(far)
    frame([[f, FAR_OUT - 0.5, m]])
    expect(f.mesh.geometry).toBe(f.geometry)
    frame([[f, (FAR_IN + FAR_OUT) / 2, m]])
    expect(f.mesh.geometry).toBe(f.geometry)
    expect(f.lod.shared).toBe(false)
  })

  it('share one rig per build and state, animated once a frame, and let it go when unused', () => {
    expect(sharedRigCount()).toBe(0)
    const idle = createMotion()
    const walking = createMotion()
    walking.anim = 'walk'
    walking.speed = 3.1
    const waving = createMotion()
    waving.emote = 'wave'
    waving.emoteAt = 1e12
    const a = figure(tall, 40, 0)
    const b = figure({ ...tall, height: 0.93, top: '#8e44ad' }, -40, 0)
    const c = figure(tall, 0, 40)
    const d = figure(tall, 0, -40)
    const e = figure({ ...tall, body: 'slim' }, 30, 30)
    const crowd: [Figure, number, Motion][] = [
      [a, 40, idle],
      [b, 40, idle],
      [c, 40, walking],
      [d, 40, waving],
      [e, 42, idle],
    ]
    for (let i = 0; i < Math.ceil(FADE_S / DT) + 3; i++) frame(crowd)
    expect([a, b, c, d, e].map((f) => f.lod.shared)).toEqual([true, true, true, false, true])
    // Sturdy idle (a, b: two heights), sturdy walking (c), slim idle (e).
    expect(sharedRigCount()).toBe(3)
    expect(a.mesh.skeleton).toBe(b.mesh.skeleton)
    expect(c.mesh.skeleton).not.toBe(a.mesh.skeleton)
    frame(crowd)
    expect(budget.sharedFigures).toBe(4)
    // Three rigs and the waving figure's own mixer.
    expect(budget.mixersUpdated).toBe(3)
    expect(budget.skinnedUpdated).toBe(3)
    // A walker a little faster keeps its rig; one much faster takes another.
    walking.speed = 3.4
    frame(crowd)
    expect(c.lod.shared).toBe(true)
    expect(sharedRigCount()).toBe(3)
    walking.speed = 6
    frame(crowd)
    expect(c.lod.shared).toBe(false)
    expect(sharedRigCount()).toBe(2)
    for (let i = 0; i < Math.ceil(FADE_S / DT) + 3; i++) frame(crowd)
    expect(c.lod.shared).toBe(true)
    expect(sharedRigCount()).toBe(3)
    // Coming near leaves the rig; the last user leaving disposes it.
    crowd[4]![1] = 10
    frame(crowd)
    expect(e.lod.shared).toBe(false)
    expect(sharedRigCount()).toBe(2)
    for (const f of made.splice(0)) f.dispose()
    expect(sharedRigCount()).toBe(0)
  })

  it('draws a figure on a rig exactly where its own skeleton in that pose would draw it', () => {
    const m = createMotion()
    m.anim = 'walk'
    m.speed = 4
    const f = figure(tall, 31, -7, 2.1)
    for (let i = 0; i < 40; i++) frame([[f, 35, m]])
    expect(f.lod.shared).toBe(true)
    // The same look on a skeleton of its own, posed as the rig is, placed as the figure is.
    const rig = f.mesh.skeleton
    const own = figure(tall, 31, -7, 2.1)
    own.skeleton.bones.forEach((bone, i) => bone.quaternion.copy(rig.bones[i]!.quaternion))
    const count = f.geometry.attributes.position!.count
    let worst = 0
    let moved = 0
    const rest = new Vector3()
    for (let i = 0; i < count; i += 7) {
      const p = drawn(f, i)
      worst = Math.max(worst, p.distanceTo(drawn(own, i)))
      rest.fromBufferAttribute(f.geometry.attributes.position!, i).applyMatrix4(f.mesh.matrixWorld)
      moved = Math.max(moved, p.distanceTo(rest))
    }
    expect(worst).toBeLessThan(1e-4)
    // Not trivially so: the walk moved the body well away from its T-pose.
    expect(moved).toBeGreaterThan(0.3)
    // And the figure stands at its height and place (feet on the ground near 31, -7).
    const foot = drawn(f, vertexOn(f, 'leftFoot'))
    expect(Math.hypot(foot.x - 31, foot.z + 7)).toBeLessThan(0.6)
    expect(foot.y).toBeLessThan(0.3)
    const head = drawn(f, vertexOn(f, 'head'))
    expect(head.y).toBeGreaterThan(1.6 * tall.height)
    expect(layoutFor('hd', tall).scale).toBe(tall.height)
  })

  it('goes onto a rig and off it without a jump', () => {
    const m = createMotion()
    m.anim = 'walk'
    m.speed = 3
    // Out of step with the rig: a walker that started a third of a stride earlier.
    const other = figure(tall, 0, 60)
    const f = figure(tall, 0, 20)
    for (let i = 0; i < 20; i++) frame([[other, 60, m]])
    const hand = vertexOn(f, 'leftHand')
    for (let i = 0; i < 20; i++)
      frame([
        [f, 20, m],
        [other, 60, m],
      ])
    let last = drawn(f, hand)
    // How far the hand moves in a frame while walking on its own: the yardstick for a jump.
    let normal = 0
    for (let i = 0; i < 10; i++) {
      frame([
        [f, 20, m],
        [other, 60, m],
      ])
      const p = drawn(f, hand)
      normal = Math.max(normal, p.distanceTo(last))
      last = p
    }
    expect(normal).toBeGreaterThan(0.005)
    let worst = 0
    const step = (distance: number) => {
      frame([
        [f, distance, m],
        [other, 60, m],
      ])
      const p = drawn(f, hand)
      worst = Math.max(worst, p.distanceTo(last))
      last = p
    }
    // Far: fades onto the shared rig, bound, walks with it.
    for (let i = 0; i < 40; i++) step(30)
    expect(f.lod.shared).toBe(true)
    expect(f.mesh.skeleton).toBe(other.mesh.skeleton)
    // Near again: off the rig, on its own mixer from the rig's pose.
    for (let i = 0; i < 10; i++) step(20)
    expect(f.lod.shared).toBe(false)
    // Stops far away while on the rig: leaves it for its own mixer, which fades to standing,
    // then joins the standing rig.
    for (let i = 0; i < 40; i++) step(30)
    expect(f.lod.shared).toBe(true)
    m.anim = 'idle'
    m.speed = 0
    step(30)
    expect(f.lod.shared).toBe(false)
    for (let i = 0; i < 60; i++) step(30)
    expect(f.lod.shared).toBe(true)
    // Never more than a little over a normal frame's motion in one frame.
    expect(worst).toBeLessThan(normal * 2.5)
  })

  it('shares standing and walking, not gestures, jumps or falls', () => {
    const m = createMotion()
    expect(shareableState(m, 0)).toBe(0)
    m.anim = 'walk'
    m.speed = 3
    expect(shareableState(m, 0)).toBeGreaterThan(0)
    m.speed = 0.1
    expect(shareableState(m, 0)).toBe(0)
    m.anim = 'jump'
    expect(shareableState(m, 0)).toBe(-1)
    m.anim = 'fall'
    expect(shareableState(m, 0)).toBe(-1)
    m.anim = 'idle'
    m.emote = 'dance'
    m.emoteAt = 0
    expect(shareableState(m, 100)).toBe(-1)
    expect(shareableState(m, 1e9)).toBe(0)
  })
})
