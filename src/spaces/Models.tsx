// 3D models on pedestals: for each standing exhibit whose collectible has a glTF model, the
// model (modelLoader.ts) scaled to the pedestal, standing on it and turning slowly (still when
// the visitor asked for reduced motion). Until it is ready, or when it cannot be shown, the
// exhibit's picture stays (Spaces.tsx reads modelState.ts). A lazy chunk of its own, so three's
// GLTFLoader is only downloaded where a model is exhibited. Main thread, inside the Canvas.
import { useEffect, useMemo } from 'react'
import { useFrame, type ThreeEvent } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import type { Group, Object3D } from 'three'
import { useSettings } from '../state/settings'
import { useSpaces } from './store'
import { fitModel } from './gltf'
import { useExhibitModel } from './modelLoader'
import { modelCleared, modelFailed, modelShown, type ModelExhibit } from './modelState'

/** Turning speed, radians a second: a full turn in about 25 s. */
const TURN = 0.25
/** Models farther than this are not drawn (like pictures; draw calls). */
const RANGE = { voxel: 50, hd: 60 } as const
/** Same layer as the pictures: the view camera and the pointer see it, the lake mirror not. */
const PICTURE_LAYER = 1
/** A click that dragged farther than this (px) was a look around, not a pick. */
const CLICK_SLOP = 6

/** Turning groups by exhibit key, with the facing they rest at. */
const turning = new Map<string, { group: Group; rotY: number }>()

function PedestalModel({ ex }: { ex: ModelExhibit }) {
  const entry = useExhibitModel({ url: ex.url, maxSide: ex.maxSide, veiled: ex.veiled })
  const ready = entry?.status === 'ready' ? entry : null
  const fit = useMemo(
    () => (ready ? fitModel(ready.bounds, ex.spot.size) : null),
    [ready, ex.spot.size],
  )
  // A clone per exhibit: geometry, materials and textures stay shared with the cache, which
  // disposes them when no exhibit shows the model any more.
  const object: Object3D | null = useMemo(() => {
    if (!ready || !fit) return null
    const o = ready.scene.clone(true)
    o.traverse((c) => c.layers.set(PICTURE_LAYER))
    return o
  }, [ready, fit])

  const status = !entry || entry.status === 'loading' ? 'loading' : object ? 'shown' : 'failed'
  useEffect(() => {
    if (status === 'shown') modelShown(ex.key)
    else if (status === 'failed') modelFailed(ex.key)
    else modelCleared(ex.key)
  }, [status, ex.key])
  useEffect(() => () => modelCleared(ex.key), [ex.key])

  if (!object || !fit) return null
  const onClick = (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > CLICK_SLOP) return
    e.stopPropagation()
    useSpaces.getState().openExhibit({ spaceId: ex.spaceId, exhibitId: ex.exhibitId })
  }
  const [x, , z] = ex.spot.center
  return (
    <group
      name={`exhibit-model:${ex.key}`}
      position={[x, ex.spot.base + 0.004, z]}
      rotation-y={ex.spot.rotY}
      ref={(g) => {
        if (g) turning.set(ex.key, { group: g, rotY: ex.spot.rotY })
        else turning.delete(ex.key)
      }}
      // Clicks open the card; they never walk the visitor onto the pedestal.
      userData={{ walkable: 'tops', exhibit: ex.exhibitId }}
      onClick={onClick}
      onPointerMove={(e) => {
        e.stopPropagation()
        document.body.style.cursor = 'pointer'
      }}
      onPointerOut={() => {
        document.body.style.cursor = ''
      }}
    >
      <primitive object={object} position={fit.offset} scale={fit.scale} />
    </group>
  )
}

export function Models({ exhibits, style }: { exhibits: ModelExhibit[]; style: 'voxel' | 'hd' }) {
  useFrame(({ camera, clock }) => {
    const still = useSettings.getState().reducedMotion
    const far = RANGE[style]
    const angle = still ? 0 : clock.elapsedTime * TURN
    for (const { group, rotY } of turning.values()) {
      const near = group.position.distanceToSquared(camera.position) < far * far
      if (group.visible !== near) group.visible = near
      if (near) group.rotation.y = rotY + angle
    }
  }, FRAME.scene)
  return (
    <group name="exhibit-models">
      {exhibits.map((ex) => (
        <PedestalModel key={ex.key} ex={ex} />
      ))}
    </group>
  )
}

export default Models
