// The creator spaces of the open world, inside the Canvas: floors, walls, pedestals and signs
// drawn from the scene file, with the exhibits of the spaces store in their frames. Static parts
// and frames are one merged mesh; each picture is a quad with its own texture. Labels are DOM
// (crisp through Block Park's pixel pass), placed by one frame loop. Lazy chunk, main thread.
import { lazy, Suspense, useEffect, useMemo, useRef } from 'react'
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import { Html } from '@react-three/drei'
import {
  CanvasTexture,
  MeshBasicMaterial,
  MeshLambertMaterial,
  MeshStandardMaterial,
  PlaneGeometry,
  SRGBColorSpace,
  Vector3,
  type Material,
  type Mesh,
} from 'three'
import type { Scene } from '../protocol/scene'
import { useListings, ownerKey } from './listingsStore'
import { useSettings } from '../state/settings'
import { useSpaces, type SpaceView } from './store'
import { fill, shortAddress } from '../app/format'
import { other, pick, useT } from '../i18n'
import { FreeEditorHost, useArranging } from './FreeEditorHost'
import { buildSpacesGeometry, rangeAt, type FramePart } from './geometry'
import {
  facing,
  fitPicture,
  frameSpot,
  labelAnchor,
  layoutSpace,
  pictureDepth,
  type FrameSpot,
  type SpaceLayout,
  type SpaceStyle,
} from './layout'
import { watchListings } from './listings'
import { modelExhibits, modelLabelAnchor, useModels } from './modelState'
import { isVeiled, resolveSpace, type ResolvedExhibit } from './resolve'
import { maxTextureSide, useExhibitTexture } from './textures'
import { useImmersiveCaption } from './immersive/state'
import type { LocalText } from '../chain/types'
import './strings'
import './exhibit.css'

/** One quad for every picture, scaled per exhibit. */
const PLANE = new PlaneGeometry(1, 1)
/** Labels show within these distances (m) and fade over the last few metres. */
const EXHIBIT_LABEL_RANGE = 14
const SIGN_LABEL_RANGE = 45
const FADE = 5
/** Pictures farther than this are not drawn (their frames still are): draw calls. */
const PICTURE_RANGE = { voxel: 50, hd: 60 } as const
/** A click that dragged farther than this (px) was a look around, not a pick. */
const CLICK_SLOP = 6
/** 3D models on pedestals: a lazy chunk of their own (GLTFLoader), fetched where one is shown. */
const Models = lazy(() => import('./Models'))
/** Immersive halls: shaders and the classics painted in code, fetched where a hall is one. */
const ImmersiveHall = lazy(() => import('./immersive/ImmersiveHall'))

interface PlacedExhibit {
  spaceId: string
  r: ResolvedExhibit
  spot: FrameSpot
  maxSide: number
}

interface SpaceModel {
  layout: SpaceLayout
  view: SpaceView | null
  /** Framed or standing exhibits (an immersive hall's wall frames make way for its show). */
  exhibits: PlacedExhibit[]
  /** Every exhibit visitors see, when the space is an immersive exhibition; else null. */
  show: ResolvedExhibit[] | null
}

// ---- placeholders ---------------------------------------------------------------------

const placeholders = new Map<string, MeshBasicMaterial>()

/** The mat with a diamond: something belongs here (loading, failed, or no media to show). */
function placeholder(veiled: boolean): MeshBasicMaterial {
  const key = veiled ? 'veiled' : 'plain'
  let m = placeholders.get(key)
  if (m) return m
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 64
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = veiled ? '#c4c4c4' : '#f1ece2'
  ctx.fillRect(0, 0, 64, 64)
  ctx.strokeStyle = veiled ? '#7c8187' : '#9aa6b2'
  ctx.lineWidth = 5
  ctx.beginPath()
  ctx.moveTo(32, 14)
  ctx.lineTo(50, 32)
  ctx.lineTo(32, 50)
  ctx.lineTo(14, 32)
  ctx.closePath()
  ctx.stroke()
  const texture = new CanvasTexture(canvas)
  texture.colorSpace = SRGBColorSpace
  m = new MeshBasicMaterial({ map: texture })
  placeholders.set(key, m)
  return m
}

// ---- interaction ------------------------------------------------------------------------

function openExhibit(spaceId: string, exhibitId: string) {
  useSpaces.getState().openExhibit({ spaceId, exhibitId })
}

const setCursor = (pointer: boolean) => {
  document.body.style.cursor = pointer ? 'pointer' : ''
}

// ---- pictures ---------------------------------------------------------------------------

/** Picture meshes by exhibit, for distance culling in the frame loop. */
const pictureMeshes = new Map<string, Mesh>()
/**
 * Pictures live on their own layer, which the view camera and the pointer raycaster see but
 * the lake's mirror camera does not: a reflection of every picture would double its draw calls.
 */
