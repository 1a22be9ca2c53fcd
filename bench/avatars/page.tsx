// The avatars bench's page (built by bench/sections/avatars.ts, never part of the app): a crowd
// of remote figures walking, waving and standing in view, drawn either as today's skinned
// figures (src/avatar/Avatar.tsx), the same without far detail and crowd rigs ('full': how every
// figure was drawn before), or as the old capsule figures (the baseline), one kind at a time. Frames are driven by the bench (`window.bench.frames`), each ended with a 1-pixel read
// so the GPU's work (SwiftShader's, on the CPU here) is inside the time.
import { createRoot } from 'react-dom/client'
import { useState } from 'react'
import { Canvas, useThree } from '@react-three/fiber'
import type { WebGLRenderer } from 'three'
import { Avatar } from '../../src/avatar/Avatar'
import { budget } from '../../src/avatar/humanoid/animator'
import { crowdSettings, sharedRigCount } from '../../src/avatar/humanoid/crowd'
import { createMotion, type Motion } from '../../src/state/player'
import { defaultLook, OUTFITS, HAIR_STYLES, type AvatarLook } from '../../src/protocol/avatar'
import { CapsuleFigure } from './CapsuleFigure'
import { parseVrm } from '../../src/avatar/vrm'
import { vrmFixture } from '../../src/avatar/vrmFixture'

type Kind = 'skinned' | 'full' | 'capsules'
const COLOURS = ['#c0392b', '#2e8b57', '#669bbc', '#f3a712', '#8e44ad', '#29335c']

interface Person {
  motion: Motion
  look: AvatarLook
  color: string
}

/**
 * Where figure `i` of 100 stands: 30 near, in three rows of 10 (2.2 m apart, 16–26 m from the
 * camera), and 70 beyond, in seven rows of 10 from 34 to 76 m, spread wider with distance, as a
 * plaza or a street seen from one end looks: most of a crowd in view is far away.
 */
function place(i: number): [number, number] {
  const row = Math.floor(i / 10)
  const col = (i % 10) - 4.5
  if (row < 3) return [col * 2.2, -6 - row * 4]
  const z = -24 - (row - 3) * 7
  return [col * (2.2 + (-z - 24) * 0.12), z]
}

function crowd(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => {
    const [x, z] = place(i)
    const motion = createMotion(x, 0, z, i)
    // A third walk, a third wave, a third stand.
    if (i % 3 === 0) {
      motion.anim = 'walk'
      motion.speed = 3 + (i % 4)
    } else if (i % 3 === 1) {
      motion.emote = 'wave'
    }
    const color = COLOURS[i % COLOURS.length]!
    const look = {
      ...defaultLook(color),
      outfit: OUTFITS[i % OUTFITS.length]!,
      hair: HAIR_STYLES[i % HAIR_STYLES.length]!,
    }
    return { motion, look, color }
  })
}

let renderer: WebGLRenderer | null = null
let advance: ((t: number) => void) | null = null

function Grab() {
  const state = useThree()
  renderer = state.gl
  advance = (t) => state.advance(t)
  return null
}

/** The figures' style: the bench measures 'hd'; its pictures show both. */
let style: 'hd' | 'voxel' = 'hd'

function Scene({ kind, people }: { kind: Kind; people: Person[] }) {
  return (
    <>
      <hemisphereLight args={['#f4efe6', '#5b5246', 1.2]} />
      <directionalLight position={[5, 10, 4]} intensity={2} castShadow />
      <mesh rotation-x={-Math.PI / 2} receiveShadow>
        <planeGeometry args={[200, 200]} />
        <meshStandardMaterial color="#7d9a6a" />
      </mesh>
      {people.map((p, i) =>
        kind !== 'capsules' ? (
          <Avatar key={i} style={style} look={p.look} color={p.color} motion={p.motion} />
        ) : (
          <CapsuleFigure key={i} style={style} color={p.color} motion={p.motion} />
        ),
      )}
    </>
  )
}

let show: (kind: Kind, n: number) => void = () => {}
let shown: Person[] = []

function App() {
  const [state, setState] = useState<{ kind: Kind; people: Person[] }>({
    kind: 'skinned',
    people: [],
  })
  show = (kind, n) => {
    crowdSettings.enabled = kind !== 'full'
    shown = crowd(n)
    setState({ kind, people: shown })
  }
  return (
    <Canvas
      frameloop="never"
      shadows
      dpr={1}
      camera={{ position: [0, 7, 9], fov: 55 }}
      onCreated={({ camera }) => camera.lookAt(0, 0, -14)}
    >
      <Grab />
      <Scene kind={state.kind} people={state.people} />
    </Canvas>
  )
}

const pixel = new Uint8Array(4)
let clock = 0

declare global {
  interface Window {
    bench: {
      show: (kind: Kind, n: number) => void
      /**
       * Draws `n` frames of 1/60 s; returns each frame's milliseconds, the last frame's draw
       * calls, triangles, far figures, figures on crowd rigs and rigs, and the most skeletons
       * and mixers any frame updated.
       */
      frames: (n: number) => {
        ms: number[]
        drawCalls: number
        triangles: number
        skinnedUpdated: number
        mixersUpdated: number
        farFigures: number
        sharedFigures: number
        sharedRigs: number
      }
      /** Draws figures as far ones from `metres` on (the pictures' close look at them). */
      farFrom: (metres: number) => void
      /** The style of the figures shown next. */
      style: (s: 'hd' | 'voxel') => void
      /** Milliseconds to check and parse the code-made VRM (median of `n`). */
      vrmLoad: (n: number) => Promise<number>
    }
  }
}

window.bench = {
  show: (kind, n) => show(kind, n),
  style: (s) => {
    style = s
  },
  farFrom: (metres) => {
    crowdSettings.farIn = metres
    crowdSettings.farOut = Math.max(0, metres - 4)
  },
  vrmLoad: async (n) => {
    const bytes = vrmFixture()
    const ms: number[] = []
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      const vrm = await parseVrm(bytes)
      ms.push(performance.now() - t0)
      vrm.dispose()
    }
    return ms.sort((a, b) => a - b)[Math.floor(n / 2)]!
  },
  frames: (n) => {
    const ms: number[] = []
    let updated = 0
    let mixers = 0
    // Gestures last a few seconds: the wavers start again with every batch.
    for (const p of shown) if (p.motion.emote) p.motion.emoteAt = performance.now()
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      clock += 1000 / 60
      advance!(clock)
      const gl = renderer!.getContext()
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
      ms.push(performance.now() - t0)
      updated = Math.max(updated, budget.skinnedUpdated)
      mixers = Math.max(mixers, budget.mixersUpdated)
    }
    return {
      ms,
      drawCalls: renderer!.info.render.calls,
      triangles: renderer!.info.render.triangles,
      skinnedUpdated: updated,
      mixersUpdated: mixers,
      farFigures: budget.farFigures,
      sharedFigures: budget.sharedFigures,
      sharedRigs: sharedRigCount(),
    }
  },
}

createRoot(document.getElementById('root')!).render(<App />)
