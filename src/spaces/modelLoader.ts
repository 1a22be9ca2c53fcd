// Exhibit models: an untrusted glTF 2.0 file fetched with a byte cap, checked (gltf.ts), parsed
// by three's GLTFLoader, its textures scaled into the space's texture budget, greyed when the
// exhibit is veiled. Shared and reference-counted per (URL, texture size, veil) like the
// pictures in textures.ts (one SharedCache each); everything it made is disposed when nobody
// shows it any more.
// Browser only; main thread; part of the lazy models chunk.
import {
  Box3,
  BufferAttribute,
  Color,
  LoadingManager,
  Mesh,
  Texture,
  type BufferGeometry,
  type Material,
  type Object3D,
} from 'three'
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js'
import { readBody, BodyTooLargeError } from '../protocol/body'
import { MODEL_MAX_BYTES, MODEL_MAX_TRIANGLES, checkGltf, type Bounds } from './gltf'
import { SharedCache, useShared } from './sharedCache'
import { textureBytes, veilCanvas } from './textures'

export interface ModelRequest {
  url: string
  /** Longest side of any texture of the model, pixels (the space's per-exhibit budget). */
  maxSide: number
  /** Greyed and lightened: an exhibit that is not (or no longer) verified. */
  veiled: boolean
}

export type ModelEntry =
  | { status: 'loading' }
  | { status: 'error'; reason: string }
  | {
      status: 'ready'
      /** The parsed scene: never added to the scene graph itself; users add clones. */
      scene: Object3D
      bounds: Bounds
      triangles: number
      /** GPU bytes of its textures. */
      textureBytes: number
    }

const LOAD_TIMEOUT_MS = 20_000
/** A model nobody shows any more is kept this long (a layout change often brings it back). */
const KEEP_MS = 30_000

/** Only URLs the loader may fetch: http(s) and data:model/gltf… (never javascript:, blob:). */
export function loadableModelUrl(url: string): boolean {
  return /^(https?:\/\/|data:model\/gltf(-binary|\+json)[;,])/i.test(url)
}

/** The body of `url`, refused as soon as it passes `maxBytes` (the rest is never read). */
export async function fetchCapped(
  url: string,
  maxBytes = MODEL_MAX_BYTES,
  timeoutMs = LOAD_TIMEOUT_MS,
): Promise<Uint8Array> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const res = await fetch(url, {
      signal: controller.signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      mode: 'cors',
    })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    return await readBody(res, maxBytes)
  } catch (err) {
    // Stop the download too, not only the read.
    if (err instanceof BodyTooLargeError) controller.abort()
    throw err
  } finally {
    clearTimeout(timer)
  }
}

// ---- after parsing --------------------------------------------------------------------------

const veilWhite = new Color('#ececec') // the pictures' wash, in three's linear working space
const scratch = new Color()

/** The pictures' veil (textures.ts) on one linear colour: no saturation, then a light wash. */
function veilColor(c: Color): void {
  const grey = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b
  c.setRGB(grey, grey, grey).lerp(veilWhite, 0.45)
}

function veilAttribute(attr: BufferAttribute): void {
  for (let i = 0; i < attr.count; i++) {
    scratch.setRGB(attr.getX(i), attr.getY(i), attr.getZ(i))
    veilColor(scratch)
    attr.setXYZ(i, scratch.r, scratch.g, scratch.b)
  }
  attr.needsUpdate = true
}

type Drawable = CanvasImageSource & { width: number; height: number }

/** A texture's image redrawn at most `maxSide` on its longest side, greyed when veiled. */
function redraw(texture: Texture, maxSide: number, veiled: boolean): number {
  const image = texture.image as Drawable | undefined
  if (!image || !(image.width > 0) || !(image.height > 0)) return 0
  const k = Math.min(1, maxSide / Math.max(image.width, image.height))
  if (k === 1 && !veiled) return textureBytes(image.width, image.height)
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(image.width * k))
  canvas.height = Math.max(1, Math.round(image.height * k))
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas')
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height)
  if (veiled) veilCanvas(ctx, canvas.width, canvas.height)
  if ('close' in image && typeof image.close === 'function') image.close()
  texture.image = canvas
  texture.needsUpdate = true
  return textureBytes(canvas.width, canvas.height)
}

function materialsOf(mesh: Mesh): Material[] {
  return Array.isArray(mesh.material) ? mesh.material : [mesh.material]
}

function texturesOf(material: Material): Texture[] {
  const out: Texture[] = []
  for (const value of Object.values(material)) if (value instanceof Texture) out.push(value)
  return out
}