const PICTURE_LAYER = 1

function Picture({ ex, style }: { ex: PlacedExhibit; style: SpaceStyle }) {
  const { r, spot } = ex
  const url = r.item?.image ?? null
  const veiled = isVeiled(r.status)
  const entry = useExhibitTexture(
    url ? { url, maxSide: ex.maxSide, veiled, pixelWorld: style === 'voxel' } : null,
  )
  const ready = entry?.status === 'ready' ? entry : null
  const material = useMemo(
    () =>
      ready
        ? new MeshBasicMaterial({
            map: ready.texture,
            // Unlit pictures would glow in the HD world's tone mapping: a touch darker.
            color: style === 'hd' ? '#e6e6e6' : '#ffffff',
          })
        : null,
    [ready, style],
  )
  useEffect(() => () => material?.dispose(), [material])
  const [w, h] = ready ? fitPicture(spot.size, ready.aspect) : [spot.size, spot.size]
  const [nx, nz] = facing(spot.rotY)
  const d = pictureDepth(style)
  const onClick = (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > CLICK_SLOP) return
    e.stopPropagation()
    openExhibit(ex.spaceId, r.view.id)
  }
  const key = `${ex.spaceId}:${r.view.id}`
  return (
    <mesh
      ref={(m) => {
        if (m) {
          m.layers.set(PICTURE_LAYER)
          pictureMeshes.set(key, m)
        } else pictureMeshes.delete(key)
      }}
      geometry={PLANE}
      material={material ?? placeholder(veiled)}
      position={[spot.center[0] + nx * d, spot.center[1], spot.center[2] + nz * d]}
      rotation-y={spot.rotY}
      scale={[w, h, 1]}
      // Clicks on a picture open it; they never walk the visitor through the wall.
      userData={{ walkable: 'tops', exhibit: r.view.id }}
      onClick={onClick}
      onPointerMove={(e) => {
        // The wall behind must not reset the cursor.
        e.stopPropagation()
        setCursor(true)
      }}
      onPointerOut={() => setCursor(false)}
    />
  )
}

// ---- labels -----------------------------------------------------------------------------

interface LabelSpec {
  key: string
  x: number
  y: number
  z: number
  /** Facing of the label's surface: it hides when seen from behind. */
  nx: number
  nz: number
  range: number
  /** CSS translate after the anchor: centred on it, or hanging below it. */
  shift: string
  /** Full size up to this distance (m), then shrinking to MIN_LABEL_SCALE. */
  fullScaleWithin: number
}

const MIN_LABEL_SCALE = 0.75

const labelEls = new Map<string, HTMLDivElement>()
const v = new Vector3()

function statusKey(r: ResolvedExhibit): string | null {
  switch (r.status) {
    case 'verified':
      return null
    case 'pending':
      return 'exhibit.checking'
    case 'unchecked':
      return 'exhibit.unchecked'
    default:
      return 'exhibit.notVerified'
  }
}

function ExhibitLabel({ ex }: { ex: PlacedExhibit }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const { r } = ex
  const title = r.item?.name || r.view.title || t('exhibit.untitled')
  const issuer = r.item?.issuer?.[lang] ?? r.view.issuer
  const status = statusKey(r)
  const key = `x:${ex.spaceId}:${r.view.id}`
  return (
    <div
      className={`exhibit-label${isVeiled(r.status) ? ' veiled' : ''}`}
      data-exhibit={r.view.id}
      data-status={r.status}
      ref={(el) => {
        if (el) labelEls.set(key, el)
        else labelEls.delete(key)
      }}
    >
      <strong>{title}</strong>
      {issuer && <span>{issuer}</span>}
      {status ? (
        <em>{t(status)}</em>
      ) : (
        <em className="ok">
          <span aria-hidden="true">✓ </span>
          {t('exhibit.verified')}
        </em>
      )}
    </div>
  )
}

function SignLabel({ model }: { model: SpaceModel }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const { space } = model.layout
  const owner = model.view?.owner ?? null
  const key = `s:${space.id}`
  return (
    <div
      className={`space-sign${owner ? ' claimed' : ''}`}
      data-space={space.id}
      ref={(el) => {
        if (el) labelEls.set(key, el)
        else labelEls.delete(key)
      }}
    >
      <strong>{pick(space.title, lang)}</strong>
      <span>{other(space.title, lang)}</span>
      <em>
        {owner
          ? fill(t('space.owner'), { owner: shortAddress(owner) })
          : t(space.kind === 'hall' ? 'space.free.hall' : 'space.free.plot')}
      </em>
    </div>
  )
}

