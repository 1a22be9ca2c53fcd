// The humanoid skeleton both figure styles share, named as VRM names its humanoid bones, so the
// animation clips (clips.ts) drive a built figure and a visitor's own VRM file alike.
//
// Model space is VRM's: the figure faces +z, its left hand is at +x, feet at y = 0, and the rest
// pose is a T-pose whose bones all have identity rotations (VRM's normalized bones have the
// same), so a clip's rotation means the same on every skeleton.
import { Bone, Skeleton } from 'three'
import type { AvatarLook } from '../../protocol/avatar'

export const BONES = [
  'hips',
  'spine',
  'chest',
  'neck',
  'head',
  'jaw',
  'leftUpperArm',
  'leftLowerArm',
  'leftHand',
  'rightUpperArm',
  'rightLowerArm',
  'rightHand',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
] as const
export type BoneName = (typeof BONES)[number]

const PARENT: Record<BoneName, BoneName | null> = {
  hips: null,
  spine: 'hips',
  chest: 'spine',
  neck: 'chest',
  head: 'neck',
  jaw: 'head',
  leftUpperArm: 'chest',
  leftLowerArm: 'leftUpperArm',
  leftHand: 'leftLowerArm',
  rightUpperArm: 'chest',
  rightLowerArm: 'rightUpperArm',
  rightHand: 'rightLowerArm',
  leftUpperLeg: 'hips',
  leftLowerLeg: 'leftUpperLeg',
  leftFoot: 'leftLowerLeg',
  rightUpperLeg: 'hips',
  rightLowerLeg: 'rightUpperLeg',
  rightFoot: 'rightLowerLeg',
}

export type Vec3 = readonly [number, number, number]

/** Where each bone's joint is in the T-pose, in model space (metres), and the figure's sizes. */
export interface Layout {
  joints: Record<BoneName, Vec3>
  /** Half the shoulders' and hips' width factor: 1 regular, less slim, more sturdy. */
  width: number
  /** The look's height multiplier. */
  scale: number
  /** Head size (HD: the head sphere's radius; voxel: half the head cube). */
  head: number
}

const WIDTH = { slim: 0.88, regular: 1, sturdy: 1.16 } as const

/** Joint positions for a look in one style. */
export function layoutFor(style: 'voxel' | 'hd', look: AvatarLook): Layout {
  const k = look.height
  const w = WIDTH[look.body]
  const j = {} as Record<BoneName, Vec3>
  if (style === 'hd') {
    // About 1.72 m at k = 1: a stylised figure with a slightly large head.
    const hip = 0.93 * k
    j.hips = [0, hip, 0]
    j.spine = [0, hip + 0.1 * k, 0]
    j.chest = [0, hip + 0.27 * k, 0]
    j.neck = [0, hip + 0.47 * k, 0]
    j.head = [0, hip + 0.54 * k, 0]
    j.jaw = [0, hip + 0.6 * k, 0.1 * k]
    const sy = hip + 0.44 * k
    const sx = 0.17 * w * k
    const upper = 0.27 * k
    const lower = 0.25 * k
    j.leftUpperArm = [sx, sy, 0]
    j.leftLowerArm = [sx + upper, sy, 0]
    j.leftHand = [sx + upper + lower, sy, 0]
    j.rightUpperArm = [-sx, sy, 0]
    j.rightLowerArm = [-sx - upper, sy, 0]
    j.rightHand = [-sx - upper - lower, sy, 0]
    const lx = 0.09 * w * k
    const knee = hip - 0.05 * k - 0.42 * k
    const ankle = 0.08 * k
    j.leftUpperLeg = [lx, hip - 0.05 * k, 0]
    j.leftLowerLeg = [lx, knee, 0]
    j.leftFoot = [lx, ankle, 0]
    j.rightUpperLeg = [-lx, hip - 0.05 * k, 0]
    j.rightLowerLeg = [-lx, knee, 0]
    j.rightFoot = [-lx, ankle, 0]
    return { joints: j, width: w, scale: k, head: 0.115 * k }
  }
  // Voxel: a block figure (legs 0.7, body 0.62, head 0.42), arms as long as the body.
  const hip = 0.7 * k
  j.hips = [0, hip, 0]
  j.spine = [0, hip + 0.2 * k, 0]
  j.chest = [0, hip + 0.4 * k, 0]
  j.neck = [0, hip + 0.62 * k, 0]
  j.head = [0, hip + 0.62 * k, 0]
  j.jaw = [0, hip + 0.7 * k, 0.21 * k]
  // Shoulders half an arm's thickness outside the trunk, so a lowered arm hangs beside it.
  const sy = hip + 0.52 * k
  const sx = (0.25 * w + 0.1) * k
  j.leftUpperArm = [sx, sy, 0]
  j.leftLowerArm = [sx + 0.26 * k, sy, 0]
  j.leftHand = [sx + 0.46 * k, sy, 0]
  j.rightUpperArm = [-sx, sy, 0]
  j.rightLowerArm = [-sx - 0.26 * k, sy, 0]
  j.rightHand = [-sx - 0.46 * k, sy, 0]
  const lx = 0.125 * w * k
  j.leftUpperLeg = [lx, hip, 0]
  j.leftLowerLeg = [lx, hip * 0.5, 0]
  j.leftFoot = [lx, 0.06 * k, 0]
  j.rightUpperLeg = [-lx, hip, 0]
  j.rightLowerLeg = [-lx, hip * 0.5, 0]
  j.rightFoot = [-lx, 0.06 * k, 0]
  return { joints: j, width: w, scale: k, head: 0.21 * k }
}

/** A fresh skeleton in the layout's T-pose: bones named by BONES, the hips its root. */
export function makeSkeleton(layout: Layout): { skeleton: Skeleton; root: Bone } {
  const bones = new Map<BoneName, Bone>()
  for (const name of BONES) {
    const bone = new Bone()
    bone.name = name
    const at = layout.joints[name]
    const parent = PARENT[name]
    const from = parent ? layout.joints[parent] : ([0, 0, 0] as const)
    bone.position.set(at[0] - from[0], at[1] - from[1], at[2] - from[2])
    if (parent) bones.get(parent)!.add(bone)
    bones.set(name, bone)
  }
  const root = bones.get('hips')!
  root.updateMatrixWorld(true)
  const list = BONES.map((n) => bones.get(n)!)
  return { skeleton: new Skeleton(list), root }
}

export const boneIndex = (name: BoneName): number => BONES.indexOf(name)