/** Everything the parsed scene owns, each once. */
function resources(scene: Object3D) {
  const geometries = new Set<BufferGeometry>()
  const materials = new Set<Material>()
  const textures = new Set<Texture>()
  scene.traverse((o) => {
    if (!(o instanceof Mesh)) return
    geometries.add(o.geometry as BufferGeometry)
    for (const m of materialsOf(o)) {
      materials.add(m)
      for (const t of texturesOf(m)) textures.add(t)
    }
  })
  return { geometries, materials, textures }
}

export function disposeModel(scene: Object3D): void {
  const { geometries, materials, textures } = resources(scene)
  for (const g of geometries) g.dispose()
  for (const m of materials) m.dispose()
  for (const t of textures) {
    const image = t.image as { close?: () => void } | undefined
    image?.close?.()
    t.dispose()
  }
}

function countTriangles(scene: Object3D): number {
  let n = 0
  scene.traverse((o) => {
    if (!(o instanceof Mesh)) return
    const g = o.geometry as BufferGeometry
    n += Math.floor((g.index ? g.index.count : (g.getAttribute('position')?.count ?? 0)) / 3)
  })
  return n
}

function parse(bytes: Uint8Array): Promise<Object3D> {
  // Belt and braces: checkGltf refused external files already; nothing but data: and the
  // loader's own blob: URLs may be requested while parsing.
  const manager = new LoadingManager()
  manager.setURLModifier((u) => (/^(data|blob):/i.test(u) ? u : 'data:,'))
  const loader = new GLTFLoader(manager)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  return new Promise((resolve, reject) =>
    loader.parse(buffer as ArrayBuffer, '', (gltf) => resolve(gltf.scene), reject),
  )
}

/** Fetch, check, parse, then fit the textures into the budget and veil: or say why not. */
export async function loadModel(req: ModelRequest): Promise<ModelEntry> {
  if (!loadableModelUrl(req.url)) return { status: 'error', reason: 'URL not allowed' }
  const bytes = await fetchCapped(req.url)
  const check = checkGltf(bytes)
  if (!check.ok) return { status: 'error', reason: check.reason }
  const scene = await parse(bytes)
  try {
    const triangles = countTriangles(scene)
    if (triangles > MODEL_MAX_TRIANGLES) throw new Error(`${triangles} triangles`)
    const { textures, materials, geometries } = resources(scene)
    const budget = textureBytes(req.maxSide, req.maxSide)
    let used = 0
    for (const t of textures) used += redraw(t, req.maxSide, req.veiled)
    if (used > budget) throw new Error(`textures need ${used} bytes, the budget is ${budget}`)
    if (req.veiled) {
      for (const g of geometries) {
        const color = g.getAttribute('color')
        if (color instanceof BufferAttribute && color.itemSize >= 3) veilAttribute(color)
      }
      for (const m of materials) {
        const colored = m as Material & { color?: Color; emissive?: Color }
        if (colored.color instanceof Color) veilColor(colored.color)
        if (colored.emissive instanceof Color) colored.emissive.setRGB(0, 0, 0)
      }
    }
    const box = new Box3().setFromObject(scene)
    if (box.isEmpty()) throw new Error('nothing to draw')
    return {
      status: 'ready',
      scene,
      bounds: { min: box.min.toArray(), max: box.max.toArray() },
      triangles,
      textureBytes: used,
    }
  } catch (err) {
    disposeModel(scene)
    return { status: 'error', reason: err instanceof Error ? err.message : String(err) }
  }
}

// ---- sharing ------------------------------------------------------------------------------

const LOADING: ModelEntry = { status: 'loading' }

export const modelKey = (r: ModelRequest) =>
  `${r.veiled ? 'v' : 'c'}${Math.floor(r.maxSide)}|${r.url}`

const models = new SharedCache<ModelRequest, ModelEntry>({
  key: modelKey,
  load: loadModel,
  loading: LOADING,
  failed: (err) => ({ status: 'error', reason: err instanceof Error ? err.message : String(err) }),
  dispose: (e) => {
    if (e.status === 'ready') disposeModel(e.scene)
  },
  keepMs: KEEP_MS,
})

/** The model for an exhibit (loading, ready or failed); null asks for none. */
export function useExhibitModel(req: ModelRequest | null): ModelEntry | null {
  return useShared(models, req)
}

/** Models held now, and their triangles (for the dev hook and tests). */
export function loadedModels(): { count: number; triangles: number } {
  let count = 0
  let triangles = 0
  for (const e of models.entries()) {
    if (e.status !== 'ready') continue
    count++
    triangles += e.triangles
  }
  return { count, triangles }
}