function labelSpecs(
  models: readonly SpaceModel[],
  style: SpaceStyle,
  shownModels: ReadonlySet<string>,
): LabelSpec[] {
  const out: LabelSpec[] = []
  for (const m of models) {
    const s = m.layout.sign
    const [nx, nz] = facing(s.rotY)
    out.push({
      key: `s:${m.layout.space.id}`,
      x: s.board[0] + nx * 0.1,
      y: s.board[1],
      z: s.board[2] + nz * 0.1,
      nx,
      nz,
      range: SIGN_LABEL_RANGE,
      shift: 'translate(-50%, -50%)',
      fullScaleWithin: 14,
    })
    for (const ex of m.exhibits) {
      const [x, y, z] = shownModels.has(`${ex.spaceId}:${ex.r.view.id}`)
        ? modelLabelAnchor(ex.spot)
        : labelAnchor(ex.spot, style)
      const [fx, fz] = facing(ex.spot.rotY)
      out.push({
        key: `x:${m.layout.space.id}:${ex.r.view.id}`,
        x,
        y,
        z,
        nx: ex.spot.mount === 'wall' ? fx : 0,
        nz: ex.spot.mount === 'wall' ? fz : 0,
        range: EXHIBIT_LABEL_RANGE,
        shift: 'translate(-50%, 0)',
        fullScaleWithin: 8,
      })
    }
  }
  return out
}

/** What an immersive hall is showing, for whoever stands in it (read out politely). */
function ShowCaption() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const caption = useImmersiveCaption((s) => s.caption)
  const text = (v: string | LocalText | null) => (v === null || typeof v === 'string' ? v : v[lang])
  return (
    <div className="immersive-caption" role="status" aria-live="polite" hidden={!caption}>
      {caption && (
        <>
          <span className="kicker">{t('immersive.showing')}</span>
          <strong>{text(caption.work.title) || t('exhibit.untitled')}</strong>
          {caption.work.by && <span>{text(caption.work.by)}</span>}
          <em>
            {caption.work.kind === 'classic' ? t('immersive.classic') : t('immersive.collectible')}
          </em>
        </>
      )}
    </div>
  )
}

// ---- the component ------------------------------------------------------------------------

