// The built figures, their clips and the animator: every look builds one skinned geometry bound
// to the humanoid skeleton; the clips move only humanoid bones; states fade into each other over
// frames instead of snapping; a crowd stays within the per-frame budget of skeleton updates.
import { describe, expect, it } from 'vitest'
import type { Bone, BufferGeometry } from 'three'
import { Quaternion, SkinnedMesh } from 'three'
import {
  ACCESSORIES,
  AvatarLook,
  HAIR_STYLES,
  OUTFITS,
  defaultLook,
  encodeLook,
  parseLook,
} from '../../protocol/avatar'
import { createMotion } from '../../state/player'
import { EMOTE_MS } from '../emotes'
import { Animator, budget } from './animator'
import { getClips, retarget } from './clips'
import { figureFor, releaseFigure } from './figures'
import { BONES, layoutFor, makeSkeleton } from './skeleton'

const looks: AvatarLook[] = OUTFITS.flatMap((outfit, i) =>
  HAIR_STYLES.map((hair, j) => ({
    ...defaultLook('#c0392b'),
    outfit,
    hair,
    accessory: ACCESSORIES[(i + j) % ACCESSORIES.length]!,
    body: (['slim', 'regular', 'sturdy'] as const)[j % 3]!,
    height: 0.9 + ((i + j) % 5) * 0.05,
  })),
)

describe('figures', () => {
  for (const style of ['hd', 'voxel'] as const) {
    it(`builds every ${style} look as one skinned geometry on the skeleton's bones`, () => {
      for (const look of looks) {
        const { geometry, layout } = figureFor(style, look)
        const position = geometry.attributes.position!
        const skinIndex = geometry.attributes.skinIndex!
        const triangles = geometry.index!.count / 3
        expect(triangles).toBeGreaterThan(100)
        expect(triangles).toBeLessThan(style === 'hd' ? 9000 : 2500)
        expect(geometry.attributes.color!.count).toBe(position.count)
        for (let i = 0; i < skinIndex.count; i++) {
          expect(skinIndex.getX(i)).toBeLessThan(BONES.length)
        }
        // Feet on the ground, the head at about the look's height.
        geometry.computeBoundingBox()
        const box = geometry.boundingBox!
        expect(box.min.y).toBeGreaterThan(-0.02)
        expect(box.min.y).toBeLessThan(0.02)
        const tall = style === 'hd' ? 1.72 : 1.75
        expect(box.max.y / look.height).toBeGreaterThan(tall * 0.9)
        expect(box.max.y / look.height).toBeLessThan(tall * 1.25)
        // The skeleton binds: one mesh, one material.
        const { skeleton, root } = makeSkeleton(layout)
        const mesh = new SkinnedMesh(geometry)
        mesh.add(root)
        mesh.bind(skeleton)
        expect(mesh.skeleton.bones.map((b) => b.name)).toEqual([...BONES])
        releaseFigure(geometry)
      }
    })
  }

  // A far voxel figure keeps one 12-triangle box per bone and its outfit's blocks (about 0.77
  // of the near one at worst, which is 300–400 triangles): its face, trims and buttons go.
  for (const [style, share] of [
    ['hd', 0.3],
    ['voxel', 0.8],
  ] as const) {
    it(`builds a far ${style} figure with under ${share * 100} % of the triangles, same bones and bounds`, () => {
      for (const look of looks) {
        const near = figureFor(style, look)
        const far = figureFor(style, look, 'far')
        expect(far.geometry).not.toBe(near.geometry)
        expect(far.layout).toEqual(near.layout)
        // Cached like the near one.
        expect(figureFor(style, { ...look }, 'far').geometry).toBe(far.geometry)
        releaseFigure(far.geometry)
        const ratio = far.geometry.index!.count / near.geometry.index!.count
        expect(ratio).toBeLessThan(share)
        // Every bone that carries part of the near body carries part of the far one.
        const bones = (g: BufferGeometry) => {
          const set = new Set<number>()
          const si = g.attributes.skinIndex!
          for (let i = 0; i < si.count; i++) set.add(si.getX(i))
          return [...set].sort((x, y) => x - y)
        }
        const nearBones = bones(near.geometry)
        expect(bones(far.geometry)).toEqual(nearBones.filter((b) => b !== BONES.indexOf('jaw')))
        // The same box within 2 cm (round parts with fewer segments shrink a little).
        near.geometry.computeBoundingBox()
        far.geometry.computeBoundingBox()
        const a = near.geometry.boundingBox!
        const f = far.geometry.boundingBox!
        for (const axis of ['x', 'y', 'z'] as const) {
          expect(Math.abs(a.min[axis] - f.min[axis]), `${axis} min`).toBeLessThan(0.02)
          expect(Math.abs(a.max[axis] - f.max[axis]), `${axis} max`).toBeLessThan(0.02)
        }
        releaseFigure(near.geometry)
        releaseFigure(far.geometry)
      }
    })
  }

  it('shares one geometry between figures wearing the same look', () => {
    const a = figureFor('hd', looks[3]!)
    const b = figureFor('hd', { ...looks[3]! })
    expect(b.geometry).toBe(a.geometry)
    releaseFigure(a.geometry)
    releaseFigure(b.geometry)
  })

  it('lays the bones out in a T-pose facing +z, left hand at +x', () => {
    const j = layoutFor('hd', defaultLook()).joints
    expect(j.leftHand[0]).toBeGreaterThan(j.leftUpperArm[0])
    expect(j.rightHand[0]).toBeLessThan(j.rightUpperArm[0])
    expect(j.head[1]).toBeGreaterThan(j.chest[1])
    expect(j.jaw[2]).toBeGreaterThan(0)
  })
})

