// Checks on an untrusted VRM avatar file (VRM 1.0 `VRMC_vrm` or 0.x `VRM`, both GLB) before
// GLTFLoader and three-vrm see it. Pure (no three, no DOM): the server runs it on every upload
// (server/avatars) and the client again on every download (src/avatar/vrm.ts).
//
// Nothing is decoded: the GLB's chunks, its JSON and the headers of its images are read, and
// every size the loader would allocate from (accessors, buffer views, images, skins) is bounded
// here first, so a small file cannot make the loader build something huge. A file is refused
// unless it is self-contained (no URI at all: every buffer and image lives in the GLB's BIN
// chunk), needs no extension beyond what GLTFLoader + VRMLoaderPlugin handle without decoders,
// and maps the humanoid bones the animations drive to nodes that exist.
import { VrmId } from '../protocol/avatar'
import {
  countTriangles,
  externalProblem,
  gltfJson,
  GLB_MAGIC,
  isObject,
  list,
  LOADER_EXTENSIONS,
  requiredExtensionProblem,
  versionProblem,
  type Json,
} from '../protocol/gltfFile'
import { imageSize } from '../protocol/imageSize'

/** Largest avatar file (bytes): the upload cap, and the download cap on the client. */
export const VRM_MAX_BYTES = 8 * 1024 * 1024
/** Most triangles an avatar draws. */
export const VRM_MAX_TRIANGLES = 70_000
/** Most distinct skin joints in the whole file. */
export const VRM_MAX_JOINTS = 256
/** Most images, and most textures. */
export const VRM_MAX_IMAGES = 16
/** Largest image width or height (pixels), read from the PNG or JPEG header. */
export const VRM_MAX_IMAGE_SIDE = 2048
/** Most meshes, materials, skins, and primitives in one mesh. */
export const VRM_MAX_PARTS = 256
/** Most nodes. */
export const VRM_MAX_NODES = 1024
/** Most accessors, and most buffer views (morph targets take many). */
export const VRM_MAX_ACCESSORS = 4096
/** Most bytes all accessors together decode to (sparse and view-less ones included). */
export const VRM_MAX_DECODED_BYTES = 64 * 1024 * 1024

/** The humanoid bones every avatar must map (VRM 1.0's required bones; the rig drives them). */
export const VRM_REQUIRED_BONES = [
  'hips',
  'spine',
  'head',
  'leftUpperArm',
  'leftLowerArm',
  'leftHand',
  'rightUpperArm',
  'rightLowerArm',
  'rightHand',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
] as const

/** Required extensions three-vrm's loader plugin reads itself (no decoder needed). */
const VRM_EXTENSIONS: ReadonlySet<string> = new Set([
  ...LOADER_EXTENSIONS,
  'VRMC_vrm',
  'VRMC_springBone',
  'VRMC_springBone_extended_collider',
  'VRMC_node_constraint',
  'VRMC_materials_mtoon',
  'VRMC_materials_hdr_emissiveMultiplier',
  'VRM',
])

/** The id of a stored avatar file: its SHA-256, 64 lowercase hex digits. */
export const isVrmId = (s: unknown): s is string => VrmId.safeParse(s).success

export type VrmVersion = '1.0' | '0.x'

export type VrmCheck =
  | {
      ok: true
      version: VrmVersion
      /** The avatar's name from its meta (untrusted text, at most 64 characters), or ''. */
      name: string
      triangles: number
      joints: number
      images: number
    }
  | { ok: false; reason: string }

const COMPONENT_BYTES: Record<number, number> = {
  5120: 1,
  5121: 1,
  5122: 2,
  5123: 2,
  5125: 4,
  5126: 4,
}
const TYPE_COMPONENTS: Record<string, number> = {
  SCALAR: 1,
  VEC2: 2,
  VEC3: 3,
  VEC4: 4,
  MAT2: 4,
  MAT3: 9,
  MAT4: 16,
}