export function Spaces({ scene }: { scene: Scene }) {
  const style: SpaceStyle = scene.style
  const views = useSpaces((s) => s.spaces)
  const listings = useListings((s) => s.byOwner)
  const size = useThree((s) => s.size)
  const camera = useThree((s) => s.camera)
  const raycaster = useThree((s) => s.raycaster)
  // The exhibit a creator is arranging shows as the editor's preview instead.
  const arranging = useArranging()

  useEffect(() => {
    camera.layers.enable(PICTURE_LAYER)
    raycaster.layers.enable(PICTURE_LAYER)
  }, [camera, raycaster])

  useEffect(() => watchListings(), [])

  const layouts = useMemo(
    () => scene.spaces.map((s) => layoutSpace(s, style)),
    [scene.spaces, style],
  )

  const models: SpaceModel[] = useMemo(
    () =>
      layouts.map((layout) => {
        const view = views[layout.space.id] ?? null
        if (!view) return { layout, view, exhibits: [], show: null }
        const resolved = resolveSpace(view, (a) => listings[ownerKey(a)])
        const maxSide = maxTextureSide(
          layout.space.limits.textureMB,
          resolved.length,
          style === 'voxel' ? 512 : 1024,
        )
        const shown = resolved.slice(0, layout.space.limits.exhibits)
        const immersive = view.mode === 'immersive'
        const exhibits: PlacedExhibit[] = []
        for (const r of shown) {
          if (r.view.id === arranging) continue
          const spot = frameSpot(layout, r.view.placement)
          if (spot && !(immersive && spot.mount === 'wall'))
            exhibits.push({ spaceId: layout.space.id, r, spot, maxSide })
        }
        return { layout, view, exhibits, show: immersive ? shown : null }
      }),
    [layouts, views, listings, style, arranging],
  )

  // Standing exhibits with a 3D model: once it is drawn, their picture and frame make way.
  const withModels = useMemo(() => modelExhibits(models.flatMap((m) => m.exhibits)), [models])
  const shownModels = useModels().shown
  const framed = (ex: PlacedExhibit) => !shownModels.has(`${ex.spaceId}:${ex.r.view.id}`)

  const mesh = useMemo(() => {
    const frames: FramePart[] = models.flatMap((m) =>
      m.exhibits
        .filter((ex) => !shownModels.has(`${ex.spaceId}:${ex.r.view.id}`))
        .map((ex) => ({
          spaceId: ex.spaceId,
          exhibitId: ex.r.view.id,
          spot: ex.spot,
          status: ex.r.status,
        })),
    )
    return buildSpacesGeometry(layouts, frames)
  }, [layouts, models, shownModels])
  useEffect(() => () => mesh.geometry.dispose(), [mesh])

  const material: Material = useMemo(
    () =>
      style === 'voxel'
        ? new MeshLambertMaterial({ vertexColors: true })
        : new MeshStandardMaterial({ vertexColors: true, roughness: 0.85, metalness: 0 }),
    [style],
  )
  useEffect(() => () => material.dispose(), [material])

  const labels = useMemo(() => labelSpecs(models, style, shownModels), [models, style, shownModels])
  const labelsRef = useRef(labels)
  useEffect(() => {
    labelsRef.current = labels
  }, [labels])

  useFrame(({ camera }) => {
    const far = PICTURE_RANGE[style]
    for (const m of pictureMeshes.values()) {
      const near = m.position.distanceToSquared(camera.position) < far * far
      if (m.visible !== near) m.visible = near
    }
    const w = size.width
    const h = size.height
    for (const l of labelsRef.current) {
      const el = labelEls.get(l.key)
      if (!el) continue
      const dx = camera.position.x - l.x
      const dz = camera.position.z - l.z
      const d = Math.hypot(dx, camera.position.y - l.y, dz)
      let show = d < l.range && l.nx * dx + l.nz * dz >= 0
      if (show) {
        v.set(l.x, l.y, l.z).project(camera)
        show = v.z < 1 && v.z > -1 && Math.abs(v.x) < 1.2 && Math.abs(v.y) < 1.2
      }
      if (!show) {
        if (el.style.display !== 'none') el.style.display = 'none'
        continue
      }
      if (el.style.display === 'none') el.style.display = ''
      const sx = Math.round(((v.x + 1) / 2) * w)
      const sy = Math.round(((1 - v.y) / 2) * h)
      // Farther labels shrink with what they label, so neighbours do not cover each other.
      const k = Math.max(MIN_LABEL_SCALE, Math.min(1, l.fullScaleWithin / d)).toFixed(2)
      el.style.transform = `translate3d(${sx}px, ${sy}px, 0) ${l.shift} scale(${k})`
      const o = d < l.range - FADE ? '1' : ((l.range - d) / FADE).toFixed(2)
      if (el.style.opacity !== o) el.style.opacity = o
    }
  }, FRAME.scene)

  const onFrameClick = (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > CLICK_SLOP || e.faceIndex == null) return
    const hit = rangeAt(mesh.ranges, e.faceIndex)
    if (!hit) return
    e.stopPropagation()
    openExhibit(hit.spaceId, hit.exhibitId)
  }
  const onFrameMove = (e: ThreeEvent<PointerEvent>) => {
    setCursor(e.faceIndex != null && rangeAt(mesh.ranges, e.faceIndex) !== null)
  }

  if (layouts.length === 0) return null
  return (
    <group name="creator-spaces">
      <mesh
        geometry={mesh.geometry}
        material={material}
        castShadow={style === 'hd'}
        receiveShadow={style === 'hd'}
        // Floors take click-to-move; walls, frames and pedestals stop the pick ray.
        userData={{ walkable: 'tops' }}
        onClick={onFrameClick}
        onPointerMove={onFrameMove}
        onPointerOut={() => setCursor(false)}
      />
      {models.flatMap((m) =>
        m.exhibits
          .filter(framed)
          .map((ex) => <Picture key={`${ex.spaceId}:${ex.r.view.id}`} ex={ex} style={style} />),
      )}
      {withModels.length > 0 && (
        <Suspense fallback={null}>
          <Models exhibits={withModels} style={style} />
        </Suspense>
      )}
      {models.map(
        (m) =>
          m.show && (
            <Suspense key={`immersive:${m.layout.space.id}`} fallback={null}>
              <ImmersiveHall layout={m.layout} exhibits={m.show} style={style} />
            </Suspense>
          ),
      )}
      <Html
        fullscreen
        // The overlay covers the canvas wherever the group is; labels are placed in useFrame.
        calculatePosition={(_, __, s) => [s.width / 2, s.height / 2]}
        onOcclude={() => {}}
        zIndexRange={[4, 0]}
        style={{ pointerEvents: 'none', overflow: 'hidden' }}
        className="spaces-labels"
      >
        {models.map((m) => (
          <SignLabel key={m.layout.space.id} model={m} />
        ))}
        {models.flatMap((m) =>
          m.exhibits.map((ex) => <ExhibitLabel key={`${ex.spaceId}:${ex.r.view.id}`} ex={ex} />),
        )}
        <ShowCaption />
      </Html>
      <FreeEditorHost layouts={layouts} style={style} />
    </group>
  )
}

export default Spaces
