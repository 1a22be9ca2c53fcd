// Checks on an untrusted glTF 2.0 file before three's GLTFLoader sees it, and the fit of a model
// on its pedestal. Pure (no three, no DOM): the model loader and its tests use it.
//
// A model is refused unless it is self-contained (every buffer and image inside the file or a
// data: URI, so the byte cap on the download is a cap on everything it loads and nothing is
// fetched from addresses the file names), needs no extension the loader is not set up for
// (Draco, meshopt, KTX2 decoders are never loaded), and stays under a triangle budget counted
// from its accessors (so a huge mesh is refused before it is decoded).
//
// Hand-written on purpose, not glTF-Transform (which writes the devchain's models): these checks
// read only the JSON chunk. Measured with `npm run build`, reading the model through
// @gltf-transform/core's WebIO instead grows the lazy Models chunk from 54.4 kB (17.0 kB gzip)
// to 121.7 kB (35.0 kB gzip; the first-load chunk stays the same), before the extensions the
// loader accepts are registered, and it decodes every buffer before three decodes them again:
// 43 ms against 0.01 ms here for a 28,800-triangle GLB (Node 20, a loaded machine).

/** Largest model download (bytes); data: URLs are capped at 512 KiB by the server already. */
export const MODEL_MAX_BYTES = 2 * 1024 * 1024
/** Most triangles one exhibit's model may have. */
export const MODEL_MAX_TRIANGLES = 30_000
/** Nodes, meshes, primitives, materials, textures: more than this is not a collectible. */
export const MODEL_MAX_PARTS = 512

/** Extensions the loader handles without extra decoders; any other required one is refused. */
const SUPPORTED_REQUIRED = new Set([
  'KHR_materials_unlit',
  'KHR_texture_transform',
  'KHR_mesh_quantization',
  'KHR_materials_emissive_strength',
])

const GLB_MAGIC = 0x46546c67
const CHUNK_JSON = 0x4e4f534a

export type GltfCheck =
  { ok: true; triangles: number; binary: boolean } | { ok: false; reason: string }

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** The JSON part of a .glb or .gltf file, or why there is none. */
export function gltfJson(bytes: Uint8Array): { json: Json; binary: boolean } | { error: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let text: Uint8Array
  let binary = false
  if (bytes.byteLength >= 12 && view.getUint32(0, true) === GLB_MAGIC) {
    binary = true
    if (view.getUint32(4, true) !== 2) return { error: 'not glTF 2.0' }
    if (view.getUint32(8, true) !== bytes.byteLength) return { error: 'GLB length mismatch' }
    if (bytes.byteLength < 20) return { error: 'GLB without chunks' }
    const length = view.getUint32(12, true)
    if (view.getUint32(16, true) !== CHUNK_JSON || 20 + length > bytes.byteLength) {
      return { error: 'GLB without a JSON chunk first' }
    }
    text = bytes.subarray(20, 20 + length)
  } else {
    text = bytes
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text))
  } catch {
    return { error: 'not glTF: the JSON does not parse' }
  }
  if (!isObject(json)) return { error: 'not glTF: not a JSON object' }
  return { json, binary }
}

/** Triangles a primitive draws (mode 4, 5, 6; points and lines count as none). */
function primitiveTriangles(prim: Json, accessors: unknown[]): number {
  const mode = typeof prim.mode === 'number' ? prim.mode : 4
  const countOf = (index: unknown) => {
    const a = typeof index === 'number' ? accessors[index] : undefined
    return isObject(a) && typeof a.count === 'number' && a.count >= 0 ? a.count : NaN
  }
  const attrs = isObject(prim.attributes) ? prim.attributes : {}
  const n = prim.indices !== undefined ? countOf(prim.indices) : countOf(attrs.POSITION)
  if (!Number.isFinite(n)) return NaN
  if (mode === 4) return Math.floor(n / 3)
  if (mode === 5 || mode === 6) return Math.max(0, n - 2)
  return 0
}

/**
 * Whether the model may be handed to GLTFLoader: glTF 2.0, self-contained, no unsupported
 * required extension, at most `maxTriangles` triangles (mesh instances counted once per node
 * that uses them).
 */
