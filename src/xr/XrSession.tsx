// The VR chunk, fetched only after Enter VR was pressed: the WebXR store and session
// (@react-three/xr), the VR origin that follows the local player, thumbstick locomotion through
// the player controller (left stick walks, right stick turns or aims a teleport), controllers and
// hands, the comfort vignette and the in-world panel. The controller stays the one source of truth
// for where the visitor is: VR only writes its input (and teleports through resetMotion).
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import {
  DefaultXRController,
  DefaultXRHand,
  XR,
  XROrigin,
  XRSpace,
  createXRStore,
  useXR,
  useXRInputSourceStateContext,
} from '@react-three/xr'
import type { Mesh } from 'three'
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  Line,
  LineBasicMaterial,
  MeshBasicMaterial,
  MeshStandardMaterial,
  PlaneGeometry,
  RingGeometry,
  ShaderMaterial,
  SphereGeometry,
  Vector3,
  type Group,
} from 'three'
import { FRAME } from '../world/frameOrder'
import { clearTarget, input } from '../avatar/input'
import { resetMotion, standingHeight, wrapAngle } from '../avatar/controller'
import { cameraRig, localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { castArc, createArc, createTurnState, PRESS, RELEASE, turnStep } from './locomotion'
import { useXr, xrLive, xrObjects } from './store'
import { XrPanel } from './XrPanel'

/**
 * Controller layouts (which gamepad button and axis is which) from this site, not a CDN: the
 * generic xr-standard profile every current headset's controllers fall back to
 * (public/assets/xr/profiles). No controller models are fetched: Controller draws its own.
 */
const PROFILES = new URL('assets/xr/profiles/', new URL(import.meta.env.BASE_URL, location.href))
  .href

export const xrStore = createXRStore({
  // Never put an emulated headset in a visitor's page (the library would on localhost): the
  // end-to-end tests install theirs before the page loads (e2e/vr.spec.ts).
  emulate: false,
  offerSession: false,
  enterGrantedSession: false,
  baseAssetPath: PROFILES,
  defaultControllerProfileId: 'generic-trigger-squeeze-thumbstick',
  controller: Controller,
  hand: Hand,
  gaze: false,
  screenInput: false,
  // Only what a walk through a world needs: no anchors, planes, meshes, hit tests or layers.
  anchors: false,
  hitTest: false,
  planeDetection: false,
  meshDetection: false,
  layers: false,
  depthSensing: false,
  bodyTracking: false,
  domOverlay: false,
})

/** Ends the VR session (the top bar's Leave VR, the panel's). */
export function leaveVr(): void {
  const session = xrStore.getState().session
  if (!session) return
  useXr.getState().leaving()
  session.end().catch(() => useXr.getState().ended())
}

/** Mounted in the canvas from the first Enter VR on; enters whenever the button asks. */
export function XrSession() {
  const phase = useXr((s) => s.phase)

  useEffect(() => {
    if (phase !== 'loading') return
    useXr.getState().entering()
    xrStore.enterVR().then(
      (s) => {
        if (!s) useXr.getState().ended()
      },
      (e: unknown) => useXr.getState().failed(e instanceof Error ? e.message : String(e)),
    )
  }, [phase])

  // The session's start and end, whoever ends it (Leave VR, the headset's own menu).
  useEffect(
    () =>
      xrStore.subscribe((s, prev) => {
        if (s.session && !prev.session) useXr.getState().entered()
        if (!s.session && prev.session) {
          useXr.getState().ended()
          releaseSticks()
        }
      }),
    [],
  )

  // Leaving the world (or the page) leaves VR: the next world starts on the screen.
  useEffect(() => () => leaveVr(), [])

  return (
    <XR store={xrStore}>
      <InVr />
    </XR>
  )
}

function releaseSticks() {
  input.stickX = input.stickY = 0
  input.stickRun = false
}

function InVr() {
  const session = useXR((s) => s.session)
  if (!session) return null
  return <Rig session={session} />
}

// Scratch objects: nothing is allocated per frame.
const arc = createArc()
const turn = createTurnState()
const pose = new Vector3()
const dir = new Vector3()
const sticks = { lx: 0, ly: 0, rx: 0, ry: 0, right: null as XRInputSource | null }

/** The thumbsticks of the xr-standard gamepads (axes 2 and 3), by hand. */
function readSticks(session: XRSession) {
  sticks.lx = sticks.ly = sticks.rx = sticks.ry = 0
  sticks.right = null
  for (const source of session.inputSources) {
    const axes = source.gamepad?.axes
    if (source.handedness === 'right') sticks.right = source
    if (!axes || axes.length < 4) continue
    if (source.handedness === 'left') {
      sticks.lx = axes[2]!
      sticks.ly = axes[3]!
    } else if (source.handedness === 'right') {
      sticks.rx = axes[2]!
      sticks.ry = axes[3]!
    }
  }
}

/** The yaw of a quaternion about +y (0 looks towards -z, as the camera rig's yaw). */
function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.y + q.x * q.z), 1 - 2 * (q.y * q.y + q.x * q.x))
}

