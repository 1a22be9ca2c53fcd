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
import {
  countTriangles,
  externalProblem,
  gltfJson,
  LOADER_EXTENSIONS,
  list,
  requiredExtensionProblem,
  versionProblem,
} from '../protocol/gltfFile'

/** Largest model download (bytes); data: URLs are capped at 512 KiB by the server already. */
export const MODEL_MAX_BYTES = 2 * 1024 * 1024
/** Most triangles one exhibit's model may have. */
export const MODEL_MAX_TRIANGLES = 30_000
/** Nodes, meshes, primitives, materials, textures: more than this is not a collectible. */
export const MODEL_MAX_PARTS = 512

export type GltfCheck =
  { ok: true; triangles: number; binary: boolean } | { ok: false; reason: string }

export { gltfJson }

/**
 * Whether the model may be handed to GLTFLoader: glTF 2.0, self-contained, no unsupported
 * required extension, at most `maxTriangles` triangles (mesh instances counted once per node
 * that uses them).
 */
export function checkGltf(bytes: Uint8Array, maxTriangles = MODEL_MAX_TRIANGLES): GltfCheck {
  const parsed = gltfJson(bytes)
  if ('error' in parsed) return { ok: false, reason: parsed.error }
  const { json, binary } = parsed
  const problem =
    versionProblem(json) ??
    requiredExtensionProblem(json, LOADER_EXTENSIONS) ??
    externalProblem(json, true)
  if (problem) return { ok: false, reason: problem }
  const parts = ['nodes', 'meshes', 'materials', 'textures', 'accessors', 'images']
  if (parts.some((k) => list(json[k]).length > MODEL_MAX_PARTS * 8)) {
    return { ok: false, reason: 'too many parts' }
  }
  const counted = countTriangles(json, maxTriangles, MODEL_MAX_PARTS)
  if ('error' in counted) return { ok: false, reason: counted.error }
  if (counted.triangles === 0) return { ok: false, reason: 'nothing to draw' }
  return { ok: true, triangles: counted.triangles, binary }
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
