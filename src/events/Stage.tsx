// The stages of a world (lazy chunk, mounted by WorldScene): each a platform, a framed screen,
// pillars and a lintel in the world's style as one merged mesh, and a picture that shows a dim
// 苍穹 card when idle and, while the visitor attends an event on that stage, the host's video
// (a VideoTexture kept on the host's timeline by VideoDriver + ScreenSync + the ping clock) or
// the current slide. Also keeps the audience gate of the collider (collider.ts) up to date.
// Per-frame work reads stores with getState() and mutates objects; no React state per frame.
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import {
  CanvasTexture,
  LinearFilter,
  MeshBasicMaterial,
  MeshLambertMaterial,
  MeshStandardMaterial,
  NearestFilter,
  SRGBColorSpace,
  TextureLoader,
  Vector3,
  VideoTexture,
  type Texture,
} from 'three'
import type { Scene } from '../protocol/scene'
import type { ScreenState } from '../protocol/events'
import { useEvent } from './store'
import { localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { MeshBuilder } from '../world/meshBuilder'
import { PLAYER_RADIUS } from '../avatar/controller'
import { serverNow } from '../net/clock'
import { stageGate } from './collider'
import { layoutStage, type StageLayout, type StageStyle } from './layout'
import { slideIndex } from './screenSync'
import { screenProbe, VideoDriver } from './videoDriver'
import { Reactions } from './Reactions'
import { registerEventHooks } from './stageHooks'
import { isPublishing, useLive } from './live/store'
import { LiveView, liveProbe, liveViews } from './live/view'

registerEventHooks()

const PALETTE = {
  voxel: {
    planks: ['#9c6b3f', '#8d5f37', '#a7744a', '#94653b'],
    side: '#6e4a2c',
    trim: '#e3b23c',
    frame: '#3d2a1e',
    post: '#7a4a2a',
    pillar: '#b2322b',
    lintel: '#8e2a22',
  },
  hd: {
    planks: ['#4f3d30'],
    side: '#3b2e25',
    trim: '#c9a45c',
    frame: '#1b1d22',
    post: '#2a2c31',
    pillar: '#8e2a22',
    lintel: '#2b2f3a',
  },
} as const

function buildGeometry(layouts: StageLayout[], style: StageStyle) {
  const m = new MeshBuilder()
  const pal = PALETTE[style]
  for (const l of layouts) {
    for (const b of l.boxes) {
      if (b.part === 'platform' && style === 'voxel') {
        // One-metre blocks with a few plank tints: the Block Park look.
        const [x0, z0, x1, z1] = l.stage.area
        const top = b.center[1] + b.size[1] / 2
        for (let x = x0; x < x1; x++) {
          for (let z = z0; z < z1; z++) {
            const tint = pal.planks[(Math.imul(x * 31 + z * 17, 0x9e3779b1) >>> 28) % 4]!
            const w = Math.min(1, x1 - x)
            const d = Math.min(1, z1 - z)
            m.box([x + w / 2, top - b.size[1] / 2, z + d / 2], [w, b.size[1], d], 0, tint)
          }
        }
        continue
      }
      const color =
        b.part === 'platform'
          ? pal.planks[0]
          : b.part === 'trim'
            ? pal.trim
            : b.part === 'frame'
              ? pal.frame
              : b.part === 'post'
                ? pal.post
                : b.part === 'pillar'
                  ? pal.pillar
                  : pal.lintel
      m.box(b.center, b.size, b.rotY, color)
    }
  }
  return m.build()
}

/** The idle picture: a dim night card with 苍穹 and the stage's name. */
function idleCard(title: string, style: StageStyle): Texture {
  const c = document.createElement('canvas')
  c.width = style === 'voxel' ? 256 : 1024
  c.height = style === 'voxel' ? 144 : 576
  const g = c.getContext('2d')!
  const k = c.width / 1024
  const grad = g.createLinearGradient(0, 0, 0, c.height)
  grad.addColorStop(0, '#070d20')
  grad.addColorStop(1, '#14264a')
  g.fillStyle = grad
  g.fillRect(0, 0, c.width, c.height)
  for (let i = 0; i < 60; i++) {
    g.fillStyle = `rgba(255,255,255,${0.15 + (i % 4) * 0.08})`
    const s = Math.max(1, 2 * k)
    g.fillRect((i * 7919) % c.width, (i * 104729) % Math.floor(c.height * 0.6), s, s)
  }
  g.textAlign = 'center'
  g.fillStyle = 'rgba(246,231,193,0.75)'
  g.font = `bold ${Math.round(200 * k)}px "Noto Serif CJK SC", "Songti SC", serif`
  g.fillText('苍穹', c.width / 2, c.height * 0.56)
  g.fillStyle = 'rgba(207,224,255,0.6)'
  g.font = `${Math.round(44 * k)}px "Noto Sans CJK SC", sans-serif`
  g.fillText(title, c.width / 2, c.height * 0.78)
  const t = new CanvasTexture(c)
  t.colorSpace = SRGBColorSpace
  if (style === 'voxel') t.magFilter = t.minFilter = NearestFilter
  return t
}

/** A slide that could not be loaded: a dark red card that says so (never the idle card). */
function failedCard(): Texture {
  // Full size in both styles: the message must be legible, even in Block Park.
  const c = document.createElement('canvas')
  c.width = 1024
  c.height = 576
  const g = c.getContext('2d')!
  g.fillStyle = '#4a0d12'
  g.fillRect(0, 0, c.width, c.height)
  g.textAlign = 'center'
  g.fillStyle = 'rgba(255,214,214,0.85)'
  g.font = 'bold 72px "Noto Sans CJK SC", sans-serif'
  g.fillText('幻灯片无法加载', c.width / 2, c.height * 0.45)
  g.font = '48px "Noto Sans CJK SC", sans-serif'
  g.fillText('This slide could not be loaded', c.width / 2, c.height * 0.62)
  const t = new CanvasTexture(c)
  t.colorSpace = SRGBColorSpace
  return t
}

/** Scratch for the camera's direction (no allocation per frame). */
const facing = new Vector3()
/** Height of the ears above the avatar's feet, metres (as voice hears). */
const EAR_HEIGHT = 1.6

const loader = new TextureLoader().setCrossOrigin('anonymous')

/** Slides by URL, loaded once per stage mount; `failed` collects the URLs that did not load. */
function slideTexture(cache: Map<string, Texture>, failed: Set<string>, url: string): Texture {
  let t = cache.get(url)
  if (!t) {
    t = loader.load(url, undefined, undefined, () => failed.add(url))
    t.colorSpace = SRGBColorSpace
    t.minFilter = LinearFilter
    cache.set(url, t)
  }
  return t
}

function StageScreen({
  layout,
  active,
  title,
}: {
  layout: StageLayout
  active: boolean
  title: string
}) {
  const style = layout.style
  const idle = useMemo(() => idleCard(title, style), [title, style])
  const material = useMemo(() => new MeshBasicMaterial({ map: idle, toneMapped: false }), [idle])
  const media = useEvent((s) => (active ? s.screen.media : null))
  const videoUrl = media?.kind === 'video' ? media.url : null
  const slides = useMemo(() => new Map<string, Texture>(), [])
  const failedSlides = useMemo(() => new Set<string>(), [])
  const failed = useMemo(() => failedCard(), [])

  // The video, while the screen plays one: element, texture, driver (made in an effect, so a
  // discarded render never leaves an element loading).
  const video = useRef<{ driver: VideoDriver; texture: VideoTexture } | null>(null)
  useEffect(() => {
    if (!videoUrl) return
    const driver = new VideoDriver(videoUrl)
    // Between slow frames the driver keeps the sound on the timeline by itself.
    driver.keepInStep(() => {
      const screen = useEvent.getState().screen
      return screen.media?.kind === 'video' ? screen : null
    }, serverNow)
    const texture = new VideoTexture(driver.video)
    texture.colorSpace = SRGBColorSpace
    if (style === 'voxel') texture.magFilter = NearestFilter
    video.current = { driver, texture }
    return () => {
      video.current = null
      driver.dispose()
      texture.dispose()
    }
  }, [videoUrl, style])

  // The live feed: what this visitor receives, or (publishing) its own capture, silent here.
  const feed = useLive((s) => (active ? s.feed : null))
  const preview = useLive((s) => (active && isPublishing(s.publish) ? s.preview : null))
  const live = useRef<LiveView | null>(null)
  useEffect(() => {
    const stream = feed ?? preview
    if (!stream) return
    const view = new LiveView(stream, style === 'voxel', layout.picture.center, stream === feed)
    live.current = view
    liveViews.current = view
    return () => {
      live.current = null
      if (liveViews.current === view) liveViews.current = null
      view.dispose()
    }
  }, [feed, preview, style, layout])

  useEffect(
    () => () => {
      for (const t of slides.values()) t.dispose()
      idle.dispose()
      failed.dispose()
      material.dispose()
    },
    [slides, idle, failed, material],
  )

  useFrame(({ camera }) => {
    const m = material
    let map: Texture = idle
    const lv = live.current
    const state = useLive.getState().live
    // The live video replaces the file the moment the host switches (and while someone is on).
    const showLive = active && lv !== null && state.on && state.source === 'live'
    if (lv) {
      camera.getWorldDirection(facing)
      const ears = localMotion.y + EAR_HEIGHT
      lv.frame(localMotion.x, ears, localMotion.z, facing.x, facing.y, facing.z, state.levelDb)
    }
    if (showLive && lv.ready) {
      map = lv.texture
      liveProbe.drawn++
    }
    // Only the attended stage's screen speaks for the probe (a world may have several).
    if (active) liveProbe.shown = showLive && lv.ready
    if (active) {
      const screen: ScreenState = useEvent.getState().screen
      const v = video.current
      if (v && screen.media?.kind === 'video') {
        v.driver.frame(screen, serverNow(), performance.now())
        const [px, py, pz] = layout.picture.center
        // The file keeps its place on the timeline, silent, while the live feed is shown.
        v.driver.setDistance(
          showLive
            ? Infinity
            : Math.hypot(localMotion.x - px, localMotion.y + 1.5 - py, localMotion.z - pz),
        )
        // Only a frame on the host's timeline: a late joiner keeps the idle card until it lands.
        if (v.driver.shown && !showLive) map = v.texture
        screenProbe.slide = -1
        screenProbe.slideState = 'none'
      } else if (screen.media?.kind === 'slides' && !showLive) {
        const i = slideIndex(screen)
        const url = screen.media.urls[i]!
        map = slideTexture(slides, failedSlides, url)
        // The next slide loads ahead, so a click forward shows at once.
        const next = screen.media.urls[i + 1]
        if (next) slideTexture(slides, failedSlides, next)
        screenProbe.slideState = failedSlides.has(url) ? 'failed' : map.image ? 'shown' : 'loading'
        if (screenProbe.slideState === 'failed') map = failed
        else if (!map.image) map = idle
        screenProbe.slide = i
      }
    }
    if (m.map !== map) {
      m.map = map
      m.needsUpdate = true
    }
  }, FRAME.scene)

  const { center, width, height, rotY } = layout.picture
  return (
    <mesh position={center} rotation={[0, rotY, 0]} material={material}>
      <planeGeometry args={[width, height]} />
    </mesh>
  )
}

/** Keeps the collider's audience gate in step with the event and where the visitor stands. */
function useAudienceGate(scene: Scene) {
  useEffect(() => () => stageGate.closed.clear(), [])
  useFrame(() => {
    const { event, role } = useEvent.getState()
    const closed = stageGate.closed
    for (const stage of scene.stages) {
      let shut =
        event !== null &&
        event.world === scene.id &&
        event.stage === stage.id &&
        event.status !== 'ended' &&
        role !== 'host' &&
        role !== 'performer'
      if (shut) {
        // Someone already on the stage when it closes may walk off it: open until they are out.
        const [x0, z0, x1, z1] = stage.area
        const r = PLAYER_RADIUS + 0.05
        const { x, z } = localMotion
        if (x > x0 - r && x < x1 + r && z > z0 - r && z < z1 + r) shut = false
      }
      if (shut !== closed.has(stage.id)) {
        if (shut) closed.add(stage.id)
        else closed.delete(stage.id)
      }
    }
  }, FRAME.scene)
}

export function Stages({ scene }: { scene: Scene }) {
  const style: StageStyle = scene.style
  const lang = useSettings((s) => s.language)
  const layouts = useMemo(() => scene.stages.map((s) => layoutStage(s, style)), [scene, style])
  const geometry = useMemo(() => buildGeometry(layouts, style), [layouts, style])
  const material = useMemo(
    () =>
      style === 'voxel'
        ? new MeshLambertMaterial({ vertexColors: true })
        : new MeshStandardMaterial({ vertexColors: true, roughness: 0.7, metalness: 0.05 }),
    [style],
  )
  useEffect(
    () => () => {
      geometry.dispose()
      material.dispose()
    },
    [geometry, material],
  )
  useAudienceGate(scene)
  const activeStage = useEvent((s) =>
    s.event && s.event.world === scene.id && s.event.status !== 'ended' ? s.event.stage : null,
  )

  return (
    <group name="stages">
      <mesh geometry={geometry} material={material} castShadow receiveShadow />
      {layouts.map((l) => (
        <StageScreen
          key={l.stage.id}
          layout={l}
          active={l.stage.id === activeStage}
          title={l.stage.title[lang]}
        />
      ))}
      {layouts
        .filter((l) => l.stage.id === activeStage)
        .map((l) => (
          <Reactions key={`reactions-${l.stage.id}`} layout={l} />
        ))}
    </group>
  )
}

export default Stages
