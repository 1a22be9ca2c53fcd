// A visitor's figure, for the local player, remote ones and a tour's actors: a skinned humanoid
// built from their look (an HD stylised figure in Cangqiong, a block figure in Block Park), one
// mesh and one draw call, animated by a mixer from its Motion every frame (humanoid/), its feet
// then fitted to the ground near the camera (humanoid/feet.ts). A far built figure is drawn
// simplified and, standing or walking, from a shared crowd rig (crowd.ts).
import { useEffect, useMemo, useState } from 'react'
import { useFrame, type RootState } from '@react-three/fiber'
import {
  Group,
  Matrix4,
  MeshStandardMaterial,
  SkinnedMesh,
  Sphere,
  Vector3,
  type Object3D,
} from 'three'
import type { VRMHumanBoneName } from '@pixiv/three-vrm'
import type { LoadedVrm } from './vrm'
import { retarget } from './humanoid/clips'
import { FRAME } from '../world/frameOrder'
import { defaultLook, type AvatarLook } from '../protocol/avatar'
import type { Motion } from '../state/player'
import { figureFor, releaseFigure } from './humanoid/figures'
import { makeSkeleton, type BoneName } from './humanoid/skeleton'
import { Animator, budget } from './humanoid/animator'
import { useContactShadow } from './ContactShadows'
import { figureStats } from './figureStats'
import { FigureLod } from './humanoid/crowd'
import { Feet, type FeetBones } from './humanoid/feet'
import { useWorld } from '../state/world'

export interface AvatarProps {
  style: 'voxel' | 'hd'
  /** What the figure wears; null or absent: everyday clothes in `color`. */
  look?: AvatarLook | null
  /** Clothes colour, "#rrggbb", for a figure without a look. */
  color: string
  /** Read every frame: position, heading, anim, speed, gesture and voice level. */
  motion: Motion
  /** Animate every frame whatever the budget (the visitor's own figure, the editor's preview). */
  always?: boolean
  /** Cast a contact shadow on the world's ground (not in the editor's preview). */
  shadow?: boolean
  /** Fit the feet to the world's ground (false: a preview that is not standing in the world). */
  ground?: boolean
}

/** Figures nearer the camera than this (m) have their feet fitted to the ground. */
const FEET_RANGE = 20

const materials: Partial<Record<'voxel' | 'hd', MeshStandardMaterial>> = {}

/** One material per style, shared by every figure (their colours are per vertex). */
function materialFor(style: 'voxel' | 'hd'): MeshStandardMaterial {
  materials[style] ??= new MeshStandardMaterial({
    vertexColors: true,
    roughness: style === 'voxel' ? 0.92 : 0.62,
    metalness: 0,
    flatShading: style === 'voxel',
  })
  return materials[style]
}

/** Bounds a posed figure stays within (model space): culling needs no per-frame bounds. */
const BOUNDS = new Sphere(new Vector3(0, 0.9, 0), 1.4)
const toCamera = new Vector3()
let nextSlot = 0

function BuiltFigure({ style, look, color, motion, always = false, ground = true }: AvatarProps) {
  const wear = look ?? defaultLook(color.toLowerCase())
  // A new figure only when what it wears changes, not on every render.
  const key = JSON.stringify(wear)
  const figure = useMemo(() => {
    const worn = JSON.parse(key) as AvatarLook
    const { geometry, layout } = figureFor(style, worn)
    const { skeleton, root: hips } = makeSkeleton(layout)
    const mesh = new SkinnedMesh(geometry, materialFor(style))
    mesh.name = 'avatar-body'
    mesh.castShadow = true
    mesh.boundingSphere = BOUNDS.clone()
    mesh.add(hips)
    mesh.bind(skeleton, new Matrix4())
    const jaw = skeleton.getBoneByName('jaw')!
    const root = new Group()
    // The figure faces +z in model space; a heading of 0 looks towards -z.
    const model = new Group()
    model.rotation.y = Math.PI
    model.add(mesh)
    root.add(model)
    const animator = new Animator(mesh)
    const lod = new FigureLod(mesh, hips, skeleton, animator, style, worn, geometry)
    const bone = (name: BoneName) => skeleton.getBoneByName(name)!
    // The thigh's half thickness below its bone: how high the hips sit.
    const thigh =
      style === 'hd' ? (0.066 * layout.width + 0.01) * layout.scale : 0.125 * layout.scale
    const feet = new Feet(root, legBones(bone), { thigh })
    return { root, mesh, skeleton, geometry, animator, lod, feet, jaw, slot: nextSlot++ }
  }, [style, key])
  useEffect(
    () => () => {
      figure.lod.dispose()
      figure.animator.dispose()
      figure.skeleton.dispose()
      releaseFigure(figure.geometry)
    },
    [figure],
  )

  useFrame((state, dt) => {
    const { root, animator, feet, jaw, slot } = figure
    if (drive(state, dt, root, animator, feet, motion, slot, always, ground, figure.lod)) {
      // The mouth opens with the voice's level.
      jaw.scale.y = 1 + Math.min(1, motion.voice) * 2.5
    }
  }, FRAME.scene)

  return <primitive object={figure.root} />
}