const isIndex = (v: unknown, length: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < length
const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff
const clipText = (v: unknown, n: number) =>
  // eslint-disable-next-line no-control-regex
  typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, n) : ''

/** Buffer views lie inside the BIN chunk; returns a refusal or null. */
function viewsProblem(json: Json, bin: Uint8Array | undefined): string | null {
  const buffers = list(json.buffers)
  if (buffers.length > 1) return 'more than one buffer: a VRM keeps its data in the GLB'
  const buffer = buffers[0]
  const bufferLength =
    isObject(buffer) && isCount(buffer.byteLength) && bin && buffer.byteLength <= bin.length
      ? buffer.byteLength
      : null
  if (buffers.length === 1 && bufferLength === null) {
    return 'the buffer is longer than the GLB BIN chunk (or missing)'
  }
  for (const view of list(json.bufferViews)) {
    if (!isObject(view) || view.buffer !== 0 || bufferLength === null) {
      return 'a buffer view outside the GLB BIN chunk'
    }
    const offset = view.byteOffset ?? 0
    if (!isCount(offset) || !isCount(view.byteLength) || offset + view.byteLength > bufferLength) {
      return 'a buffer view runs past the end of its buffer'
    }
    if (view.byteStride !== undefined && !(isCount(view.byteStride) && view.byteStride <= 252)) {
      return 'a buffer view with a bad byte stride'
    }
  }
  return null
}

/** Accessors lie inside their views and decode to at most VRM_MAX_DECODED_BYTES in all. */
function accessorsProblem(json: Json): string | null {
  const views = list(json.bufferViews) as Json[]
  let decoded = 0
  for (const a of list(json.accessors)) {
    if (!isObject(a)) return 'malformed accessor'
    const component = COMPONENT_BYTES[a.componentType as number]
    const components = TYPE_COMPONENTS[a.type as string]
    if (!component || !components || !isCount(a.count) || a.count === 0) {
      return 'malformed accessor'
    }
    const size = component * components
    decoded += a.count * size
    if (decoded > VRM_MAX_DECODED_BYTES) {
      return `its accessors decode to more than ${VRM_MAX_DECODED_BYTES / 1024 / 1024} MiB`
    }
    if (a.bufferView !== undefined) {
      if (!isIndex(a.bufferView, views.length)) return 'an accessor without its buffer view'
      const view = views[a.bufferView]!
      const stride = (view.byteStride as number | undefined) ?? size
      const offset = a.byteOffset ?? 0
      if (
        !isCount(offset) ||
        offset + stride * (a.count - 1) + size > (view.byteLength as number)
      ) {
        return 'an accessor runs past the end of its buffer view'
      }
    }
    if (a.sparse !== undefined) {
      const sparse = a.sparse
      if (!isObject(sparse) || !isCount(sparse.count) || sparse.count > a.count) {
        return 'malformed sparse accessor'
      }
      // Sparse indices are unsigned integers (5121, 5123, 5125).
      const indexType = isObject(sparse.indices) ? sparse.indices.componentType : undefined
      const indexBytes =
        indexType === 5121 ? 1 : indexType === 5123 ? 2 : indexType === 5125 ? 4 : 0
      const parts: [unknown, number][] = [
        [sparse.indices, indexBytes],
        [sparse.values, size],
      ]
      for (const [part, bytes] of parts) {
        if (!isObject(part) || !bytes || !isIndex(part.bufferView, views.length)) {
          return 'malformed sparse accessor'
        }
        const offset = part.byteOffset ?? 0
        const view = views[part.bufferView]!
        if (!isCount(offset) || offset + bytes * sparse.count > (view.byteLength as number)) {
          return 'a sparse accessor runs past the end of its buffer view'
        }
      }
    }
  }
  return null
}

