// Reading an untrusted glTF 2.0 file's structure without decoding it: its container (GLB chunks),
// its JSON, what it refers to outside itself, its required extensions and its triangle count.
// Pure (no three, no DOM): the exhibit model check (src/spaces/gltf.ts) and the avatar check
// (src/avatar/vrmCheck.ts) build on it, in the browser and on the server.

export type Json = Record<string, unknown>
export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/**
 * Required extensions three's GLTFLoader handles without extra decoders (Draco, meshopt, KTX2
 * decoders are never loaded); a file requiring any other is refused.
 */
export const LOADER_EXTENSIONS: ReadonlySet<string> = new Set([
  'KHR_materials_unlit',
  'KHR_texture_transform',
  'KHR_mesh_quantization',
  'KHR_materials_emissive_strength',
])

export const GLB_MAGIC = 0x46546c67
const CHUNK_JSON = 0x4e4f534a
const CHUNK_BIN = 0x004e4942

/** A glTF file's parts: its JSON, and in a GLB the BIN chunk (the file's own buffer 0). */
export interface GltfParts {
  json: Json
  binary: boolean
  /** The GLB's BIN chunk; absent in a .gltf or a GLB without one. */
  bin?: Uint8Array
}

/** The JSON part of a .glb or .gltf file (and a GLB's BIN chunk), or why there is none. */
export function gltfJson(bytes: Uint8Array): GltfParts | { error: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let text: Uint8Array
  let binary = false
  let bin: Uint8Array | undefined
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
    // The BIN chunk, if any, comes right after the JSON chunk (GLB 2.0, "Structure").
    const at = 20 + length
    if (at + 8 <= bytes.byteLength && view.getUint32(at + 4, true) === CHUNK_BIN) {
      const binLength = view.getUint32(at, true)
      if (at + 8 + binLength > bytes.byteLength) {
        return { error: 'GLB BIN chunk runs past the end of the file' }
      }
      bin = bytes.subarray(at + 8, at + 8 + binLength)
    }
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
  return bin ? { json, binary, bin } : { json, binary }
}

/** Why the file is not glTF 2.0, or null. */
export function versionProblem(json: Json): string | null {
  const version = isObject(json.asset) ? json.asset.version : undefined
  return typeof version === 'string' && /^2\.\d+$/.test(version) ? null : 'not glTF 2.0'
}

/** The first required extension not in `supported`, as a refusal; null when all are. */
export function requiredExtensionProblem(json: Json, supported: ReadonlySet<string>) {
  for (const ext of list(json.extensionsRequired)) {
    if (typeof ext !== 'string' || !supported.has(ext)) {
      return `needs the extension ${String(ext).slice(0, 40)}`
    }
  }
  return null
}

/**
 * Why a buffer or image would be fetched from outside the file, or null. `dataUris`: whether
 * data: URIs count as inside (a GLB's own chunks always do).
 */
export function externalProblem(json: Json, dataUris: boolean): string | null {
  for (const key of ['buffers', 'images'] as const) {
    for (const item of list(json[key])) {
      if (!isObject(item)) return `malformed ${key}`
      const uri = item.uri
      if (uri === undefined) continue
      if (typeof uri !== 'string' || !dataUris || !/^data:/i.test(uri)) {
        return `${key} outside the file are not loaded`
      }
    }
  }
  return null
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
 * The triangles the scene draws (a mesh counted once per node that names it), or a refusal:
 * a malformed mesh, more than `maxPrimitives` primitives in one mesh, or more than
 * `maxTriangles` in all (counted from accessor counts: nothing is decoded).
 */
export function countTriangles(
  json: Json,
  maxTriangles: number,
  maxPrimitives: number,
): { triangles: number } | { error: string } {
  const accessors = list(json.accessors)
  const meshTriangles = list(json.meshes).map((m) => {
    const prims = isObject(m) ? list(m.primitives) : []
    if (prims.length > maxPrimitives) return NaN
    return prims.reduce<number>(
      (sum, p) => sum + (isObject(p) ? primitiveTriangles(p, accessors) : NaN),
      0,
    )
  })
  let triangles = 0
  for (const node of list(json.nodes)) {
    if (!isObject(node) || typeof node.mesh !== 'number') continue
    const t = meshTriangles[node.mesh]
    if (t === undefined || !Number.isFinite(t)) return { error: 'malformed mesh' }
    triangles += t
    if (triangles > maxTriangles) return { error: `more than ${maxTriangles} triangles` }
  }
  return { triangles }
}
