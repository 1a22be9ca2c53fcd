// The free-placement editor in the world (inside the Canvas, lazy chunk): a see-through preview
// of the exhibit where it would stand, a ring on the floor to grab, the outline of the space, and
// the drag itself. A pointer (mouse, pen or finger) that goes down on the preview or its ring
// drags it over the floor plane; the pointer never reaches the avatar's look, walk or tap
// controls meanwhile. Every position is snapped and clamped by the shared protocol rules.
import { useEffect, useMemo, useRef } from 'react'
import { useThree } from '@react-three/fiber'
import {
  BoxGeometry,
  BufferGeometry,
  CircleGeometry,
  DoubleSide,
  Float32BufferAttribute,
  LineBasicMaterial,
  LineLoop,
  MeshBasicMaterial,
  Plane,
  PlaneGeometry,
  Raycaster,
  RingGeometry,
  Vector2,
  Vector3,
  type Camera,
  type Intersection,
  type Mesh,
  type Object3D,
} from 'three'
import { setInputBlocked } from '../avatar/input'
import type { FreePlacement } from '../protocol/spaces'
import { useEditor, type FreeEdit } from './editorStore'
import { dragTo } from './gizmo'
import { propose } from './freeEdit'
import { STYLES, facing, fitPicture, frameSpot, type SpaceLayout, type SpaceStyle } from './layout'
import { useExhibitTexture } from './textures'

const COLOR = '#5ad1ff'
const BOX = new BoxGeometry(1, 1, 1)
const QUAD = new PlaneGeometry(1, 1)
const RING = new RingGeometry(0.82, 1, 48).rotateX(-Math.PI / 2)
const DISC = new CircleGeometry(1, 32).rotateX(-Math.PI / 2)
/** An arrow on the floor pointing the way the exhibit faces (+z before turning). */
const ARROW = new BufferGeometry()
ARROW.setAttribute('position', new Float32BufferAttribute([-0.22, 0, 0, 0.22, 0, 0, 0, 0, 0.32], 3))

/** Keeps decorations out of every raycast (the avatar's pick ray included). */
function noRaycast(): void {}

const raycaster = new Raycaster()
const ndc = new Vector2()
const floorPlane = new Plane(new Vector3(0, 1, 0), 0)
const hitPoint = new Vector3()
const projected = new Vector3()
const hits: Intersection[] = []

/** The preview's grab targets and the view, for the pointer handlers and the test hook. */
const live: {
  handles: Object3D[]
  camera: Camera | null
  canvas: HTMLCanvasElement | null
  /** What the last pointer press on the view did (for tests that drag). */
  lastPress: string
} = { handles: [], camera: null, canvas: null, lastPress: 'none' }

function rayFrom(
  e: { clientX: number; clientY: number },
  canvas: HTMLCanvasElement,
  camera: Camera,
) {
  const rect = canvas.getBoundingClientRect()
  if (rect.width === 0 || rect.height === 0) return false
  ndc.set(
    ((e.clientX - rect.left) / rect.width) * 2 - 1,
    -((e.clientY - rect.top) / rect.height) * 2 + 1,
  )
  raycaster.setFromCamera(ndc, camera)
  return true
}

/** Where the ray meets the horizontal plane at height y, or null when it points away. */
function onPlane(y: number): Vector3 | null {
  floorPlane.constant = -y
  return raycaster.ray.intersectPlane(floorPlane, hitPoint)
}

function grabbed(): boolean {
  hits.length = 0
  raycaster.intersectObjects(live.handles, false, hits)
  const hit = hits.length > 0
  hits.length = 0
  return hit
}

