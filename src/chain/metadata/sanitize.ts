// Token metadata, the sanitising: plain text, one safe image and at most one glTF model out of
// an untrusted document. Isomorphic; see sanitizeMetadata for the rules.
import { cleanText } from '../../protocol/messages'
import { bytesToBase64, isPlainObject, parseDataUrl } from './bytes'
import { resolve, type GatewayOptions } from './uri'

export const NAME_MAX_CHARS = 120
export const DESCRIPTION_MAX_CHARS = 2000
/** Longest data:image/ URL accepted as an image (after re-encoding as base64). */
export const IMAGE_DATA_URL_MAX = 512 * 1024
/** Longest data:model/ URL accepted as a 3D model (after re-encoding as base64). */
export const MODEL_DATA_URL_MAX = 512 * 1024
/** glTF 2.0 media types: binary (.glb) and JSON (.gltf). */
export const MODEL_TYPES: readonly string[] = ['model/gltf-binary', 'model/gltf+json']

export interface SanitizedMetadata {
  /** Plain text, at most 120 characters. Render as text, never as HTML. */
  name: string
  /** Plain text with line breaks, at most 2000 characters. Render as text, never as HTML. */
  description: string
  /** An http(s), gateway or data:image/ URL; null when the metadata has no safe image. */
  image: string | null
  /** A glTF 2.0 model: an http(s) or gateway URL, or a data:model/gltf… URL; null if none. */
  model: string | null
  /** The model is a VRM avatar (an http(s) or gateway URL whose path ends in .vrm): its
   * verified owner may wear it (POST /api/avatars/collectible checks the file itself). */
  avatar: boolean
}

// ---- sanitising -------------------------------------------------------------------------

// Control characters except "\n", zero-width characters, bidi overrides and isolates, BOM.
const INVISIBLE_EXCEPT_NEWLINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

/**
 * Multi-line plain text: like cleanText (control, zero-width and bidi-override characters
 * removed) but line breaks kept, at most one blank line in a row, at most `max` code points.
 */
