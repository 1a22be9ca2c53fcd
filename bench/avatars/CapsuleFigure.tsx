// The figures visitors had before the skinned humanoids (src/avatar/Avatar.tsx): seven or eight
// meshes each, posed procedurally. Kept only as the bench's baseline ("capsules") for
// `npm run bench -- avatars`.
import { useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../../src/world/frameOrder'
import {
  BoxGeometry,
  CapsuleGeometry,
  CylinderGeometry,
  DataTexture,
  DoubleSide,
  FrontSide,
  MeshStandardMaterial,
  NearestFilter,
  SphereGeometry,
  SRGBColorSpace,
  type BufferGeometry,
  type Group,
  type Object3D,
} from 'three'
import type { Motion } from '../../src/state/player'
import { activeEmote } from '../../src/avatar/emotes'
import { useSettings } from '../../src/state/settings'

export interface AvatarProps {
  style: 'voxel' | 'hd'
  /** Body / clothes colour, "#rrggbb". */
  color: string
  /** Read every frame: position, heading, anim and speed. */
  motion: Motion
}

// ---- shared resources: made once per style, shared by every avatar --------------------------

const SKIN = '#f1c7a1'
const HAIR = '#2b211c'

/** The voxel head's 24×8 texture: face | side of the head | back and top (all hair). */
const FACE = [
  'HHHHHHHH',
  'HHHHHHHH',
  'SSSSSSSS',
  'SWESSEWS',
  'SSSSSSSS',
  'SSSPPSSS',
  'SSMMMMSS',
  'SSSSSSSS',
]
const SIDE = [
  'HHHHHHHH',
  'HHHHHHHH',
  'HHHHHHSS',
  'HHHHHSSS',
  'HHHHSSSS',
  'SSSSSSSS',
  'SSSSSSSS',
  'SSSSSSSS',
]
const PIXELS: Record<string, [number, number, number]> = {
  H: [43, 33, 28],
  S: [241, 199, 161],
  W: [250, 250, 250],
  E: [30, 30, 36],
  P: [226, 176, 140],
  M: [168, 72, 64],
}

function faceTexture(): DataTexture {
  const w = 24
  const h = 8
  const data = new Uint8Array(w * h * 4)
  for (let row = 0; row < h; row++) {
    for (let x = 0; x < w; x++) {
      const region = Math.floor(x / 8)
      const ch = region === 0 ? FACE[row]![x]! : region === 1 ? SIDE[row]![x - 8]! : 'H'
      const rgb = PIXELS[ch]!
      // DataTexture rows start at the bottom (v = 0).
      const o = ((h - 1 - row) * w + x) * 4
      data[o] = rgb[0]
      data[o + 1] = rgb[1]
      data[o + 2] = rgb[2]
      data[o + 3] = 255
    }
  }
  const tex = new DataTexture(data, w, h)
  tex.magFilter = NearestFilter
  tex.minFilter = NearestFilter
  tex.colorSpace = SRGBColorSpace
  tex.needsUpdate = true
  return tex
}

/** Points each face of a box at one third of the face texture; the -z face (front) gets the face. */
function headGeometry(size: number): BoxGeometry {
  const g = new BoxGeometry(size, size, size)
  const uv = g.attributes.uv!
  // BoxGeometry faces in order +x, -x, +y, -y, +z, -z; four vertices each.
  const regionOfFace = [1, 1, 2, 2, 2, 0]
  for (let f = 0; f < 6; f++) {
    for (let v = 0; v < 4; v++) {
      const i = f * 4 + v
      uv.setX(i, (regionOfFace[f]! + uv.getX(i)) / 3)
    }
  }
  uv.needsUpdate = true
  return g
}

/** Geometry whose origin is at its top, so rotating the mesh swings it from a shoulder or hip. */
function hanging(g: BufferGeometry, length: number): BufferGeometry {
  return g.translate(0, -length / 2, 0)
}

interface VoxelKit {
  head: BoxGeometry
  body: BoxGeometry
  arm: BufferGeometry
  leg: BufferGeometry
  face: MeshStandardMaterial
  skin: MeshStandardMaterial
  trousers: MeshStandardMaterial
}
interface HdKit {
  robe: CylinderGeometry
  torso: CapsuleGeometry
  head: SphereGeometry
  hair: SphereGeometry
  arm: BufferGeometry
  leg: BufferGeometry
  skin: MeshStandardMaterial
  dark: MeshStandardMaterial
}

let voxelKit: VoxelKit | null = null
let hdKit: HdKit | null = null
const clothes = new Map<string, MeshStandardMaterial>()

function getVoxelKit(): VoxelKit {
  voxelKit ??= {
    head: headGeometry(0.42),
    body: new BoxGeometry(0.5, 0.62, 0.28),
    arm: hanging(new BoxGeometry(0.2, 0.6, 0.22), 0.6),
    leg: hanging(new BoxGeometry(0.23, 0.66, 0.25), 0.66),
    face: new MeshStandardMaterial({ map: faceTexture(), roughness: 0.9 }),
    skin: new MeshStandardMaterial({ color: SKIN, roughness: 0.9 }),
    trousers: new MeshStandardMaterial({ color: '#3b4a66', roughness: 0.95 }),
  }
  return voxelKit
}

function getHdKit(): HdKit {
  hdKit ??= {
    robe: new CylinderGeometry(0.2, 0.36, 0.8, 18, 1, true),
    torso: new CapsuleGeometry(0.17, 0.3, 6, 14),
    head: new SphereGeometry(0.15, 20, 14),
    hair: new SphereGeometry(0.158, 16, 10, 0, Math.PI * 2, 0, Math.PI * 0.55),
    arm: hanging(new CapsuleGeometry(0.055, 0.42, 4, 8), 0.52),
    leg: hanging(new CapsuleGeometry(0.065, 0.52, 4, 8), 0.64),
    skin: new MeshStandardMaterial({ color: SKIN, roughness: 0.6 }),
    dark: new MeshStandardMaterial({ color: HAIR, roughness: 0.8 }),
  }
  return hdKit
}

function clothesMaterial(style: 'voxel' | 'hd', color: string): MeshStandardMaterial {
  const key = `${style}:${color}`
  let m = clothes.get(key)
  if (!m) {
    m = new MeshStandardMaterial({
      color,
      roughness: style === 'voxel' ? 0.9 : 0.7,
      // The open robe cylinder is seen from inside when looking down at it.
      side: style === 'hd' ? DoubleSide : FrontSide,
    })
    clothes.set(key, m)
  }
  return m
}

/** Hip heights: legs hang from here and the upper body pivots here (metres above the feet). */
const VOXEL_HIP = 0.66
const HD_HIP = 0.9

// ---- posing -----------------------------------------------------------------------------

interface Rig {
  root: Group | null
  /** Torso and everything above the hips: breathes, leans and bobs. */
  upper: Group | null
  head: Object3D | null
  armL: Object3D | null
  armR: Object3D | null
  legL: Object3D | null
  legR: Object3D | null
  /** Height of the hips, where `upper` sits when not bobbing. */
  hipY: number
}

interface PoseState {
  phase: number
}

/** Moves `v` towards `target` with an exponential ease (frame-rate independent). */
function ease(v: number, target: number, k: number): number {
  return v + (target - v) * k
}

function pose(rig: Rig, p: PoseState, m: Motion, dt: number, t: number, reduced: boolean) {
  const { root, upper, head, armL, armR, legL, legR } = rig
  if (!root || !upper || !head || !armL || !armR || !legL || !legR) return
  root.position.set(m.x, m.y, m.z)
  root.rotation.y = m.heading

  const k = 1 - Math.exp(-16 * Math.min(dt, 0.1))
  const moving = m.anim === 'walk' || m.anim === 'run'
  // Stride frequency grows with speed; run swings wider and leans forward.
  const speed = moving ? m.speed : 0
  p.phase = (p.phase + dt * (5 + 1.4 * speed)) % (Math.PI * 2)
  const runW = Math.min(1, Math.max(0, (speed - 4.5) / 3))
  const amp = Math.min(1, speed / 2.5) * (0.55 + 0.4 * runW)
  const s = Math.sin(p.phase)

  let armLX = -s * amp * 0.9
  let armRX = s * amp * 0.9
  let armLZ = -0.06
  let armRZ = 0.06
  let legLX = s * amp
  let legRX = -s * amp
  let lean = -0.22 * runW
  let bob = reduced ? 0 : Math.abs(Math.cos(p.phase)) * 0.05 * amp
  let breathe = 0

  if (m.anim === 'idle') {
    // Breathing; reduced motion keeps only a trace of it.
    const a = reduced ? 0.15 : 1
    breathe = Math.sin(t * 1.9) * 0.018 * a
    armLZ = -0.06 - Math.sin(t * 1.9) * 0.03 * a
    armRZ = -armLZ
  }
  const emote = activeEmote(m, performance.now())
  let sway = 0
  if (emote) {
    // Gestures, on top of idle: e is seconds into the gesture.
    const e = (performance.now() - m.emoteAt) / 1000
    const r = reduced ? 0.35 : 1
    if (emote === 'wave') {
      armRX = 2.75
      armRZ = 0.35 + Math.sin(e * 11) * 0.35 * r
    } else if (emote === 'clap') {
      armLX = armRX = 1.35
      armLZ = -0.3 + Math.abs(Math.sin(e * 8)) * 0.45 * r
      armRZ = -armLZ
    } else if (emote === 'cheer') {
      armLX = armRX = 2.85
      armLZ = -0.4
      armRZ = 0.4
      bob = Math.abs(Math.sin(e * 7)) * 0.09 * r
    } else {
      const d = Math.sin(e * 6)
      armLX = 1.1 + d * 0.9 * r
      armRX = 1.1 - d * 0.9 * r
      armLZ = -0.5
      armRZ = 0.5
      legLX = Math.max(0, d) * 0.5 * r
      legRX = Math.max(0, -d) * 0.5 * r
      bob = Math.abs(d) * 0.08 * r
      sway = d * 0.18 * r
    }
  }
  if (m.anim === 'jump') {
    armLX = armRX = 2.7
    armLZ = -0.25
    armRZ = 0.25
    legLX = 0.55
    legRX = -0.2
    lean = -0.08
    bob = 0
  } else if (m.anim === 'fall') {
    const flail = reduced ? 0 : Math.sin(t * 9) * 0.15
    armLX = 0.4 + flail
    armRX = 0.4 - flail
    armLZ = -1.15
    armRZ = 1.15
    legLX = 0.25 - flail
    legRX = -0.1 + flail
    lean = 0.05
    bob = 0
  }

  armL.rotation.x = ease(armL.rotation.x, armLX, k)
  armR.rotation.x = ease(armR.rotation.x, armRX, k)
  armL.rotation.z = ease(armL.rotation.z, armLZ, k)
  armR.rotation.z = ease(armR.rotation.z, armRZ, k)
  legL.rotation.x = ease(legL.rotation.x, legLX, k)
  legR.rotation.x = ease(legR.rotation.x, legRX, k)
  upper.rotation.x = ease(upper.rotation.x, lean, k)
  upper.rotation.z = ease(upper.rotation.z, sway, k)
  upper.position.y = ease(upper.position.y, rig.hipY + bob, k)
  upper.scale.y = 1 + breathe
  head.rotation.x = ease(head.rotation.x, -lean * 0.6, k)
}

function useRig(motion: Motion, hipY: number) {
  const rig = useRef<Rig>({
    hipY,
    root: null,
    upper: null,
    head: null,
    armL: null,
    armR: null,
    legL: null,
    legR: null,
  })
  const state = useRef<PoseState>({ phase: 0 })
  useFrame((frame, dt) => {
    pose(
      rig.current,
      state.current,
      motion,
      dt,
      frame.clock.elapsedTime,
      useSettings.getState().reducedMotion,
    )
  }, FRAME.scene)
  return rig.current
}

// ---- figures ----------------------------------------------------------------------------

function VoxelFigure({ color, motion }: { color: string; motion: Motion }) {
  const kit = getVoxelKit()
  const cloth = useMemo(() => clothesMaterial('voxel', color), [color])
  const rig = useRig(motion, VOXEL_HIP)
  return (
    <group ref={(o) => void (rig.root = o)}>
      <mesh
        ref={(o) => void (rig.legL = o)}
        position={[-0.125, VOXEL_HIP, 0]}
        geometry={kit.leg}
        material={kit.trousers}
        castShadow
      />
      <mesh
        ref={(o) => void (rig.legR = o)}
        position={[0.125, VOXEL_HIP, 0]}
        geometry={kit.leg}
        material={kit.trousers}
        castShadow
      />
      {/* The upper body pivots at the hips, so leaning and breathing keep the feet planted. */}
      <group ref={(o) => void (rig.upper = o)} position={[0, VOXEL_HIP, 0]}>
        <mesh position={[0, 0.31, 0]} geometry={kit.body} material={cloth} castShadow />
        <mesh
          ref={(o) => void (rig.armL = o)}
          position={[-0.36, 0.6, 0]}
          geometry={kit.arm}
          material={cloth}
          castShadow
        />
        <mesh
          ref={(o) => void (rig.armR = o)}
          position={[0.36, 0.6, 0]}
          geometry={kit.arm}
          material={cloth}
          castShadow
        />
        <group ref={(o) => void (rig.head = o)} position={[0, 0.62, 0]}>
          <mesh position={[0, 0.21, 0]} geometry={kit.head} material={kit.face} castShadow />
        </group>
      </group>
    </group>
  )
}

function HdFigure({ color, motion }: { color: string; motion: Motion }) {
  const kit = getHdKit()
  const cloth = useMemo(() => clothesMaterial('hd', color), [color])
  const rig = useRig(motion, HD_HIP)
  return (
    <group ref={(o) => void (rig.root = o)}>
      <mesh
        ref={(o) => void (rig.legL = o)}
        position={[-0.1, 0.66, 0]}
        geometry={kit.leg}
        material={kit.dark}
        castShadow
      />
      <mesh
        ref={(o) => void (rig.legR = o)}
        position={[0.1, 0.66, 0]}
        geometry={kit.leg}
        material={kit.dark}
        castShadow
      />
      <mesh position={[0, 0.5, 0]} geometry={kit.robe} material={cloth} castShadow />
      <group ref={(o) => void (rig.upper = o)} position={[0, HD_HIP, 0]}>
        <mesh position={[0, 0.25, 0]} geometry={kit.torso} material={cloth} castShadow />
        <mesh
          ref={(o) => void (rig.armL = o)}
          position={[-0.23, 0.44, 0]}
          geometry={kit.arm}
          material={cloth}
          castShadow
        />
        <mesh
          ref={(o) => void (rig.armR = o)}
          position={[0.23, 0.44, 0]}
          geometry={kit.arm}
          material={cloth}
          castShadow
        />
        <group ref={(o) => void (rig.head = o)} position={[0, 0.48, 0]}>
          <mesh position={[0, 0.17, 0]} geometry={kit.head} material={kit.skin} castShadow />
          <mesh
            position={[0, 0.19, 0.012]}
            rotation-x={0.35}
            geometry={kit.hair}
            material={kit.dark}
          />
        </group>
      </group>
    </group>
  )
}

/** One visitor's figure (≤ 8 meshes). Place it anywhere in the scene: it follows `motion`. */
export function CapsuleFigure({ style, color, motion }: AvatarProps) {
  return style === 'voxel' ? (
    <VoxelFigure color={color} motion={motion} />
  ) : (
    <HdFigure color={color} motion={motion} />
  )
}
