// The local visitor inside the Canvas: steps the controller, poses the avatar and drives the
// third- or first-person camera every frame. Nothing here goes through React state.
import { useLayoutEffect, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import type { Camera, Group } from 'three'
import { cameraRig, localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import type { WorldCollider } from '../world/collision'
import { Avatar } from './Avatar'
import { resetMotion, standingHeight, stepMotion } from './controller'
import { applyLook, applyZoom, clearTarget, input, MIN_DISTANCE, resolveMove } from './input'
import { KeyboardInput } from './KeyboardInput'
import { PointerInput } from './PointerInput'

/** The orbit centre above the feet (about the neck), and the eye height in first person. */
const HEAD_HEIGHT = 1.45
const EYE_HEIGHT = 1.6
/** Follow rates (1/s): quick sideways so the avatar stays centred, softer vertically. */
const FOLLOW_XZ = 14
const FOLLOW_Y = 8
/** Closest the camera comes to the head when terrain is in the way. */
const MIN_CLEARANCE = 0.6
const OCCLUSION_SAMPLES = 16
/** Camera distances below this would put the lens inside the avatar. */
const HIDE_BELOW = 0.9
/** How high above terrain (and how far from solids) a camera sample must stay. */
const CAMERA_MARGIN = 0.3

interface CameraState {
  fx: number
  fy: number
  fz: number
  /** Distance in force after pulling in for terrain. */
  dist: number
  /** Jump straight to the target next frame (spawn, teleport). */
  snap: boolean
}

/**
 * The farthest the camera may sit from the head along the orbit direction before terrain or a
 * solid gets between them. Samples the segment instead of raycasting meshes: the collider
 * answers from the same data the avatar walks on, and costs no allocation.
 */
function clearDistance(
  c: WorldCollider,
  fx: number,
  fy: number,
  fz: number,
  dx: number,
  dy: number,
  dz: number,
  want: number,
): number {
  const step = want / OCCLUSION_SAMPLES
  for (let i = 1; i <= OCCLUSION_SAMPLES; i++) {
    const t = i * step
    const px = fx + dx * t
    const py = fy + dy * t
    const pz = fz + dz * t
    // Terrain (surface within a couple of metres above the point) or a solid at the point.
    const inTerrain = c.groundAt(px, py, pz, 2) > py - CAMERA_MARGIN
    const inSolid = c.blocked(px, py - CAMERA_MARGIN, pz, CAMERA_MARGIN, CAMERA_MARGIN * 2)
    if (inTerrain || inSolid) return Math.max(MIN_CLEARANCE, t - step)
  }
  return want
}

function placeCamera(camera: Camera, cam: CameraState, c: WorldCollider, dt: number): void {
  const m = localMotion
  if (cameraRig.firstPerson) {
    camera.position.set(m.x, m.y + EYE_HEIGHT, m.z)
    // Same angles as the orbit: positive pitch looks down.
    camera.rotation.set(-cameraRig.pitch, cameraRig.yaw, 0, 'YXZ')
    cam.snap = true
    return
  }
  const hy = m.y + HEAD_HEIGHT
  if (cam.snap) {
    cam.fx = m.x
    cam.fy = hy
    cam.fz = m.z
    cam.dist = cameraRig.distance
    cam.snap = false
  } else {
    const kxz = 1 - Math.exp(-FOLLOW_XZ * dt)
    const ky = 1 - Math.exp(-FOLLOW_Y * dt)
    cam.fx += (m.x - cam.fx) * kxz
    cam.fy += (hy - cam.fy) * ky
    cam.fz += (m.z - cam.fz) * kxz
  }
  const cp = Math.cos(cameraRig.pitch)
  const dx = Math.sin(cameraRig.yaw) * cp
  const dy = Math.sin(cameraRig.pitch)
  const dz = Math.cos(cameraRig.yaw) * cp
  const allowed = clearDistance(c, cam.fx, cam.fy, cam.fz, dx, dy, dz, cameraRig.distance)
  // Pull in at once (never show the inside of a hill), ease back out.
  if (allowed < cam.dist) cam.dist = allowed
  else cam.dist += (allowed - cam.dist) * (1 - Math.exp(-3 * dt))
  camera.position.set(cam.fx + dx * cam.dist, cam.fy + dy * cam.dist, cam.fz + dz * cam.dist)
  camera.lookAt(cam.fx, cam.fy, cam.fz)
}

/** The local visitor: mount inside the Canvas once the world is ready. */
export function LocalPlayer() {
  // Keyed on the world and on having a collider, not on their objects: a builder's change to
  // the scene (a point of interest) or to its floors (a plot) must not send everyone to the spawn.
  const world = useWorld((s) => s.scene?.id ?? null)
  const standing = useWorld((s) => s.collider !== null)
  const style = useWorld((s) => s.scene?.style ?? null)
  const color = useSettings((s) => s.avatarColor)
  const look = useSettings((s) => s.avatarLook)
  const figure = useRef<Group>(null)
  const cam = useRef<CameraState>({ fx: 0, fy: 0, fz: 0, dist: cameraRig.distance, snap: true })

  // Spawn: on mount and whenever another world (or the same one again) is ready.
  useLayoutEffect(() => {
    const { scene, collider } = useWorld.getState()
    if (!scene || !collider) return
    const [x, y, z] = scene.spawn.position
    const heading = scene.spawn.heading
    resetMotion(localMotion, x, standingHeight(collider, x, y, z), z, heading)
    clearTarget(input)
    input.jumpBuffer = input.lookX = input.lookY = input.zoom = 0
    cameraRig.yaw = localMotion.heading // start behind the avatar
    cam.current.snap = true
  }, [world, standing])

  // FRAME.controller: motion is settled before the avatar, markers and network read it this frame.
  useFrame((state, delta) => {
    const { collider: c, scene: s } = useWorld.getState()
    if (!c || !s) return
    const dt = Math.min(delta, 0.25)

    resolveMove(input)
    if (input.lookX !== 0 || input.lookY !== 0) {
      applyLook(cameraRig, input.lookX, input.lookY, useSettings.getState().invertLook)
      input.lookX = input.lookY = 0
    }
    if (input.zoom !== 0) {
      // Zooming in past the closest orbit enters first person; zooming out leaves it.
      if (cameraRig.firstPerson) {
        if (input.zoom > 0) cameraRig.firstPerson = false
      } else if (input.zoom < 0 && cameraRig.distance <= MIN_DISTANCE + 1e-3) {
        cameraRig.firstPerson = true
      } else {
        applyZoom(cameraRig, input.zoom)
      }
      input.zoom = 0
    }

    stepMotion(localMotion, input, c, s.movement, cameraRig.yaw, dt)
    // In VR the headset places the camera (the VR origin follows these feet) and cameraRig.yaw
    // is where the head faces: first person, whatever the orbit says.
    const headset = state.gl.xr.isPresenting
    if (cameraRig.firstPerson || headset) {
      // The body faces where the visitor looks (others see it; the camera hides it).
      localMotion.heading = cameraRig.yaw
    }
    if (headset) cam.current.snap = true
    else placeCamera(state.camera, cam.current, c, dt)
    // Hidden in first person and in VR, and when terrain has pushed the camera into the head.
    if (figure.current)
      figure.current.visible = !headset && !cameraRig.firstPerson && cam.current.dist > HIDE_BELOW
  }, FRAME.controller)

  if (!world || !style) return null
  return (
    <>
      <group ref={figure}>
        <Avatar style={style} look={look} color={color} motion={localMotion} always />
      </group>
      <KeyboardInput />
      <PointerInput />
    </>
  )
}
