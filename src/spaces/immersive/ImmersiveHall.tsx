// A creator space in immersive mode, inside the Canvas: its works flow over the inner faces of
// its walls, its floor and a ceiling (shaders/immersive.*.glsl), one after another on the
// server's clock so every visitor sees the same work at the same moment. The works are the
// space's verified collectibles with pictures; a space with fewer than two also shows the
// classics the project paints in code (./works.ts). A caption says what is showing to whoever
// stands inside. One mesh and one draw call per hall.
import { useEffect, useMemo, useRef, useState } from 'react'
import { useFrame } from '@react-three/fiber'
import {
  BufferAttribute,
  BufferGeometry,
  DataTexture,
  LinearFilter,
  LinearMipmapLinearFilter,
  RGBAFormat,
  SRGBColorSpace,
  ShaderMaterial,
  UniformsLib,
  UniformsUtils,
  type Texture,
} from 'three'
import vertexShader from '../../../shaders/immersive.vert.glsl?raw'
import fragmentShader from '../../../shaders/immersive.frag.glsl?raw'
import { serverNow } from '../../net/clock'
import { localMotion } from '../../state/player'
import { FRAME } from '../../world/frameOrder'
import { useSettings } from '../../state/settings'
import type { SpaceLayout, SpaceStyle } from '../layout'
import { exhibitImage, type ResolvedExhibit } from '../resolve'
import { useExhibitTexture } from '../textures'
import { hallSurfaces, insideHall, showAt } from './show'
import { CLASSICS, type ClassicWork } from './works'
import { immersiveState, setCaption, type ShowWork } from './state'

/** Pictures of collectibles in a hall show at most this size on their longest side. */
const WORK_SIDE = 1024
/** A space with fewer verified pictures than this also shows the classics. */
const ENOUGH = 2

// ---- the classics' textures ----------------------------------------------------------------

const classicTextures = new Map<ClassicWork['id'], DataTexture>()

/** A classic's texture, painted on first use (tens to hundreds of ms, once per page). */
function classicTexture(work: ClassicWork): DataTexture {
  let t = classicTextures.get(work.id)
  if (t) return t
  const p = work.paint()
  t = new DataTexture(p.data, p.width, p.height, RGBAFormat)
  t.colorSpace = SRGBColorSpace
  t.magFilter = LinearFilter
  t.minFilter = LinearMipmapLinearFilter
  t.generateMipmaps = true
  t.anisotropy = 4
  t.needsUpdate = true
  classicTextures.set(work.id, t)
  return t
}

/** Paper, until a classic is painted (the first frames of a hall). */
const PAPER = (() => {
  const t = new DataTexture(new Uint8Array([216, 200, 160, 255]), 1, 1, RGBAFormat)
  t.colorSpace = SRGBColorSpace
  t.needsUpdate = true
  return t
})()

// ---- collectibles' textures ------------------------------------------------------------------

interface Loaded {
  texture: Texture
  aspect: number
}

/** Loads one collectible's picture (shared with the gallery's frames) and reports it. */
function ExhibitWork({
  url,
  pixelWorld,
  onLoad,
}: {
  url: string
  pixelWorld: boolean
  onLoad: (url: string, loaded: Loaded | null) => void
}) {
  const entry = useExhibitTexture({ url, maxSide: WORK_SIDE, veiled: false, pixelWorld })
  useEffect(() => {
    if (entry?.status === 'ready') onLoad(url, { texture: entry.texture, aspect: entry.aspect })
    else if (entry?.status === 'error') onLoad(url, null)
  }, [entry, url, onLoad])
  useEffect(() => () => onLoad(url, null), [url, onLoad])
  return null
}

// ---- the hall ----------------------------------------------------------------------------------

