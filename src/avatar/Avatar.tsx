// A visitor's figure, for the local player, remote ones and a tour's actors: a skinned humanoid
// built from their look (an HD stylised figure in Cangqiong, a block figure in Block Park), one
// mesh and one draw call, animated by a mixer from its Motion every frame (humanoid/). A far
// built figure is drawn simplified and, standing or walking, from a shared crowd rig (crowd.ts).
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
import { makeSkeleton } from './humanoid/skeleton'
import { Animator, budget } from './humanoid/animator'
import { useContactShadow } from './ContactShadows'
import { FigureLod } from './humanoid/crowd'

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
}

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

/**
 * Avatar files worn in this page now, and contact shadows drawn in the last frame
 * (ContactShadows.tsx); tests read them through window.__cq.avatars.
 */
export const figureStats = { vrmWorn: 0, shadows: 0 }

function BuiltFigure({ style, look, color, motion, always = false }: AvatarProps) {
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
    return { root, mesh, skeleton, geometry, animator, lod, jaw, slot: nextSlot++ }
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
    const { root, animator, jaw, slot } = figure
    if (drive(state, dt, root, animator, motion, slot, always, figure.lod)) {
      // The mouth opens with the voice's level.
      jaw.scale.y = 1 + Math.min(1, motion.voice) * 2.5
    }
  }, FRAME.scene)

  return <primitive object={figure.root} />
}

/**
 * Places a figure and advances its animation when the budget allows; true when it did. A built
 * figure's `lod` picks its detail and, far away, may draw it from a shared rig instead.
 */
function drive(
  state: RootState,
  dt: number,
  root: Object3D,
  animator: Animator,
  motion: Motion,
  slot: number,
  always: boolean,
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
        made = { root, vrm, animator }
        figureStats.vrmWorn++
        setLoaded({ ...made, slot: nextSlot++ })
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
    const { root, vrm, animator, slot } = loaded
    if (drive(state, dt, root, animator, props.motion, slot, props.always ?? false)) {
      vrm.vrm.expressionManager?.setValue('aa', Math.min(1, props.motion.voice))
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