export function cleanMultilineText(raw: unknown, max: number): string {
  if (typeof raw !== 'string') return ''
  const text = raw
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(INVISIBLE_EXCEPT_NEWLINE, ' ')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return [...text].slice(0, max).join('').trim()
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'])
// An SVG document: optional XML declaration, comments and doctype, then an <svg> root element.
// Written so that every part can match in only one way (no catastrophic backtracking on hostile
// input), and only ever run on the first 64 KiB.
const COMMENT = String.raw`<!--(?:[^-]|-(?!->))*-->\s*`
const SVG_ROOT = new RegExp(
  String.raw`^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:${COMMENT})*(?:<!DOCTYPE[^>[]*(?:\[[^\]]*\])?\s*>\s*)?(?:${COMMENT})*<svg[\s>/]`,
  'i',
)
const SVG_SNIFF_CHARS = 64 * 1024

function isSvg(text: string): boolean {
  return SVG_ROOT.test(text.slice(0, SVG_SNIFF_CHARS))
}

function looksLike(mime: string, b: Uint8Array): boolean {
  const at = (i: number) => b[i] ?? -1
  switch (mime) {
    case 'image/png':
      return at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47
    case 'image/jpeg':
      return at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff
    case 'image/gif':
      return at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38
    case 'image/webp':
      return (
        String.fromCharCode(at(0), at(1), at(2), at(3)) === 'RIFF' &&
        String.fromCharCode(at(8), at(9), at(10), at(11)) === 'WEBP'
      )
    case 'image/svg+xml':
      return isSvg(new TextDecoder().decode(b.subarray(0, SVG_SNIFF_CHARS)))
    default:
      return false
  }
}

/** A data:image/ URL of an allowed type whose bytes match it, re-encoded as base64. */
function safeImageDataUrl(uri: string): string | null {
  if (uri.length > IMAGE_DATA_URL_MAX * 3) return null
  const data = parseDataUrl(uri)
  if (!data || !IMAGE_TYPES.has(data.mime) || !looksLike(data.mime, data.bytes)) return null
  const out = `data:${data.mime};base64,${bytesToBase64(data.bytes)}`
  return out.length <= IMAGE_DATA_URL_MAX ? out : null
}

/** One image candidate → a URL safe to put in <img src> or a texture loader, or null. */
function safeImageUrl(raw: string, opts: GatewayOptions): string | null {
  const r = resolve(raw, opts)
  if (r.kind === 'data') return safeImageDataUrl(r.uri)
  if (r.kind === 'fetch') return r.urls[0] ?? null
  return null
}

/**
 * OpenSea's `image_data`: raw SVG markup. It becomes a data:image/svg+xml;base64 URL so it is
 * only ever shown as an image, never inserted into the page as markup.
 */
function svgMarkupToDataUrl(markup: string): string | null {
  if (markup.length > IMAGE_DATA_URL_MAX || !isSvg(markup)) return null
  const out = `data:image/svg+xml;base64,${bytesToBase64(new TextEncoder().encode(markup))}`
  return out.length <= IMAGE_DATA_URL_MAX ? out : null
}

// ---- 3D models ----------------------------------------------------------------------------

// A VRM avatar is a GLB with the VRM extension: `.vrm` is a model too.
const MODEL_EXTENSION = /\.(glb|gltf|vrm)$/i
const VRM_EXTENSION = /\.vrm$/i
/** Entries of `properties.files` looked at, at most. */
const MAX_FILE_ENTRIES = 16

/** A binary glTF 2.0 container: "glTF", version 2, a length that matches the bytes. */
function isGlb(b: Uint8Array): boolean {
  if (b.byteLength < 20) return false
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return (
    view.getUint32(0, true) === 0x46546c67 &&
    view.getUint32(4, true) === 2 &&
    view.getUint32(8, true) === b.byteLength
  )
}

/** A glTF 2.0 JSON document: an object whose asset.version is "2.x". */
function isGltfJson(b: Uint8Array): boolean {
  try {
    const doc: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b))
    if (!isPlainObject(doc) || !isPlainObject(doc.asset)) return false
    const version = doc.asset.version
    return typeof version === 'string' && /^2\.\d+$/.test(version)
  } catch {
    return false
  }
}

/** A data:model/gltf… URL whose bytes are what the type says, re-encoded as base64. */
function safeModelDataUrl(uri: string): string | null {
  if (uri.length > MODEL_DATA_URL_MAX * 3) return null
  const data = parseDataUrl(uri)
  if (!data || !MODEL_TYPES.includes(data.mime)) return null
  if (data.mime === 'model/gltf-binary' ? !isGlb(data.bytes) : !isGltfJson(data.bytes)) return null
  const out = `data:${data.mime};base64,${bytesToBase64(data.bytes)}`
  return out.length <= MODEL_DATA_URL_MAX ? out : null
}

/**
 * One model candidate → a URL safe to hand to the client's model loader, or null. A fetched URL
 * counts as a model when its path ends in .glb or .gltf, or when the metadata declares a glTF
 * media type for it; a data: URL only by its own media type and matching bytes.
 */
function safeModelUrl(raw: string, declared: string | null, opts: GatewayOptions): string | null {
  const r = resolve(raw, opts)
  if (r.kind === 'data') return safeModelDataUrl(r.uri)
  if (r.kind !== 'fetch' || !r.urls[0]) return null
  const url = r.urls[0]
  const byType = declared !== null && MODEL_TYPES.includes(declared)
  return MODEL_EXTENSION.test(new URL(url).pathname) || byType ? url : null
}

/**
 * Media types the metadata declares for its files (Metaplex-style `properties.files`, entries
 * `{ uri, type }`), by URI. Only the first few entries are read.
 */