function Rig({ session }: { session: XRSession }) {
  const origin = useRef<Group>(null)
  const aimed = useRef(false)
  const lastTeleport = useRef(-Infinity)

  // Entering: the origin takes the player's facing, so the view starts where the avatar looked.
  useEffect(() => {
    xrLive.turn = wrapAngle(localMotion.heading)
    xrObjects.origin = origin.current
    return () => {
      xrObjects.origin = null
      releaseSticks()
      xrLive.aiming = false
      xrLive.vignette = 0
    }
  }, [])

  // FRAME.xrInput: sticks into the controller's input, the head's facing into the rig.
  useFrame((state, delta, frame?: XRFrame) => {
    if (!frame) return
    xrLive.frames++
    const dt = Math.min(delta, 0.25)
    readSticks(session)
    const settings = useSettings.getState()

    const aiming = sticks.ry < -PRESS || (aimed.current && sticks.ry < -RELEASE)
    // Forward on a stick is -y; the left stick walks (never runs: calmer for the stomach).
    input.stickX = sticks.lx
    input.stickY = -sticks.ly
    input.stickRun = false
    if (Math.hypot(sticks.lx, sticks.ly) > 0.1) clearTarget(input)
    if (!aiming && Math.abs(sticks.rx) > Math.abs(sticks.ry))
      xrLive.turn = wrapAngle(xrLive.turn + turnStep(turn, sticks.rx, dt, settings.vrTurn))
    else turnStep(turn, 0, dt, settings.vrTurn)

    // Where the head looks: the origin's turn plus the headset's own yaw inside it.
    cameraRig.yaw = wrapAngle(xrLive.turn + yawOf(state.camera.quaternion))

    // Teleport: aim with the right stick forward, let go to jump there.
    const { collider, scene } = useWorld.getState()
    if (aiming && collider && scene && sticks.right && aimFrom(frame, sticks.right, state.gl.xr)) {
      const range = scene.movement.runSpeed
      castArc(
        collider,
        pose.x,
        pose.y,
        pose.z,
        dir.x,
        dir.y,
        dir.z,
        localMotion.x,
        localMotion.z,
        range,
        arc,
      )
      xrLive.aiming = true
      xrLive.aimValid = arc.valid
    } else if (aimed.current) {
      // Released: teleport when the last aim was good, at most once a second (so the server's
      // speed check, which allows about a second of running, accepts it).
      const now = state.clock.elapsedTime
      if (arc.valid && collider && now - lastTeleport.current > 1) {
        lastTeleport.current = now
        const y = standingHeight(collider, arc.x, arc.y, arc.z)
        resetMotion(localMotion, arc.x, y, arc.z, localMotion.heading)
        clearTarget(input)
        xrLive.teleports++
      }
      xrLive.aiming = xrLive.aimValid = false
      arc.count = 0
    }
    aimed.current = xrLive.aiming
  }, FRAME.xrInput)

  // FRAME.xrView: the origin to the feet the controller has just moved.
  useFrame(() => {
    const o = origin.current
    if (!o) return
    o.position.set(localMotion.x, localMotion.y, localMotion.z)
    o.rotation.set(0, xrLive.turn, 0)
  }, FRAME.xrView)

  return (
    <>
      <XROrigin ref={origin}>
        <XrPanel leave={leaveVr} />
      </XROrigin>
      <TeleportArc />
      <Vignette />
    </>
  )
}

/**
 * The right controller's ray in world space into `pose` and `dir`; false when it has none this
 * frame. The origin group is what places the reference space in the world.
 */
function aimFrom(
  frame: XRFrame,
  source: XRInputSource,
  xr: { getReferenceSpace(): XRReferenceSpace | null },
): boolean {
  const space = xr.getReferenceSpace()
  const p = space ? frame.getPose(source.targetRaySpace, space) : undefined
  if (!p) return false
  const { position: t, orientation: q } = p.transform
  // The ray looks down its -z: rotate (0, 0, -1) by the orientation.
  const fx = -(2 * (q.x * q.z + q.w * q.y))
  const fy = -(2 * (q.y * q.z - q.w * q.x))
  const fz = -(1 - 2 * (q.x * q.x + q.y * q.y))
  // Into the world: turn by the origin's yaw, then move to the feet.
  const c = Math.cos(xrLive.turn)
  const s = Math.sin(xrLive.turn)
  pose.set(
    localMotion.x + c * t.x + s * t.z,
    localMotion.y + t.y,
    localMotion.z - s * t.x + c * t.z,
  )
  dir.set(c * fx + s * fz, fy, -s * fx + c * fz).normalize()
  return true
}