/** Every child index names a node, no node has two parents, and no node is its own ancestor. */
function nodesProblem(json: Json): string | null {
  const nodes = list(json.nodes)
  const parent = new Array<number>(nodes.length).fill(-1)
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]
    if (!isObject(node)) return 'malformed node'
    for (const child of list(node.children)) {
      if (!isIndex(child, nodes.length) || parent[child] !== -1 || child === i) {
        return 'the node tree is broken (a missing child, or a node with two parents)'
      }
      parent[child] = i
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    let at = parent[i]!
    for (let steps = 0; at !== -1; steps++) {
      if (at === i || steps > nodes.length) return 'the node tree has a cycle'
      at = parent[at]!
    }
  }
  return null
}

/** How many distinct nodes the skins use as joints, or a refusal. */
function jointsOf(json: Json): number | string {
  const nodes = list(json.nodes).length
  const joints = new Set<number>()
  for (const skin of list(json.skins)) {
    if (!isObject(skin)) return 'malformed skin'
    for (const joint of list(skin.joints)) {
      if (!isIndex(joint, nodes)) return 'a skin joint that is not a node'
      joints.add(joint)
      if (joints.size > VRM_MAX_JOINTS) return `more than ${VRM_MAX_JOINTS} skin joints`
    }
  }
  return joints.size
}

/** Every image is a PNG or JPEG inside the BIN chunk, at most VRM_MAX_IMAGE_SIDE a side. */
function imagesProblem(json: Json, bin: Uint8Array | undefined): string | null {
  const images = list(json.images)
  const textures = list(json.textures)
  if (images.length > VRM_MAX_IMAGES) return `more than ${VRM_MAX_IMAGES} images`
  if (textures.length > VRM_MAX_IMAGES) return `more than ${VRM_MAX_IMAGES} textures`
  const views = list(json.bufferViews) as Json[]
  for (let i = 0; i < images.length; i++) {
    const image = images[i] as Json // externalProblem checked each is an object
    if (!isIndex(image.bufferView, views.length) || !bin) {
      return `image ${i} is not inside the file`
    }
    const view = views[image.bufferView]!
    const offset = (view.byteOffset as number | undefined) ?? 0
    const bytes = bin.subarray(offset, offset + (view.byteLength as number))
    const size = imageSize(bytes)
    if ('error' in size) {
      if (size.error === 'unknown') return `image ${i} is not a PNG or JPEG`
      return `image ${i} is a broken ${size.type === 'image/png' ? 'PNG' : 'JPEG'} (${size.detail})`
    }
    if (image.mimeType !== size.type) {
      return `image ${i} says it is ${clipText(image.mimeType, 20) || 'untyped'} but is ${size.type}`
    }
    if (size.width < 1 || size.height < 1) return `image ${i} has no pixels`
    if (size.width > VRM_MAX_IMAGE_SIDE || size.height > VRM_MAX_IMAGE_SIDE) {
      return `image ${i} is ${size.width}×${size.height}: at most ${VRM_MAX_IMAGE_SIDE} pixels a side`
    }
  }
  return null
}

/** The VRM extension's version, name and humanoid bone → node map, or a refusal. */
function humanoidOf(
  json: Json,
): { version: VrmVersion; name: string; bones: Map<string, unknown> } | string {
  const extensions = isObject(json.extensions) ? json.extensions : {}
  const v1 = extensions.VRMC_vrm
  // three-vrm reads VRMC_vrm first, and only when extensionsUsed names it.
  if (isObject(v1) && list(json.extensionsUsed).includes('VRMC_vrm')) {
    if (v1.specVersion !== '1.0' && v1.specVersion !== '1.0-beta') {
      return `VRMC_vrm specVersion "${clipText(v1.specVersion, 20)}" is not 1.0`
    }
    const humanoid = isObject(v1.humanoid) ? v1.humanoid : {}
    const humanBones = isObject(humanoid.humanBones) ? humanoid.humanBones : {}
    const bones = new Map<string, unknown>()
    for (const [bone, value] of Object.entries(humanBones)) {
      bones.set(bone, isObject(value) ? value.node : undefined)
    }
    const meta = isObject(v1.meta) ? v1.meta : {}
    return { version: '1.0', name: clipText(meta.name, 64), bones }
  }
  const v0 = extensions.VRM
  if (isObject(v0)) {
    const humanoid = isObject(v0.humanoid) ? v0.humanoid : {}
    const bones = new Map<string, unknown>()
    for (const entry of list(humanoid.humanBones)) {
      // The first entry of a bone counts, as in three-vrm.
      if (isObject(entry) && typeof entry.bone === 'string' && !bones.has(entry.bone)) {
        bones.set(entry.bone, entry.node)
      }
    }
    const meta = isObject(v0.meta) ? v0.meta : {}
    return { version: '0.x', name: clipText(meta.title, 64), bones }
  }
  return 'not a VRM: no VRMC_vrm (1.0) or VRM (0.x) extension'
}

