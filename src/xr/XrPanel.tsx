// The HUD in VR: a small panel that floats at chest height in front of the visitor (it follows the
// head's facing lazily, like a body-locked menu): the world's name, how to move, Leave VR, and
// Mute while in voice. DOM overlays do not reach a headset, so it is meshes with canvas-drawn
// text (system fonts, so Chinese draws too), pressed with a controller's ray or a finger.
import { useEffect, useMemo, useRef, useState } from 'react'
import { useFrame } from '@react-three/fiber'
import { CanvasTexture, SRGBColorSpace, type Group, type Mesh } from 'three'
import { other, pick, useT } from '../i18n'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useVoice } from '../voice/store'
import { current as voiceSession } from '../voice/current'
import { wrapAngle } from '../avatar/controller'
import { FRAME } from '../world/frameOrder'
import { xrObjects } from './store'

/** Canvas pixels per metre of panel. */
const PX = 1600
/** The panel turns to face the head once the head has looked this far away from it (radians). */
const FOLLOW_BEYOND = 0.6
const FOLLOW_RATE = 4
/**
 * Drawn after the world and over it (no depth test): standing against a wall must not bury the
 * panel in it. Below the vignette (src/xr/XrSession.tsx, 1000), which darkens the edges over all.
 */
const PANEL_ORDER = 900

interface Line {
  text: string
  size: number
  color: string
  weight?: number
}

/** A texture of centred lines on a rounded card, `w` × `h` metres. */
function cardTexture(w: number, h: number, background: string, lines: Line[]): CanvasTexture {
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(w * PX)
  canvas.height = Math.round(h * PX)
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = background
  ctx.beginPath()
  ctx.roundRect(0, 0, canvas.width, canvas.height, 28)
  ctx.fill()
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  const total = lines.reduce((sum, l) => sum + l.size * 1.3, 0)
  let y = (canvas.height - total) / 2
  for (const l of lines) {
    ctx.font = `${l.weight ?? 500} ${l.size}px system-ui, "Noto Sans CJK SC", sans-serif`
    ctx.fillStyle = l.color
    ctx.fillText(l.text, canvas.width / 2, y + (l.size * 1.3) / 2, canvas.width - 40)
    y += l.size * 1.3
  }
  const texture = new CanvasTexture(canvas)
  texture.colorSpace = SRGBColorSpace
  return texture
}

function useCard(w: number, h: number, background: string, lines: Line[]): CanvasTexture {
  const key = JSON.stringify([w, h, background, lines])
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the content
  const texture = useMemo(() => cardTexture(w, h, background, lines), [key])
  useEffect(() => () => texture.dispose(), [texture])
  return texture
}

function PanelButton({
  label,
  position,
  color,
  onPress,
  name,
}: {
  label: string
  position: [number, number, number]
  color: string
  onPress: () => void
  /** Registers the mesh for the tests' hook (the Leave VR button). */
  name?: 'leave'
}) {
  const mesh = useRef<Mesh>(null)
  const pressed = useRef(false)
  useEffect(() => {
    if (!name) return
    xrObjects[name] = mesh.current
    return () => {
      xrObjects[name] = null
    }
  }, [name])
  const [hover, setHover] = useState(false)
  const texture = useCard(0.17, 0.055, hover ? '#f4f7fb' : color, [
    { text: label, size: 40, color: hover ? '#0d1b2a' : '#ffffff', weight: 600 },
  ])
  return (
    <mesh
      ref={mesh}
      renderOrder={PANEL_ORDER + 1}
      position={position}
      // Pressed on release over the button after a press on it, however long the trigger was
      // held (a click needs both within 300 ms, which a slow frame rate or a firm press misses).
      onPointerDown={(e) => {
        e.stopPropagation()
        pressed.current = true
      }}
      onPointerUp={(e) => {
        e.stopPropagation()
        if (pressed.current) onPress()
        pressed.current = false
      }}
      onPointerOver={() => setHover(true)}
      onPointerOut={() => {
        setHover(false)
        pressed.current = false
      }}
    >
      <planeGeometry args={[0.17, 0.055]} />
      <meshBasicMaterial map={texture} transparent toneMapped={false} depthTest={false} />
    </mesh>
  )
}

/** The panel; mounted inside the VR origin. `leave` ends the session. */
export function XrPanel({ leave }: { leave: () => void }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const name = useWorld((s) => s.scene?.name ?? null)
  const inVoice = useVoice((s) => s.status === 'live')
  const muted = useVoice((s) => s.muted)
  const pivot = useRef<Group>(null)

  const card = useCard(0.44, 0.2, 'rgba(13, 27, 42, 0.88)', [
    { text: name ? pick(name, lang) : '', size: 64, color: '#ffffff', weight: 700 },
    { text: name ? other(name, lang) : '', size: 34, color: '#b8c7d9' },
    { text: '', size: 20, color: '#ffffff' },
    { text: t('xr.help'), size: 24, color: '#dce6f0' },
    { text: '', size: 100, color: '#ffffff' },
  ])

  // Body-locked: when the head has turned well away, the panel swings round to it again.
  useFrame((state, delta) => {
    const p = pivot.current
    if (!p) return
    const q = state.camera.quaternion
    const headYaw = Math.atan2(2 * (q.w * q.y + q.x * q.z), 1 - 2 * (q.y * q.y + q.x * q.x))
    const off = wrapAngle(headYaw - p.rotation.y)
    if (Math.abs(off) > FOLLOW_BEYOND || p.userData.following) {
      p.userData.following = Math.abs(off) > 0.05
      p.rotation.y = wrapAngle(p.rotation.y + off * (1 - Math.exp(-FOLLOW_RATE * delta)))
    }
  }, FRAME.scene)

  return (
    <group ref={pivot}>
      {/* Below the eyes, half a metre ahead, tilted up to them. */}
      <group position={[0, 1.25, -0.5]} rotation={[-0.45, 0, 0]}>
        <mesh renderOrder={PANEL_ORDER}>
          <planeGeometry args={[0.44, 0.2]} />
          <meshBasicMaterial map={card} transparent toneMapped={false} depthTest={false} />
        </mesh>
        <PanelButton
          label={t('xr.leave')}
          position={[inVoice ? -0.1 : 0, -0.055, 0.002]}
          color="#b23a48"
          onPress={leave}
          name="leave"
        />
        {inVoice && (
          <PanelButton
            label={t(muted ? 'xr.unmute' : 'xr.mute')}
            position={[0.1, -0.055, 0.002]}
            color="#29335c"
            onPress={() => voiceSession.session?.setMuted(!muted)}
          />
        )}
      </group>
    </group>
  )
}
