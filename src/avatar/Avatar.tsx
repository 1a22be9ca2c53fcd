// A visitor's figure, for the local player, remote ones and a tour's actors: a skinned humanoid
// built from their look (an HD stylised figure in Cangqiong, a block figure in Block Park), one
// mesh and one draw call, animated by a mixer from its Motion every frame (humanoid/).
import { useEffect, useMemo } from 'react'
import { useFrame } from '@react-three/fiber'
import { Group, Matrix4, MeshStandardMaterial, SkinnedMesh, Sphere, Vector3 } from 'three'
import { FRAME } from '../world/frameOrder'
import { defaultLook, type AvatarLook } from '../protocol/avatar'
import type { Motion } from '../state/player'
import { figureFor, releaseFigure } from './humanoid/figures'
import { makeSkeleton } from './humanoid/skeleton'
import { Animator, budget } from './humanoid/animator'

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

export function Avatar({ style, look, color, motion, always = false }: AvatarProps) {
  const wear = look ?? defaultLook(color.toLowerCase())
  // A new figure only when what it wears changes, not on every render.
  const key = JSON.stringify(wear)
  const figure = useMemo(() => {
    const { geometry, layout } = figureFor(style, JSON.parse(key) as AvatarLook)
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
    return { root, mesh, geometry, animator, jaw, slot: nextSlot++ }
  }, [style, key])
  useEffect(
    () => () => {
      figure.animator.dispose()
      figure.mesh.skeleton.dispose()
      releaseFigure(figure.geometry)
    },
    [figure],
  )

  useFrame((state, dt) => {
    const { root, animator, jaw, slot } = figure
    root.position.set(motion.x, motion.y, motion.z)
    root.rotation.y = motion.heading
    const distance = toCamera.copy(root.position).distanceTo(state.camera.position)
    const go = always || budget.take(state.gl.info.render.frame, distance, slot)
    animator.update(motion, dt, performance.now(), go)
    // The mouth opens with the voice's level.
    jaw.scale.y = 1 + Math.min(1, motion.voice) * 2.5
  }, FRAME.scene)

  return <primitive object={figure.root} />
}