/** Pointer dragging of the preview: listens before everything else on the page (capture). */
function useDrag() {
  const gl = useThree((s) => s.gl)
  const camera = useThree((s) => s.camera)
  useEffect(() => {
    const canvas = gl.domElement
    live.canvas = canvas
    live.camera = camera
    let drag: { id: number; dx: number; dz: number; y: number } | null = null
    let hover = false

    const stop = () => {
      if (!drag) return
      if (canvas.hasPointerCapture(drag.id)) canvas.releasePointerCapture(drag.id)
      drag = null
      canvas.style.cursor = hover ? 'grab' : ''
      setInputBlocked(false)
      useEditor.getState().setDragging(false)
    }
    const onDown = (e: PointerEvent) => {
      if (e.target !== canvas) {
        live.lastPress = 'not the view'
        return
      }
      if (drag) {
        // A second finger while dragging: not a look or a pinch for the avatar.
        e.stopPropagation()
        return
      }
      const edit = useEditor.getState().edit
      if (!edit || edit.status.kind === 'busy') return
      if (e.pointerType === 'mouse' && e.button !== 0) return
      if (!rayFrom(e, canvas, camera) || !grabbed()) {
        live.lastPress = `missed (${live.handles.length} handles)`
        return
      }
      const at = onPlane(edit.preview.y)
      if (!at) {
        live.lastPress = 'no floor under the pointer'
        return
      }
      live.lastPress = 'grabbed'
      // Ours: neither the avatar (look, walk, tap) nor the picture under it sees this pointer.
      e.stopPropagation()
      e.preventDefault()
      drag = {
        id: e.pointerId,
        dx: edit.preview.x - at.x,
        dz: edit.preview.z - at.z,
        y: edit.preview.y,
      }
      try {
        canvas.setPointerCapture(e.pointerId)
      } catch {
        // A pointer that is already gone: the drag ends with its pointerup or cancel.
      }
      canvas.style.cursor = 'grabbing'
      setInputBlocked(true)
      useEditor.getState().setDragging(true)
    }
    const onMove = (e: PointerEvent) => {
      if (drag && e.pointerId === drag.id) {
        e.stopPropagation()
        const at = rayFrom(e, canvas, camera) ? onPlane(drag.y) : null
        if (!at) return
        const { dx, dz } = drag
        propose((bounds, p) => dragTo(bounds, p, at.x + dx, at.z + dz))
        return
      }
      if (drag || e.target !== canvas || e.pointerType !== 'mouse') return
      const over = !!useEditor.getState().edit && rayFrom(e, canvas, camera) && grabbed()
      if (over !== hover) {
        hover = over
        canvas.style.cursor = over ? 'grab' : ''
      }
    }
    const onUp = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return
      e.stopPropagation()
      stop()
    }
    const opts = { capture: true }
    window.addEventListener('pointerdown', onDown, opts)
    window.addEventListener('pointermove', onMove, opts)
    window.addEventListener('pointerup', onUp, opts)
    window.addEventListener('pointercancel', onUp, opts)
    return () => {
      window.removeEventListener('pointerdown', onDown, opts)
      window.removeEventListener('pointermove', onMove, opts)
      window.removeEventListener('pointerup', onUp, opts)
      window.removeEventListener('pointercancel', onUp, opts)
      stop()
      if (hover) canvas.style.cursor = ''
      live.canvas = null
      live.camera = null
    }
  }, [gl, camera])
}

/** The space's outline on its floor: where the exhibit may go. */
function AreaOutline({ layout, material }: { layout: SpaceLayout; material: LineBasicMaterial }) {
  const line = useMemo(() => {
    const [x0, z0, x1, z1] = layout.space.area
    const y = layout.floorTop + 0.03
    const g = new BufferGeometry()
    g.setAttribute(
      'position',
      new Float32BufferAttribute([x0, y, z0, x1, y, z0, x1, y, z1, x0, y, z1], 3),
    )
    const l = new LineLoop(g, material)
    l.raycast = noRaycast
    l.renderOrder = 10
    return l
  }, [layout, material])
  useEffect(() => () => line.geometry.dispose(), [line])
  return <primitive object={line} />
}