const arcGeometry = new BufferGeometry()
arcGeometry.setAttribute('position', new BufferAttribute(arc.points, 3))
const arcValid = new LineBasicMaterial({ color: '#7fe0ff' })
const arcInvalid = new LineBasicMaterial({ color: '#ff6b6b' })
const ringGeometry = new RingGeometry(0.25, 0.35, 32).rotateX(-Math.PI / 2)
const ringMaterial = new MeshBasicMaterial({ color: '#7fe0ff', transparent: true, opacity: 0.8 })

/** The aimed arc and, where it lands on good ground, a ring. */
function TeleportArc() {
  const line = useRef<Line>(null)
  const ring = useRef<Mesh>(null)
  const arcLine = useMemo(() => new Line(arcGeometry, arcValid), [])
  useFrame(() => {
    const l = line.current
    const r = ring.current
    if (!l || !r) return
    l.visible = xrLive.aiming && arc.count > 1
    r.visible = xrLive.aiming && arc.valid
    if (!l.visible) return
    arcGeometry.setDrawRange(0, arc.count)
    arcGeometry.attributes.position!.needsUpdate = true
    l.material = arc.valid ? arcValid : arcInvalid
    r.position.set(arc.x, arc.y + 0.03, arc.z)
  }, FRAME.scene)
  return (
    <>
      <primitive object={arcLine} ref={line} frustumCulled={false} />
      <mesh ref={ring} geometry={ringGeometry} material={ringMaterial} />
    </>
  )
}

/**
 * The comfort vignette: a quad drawn straight in clip space (so in each eye, with no lag behind
 * the head), dark at the edges, as strong as the visitor moves or turns smoothly.
 */
const vignetteMaterial = new ShaderMaterial({
  transparent: true,
  depthTest: false,
  depthWrite: false,
  uniforms: { uStrength: { value: 0 } },
  vertexShader: /* glsl */ `
    varying vec2 vUv;
    void main() {
      vUv = uv;
      gl_Position = vec4(position.xy, 0.0, 1.0);
    }`,
  fragmentShader: /* glsl */ `
    uniform float uStrength;
    varying vec2 vUv;
    void main() {
      float d = length(vUv - 0.5) * 2.0;
      float a = smoothstep(0.45, 0.95, d) * uStrength;
      gl_FragColor = vec4(0.0, 0.0, 0.0, a);
    }`,
})
const vignetteGeometry = new PlaneGeometry(2, 2)
/** How fast the vignette closes and opens, 1/s. */
const VIGNETTE_RATE = 6

function Vignette() {
  const mesh = useRef<Mesh>(null)
  useFrame((_, delta) => {
    const s = useSettings.getState()
    const moving = localMotion.speed > 0.3
    const turning = s.vrTurn === 'smooth' && Math.abs(sticks.rx) > 0.15 && !xrLive.aiming
    const want = s.vrVignette && (moving || turning) ? 1 : 0
    xrLive.vignette += (want - xrLive.vignette) * (1 - Math.exp(-VIGNETTE_RATE * delta))
    if (xrLive.vignette < 0.01 && want === 0) xrLive.vignette = 0
    vignetteMaterial.uniforms.uStrength!.value = xrLive.vignette
    if (mesh.current) mesh.current.visible = xrLive.vignette > 0
  }, FRAME.xrView)
  return (
    <mesh
      ref={mesh}
      geometry={vignetteGeometry}
      material={vignetteMaterial}
      frustumCulled={false}
      renderOrder={1000}
    />
  )
}

const controllerGeometry = new BoxGeometry(0.04, 0.03, 0.12)
const controllerMaterial = new MeshStandardMaterial({ color: '#2b2f36', roughness: 0.6 })
const jointGeometry = new SphereGeometry(0.008, 8, 6)
const handMaterial = new MeshStandardMaterial({ color: '#e8c4a8', roughness: 0.8 })

/** A controller: a plain handle in the grip, and the library's ray to point and press with. */
function Controller() {
  return (
    <>
      <XRSpace space="grip-space">
        <mesh geometry={controllerGeometry} material={controllerMaterial} />
      </XRSpace>
      <DefaultXRController model={false} grabPointer={false} teleportPointer={false} />
    </>
  )
}

/** A tracked hand: a small sphere on each joint, and the library's touch and ray pointers. */
function Hand() {
  const state = useXRInputSourceStateContext('hand')
  const joints = [...state.inputSource.hand.values()]
  return (
    <>
      {joints.map((space, i) => (
        <XRSpace key={i} space={space}>
          <mesh geometry={jointGeometry} material={handMaterial} />
        </XRSpace>
      ))}
      <DefaultXRHand model={false} grabPointer={false} teleportPointer={false} />
    </>
  )
}
