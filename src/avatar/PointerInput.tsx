// Mouse (and tap) source of the visitor's input, inside the Canvas: left-drag orbits the camera,
// the wheel zooms, a click or tap that did not drag walks to the walkable point under it. While a
// click tool is set (the builder), a finger held still is its right click (remove a block).
import { useEffect, useRef } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import { Raycaster, Vector2, type Intersection, type Mesh, type Object3D } from 'three'
import { localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { clickTool, input, setTarget, wheelSteps } from './input'

/** Pixels a pointer may wander and still count as a click rather than a drag. */
const CLICK_SLOP_MOUSE = 5
const CLICK_SLOP_TOUCH = 12
/** A finger held still this long is a click tool's right click (as a long press is on phones). */
const LONG_PRESS_MS = 500
/** Farthest click-to-move target from the camera, and from the visitor, metres. */
const PICK_FAR = 250
const TARGET_MAX = 80

const raycaster = new Raycaster()
const ndc = new Vector2()
const walkables: Object3D[] = []
const hits: Intersection[] = []

/** Keeps the marker itself out of every raycast. */
function noRaycast(): void {}

export function PointerInput() {
  const gl = useThree((s) => s.gl)
  const get = useThree((s) => s.get)

  useEffect(() => {
    const canvas = gl.domElement
    canvas.style.touchAction = 'none'
    const drag = { id: -1, button: 0, touch: false, x0: 0, y0: 0, x: 0, y: 0, moved: false }
    let touches = 0
    let holding: ReturnType<typeof setTimeout> | undefined
    const stopHolding = () => {
      clearTimeout(holding)
      holding = undefined
    }

    const pick = (clientX: number, clientY: number) => {
      const { camera, scene } = get()
      const rect = canvas.getBoundingClientRect()
      if (rect.width === 0 || rect.height === 0) return
      ndc.set(
        ((clientX - rect.left) / rect.width) * 2 - 1,
        -((clientY - rect.top) / rect.height) * 2 + 1,
      )
      raycaster.setFromCamera(ndc, camera)
      raycaster.far = PICK_FAR
      // World views mark terrain and chunk meshes with userData.walkable; only those count.
      // 'tops' (creator spaces) is walkable where it faces up; its walls and pictures stop
      // the ray, so clicking an exhibit opens it instead of walking through the wall.
      walkables.length = 0
      scene.traverseVisible((o) => {
        if (o.userData.walkable === true || o.userData.walkable === 'tops') walkables.push(o)
      })
      hits.length = 0
      raycaster.intersectObjects(walkables, true, hits)
      const hit = hits[0]
      walkables.length = 0
      hits.length = 0
      // A far-off mountainside is scenery, not a place to walk to.
      if (!hit) return
      if (hit.object.userData.walkable === 'tops' && !((hit.face?.normal.y ?? 0) > 0.7)) return
      const p = hit.point
      if (Math.hypot(p.x - localMotion.x, p.z - localMotion.z) > TARGET_MAX) return
      setTarget(input, p.x, p.y, p.z)
    }

    const onDown = (e: PointerEvent) => {
      if (e.pointerType === 'touch') touches++
      // A tool may take right clicks too (the builder removes with them).
      if (e.pointerType === 'mouse' && e.button !== 0 && !(clickTool && e.button === 2)) return
      // Clicking the world gives the keyboard back to the avatar.
      const active = document.activeElement
      if (active instanceof HTMLElement && active !== document.body) active.blur()
      if (drag.id !== -1) {
        stopHolding()
        drag.moved = true // a second finger: a pinch or look, never a tap
        return
      }
      drag.id = e.pointerId
      drag.button = e.button
      drag.touch = e.pointerType === 'touch'
      drag.x0 = drag.x = e.clientX
      drag.y0 = drag.y = e.clientY
      drag.moved = false
      if (!drag.touch) canvas.setPointerCapture(e.pointerId)
      else if (clickTool) {
        const id = e.pointerId
        holding = setTimeout(() => {
          holding = undefined
          if (drag.id !== id || drag.moved || touches !== 1) return
          drag.moved = true // done: lifting the finger is not a tap as well
          clickTool?.(drag.x, drag.y, 2)
        }, LONG_PRESS_MS)
      }
    }
    const onMove = (e: PointerEvent) => {
      if (e.pointerId !== drag.id) return
      const dx = e.clientX - drag.x
      const dy = e.clientY - drag.y
      drag.x = e.clientX
      drag.y = e.clientY
      if (!drag.moved) {
        const slop = drag.touch ? CLICK_SLOP_TOUCH : CLICK_SLOP_MOUSE
        if (Math.hypot(drag.x - drag.x0, drag.y - drag.y0) <= slop) return
        drag.moved = true
        stopHolding()
        if (!drag.touch) canvas.style.cursor = 'grabbing'
      }
      // Touch look is TouchControls' job (it also handles the joystick finger).
      if (!drag.touch) {
        input.lookX += dx
        input.lookY += dy
      }
    }
    const end = (e: PointerEvent, click: boolean) => {
      if (e.pointerType === 'touch') touches = Math.max(0, touches - 1)
      if (e.pointerId !== drag.id) return
      stopHolding()
      if (click && !drag.moved && touches === 0) {
        if (!clickTool?.(e.clientX, e.clientY, drag.button)) {
          if (drag.button === 0) pick(e.clientX, e.clientY)
        }
      }
      drag.id = -1
      canvas.style.cursor = ''
      if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId)
    }
    const onUp = (e: PointerEvent) => end(e, true)
    const onCancel = (e: PointerEvent) => end(e, false)
    const onWheel = (e: WheelEvent) => {
      e.preventDefault() // the page must not scroll under the world
      input.zoom += wheelSteps(e.deltaY, e.deltaMode)
    }

    canvas.addEventListener('pointerdown', onDown)
    canvas.addEventListener('pointermove', onMove)
    canvas.addEventListener('pointerup', onUp)
    canvas.addEventListener('pointercancel', onCancel)
    canvas.addEventListener('wheel', onWheel, { passive: false })
    return () => {
      stopHolding()
      canvas.removeEventListener('pointerdown', onDown)
      canvas.removeEventListener('pointermove', onMove)
      canvas.removeEventListener('pointerup', onUp)
      canvas.removeEventListener('pointercancel', onCancel)
      canvas.removeEventListener('wheel', onWheel)
      canvas.style.cursor = ''
    }
  }, [gl, get])

  return <TargetMarker />
}

/** A small ring on the ground where click-to-move is heading; hidden when there is none. */
function TargetMarker() {
  const ref = useRef<Mesh>(null)
  useFrame((state) => {
    const mesh = ref.current
    if (!mesh) return
    const t = input.target
    mesh.visible = t.active
    if (!t.active) return
    mesh.position.set(t.x, t.y + 0.06, t.z)
    const pulse = useSettings.getState().reducedMotion
      ? 1
      : 1 + 0.12 * Math.sin(state.clock.elapsedTime * 6)
    mesh.scale.setScalar(pulse)
  }, FRAME.scene)
  return (
    <mesh ref={ref} visible={false} rotation-x={-Math.PI / 2} raycast={noRaycast} renderOrder={2}>
      <ringGeometry args={[0.26, 0.38, 32]} />
      <meshBasicMaterial color="#ffffff" transparent opacity={0.85} depthWrite={false} />
    </mesh>
  )
}