const LEG_BONES: BoneName[] = [
  'hips',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
]

/** The hips and legs by their humanoid names, for the feet's fit. */
function legBones(bone: (name: BoneName) => Object3D): FeetBones {
  return {
    hips: bone('hips'),
    left: { upper: bone('leftUpperLeg'), lower: bone('leftLowerLeg'), foot: bone('leftFoot') },
    right: { upper: bone('rightUpperLeg'), lower: bone('rightLowerLeg'), foot: bone('rightFoot') },
  }
}

/**
 * Places a figure and advances its animation when the budget allows, then fits its feet to the
 * ground (near the camera) and seats it when it sits; true when it moved. A built figure's `lod`
 * picks its detail and, far away, may draw it from a shared rig instead (its bones unmoved).
 */
function drive(
  state: RootState,
  dt: number,
  root: Object3D,
  animator: Animator,
  feet: Feet | null,
  motion: Motion,
  slot: number,
  always: boolean,
  ground: boolean,
  lod: FigureLod | null = null,
): boolean {
  root.position.set(motion.x, motion.y, motion.z)
  root.rotation.y = motion.heading
  const distance = toCamera.copy(root.position).distanceTo(state.camera.position)
  const frame = state.gl.info.render.frame
  // A figure animated always (the visitor's own) is drawn in full, as if it were near.
  if (lod?.step(frame, always ? 0 : distance, motion, dt, performance.now())) return false
  const go = always || budget.take(frame, distance, slot)
  animator.update(motion, dt, performance.now(), go)
  if (go && feet) {
    const collider = ground ? useWorld.getState().collider : null
    const near = distance <= FEET_RANGE
    feet.update(motion, collider, animator.lastStep, animator.weightOf('sit'), near)
  }
  return go
}

/**
 * A visitor's own avatar file: the built figure stands in while it loads (or when it cannot be
 * loaded), then the VRM takes its place, driven by the same clips on its normalized bones.
 */
function VrmFigure(props: AvatarProps & { vrm: string }) {
  const [loaded, setLoaded] = useState<{
    root: Group
    vrm: LoadedVrm
    animator: Animator
    feet: Feet | null
    slot: number
  } | null>(null)
  const { vrm: id } = props
  useEffect(() => {
    let gone = false
    let made: { root: Group; vrm: LoadedVrm; animator: Animator } | null = null
    import('./vrm')
      .then(({ loadVrm, vrmUrl }) => loadVrm(vrmUrl(id)))
      .then((vrm) => {
        if (gone) return vrm.dispose()
        const root = new Group()
        const model = new Group()
        model.rotation.y = Math.PI // faces +z, like the built figures
        model.add(vrm.scene)
        root.add(model)
        const names = vrm.bones
        const animator = new Animator(vrm.scene, (clip) =>
          retarget(clip, (bone) => names[bone as VRMHumanBoneName]?.name ?? null),
        )
        // The normalized bones rest with identity rotations, as the built skeleton's do.
        const feet = LEG_BONES.every((n) => names[n])
          ? new Feet(
              root,
              legBones((n) => names[n]!),
            )
          : null
        made = { root, vrm, animator }
        figureStats.vrmWorn++
        setLoaded({ ...made, feet, slot: nextSlot++ })
      })
      .catch((err: unknown) => {
        // The built figure stays; the reason is for whoever looks at the console.
        console.warn(`avatar file ${id.slice(0, 8)}… not worn: ${(err as Error).message}`)
      })
    return () => {
      gone = true
      if (made) {
        figureStats.vrmWorn--
        made.animator.dispose()
        made.root.removeFromParent()
        made.vrm.dispose()
      }
    }
  }, [id])

  useFrame((state, dt) => {
    if (!loaded) return
    const { root, vrm, animator, feet, slot } = loaded
    const { motion, always = false, ground = true } = props
    if (drive(state, dt, root, animator, feet, motion, slot, always, ground)) {
      vrm.vrm.expressionManager?.setValue('aa', Math.min(1, motion.voice))
      vrm.vrm.update(dt)
    }
  }, FRAME.scene)

  if (!loaded)
    return <BuiltFigure {...props} look={props.look && { ...props.look, vrm: undefined }} />
  return <primitive object={loaded.root} />
}

/** One visitor's figure. Place it anywhere in the scene: it follows `motion`. */
export function Avatar(props: AvatarProps) {
  useContactShadow(props.motion, props.shadow ?? true)
  const vrm = props.look?.vrm
  return vrm ? <VrmFigure key={vrm} {...props} vrm={vrm} /> : <BuiltFigure {...props} />
}