describe('clips', () => {
  it('has every state and gesture, moving only humanoid bones with unit rotations', () => {
    const clips = getClips()
    for (const name of [
      'idle',
      'walk',
      'run',
      'jump',
      'fall',
      'turn',
      'sit',
      ...Object.keys(EMOTE_MS),
    ]) {
      expect(clips[name as keyof typeof clips], name).toBeDefined()
    }
    const q = new Quaternion()
    for (const clip of Object.values(clips)) {
      expect(clip.duration).toBeGreaterThan(0)
      for (const track of clip.tracks) {
        const [bone, property] = track.name.split('.')
        expect(BONES).toContain(bone)
        expect(property).toBe('quaternion')
        for (let i = 0; i < track.values.length; i += 4) {
          q.fromArray(track.values as unknown as number[], i)
          expect(q.length()).toBeCloseTo(1, 5)
        }
      }
    }
  })

  it('retargets to other node names, dropping bones the skeleton lacks', () => {
    const walk = getClips().walk
    const renamed = retarget(walk, (bone) => (bone === 'spine' ? null : `Normalized_${bone}`))
    expect(renamed.tracks.length).toBe(walk.tracks.length - 1)
    expect(renamed.tracks.every((t) => t.name.startsWith('Normalized_'))).toBe(true)
  })
})

function rig() {
  const { skeleton, root } = makeSkeleton(layoutFor('hd', defaultLook()))
  const mesh = new SkinnedMesh(figureFor('hd', defaultLook()).geometry)
  mesh.add(root)
  mesh.bind(skeleton)
  return {
    mesh,
    animator: new Animator(mesh),
    arm: skeleton.getBoneByName('rightUpperArm') as Bone,
  }
}

