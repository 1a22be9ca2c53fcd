// Points of interest and portals inside a world: floating markers with bilingual labels.
// Walking into a marker's radius opens its card (or, for a portal, travels); one frame loop
// checks them all and touches stores only when something changes. Labels fade with distance,
// hide behind walls, and give way to a nearer label they would cover on screen.
import { useEffect, useMemo, useRef } from 'react'
import { useFrame, type ThreeEvent } from '@react-three/fiber'
import { FRAME } from './frameOrder'
import { Html } from '@react-three/drei'
import { DoubleSide, Vector3, type Camera, type Group } from 'three'
import type { Scene } from '../protocol/scene'
import { sightBlocked, type WorldCollider } from './collision'
import { crowdedLabels, type LabelBox, type ScreenBox } from './declutter'
import { localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { other, pick } from '../i18n'

interface Placed {
  id: string
  x: number
  y: number
  z: number
  radius: number
  lines: string[]
}

const POI_LABEL_Y = 4.7
const PORTAL_LABEL_Y = 3.7

const labelEls = new Map<string, HTMLDivElement>()
/** Each label's size on screen, CSS pixels, kept by a ResizeObserver (no layout read per frame). */
const labelSizes = new Map<string, { w: number; h: number }>()
const sizeWatch =
  typeof ResizeObserver === 'undefined'
    ? null
    : new ResizeObserver((entries) => {
        for (const e of entries) {
          const el = e.target as HTMLDivElement
          const id = el.dataset.label
          const size = e.borderBoxSize[0]
          if (id && size) labelSizes.set(id, { w: size.inlineSize, h: size.blockSize })
        }
      })

/** A crisp DOM label (not drawn through the pixel pass); faded by distance in the frame loop. */
function Label({
  id,
  lines,
  y,
  accent,
}: {
  id: string
  lines: string[]
  y: number
  accent: string
}) {
  return (
    <Html position={[0, y, 0]} center zIndexRange={[5, 0]} style={{ pointerEvents: 'none' }}>
      <div
        className="marker-label"
        data-label={id}
        style={{ borderBottomColor: accent, opacity: 0 }}
        ref={(el) => {
          if (el) {
            labelEls.set(id, el)
            sizeWatch?.observe(el)
          } else {
            const old = labelEls.get(id)
            if (old) sizeWatch?.unobserve(old)
            labelEls.delete(id)
            labelSizes.delete(id)
          }
        }}
      >
        <strong>{lines[0]}</strong>
        <span>{lines[1]}</span>
      </div>
    </Html>
  )
}

/** Labels hidden by a wall between them and the camera, by id (re-checked a few times a second). */
const hiddenLabels = new Set<string>()
/** Labels that would cover a nearer label on screen, by id (every frame). */
let crowded: Set<string> = new Set()

/** Labels show within this distance (m), fading out over its last FADE_M. */
const LABEL_RANGE_M = 60
const FADE_M = 20

const distance = (p: Placed) => Math.hypot(p.x - localMotion.x, p.z - localMotion.z)

/** Close enough, and no wall in the way: the label would show unless crowded. */
const inReach = (p: Placed) => !hiddenLabels.has(p.id) && distance(p) <= LABEL_RANGE_M

function fadeLabels(points: Placed[]) {
  for (const p of points) {
    const el = labelEls.get(p.id)
    if (!el) continue
    const fade = Math.min(1, (LABEL_RANGE_M - distance(p)) / FADE_M)
    const o = !inReach(p) || crowded.has(p.id) ? '0' : fade >= 1 ? '1' : fade.toFixed(2)
    if (el.style.opacity !== o) el.style.opacity = o
  }
}

const anchor = new Vector3()

/** What of the HUD a label must not sit under: its controls, the minimap, the hint, the card. */
const HUD_BOXES =
  'button, input, select, textarea, [role="button"], .minimap, .hud-help, .info-card'
/** How often the HUD's boxes are read again (ms): they move only on resize and panel changes. */
const HUD_EVERY_MS = 500
let hudBoxes: ScreenBox[] = []
let hudReadAt = -Infinity

/** The HUD's boxes in the canvas's pixels (the 3D view's own labels and controls left out). */
function readHud(canvas: HTMLCanvasElement): ScreenBox[] {
  const view = canvas.getBoundingClientRect()
  const inView = canvas.closest('.view3d')
  const out: ScreenBox[] = []
  for (const el of document.querySelectorAll(HUD_BOXES)) {
    if (inView?.contains(el)) continue
    const r = el.getBoundingClientRect()
    if (r.width < 2 || r.height < 2) continue
    out.push({
      x: r.left - view.left + r.width / 2,
      y: r.top - view.top + r.height / 2,
      w: r.width,
      h: r.height,
    })
  }
  return out
}

/** The on-screen boxes of the labels that would show, where drei's Html puts them. */
function labelBoxes(
  sets: readonly (readonly [Placed[], number])[],
  camera: Camera,
  width: number,
  height: number,
): LabelBox[] {
  const boxes: LabelBox[] = []
  for (const [points, labelY] of sets) {
    for (const p of points) {
      const size = labelSizes.get(p.id)
      if (!size || size.w === 0 || !inReach(p)) continue
      anchor.set(p.x, p.y + labelY, p.z)
      const depth = anchor.distanceTo(camera.position)
      anchor.project(camera)
      if (anchor.z > 1) continue // behind the camera: Html hides it
      boxes.push({
        id: p.id,
        x: ((anchor.x + 1) / 2) * width,
        y: ((1 - anchor.y) / 2) * height,
        w: size.w,
        h: size.h,
        depth,
      })
    }
  }
  return boxes
}

/** Marks the labels (within fading distance) that a wall hides from the camera. */
function occludeLabels(points: Placed[], labelY: number, camera: Vector3, collider: WorldCollider) {
  for (const p of points) {
    const hidden =
      distance(p) <= LABEL_RANGE_M &&
      sightBlocked(collider, camera, { x: p.x, y: p.y + labelY, z: p.z }, 1.5)
    if (hidden) hiddenLabels.add(p.id)
    else hiddenLabels.delete(p.id)
  }
}

export function Markers({
  scene,
  travel,
}: {
  scene: Scene
  /** Goes to a portal's world: the app's navigation, handed in. */
  travel: (world: string) => void
}) {
  const collider = useWorld((s) => s.collider)
  const lang = useSettings((s) => s.language)
  const group = useRef<Group>(null)
  const inside = useRef(new Set<string>())
  const travelling = useRef(false)
  const frames = useRef(0)
  useEffect(
    () => () => {
      hiddenLabels.clear()
      crowded = new Set()
      hudReadAt = -Infinity
    },
    [scene],
  )

  const ground = (x: number, y: number, z: number) => {
    // HD scene files leave heights to the terrain; voxel files give the block they stand on.
    if (scene.style === 'voxel' || !collider) return y
    const g = collider.groundAt(x, 10_000, z, 100_000)
    return Number.isFinite(g) ? g : y
  }

  const pois: Placed[] = useMemo(
    () =>
      scene.pois.map((p) => ({
        id: p.id,
        x: p.position[0],
        y: ground(p.position[0], p.position[1], p.position[2]),
        z: p.position[2],
        radius: p.radius,
        lines: [pick(p.title, lang), other(p.title, lang)],
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scene, collider, lang],
  )
  const portals: (Placed & { to: string })[] = useMemo(
    () =>
      scene.portals.map((p) => ({
        id: p.id,
        to: p.to,
        x: p.position[0],
        y: ground(p.position[0], p.position[1], p.position[2]),
        z: p.position[2],
        radius: p.radius,
        lines: [pick(p.label, lang), '⇄'],
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scene, collider, lang],
  )

  // Each kind of marker with the height of its label, for the labels' screen boxes.
  const labelSets = useMemo(
    () =>
      [
        [pois, POI_LABEL_Y],
        [portals, PORTAL_LABEL_Y],
      ] as const,
    [pois, portals],
  )

  useFrame((state) => {
    const t = state.clock.elapsedTime
    const still = useSettings.getState().reducedMotion
    const g = group.current
    if (g) {
      for (const child of g.children) {
        // Each marker group's first child is the part that floats and turns.
        const bob = child.name === 'poi' ? child.children[0] : undefined
        if (bob) {
          bob.position.y = still ? 0 : Math.sin(t * 1.6 + child.position.x) * 0.25
          bob.rotation.y = still ? 0 : t * 0.8
        }
      }
    }
    // Labels fade out with distance so far-away markers do not clutter the view, and hide
    // behind walls (a gallery's, a house's): checked every few frames, it is a few hundred
    // collider lookups.
    const sight = useWorld.getState().collider
    if (sight && (frames.current++ & 3) === 0) {
      occludeLabels(pois, POI_LABEL_Y, state.camera.position, sight)
      occludeLabels(portals, PORTAL_LABEL_Y, state.camera.position, sight)
    }
    const now = performance.now()
    if (now - hudReadAt > HUD_EVERY_MS) {
      hudReadAt = now
      hudBoxes = readHud(state.gl.domElement)
    }
    crowded = crowdedLabels(
      labelBoxes(labelSets, state.camera, state.size.width, state.size.height),
      crowded,
      hudBoxes,
    )
    fadeLabels(pois)
    fadeLabels(portals)
    const world = useWorld.getState()
    if (world.status !== 'ready') return
    for (const p of pois) {
      const near =
        Math.hypot(p.x - localMotion.x, p.z - localMotion.z) < p.radius &&
        Math.abs(p.y - localMotion.y) < 8
      if (near && !inside.current.has(p.id)) {
        inside.current.add(p.id)
        if (world.openPoi !== p.id) {
          world.openCard(p.id, 'proximity')
        }
      } else if (!near && inside.current.has(p.id)) {
        inside.current.delete(p.id)
        if (world.openPoi === p.id && world.cardVia === 'proximity') {
          world.closeCard()
        }
      }
    }
    if (!travelling.current) {
      for (const p of portals) {
        if (
          Math.hypot(p.x - localMotion.x, p.z - localMotion.z) < p.radius &&
          Math.abs(p.y - localMotion.y) < 4
        ) {
          travelling.current = true
          travel(p.to)
          break
        }
      }
    }
  }, FRAME.scene)

  const onPoiClick = (id: string) => (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation()
    useWorld.getState().openCard(id, 'click')
  }

  return (
    <group ref={group}>
      {pois.map((p) => (
        <group key={p.id} name="poi" position={[p.x, p.y, p.z]}>
          <group>
            <mesh
              position={[0, 3.2, 0]}
              onClick={onPoiClick(p.id)}
              onPointerOver={() => (document.body.style.cursor = 'pointer')}
              onPointerOut={() => (document.body.style.cursor = '')}
            >
              <octahedronGeometry args={[0.55, 0]} />
              <meshStandardMaterial color="#e0b15a" emissive="#a0661a" emissiveIntensity={0.8} />
            </mesh>
          </group>
          <Label id={p.id} lines={p.lines} y={POI_LABEL_Y} accent="#e0b15a" />
        </group>
      ))}
      {portals.map((p) => (
        <group key={p.id} position={[p.x, p.y, p.z]}>
          <mesh position={[0, 1.6, 0]}>
            <torusGeometry args={[1.4, 0.16, 10, 40]} />
            <meshStandardMaterial color="#b48cff" emissive="#7b4dff" emissiveIntensity={1.2} />
          </mesh>
          <mesh position={[0, 1.6, 0]}>
            <circleGeometry args={[1.3, 32]} />
            <meshBasicMaterial
              color="#c9b3ff"
              transparent
              opacity={0.35}
              side={DoubleSide}
              depthWrite={false}
            />
          </mesh>
          <Label id={p.id} lines={p.lines} y={PORTAL_LABEL_Y} accent="#b48cff" />
        </group>
      ))}
    </group>
  )
}
