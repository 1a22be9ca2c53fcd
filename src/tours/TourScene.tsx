// The tour in the world: a beacon at the stop the visitor is heading for, a dotted path on the
// ground from them to it, rings under what lights up at the stop, and the stop's staged scene:
// scripted actors posed from the timeline (src/tours/timeline.ts) by the scene time, with their
// names and lines above them. Arriving (within the stop's radius) turns the view to what the
// stop is about and starts the scene.
import { useEffect, useMemo, useRef } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { Html } from '@react-three/drei'
import {
  AdditiveBlending,
  CircleGeometry,
  Color,
  DoubleSide,
  InstancedMesh,
  MeshBasicMaterial,
  Object3D,
  RingGeometry,
  type Group,
  type Mesh,
} from 'three'
import { Avatar } from '../avatar/Avatar'
import { FRAME } from '../world/frameOrder'
import type { WorldCollider } from '../world/collision'
import { pick } from '../i18n'
import type { Scene, TourStop, Vec3 } from '../protocol/scene'
import { cameraRig, createMotion, localMotion, type Motion } from '../state/player'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { actorPoses } from './actors'
import { pageSeconds as now, useTour } from './state'
import { compileScene, headingOf, poseAt, sceneTime, type ActorTimeline } from './timeline'

const ACCENT = new Color('#e0b15a')
/** Path dots: one every this many metres, at most this many. */
const DOT_STEP = 2
const MAX_DOTS = 48
/** Leaving a stop: this far beyond its radius. */
const LEAVE_MARGIN = 3

/** Ground height under (x, z) near `y`, or `y` where there is none. */
function ground(collider: WorldCollider | null, x: number, y: number, z: number): number {
  if (!collider) return y
  const g = collider.groundAt(x, y + 3, z, 6)
  return Number.isFinite(g) ? g : y
}

export function TourScene({ scene }: { scene: Scene }) {
  const tour = useTour((s) => s.tour)
  const stop = useTour((s) => s.stop)
  const here = useTour((s) => s.here)
  const done = useTour((s) => s.done)
  const current = tour && !done ? tour.stops[stop] : undefined

  // Leaving the world ends its tour.
  useEffect(() => () => useTour.getState().end(), [scene.id])

  // Arrive within the radius; leave a little beyond it.
  useFrame(() => {
    if (!current) return
    const d = Math.hypot(localMotion.x - current.position[0], localMotion.z - current.position[2])
    const s = useTour.getState()
    if (!s.here && d <= current.radius) {
      s.arrive(stop, now())
      if (current.look) {
        cameraRig.yaw = headingOf(current.look[0] - localMotion.x, current.look[2] - localMotion.z)
      }
    } else if (s.here && d > current.radius + LEAVE_MARGIN) s.leave()
  }, FRAME.scene)

  if (!current) return null
  return (
    <>
      {!here && <Beacon stop={current} />}
      {!here && <PathDots stop={current} />}
      {here && <Lights scene={scene} ids={current.lights} />}
      {current.scene && <StagedScene key={`${tour!.id}/${current.id}`} stop={current} />}
    </>
  )
}

/** A ring and a column of light at the stop. */
function Beacon({ stop }: { stop: TourStop }) {
  const collider = useWorld((s) => s.collider)
  const group = useRef<Group>(null)
  const [x, y0, z] = stop.position
  const y = useMemo(() => ground(collider, x, y0, z), [collider, x, y0, z])
  const still = useSettings((s) => s.reducedMotion)
  useFrame(() => {
    if (!group.current || still) return
    const s = 1 + 0.08 * Math.sin(now() * 2.5)
    group.current.scale.set(s, 1, s)
  }, FRAME.scene)
  return (
    <group ref={group} position={[x, y + 0.05, z]}>
      <mesh rotation-x={-Math.PI / 2}>
        <ringGeometry args={[Math.max(0.6, stop.radius * 0.35), stop.radius * 0.35 + 0.35, 40]} />
        <meshBasicMaterial color={ACCENT} transparent opacity={0.85} side={DoubleSide} />
      </mesh>
      <mesh position-y={6}>
        <cylinderGeometry args={[0.35, 0.35, 12, 16, 1, true]} />
        <meshBasicMaterial
          color={ACCENT}
          transparent
          opacity={0.28}
          side={DoubleSide}
          depthWrite={false}
          blending={AdditiveBlending}
        />
      </mesh>
    </group>
  )
}

/** Dots on the ground from the visitor to the stop, laid again as the visitor moves. */
function PathDots({ stop }: { stop: TourStop }) {
  const collider = useWorld((s) => s.collider)
  const mesh = useMemo(() => {
    const m = new InstancedMesh(
      new CircleGeometry(0.22, 12),
      new MeshBasicMaterial({ color: ACCENT, transparent: true, opacity: 0.9, depthWrite: false }),
      MAX_DOTS,
    )
    m.count = 0
    m.frustumCulled = false
    return m
  }, [])
  useEffect(
    () => () => {
      mesh.geometry.dispose()
      ;(mesh.material as MeshBasicMaterial).dispose()
    },
    [mesh],
  )
  const laid = useRef({ x: Infinity, z: Infinity })
  const dummy = useMemo(() => new Object3D(), [])
  useFrame(() => {
    const from = localMotion
    // Laid again once the visitor has moved a metre.
    if (Math.hypot(from.x - laid.current.x, from.z - laid.current.z) < 1) return
    laid.current = { x: from.x, z: from.z }
    const dx = stop.position[0] - from.x
    const dz = stop.position[2] - from.z
    const d = Math.hypot(dx, dz)
    const n = Math.min(MAX_DOTS, Math.floor((d - stop.radius * 0.5) / DOT_STEP))
    let y = from.y
    for (let i = 0; i < n; i++) {
      const f = ((i + 1) * DOT_STEP) / d
      const x = from.x + dx * f
      const z = from.z + dz * f
      y = ground(collider, x, y, z)
      dummy.position.set(x, y + 0.06, z)
      dummy.rotation.set(-Math.PI / 2, 0, 0)
      dummy.updateMatrix()
      mesh.setMatrixAt(i, dummy.matrix)
    }
    mesh.count = Math.max(0, n)
    mesh.instanceMatrix.needsUpdate = true
  }, FRAME.scene)
  return <primitive object={mesh} />
}