function Preview({
  edit,
  layout,
  style,
}: {
  edit: FreeEdit
  layout: SpaceLayout
  style: SpaceStyle
}) {
  const spec = STYLES[style]
  const p: FreePlacement = edit.preview
  const spot = frameSpot(layout, p)!
  const image = edit.target.image
  const entry = useExhibitTexture(
    image ? { url: image, maxSide: 512, veiled: false, pixelWorld: style === 'voxel' } : null,
  )
  const ready = entry?.status === 'ready' ? entry : null
  const busy = edit.status.kind === 'busy' || edit.status.kind === 'saved'

  const mats = useMemo(
    () => ({
      frame: new MeshBasicMaterial({
        color: COLOR,
        transparent: true,
        opacity: 0.45,
        depthWrite: false,
      }),
      floor: new MeshBasicMaterial({
        color: COLOR,
        transparent: true,
        opacity: 0.9,
        depthTest: false,
        depthWrite: false,
        side: DoubleSide,
      }),
      hit: new MeshBasicMaterial({ visible: false }),
      line: new LineBasicMaterial({
        color: COLOR,
        transparent: true,
        opacity: 0.9,
        depthTest: false,
      }),
    }),
    [],
  )
  useEffect(() => () => Object.values(mats).forEach((m) => m.dispose()), [mats])
  const picture = useMemo(
    () =>
      new MeshBasicMaterial({
        map: ready?.texture ?? null,
        color: ready ? '#ffffff' : '#dfe9f0',
        transparent: true,
        opacity: 0.85,
        depthWrite: false,
      }),
    [ready],
  )
  useEffect(() => () => picture.dispose(), [picture])
  useEffect(() => {
    mats.frame.opacity = busy ? 0.25 : 0.45
  }, [busy, mats])

  const [cx, cy, cz] = spot.center
  const outer = spot.size + 2 * spec.frameBorder
  const [w, h] = ready ? fitPicture(spot.size, ready.aspect) : [spot.size * 0.92, spot.size * 0.92]
  const [nx, nz] = facing(spot.rotY)
  const d = spec.frameDepth
  const floorTop = layout.floorTop
  const ringY = Math.max(floorTop, spot.base) + 0.03
  const radius = Math.max(0.6, outer * 0.6)
  const raised = spot.base - floorTop
  const handles = useRef<Object3D[]>([])

  return (
    <group name="free-editor">
      <AreaOutline layout={layout} material={mats.line} />
      <mesh
        ref={(m: Mesh | null) => {
          if (m) handles.current[0] = m
          live.handles = handles.current.filter(Boolean)
        }}
        geometry={BOX}
        material={mats.frame}
        position={[cx, cy, cz]}
        rotation-y={spot.rotY}
        scale={[outer, outer, d]}
      />
      <mesh
        geometry={QUAD}
        material={picture}
        raycast={noRaycast}
        position={[cx + nx * (d / 2 + 0.01), cy, cz + nz * (d / 2 + 0.01)]}
        rotation-y={spot.rotY}
        scale={[w, h, 1]}
      />
      {/* the foot the frame stands on */}
      <mesh
        geometry={BOX}
        material={mats.frame}
        raycast={noRaycast}
        position={[p.x, spot.base + spec.standLift / 2, p.z]}
        rotation-y={spot.rotY}
        scale={[Math.max(0.3, outer * 0.45), spec.standLift, Math.max(0.25, d * 4)]}
      />
      <mesh
        geometry={RING}
        material={mats.floor}
        raycast={noRaycast}
        renderOrder={11}
        position={[p.x, ringY, p.z]}
        scale={[radius, 1, radius]}
      />
      <mesh
        geometry={ARROW}
        material={mats.floor}
        raycast={noRaycast}
        renderOrder={11}
        position={[p.x + nx * radius * 1.05, ringY, p.z + nz * radius * 1.05]}
        rotation-y={spot.rotY}
        scale={[radius * 1.2, 1, radius * 1.2]}
      />
      <mesh
        ref={(m: Mesh | null) => {
          if (m) handles.current[1] = m
          live.handles = handles.current.filter(Boolean)
        }}
        geometry={DISC}
        material={mats.hit}
        position={[p.x, ringY, p.z]}
        scale={[radius, 1, radius]}
      />
      {raised > 0.05 && (
        <mesh
          geometry={BOX}
          material={mats.floor}
          raycast={noRaycast}
          renderOrder={11}
          position={[p.x, floorTop + raised / 2, p.z]}
          scale={[0.03, raised, 0.03]}
        />
      )}
    </group>
  )
}

/** Screen position (CSS px, page coordinates) of a world point, or null when behind the view. */
function toScreen(x: number, y: number, z: number) {
  const { camera, canvas } = live
  if (!camera || !canvas) return null
  projected.set(x, y, z).project(camera)
  if (projected.z > 1) return null
  const rect = canvas.getBoundingClientRect()
  return {
    x: rect.left + ((projected.x + 1) / 2) * rect.width,
    y: rect.top + ((1 - projected.y) / 2) * rect.height,
  }
}

/** `window.__cq.editor`: what the editor shows, and where its handles are on screen. */
export interface EditorHooks {
  state: () => {
    spaceId: string
    preview: FreePlacement
    status: string
    dragging: boolean
    lastPress: string
  } | null
  /** The ring's centre and the frame's centre on screen (for real pointer drags in tests). */
  handles: () => {
    ring: { x: number; y: number } | null
    frame: { x: number; y: number } | null
  } | null
}

function installHooks(layouts: readonly SpaceLayout[]) {
  if (typeof window === 'undefined' || !window.__cq) return
  const hooks: EditorHooks = {
    state: () => {
      const { edit, dragging } = useEditor.getState()
      return edit
        ? {
            spaceId: edit.spaceId,
            preview: edit.preview,
            status: edit.status.kind,
            dragging,
            lastPress: live.lastPress,
          }
        : null
    },
    handles: () => {
      const edit = useEditor.getState().edit
      const layout = edit && layouts.find((l) => l.space.id === edit.spaceId)
      if (!edit || !layout) return null
      const spot = frameSpot(layout, edit.preview)!
      const p = edit.preview
      return {
        ring: toScreen(p.x, Math.max(layout.floorTop, spot.base) + 0.03, p.z),
        frame: toScreen(...spot.center),
      }
    },
  }
  window.__cq.editor = hooks
}

export function FreeEditor({
  layouts,
  style,
}: {
  layouts: readonly SpaceLayout[]
  style: SpaceStyle
}) {
  const edit = useEditor((s) => s.edit)
  useDrag()
  useEffect(() => installHooks(layouts), [layouts])
  const layout = edit ? layouts.find((l) => l.space.id === edit.spaceId) : undefined
  if (!edit || !layout) return null
  return <Preview edit={edit} layout={layout} style={style} />
}

export default FreeEditor