export function checkGltf(bytes: Uint8Array, maxTriangles = MODEL_MAX_TRIANGLES): GltfCheck {
  const parsed = gltfJson(bytes)
  if ('error' in parsed) return { ok: false, reason: parsed.error }
  const { json, binary } = parsed
  const version = isObject(json.asset) ? json.asset.version : undefined
  if (typeof version !== 'string' || !/^2\.\d+$/.test(version)) {
    return { ok: false, reason: 'not glTF 2.0' }
  }
  for (const ext of list(json.extensionsRequired)) {
    if (typeof ext !== 'string' || !SUPPORTED_REQUIRED.has(ext)) {
      return { ok: false, reason: `needs the extension ${String(ext).slice(0, 40)}` }
    }
  }
  for (const key of ['buffers', 'images'] as const) {
    for (const item of list(json[key])) {
      if (!isObject(item)) return { ok: false, reason: `malformed ${key}` }
      const uri = item.uri
      if (uri === undefined) continue
      if (typeof uri !== 'string' || !/^data:/i.test(uri)) {
        return { ok: false, reason: `${key} outside the file are not loaded` }
      }
    }
  }
  const parts = ['nodes', 'meshes', 'materials', 'textures', 'accessors', 'images']
  if (parts.some((k) => list(json[k]).length > MODEL_MAX_PARTS * 8)) {
    return { ok: false, reason: 'too many parts' }
  }
  const accessors = list(json.accessors)
  const meshes = list(json.meshes)
  const meshTriangles = meshes.map((m) => {
    const prims = isObject(m) ? list(m.primitives) : []
    if (prims.length > MODEL_MAX_PARTS) return NaN
    return prims.reduce<number>(
      (sum, p) => sum + (isObject(p) ? primitiveTriangles(p, accessors) : NaN),
      0,
    )
  })
  // Every node that names a mesh draws it once more.
  let triangles = 0
  for (const node of list(json.nodes)) {
    if (!isObject(node) || typeof node.mesh !== 'number') continue
    const t = meshTriangles[node.mesh]
    if (t === undefined || !Number.isFinite(t)) return { ok: false, reason: 'malformed mesh' }
    triangles += t
    if (triangles > maxTriangles) {
      return { ok: false, reason: `more than ${maxTriangles} triangles` }
    }
  }
  if (triangles === 0) return { ok: false, reason: 'nothing to draw' }
  return { ok: true, triangles, binary }
}

/** A model's bounds in its own units. */
export interface Bounds {
  min: [number, number, number]
  max: [number, number, number]
}

/** Where a model goes: uniform scale, then offset so its footprint centre stands on the spot. */
export interface ModelFit {
  scale: number
  /** Added to the model's own coordinates (after scaling) to stand it on the turning axis. */
  offset: [number, number, number]
  /** Its height once scaled (m). */
  height: number
}

/**
 * The scale and offset that stand a model on a spot of side `size`: it turns about the vertical
 * axis through its footprint's centre, so its footprint's circumscribed circle stays within a
 * radius of 0.62 × size (a little past the square's inscribed circle: the pedestal's corners
 * still show), and it is at most 1.5 × size tall. Null for empty or non-finite bounds.
 */
export function fitModel(b: Bounds, size: number): ModelFit | null {
  const w = b.max[0] - b.min[0]
  const h = b.max[1] - b.min[1]
  const d = b.max[2] - b.min[2]
  if (![w, h, d, size].every((v) => Number.isFinite(v) && v >= 0) || Math.max(w, h, d) <= 0) {
    return null
  }
  const radius = Math.hypot(w / 2, d / 2)
  const scale = Math.min(
    radius > 0 ? (0.62 * size) / radius : Infinity,
    h > 0 ? (1.5 * size) / h : Infinity,
  )
  if (!Number.isFinite(scale) || scale <= 0) return null
  return {
    scale,
    offset: [
      -((b.min[0] + b.max[0]) / 2) * scale,
      -b.min[1] * scale,
      -((b.min[2] + b.max[2]) / 2) * scale,
    ],
    height: h * scale,
  }
}