function declaredTypes(doc: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>()
  const props = doc.properties
  const files = isPlainObject(props) && Array.isArray(props.files) ? props.files : []
  for (const f of files.slice(0, MAX_FILE_ENTRIES)) {
    if (!isPlainObject(f) || typeof f.uri !== 'string' || typeof f.type !== 'string') continue
    const uri = f.uri.trim()
    if (uri && !out.has(uri)) out.set(uri, f.type.trim().toLowerCase())
  }
  return out
}

/**
 * The token's glTF model, if it has a safe one: `animation_url` (OpenSea's field for media,
 * glTF/GLB among them), then any `properties.files` entry declared as model/gltf-binary or
 * model/gltf+json. The URL rules are the image rules (https, loopback http, ipfs through the
 * first gateway, no private addresses), and a data: model must be a glTF 2.0 document of at
 * most 512 KiB as a URL.
 */
function sanitizeModel(doc: Record<string, unknown>, opts: GatewayOptions): string | null {
  const types = declaredTypes(doc)
  const anim = doc.animation_url
  if (typeof anim === 'string' && anim.trim()) {
    const url = safeModelUrl(anim, types.get(anim.trim()) ?? null, opts)
    if (url) return url
  }
  for (const [uri, type] of types) {
    if (!MODEL_TYPES.includes(type)) continue
    const url = safeModelUrl(uri, type, opts)
    if (url) return url
  }
  return null
}

/**
 * Whether a sanitised model URL names a VRM avatar: fetched (not a data: URL) and its path ends
 * in `.vrm`. Only a hint for the listing: wearing one checks the file (src/avatar/vrmCheck.ts).
 */
export function isAvatarModelUrl(model: string | null): boolean {
  if (model === null || model.startsWith('data:')) return false
  try {
    return VRM_EXTENSION.test(new URL(model).pathname)
  } catch {
    return false
  }
}

/**
 * Plain text, one safe image and at most one safe 3D model from an untrusted metadata object.
 *
 * - name (≤ 120) and description (≤ 2000, line breaks kept): strings only, control, zero-width
 *   and bidi-override characters removed. Markup stays literal text: the UI renders these as
 *   text nodes, never as HTML.
 * - image: the first safe one of `image`, `image_url` (older OpenSea-era collections) and
 *   `image_data` (raw SVG markup). Safe means: https (any public host), http to loopback,
 *   ipfs:// (rewritten to the first gateway), or data:image/(png|jpeg|gif|webp|svg+xml) whose
 *   bytes match the type, re-encoded as base64, at most 512 KiB as a URL. Anything else
 *   (javascript:, data:text/html, file:, blob:, private IP literals…) is dropped.
 * - model: a glTF 2.0 model from `animation_url` or `properties.files` (see sanitizeModel),
 *   or null. Other media in `animation_url` (video, audio, HTML) is not taken.
 * - avatar: true when that model is a VRM avatar by its URL (path ending in `.vrm`, from
 *   `animation_url` or a `properties.files` entry of type model/gltf-binary).
 *
 * SVG may contain <script>, but the client only shows images through <img> or a WebGL
 * texture, and neither runs script in an SVG. There is nothing to strip because it is never
 * inlined into the page.
 */
export function sanitizeMetadata(json: unknown, opts: GatewayOptions): SanitizedMetadata {
  const doc = isPlainObject(json) ? json : {}
  let image: string | null = null
  for (const key of ['image', 'image_url'] as const) {
    const v = doc[key]
    if (image === null && typeof v === 'string' && v.trim()) image = safeImageUrl(v, opts)
  }
  const svg = doc.image_data
  if (image === null && typeof svg === 'string') image = svgMarkupToDataUrl(svg.trim())
  const model = sanitizeModel(doc, opts)
  return {
    name: cleanText(doc.name, NAME_MAX_CHARS),
    description: cleanMultilineText(doc.description, DESCRIPTION_MAX_CHARS),
    image,
    model,
    avatar: isAvatarModelUrl(model),
  }
}