/**
 * Whether the bytes are a VRM avatar this project loads: a GLB within VRM_MAX_BYTES, glTF 2.0,
 * self-contained, no unsupported required extension, within every bound above, with a VRM 1.0
 * or 0.x humanoid mapping VRM_REQUIRED_BONES to existing nodes. The reason says what failed.
 */
export function checkVrm(bytes: Uint8Array): VrmCheck {
  const refuse = (reason: string): VrmCheck => ({ ok: false, reason })
  if (bytes.byteLength > VRM_MAX_BYTES) {
    return refuse(`the file is ${bytes.byteLength} bytes: at most ${VRM_MAX_BYTES}`)
  }
  const magic =
    bytes.byteLength >= 4 &&
    new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === GLB_MAGIC
  if (!magic) return refuse('not a VRM: a VRM is a binary glTF (GLB) file')
  const parsed = gltfJson(bytes)
  if ('error' in parsed) return refuse(parsed.error)
  const { json, bin } = parsed
  const problem =
    versionProblem(json) ??
    requiredExtensionProblem(json, VRM_EXTENSIONS) ??
    externalProblem(json, false)
  if (problem) return refuse(problem)
  if (list(json.nodes).length > VRM_MAX_NODES) return refuse(`more than ${VRM_MAX_NODES} nodes`)
  for (const key of ['meshes', 'materials', 'skins'] as const) {
    if (list(json[key]).length > VRM_MAX_PARTS) return refuse(`more than ${VRM_MAX_PARTS} ${key}`)
  }
  for (const key of ['accessors', 'bufferViews'] as const) {
    if (list(json[key]).length > VRM_MAX_ACCESSORS) {
      return refuse(`more than ${VRM_MAX_ACCESSORS} ${key}`)
    }
  }
  const structure =
    viewsProblem(json, bin) ??
    accessorsProblem(json) ??
    nodesProblem(json) ??
    imagesProblem(json, bin)
  if (structure) return refuse(structure)
  const counted = countTriangles(json, VRM_MAX_TRIANGLES, VRM_MAX_PARTS)
  if ('error' in counted) return refuse(counted.error)
  if (counted.triangles === 0) return refuse('nothing to draw')
  const joints = jointsOf(json)
  if (typeof joints === 'string') return refuse(joints)
  const humanoid = humanoidOf(json)
  if (typeof humanoid === 'string') return refuse(humanoid)
  const nodes = list(json.nodes).length
  for (const bone of VRM_REQUIRED_BONES) {
    const node = humanoid.bones.get(bone)
    if (node === undefined) return refuse(`the humanoid has no ${bone} bone`)
    if (!isIndex(node, nodes)) return refuse(`the humanoid's ${bone} bone is not a node`)
  }
  for (const [bone, node] of humanoid.bones) {
    if (!isIndex(node, nodes))
      return refuse(`the humanoid's ${clipText(bone, 32)} bone is not a node`)
  }
  return {
    ok: true,
    version: humanoid.version,
    name: humanoid.name,
    triangles: counted.triangles,
    joints,
    images: list(json.images).length,
  }
}