/** A glowing ring under each point of interest, portal or space the stop lights up. */
function Lights({ scene, ids }: { scene: Scene; ids: readonly string[] }) {
  const collider = useWorld((s) => s.collider)
  const places = useMemo(() => {
    const out: Vec3[] = []
    for (const id of ids) {
      const item = scene.pois.find((p) => p.id === id) ?? scene.portals.find((p) => p.id === id)
      if (item) out.push(item.position)
      const space = scene.spaces.find((s) => s.id === id)
      if (space) {
        const [x0, z0, x1, z1] = space.area
        out.push([(x0 + x1) / 2, space.floorY ?? 0, (z0 + z1) / 2])
      }
    }
    return out.map(([x, y, z]) => [x, ground(collider, x, y, z), z] as const)
  }, [scene, ids, collider])
  const refs = useRef<(Mesh | null)[]>([])
  const still = useSettings((s) => s.reducedMotion)
  useFrame(() => {
    const pulse = still ? 0.7 : 0.5 + 0.35 * Math.sin(now() * 3)
    for (const m of refs.current) if (m) (m.material as MeshBasicMaterial).opacity = pulse
  }, FRAME.scene)
  return (
    <>
      {places.map(([x, y, z], i) => (
        <mesh
          key={i}
          ref={(m) => void (refs.current[i] = m)}
          position={[x, y + 0.08, z]}
          rotation-x={-Math.PI / 2}
          geometry={RING}
        >
          <meshBasicMaterial color={ACCENT} transparent side={DoubleSide} depthWrite={false} />
        </mesh>
      ))}
    </>
  )
}
const RING = new RingGeometry(2.2, 2.7, 48)

/** The stop's actors, posed from the scene time every frame. */
function StagedScene({ stop }: { stop: TourStop }) {
  const start = useTour((s) => s.sceneStart)
  const timeline = useMemo(() => compileScene(stop.scene!), [stop])
  useEffect(
    () => () => {
      actorPoses.t = 0
      actorPoses.actors = []
    },
    [],
  )
  if (start === null) return null
  return (
    <>
      {timeline.actors.map((a, i) => (
        <ActorFigure key={a.actor.id} actor={a} index={i} start={start} loop={timeline} />
      ))}
    </>
  )
}

function ActorFigure({
  actor,
  index,
  start,
  loop,
}: {
  actor: ActorTimeline
  index: number
  start: number
  loop: ReturnType<typeof compileScene>
}) {
  const style = useWorld((s) => s.scene?.style ?? 'voxel')
  const collider = useWorld((s) => s.collider)
  const lang = useSettings((s) => s.language)
  const motion = useMemo<Motion>(
    () => createMotion(...actor.actor.position, actor.actor.heading),
    [actor],
  )
  const tag = useRef<Group>(null)
  const bubble = useRef<HTMLDivElement>(null)
  const lastLine = useRef<string | null>(null)
  const camera = useThree((s) => s.camera)
  useFrame(() => {
    const t = sceneTime(loop, start, now())
    const pose = poseAt(actor, t)
    motion.x = pose.x
    motion.z = pose.z
    motion.y = ground(collider, pose.x, pose.y, pose.z)
    motion.heading = pose.heading
    motion.anim = pose.walking ? 'walk' : 'idle'
    motion.speed = pose.speed
    motion.emote = pose.gesture
    // The gesture's start on the page's clock, as the avatar's emotes count (ms).
    motion.emoteAt = (start + (pose.gesture ? pose.gestureAt : 0)) * 1000
    const line = pose.line ? pick(pose.line, lang) : null
    if (line !== lastLine.current && bubble.current) {
      bubble.current.textContent = line ?? ''
      bubble.current.style.display = line ? '' : 'none'
      lastLine.current = line
    }
    tag.current?.position.set(motion.x, motion.y + 2.25, motion.z)
    if (tag.current) tag.current.visible = camera.position.distanceTo(tag.current.position) < 45
    actorPoses.t = t
    actorPoses.at = Date.now()
    actorPoses.actors[index] = { id: actor.actor.id, x: motion.x, z: motion.z, line }
  }, FRAME.scene)
  return (
    <>
      <Avatar style={style} color={actor.actor.costume.color} motion={motion} />
      <group ref={tag}>
        <Html center zIndexRange={[6, 0]} style={{ pointerEvents: 'none' }}>
          <div className="avatar-tag actor-tag" data-testid="actor-tag">
            <div ref={bubble} className="bubble" style={{ display: 'none' }} />
            <div className="name">{pick(actor.actor.name, lang)}</div>
          </div>
        </Html>
      </group>
    </>
  )
}
