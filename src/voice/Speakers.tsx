// Voice in the scene (lazy chunk): each frame the audio listener goes to the visitor's head and
// faces along the camera, and every voice's panner to its avatar (FRAME.voice, after the camera
// is placed and the remotes moved), and each avatar's mouth follows its voice's level; a ring
// shines above whoever is speaking (FRAME.scene).
// Reads avatar positions from the engine; the engine knows nothing of voice.
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import { MeshBasicMaterial, TorusGeometry, Vector3, type Group } from 'three'
import { remotes } from '../net/remotes'
import { VOICE } from '../protocol/voice'
import { useNet } from '../state/net'
import { localMotion } from '../state/player'
import { FRAME } from '../world/frameOrder'
import { voiceLive } from './frame'
import { useVoice } from './store'

/** Height of the ring above an avatar's feet, metres (just over the head, under the name). */
const RING_HEIGHT = 2.0
/** Everyone received, and the visitor. */
const RINGS = VOICE.cap + 1

const forward = new Vector3()
const levels = new Map<string, number>()
const up = new Vector3()

export function Speakers() {
  const group = useRef<Group>(null)
  const kit = useMemo(
    () => ({
      geometry: new TorusGeometry(0.4, 0.04, 8, 40),
      material: new MeshBasicMaterial({
        color: '#5fd38d',
        transparent: true,
        opacity: 0.85,
        depthWrite: false,
      }),
    }),
    [],
  )
  useEffect(
    () => () => {
      kit.geometry.dispose()
      kit.material.dispose()
    },
    [kit],
  )

  useFrame(({ camera }) => {
    const engine = voiceLive.engine
    if (!engine) return
    camera.getWorldDirection(forward)
    up.set(0, 1, 0).applyQuaternion(camera.quaternion)
    engine.frame(forward.x, forward.y, forward.z, up.x, up.y, up.z)
  }, FRAME.voice)

  // Mouths move with each voice's level (Motion.voice; the figures read it).
  useFrame(() => {
    const engine = voiceLive.engine
    if (engine) engine.levels(levels)
    else levels.clear()
    const self = useNet.getState().sessionId
    localMotion.voice = (self && levels.get(self)) || 0
    for (const [id, r] of remotes) r.motion.voice = levels.get(id) ?? 0
  }, FRAME.voice)

  useFrame(({ clock }) => {
    const g = group.current
    if (!g) return
    const speaking = useVoice.getState().speaking
    const self = useNet.getState().sessionId
    const pulse = 1 + 0.08 * Math.sin(clock.elapsedTime * 8)
    let n = 0
    for (let i = 0; i < speaking.length && n < g.children.length; i++) {
      const id = speaking[i]!
      const m = id === self ? localMotion : remotes.get(id)?.motion
      if (!m) continue
      const ring = g.children[n++]!
      ring.visible = true
      ring.position.set(m.x, m.y + RING_HEIGHT, m.z)
      ring.scale.setScalar(pulse)
    }
    for (; n < g.children.length; n++) g.children[n]!.visible = false
  }, FRAME.scene)

  return (
    <group ref={group}>
      {Array.from({ length: RINGS }, (_, i) => (
        <mesh
          key={i}
          geometry={kit.geometry}
          material={kit.material}
          rotation-x={-Math.PI / 2}
          visible={false}
          renderOrder={5}
        />
      ))}
    </group>
  )
}