describe('animator', () => {
  it('fades from idle into a walk over frames, and the limbs move', () => {
    const { animator, mesh } = rig()
    const m = createMotion()
    for (let i = 0; i < 10; i++) animator.update(m, 1 / 60, i * 16)
    expect(animator.weightOf('idle')).toBeCloseTo(1, 2)
    const leg = mesh.skeleton.getBoneByName('leftUpperLeg')!
    const still = leg.quaternion.clone()
    m.anim = 'walk'
    m.speed = 4
    animator.update(m, 1 / 60, 200)
    // One frame in: both weigh something (a cross fade, not a snap).
    expect(animator.weightOf('walk')).toBeGreaterThan(0.05)
    expect(animator.weightOf('walk')).toBeLessThan(0.5)
    for (let i = 0; i < 60; i++) animator.update(m, 1 / 60, 200 + i * 16)
    expect(animator.weightOf('walk')).toBeGreaterThan(0.95)
    expect(leg.quaternion.angleTo(still)).toBeGreaterThan(0.1)
    // Faster: the run takes over.
    m.anim = 'run'
    m.speed = 8
    for (let i = 0; i < 60; i++) animator.update(m, 1 / 60, 1200 + i * 16)
    expect(animator.weightOf('run')).toBeGreaterThan(0.95)
  })

  it('plays a gesture while standing and fades back when it ends', () => {
    const { animator, arm } = rig()
    const m = createMotion()
    for (let i = 0; i < 10; i++) animator.update(m, 1 / 60, i * 16)
    const rest = arm.quaternion.clone()
    m.emote = 'wave'
    m.emoteAt = 1000
    for (let t = 1000; t < 1600; t += 16) animator.update(m, 1 / 60, t)
    expect(animator.weightOf('wave')).toBeGreaterThan(0.95)
    // The right arm is raised: far from its resting rotation.
    expect(arm.quaternion.angleTo(rest)).toBeGreaterThan(1.5)
    for (let t = 1600; t < 1000 + EMOTE_MS.wave + 800; t += 16) animator.update(m, 1 / 60, t)
    expect(animator.weightOf('wave')).toBeLessThan(0.02)
    expect(animator.weightOf('idle')).toBeGreaterThan(0.95)
  })

  it('steps round when turning on the spot', () => {
    const { animator } = rig()
    const m = createMotion()
    for (let i = 0; i < 40; i++) {
      m.heading += 0.08 // 4.8 rad/s
      animator.update(m, 1 / 60, i * 16)
    }
    expect(animator.weightOf('turn')).toBeGreaterThan(0.3)
  })

  it('books skipped time and catches up when advanced', () => {
    const { animator } = rig()
    const m = createMotion()
    m.anim = 'walk'
    m.speed = 4
    for (let i = 0; i < 5; i++) expect(animator.update(m, 1 / 60, i * 16, false)).toBe(false)
    expect(animator.weightOf('walk')).toBe(0)
    expect(animator.update(m, 1 / 60, 100)).toBe(true)
    expect(animator.weightOf('walk')).toBeGreaterThan(0.3)
  })
})

describe('budget', () => {
  it('animates the nearest every frame up to the cap and the rest in turns', () => {
    const per: number[] = []
    for (let frame = 1; frame <= 8; frame++) {
      let n = 0
      for (let i = 0; i < 100; i++) if (budget.take(frame, i < 40 ? 10 : i < 70 ? 40 : 90, i)) n++
      per.push(n)
    }
    for (const n of per) {
      // 24 every frame, 16 near ones beyond the cap and 30 middle ones every other frame, 30 far
      // ones every fourth: about 24 + 23 + 8 a frame, never all 100.
      expect(n).toBeGreaterThan(40)
      expect(n).toBeLessThan(70)
    }
    expect(budget.lastFrameUpdated).toBe(per[per.length - 2])
  })
})

describe('looks on the wire', () => {
  it('round-trips and refuses what is not a look', () => {
    const look = { ...looks[5]!, height: 0.96, vrm: 'a'.repeat(64) }
    expect(parseLook(encodeLook(look))).toEqual(look)
    expect(parseLook('{')).toBeNull()
    expect(parseLook(JSON.stringify({ ...look, extra: 1 }))).toBeNull()
    expect(parseLook(JSON.stringify({ ...look, top: '#ABCDEF' }))).toBeNull()
    expect(parseLook(JSON.stringify({ ...look, vrm: '../x' }))).toBeNull()
    expect(parseLook(' '.repeat(400))).toBeNull()
    expect(encodeLook({ ...look, height: 1.0049 })).toContain('"height":1')
    expect(AvatarLook.safeParse({ ...look, skin: 9 }).success).toBe(false)
  })
})