export default function ImmersiveHall({
  layout,
  exhibits,
  style,
}: {
  layout: SpaceLayout
  /** The space's exhibits as visitors see them; only verified ones with a picture show. */
  exhibits: readonly ResolvedExhibit[]
  style: SpaceStyle
}) {
  const spaceId = layout.space.id
  const still = useSettings((s) => s.reducedMotion)
  const surfaces = useMemo(() => hallSurfaces(layout), [layout])
  const geometry = useMemo(() => {
    const g = new BufferGeometry()
    g.setAttribute('position', new BufferAttribute(surfaces.positions, 3))
    g.setAttribute('art', new BufferAttribute(surfaces.art, 2))
    g.setAttribute('shade', new BufferAttribute(surfaces.shade, 1))
    g.setIndex(new BufferAttribute(surfaces.indices, 1))
    g.computeBoundingSphere()
    return g
  }, [surfaces])
  useEffect(() => () => geometry.dispose(), [geometry])

  const material = useMemo(
    () =>
      new ShaderMaterial({
        vertexShader,
        fragmentShader,
        uniforms: UniformsUtils.merge([
          UniformsLib.fog,
          {
            uFrom: { value: PAPER },
            uTo: { value: PAPER },
            uFromAspect: { value: 2 },
            uToAspect: { value: 2 },
            uMix: { value: 0 },
            uTime: { value: 0 },
            uFlow: { value: 1 },
            uGain: { value: style === 'hd' ? 0.92 : 1 },
          },
        ]),
        fog: true,
      }),
    [style],
  )
  useEffect(() => () => material.dispose(), [material])

  // Verified pictures, in the space's exhibit order (the same on every visitor's page); a picture
  // two exhibits show (one ERC-1155 token placed twice) is one work.
  const pictures = useMemo(() => {
    const out: { url: string; r: ResolvedExhibit }[] = []
    const seen = new Set<string>()
    for (const r of exhibits) {
      const url = exhibitImage(r)
      if (r.status !== 'verified' || !url || seen.has(url)) continue
      seen.add(url)
      out.push({ url, r })
    }
    return out
  }, [exhibits])
  const [loaded, setLoaded] = useState<Record<string, Loaded | null>>({})
  const onLoad = useMemo(
    () => (url: string, l: Loaded | null) =>
      setLoaded((s) => (s[url] === l ? s : { ...s, [url]: l })),
    [],
  )

  // The programme: pictures whose texture failed drop out; classics fill a thin show.
  const works: ShowWork[] = useMemo(() => {
    const mine: ShowWork[] = pictures
      .filter((p) => loaded[p.url] !== null)
      .map((p) => ({
        key: `exhibit:${p.r.view.id}`,
        url: p.url,
        kind: 'collectible',
        title: p.r.item?.name || p.r.view.title,
        by: p.r.item?.issuer ?? p.r.view.issuer,
      }))
    if (mine.length >= ENOUGH) return mine
    return [
      ...mine,
      ...CLASSICS.map((c): ShowWork => ({
        key: `classic:${c.id}`,
        kind: 'classic',
        classic: c,
        title: c.title,
        by: c.after,
      })),
    ]
  }, [pictures, loaded])

  // The classics are painted one at a time after the hall appears, not all in one frame.
  const classics = works.some((w) => w.kind === 'classic')
  const [painted, setPainted] = useState(0)
  useEffect(() => {
    const next = CLASSICS.find((c) => !classicTextures.has(c.id))
    if (!classics || !next) return
    const timer = setTimeout(() => {
      classicTexture(next)
      setPainted((n) => n + 1)
    }, 60)
    return () => clearTimeout(timer)
  }, [classics, painted])

  const textureOf = (w: ShowWork): Loaded => {
    const c = w.classic
    if (c) return { texture: classicTextures.get(c.id) ?? PAPER, aspect: c.width / c.height }
    return (w.url && loaded[w.url]) || { texture: PAPER, aspect: 1 }
  }

  const worksRef = useRef(works)
  worksRef.current = works
  const inside = useRef(false)
  useFrame(() => {
    const list = worksRef.current
    const now = serverNow()
    const m = showAt(now, list.length, still)
    const from = textureOf(list[m.from]!)
    const to = textureOf(list[m.to]!)
    const u = material.uniforms
    u.uFrom!.value = from.texture
    u.uTo!.value = to.texture
    u.uFromAspect!.value = from.aspect
    u.uToAspect!.value = to.aspect
    u.uMix!.value = m.mix
    // An hour's loop of seconds keeps the shader's float precise.
    u.uTime!.value = (now % 3_600_000) / 1000
    u.uFlow!.value = still ? 0 : 1
    let snap = immersiveState.get(spaceId)
    if (!snap || snap.list !== list) {
      snap = { list, works: list.map((w) => w.key), from: 0, to: 0, mix: 0, ready: 0, frames: 0 }
      immersiveState.set(spaceId, snap)
    }
    snap.from = m.from
    snap.to = m.to
    snap.mix = m.mix
    snap.ready = 0
    for (const w of list) if (textureOf(w).texture !== PAPER) snap.ready++
    snap.frames++
    const here = insideHall(layout, localMotion.x, localMotion.y, localMotion.z)
    const showing = list[m.mix < 0.5 ? m.from : m.to]!
    if (here) setCaption(spaceId, showing)
    else if (inside.current) setCaption(spaceId, null)
    inside.current = here
  }, FRAME.scene)
  useEffect(
    () => () => {
      immersiveState.delete(spaceId)
      setCaption(spaceId, null)
    },
    [spaceId],
  )

  return (
    <>
      {pictures.map((p) => (
        <ExhibitWork key={p.url} url={p.url} pixelWorld={style === 'voxel'} onLoad={onLoad} />
      ))}
      <mesh
        name={`immersive-${spaceId}`}
        geometry={geometry}
        material={material}
        frustumCulled
        renderOrder={1}
      />
    </>
  )
}
