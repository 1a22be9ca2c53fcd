// A small VRM avatar made in code, for tests, demos and the e2e specs (no file is downloaded):
// a T-posed humanoid skeleton of 19 bones and one skinned mesh of boxes, one box per bone, in
// vertex colours, about 200 triangles. `vrmFixture()` writes VRM 1.0 (`VRMC_vrm`, facing +Z),
// `vrmFixture({ version: '0.x' })` VRM 0.x (`VRM`, facing −Z, as 0.x files do). The GLB is
// written byte by byte here: the VRM extensions are plain JSON that glTF-Transform would drop.
// Pure (no three, no DOM, no Node): `npx tsx scripts/write-vrm-fixture.ts <file>` writes one.

export interface VrmFixtureOptions {
  version?: '1.0' | '0.x'
  /** The avatar's name in its meta. */
  name?: string
  /** Images put in the BIN chunk as they are (a test's PNG or JPEG, or hostile bytes), each
   * used as one material's base colour texture. Without any, the mesh is in vertex colours. */
  images?: { mimeType: string; bytes: Uint8Array }[]
  /** Vertex colours (linear RGB, 0…1) in place of the default skin, shirt, trousers and shoes:
   * the demo collectible avatar is dressed apart from the test one. */
  palette?: Partial<Record<FixturePart, Vec3>>
}

export type Vec3 = [number, number, number]
export type FixturePart = 'skin' | 'shirt' | 'trousers' | 'shoe'

interface Bone {
  name: string
  parent: string | null
  /** Where the bone's head is in the model's space (m), the +Z-facing T-pose. */
  at: Vec3
  /** Half sizes of its box, which runs from this bone toward `to` (or around it). */
  half: Vec3
  to?: Vec3
  color: Vec3
}

const SKIN: Vec3 = [0.93, 0.76, 0.64]
const SHIRT: Vec3 = [0.16, 0.42, 0.75]
const TROUSERS: Vec3 = [0.2, 0.22, 0.3]
const SHOE: Vec3 = [0.1, 0.1, 0.1]
const DEFAULT_PALETTE: Record<FixturePart, Vec3> = {
  skin: SKIN,
  shirt: SHIRT,
  trousers: TROUSERS,
  shoe: SHOE,
}
const PART_OF = new Map<Vec3, FixturePart>([
  [SKIN, 'skin'],
  [SHIRT, 'shirt'],
  [TROUSERS, 'trousers'],
  [SHOE, 'shoe'],
])

// Left is the avatar's own left: +X when it faces +Z (VRM 1.0).
const BONES: Bone[] = [
  {
    name: 'hips',
    parent: null,
    at: [0, 0.92, 0],
    to: [0, 1.02, 0],
    half: [0.16, 0, 0.1],
    color: TROUSERS,
  },
  {
    name: 'spine',
    parent: 'hips',
    at: [0, 1.02, 0],
    to: [0, 1.18, 0],
    half: [0.15, 0, 0.09],
    color: SHIRT,
  },
  {
    name: 'chest',
    parent: 'spine',
    at: [0, 1.18, 0],
    to: [0, 1.4, 0],
    half: [0.17, 0, 0.1],
    color: SHIRT,
  },
  {
    name: 'neck',
    parent: 'chest',
    at: [0, 1.4, 0],
    to: [0, 1.48, 0],
    half: [0.04, 0, 0.04],
    color: SKIN,
  },
  {
    name: 'head',
    parent: 'neck',
    at: [0, 1.48, 0],
    to: [0, 1.7, 0],
    half: [0.1, 0, 0.11],
    color: SKIN,
  },
  ...(['left', 'right'] as const).flatMap((side): Bone[] => {
    const s = side === 'left' ? 1 : -1
    const up = (n: string) => `${side}${n}`
    return [
      {
        name: up('Shoulder'),
        parent: 'chest',
        at: [0.04 * s, 1.36, 0],
        to: [0.18 * s, 1.36, 0],
        half: [0, 0.04, 0.04],
        color: SHIRT,
      },
      {
        name: up('UpperArm'),
        parent: up('Shoulder'),
        at: [0.18 * s, 1.36, 0],
        to: [0.44 * s, 1.36, 0],
        half: [0, 0.045, 0.045],
        color: SHIRT,
      },
      {
        name: up('LowerArm'),
        parent: up('UpperArm'),
        at: [0.44 * s, 1.36, 0],
        to: [0.68 * s, 1.36, 0],
        half: [0, 0.04, 0.04],
        color: SKIN,
      },
      {
        name: up('Hand'),
        parent: up('LowerArm'),
        at: [0.68 * s, 1.36, 0],
        to: [0.78 * s, 1.36, 0],
        half: [0, 0.04, 0.02],
        color: SKIN,
      },
      {
        name: up('UpperLeg'),
        parent: 'hips',
        at: [0.09 * s, 0.9, 0],
        to: [0.09 * s, 0.5, 0],
        half: [0.07, 0, 0.07],
        color: TROUSERS,
      },
      {
        name: up('LowerLeg'),
        parent: up('UpperLeg'),
        at: [0.09 * s, 0.5, 0],
        to: [0.09 * s, 0.08, 0],
        half: [0.06, 0, 0.06],
        color: TROUSERS,
      },
      {
        name: up('Foot'),
        parent: up('LowerLeg'),
        at: [0.09 * s, 0.08, 0],
        to: [0.09 * s, 0.04, 0.16],
        half: [0.05, 0.04, 0],
        color: SHOE,
      },
    ]
  }),
]

/** The humanoid bones the fixture maps (its skeleton's joints, in node order). */
export const VRM_FIXTURE_BONES: readonly string[] = BONES.map((b) => b.name)

/** Its height (m): the top of the head box. */
export const VRM_FIXTURE_HEIGHT = 1.7

/** The 8 corners and 12 triangles of a box from `a` to `b` padded by `half` on each axis. */
function box(a: Vec3, b: Vec3, half: Vec3) {
  const min = [0, 1, 2].map((i) => Math.min(a[i]!, b[i]!) - half[i]!)
  const max = [0, 1, 2].map((i) => Math.max(a[i]!, b[i]!) + half[i]!)
  const corners: Vec3[] = []
  for (let i = 0; i < 8; i++) {
    corners.push([i & 1 ? max[0]! : min[0]!, i & 2 ? max[1]! : min[1]!, i & 4 ? max[2]! : min[2]!])
  }
  // Counter-clockwise seen from outside.
  const faces = [
    [0, 2, 3, 1], // -Z
    [4, 5, 7, 6], // +Z
    [0, 1, 5, 4], // -Y
    [2, 6, 7, 3], // +Y
    [0, 4, 6, 2], // -X
    [1, 3, 7, 5], // +X
  ]
  const triangles = faces.flatMap(([p, q, r, s]) => [p!, q!, r!, p!, r!, s!])
  return { corners, triangles }
}

/** One chunk of the BIN: 4-byte aligned, as GLB wants. */
class Bin {
  parts: Uint8Array[] = []
  length = 0
  views: Record<string, number>[] = []
  add(bytes: Uint8Array, target?: number): number {
    const pad = (4 - (this.length % 4)) % 4
    if (pad) this.parts.push(new Uint8Array(pad))
    this.length += pad
    this.views.push({
      buffer: 0,
      byteOffset: this.length,
      byteLength: bytes.byteLength,
      ...(target && { target }),
    })
    this.parts.push(bytes)
    this.length += bytes.byteLength
    return this.views.length - 1
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length + ((4 - (this.length % 4)) % 4))
    let at = 0
    for (const p of this.parts) {
      out.set(p, at)
      at += p.byteLength
    }
    return out
  }
}

const bytesOf = (a: Float32Array | Uint16Array | Uint8Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

/** A GLB (glTF 2.0 binary) from its JSON and BIN chunk. */
export function encodeGlb(json: object, bin: Uint8Array): Uint8Array {
  let text = new TextEncoder().encode(JSON.stringify(json))
  const jsonPad = (4 - (text.byteLength % 4)) % 4
  if (jsonPad) {
    const padded = new Uint8Array(text.byteLength + jsonPad).fill(0x20)
    padded.set(text)
    text = padded
  }
  const total = 12 + 8 + text.byteLength + (bin.byteLength ? 8 + bin.byteLength : 0)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0x46546c67, true)
  view.setUint32(4, 2, true)
  view.setUint32(8, total, true)
  view.setUint32(12, text.byteLength, true)
  view.setUint32(16, 0x4e4f534a, true)
  out.set(text, 20)
  if (bin.byteLength) {
    const at = 20 + text.byteLength
    view.setUint32(at, bin.byteLength, true)
    view.setUint32(at + 4, 0x004e4942, true)
    out.set(bin, at + 8)
  }
  return out
}

/** The fixture avatar's GLB bytes. */
export function vrmFixture(options: VrmFixtureOptions = {}): Uint8Array {
  const version = options.version ?? '1.0'
  const name = options.name ?? 'Cangqiong test avatar'
  const images = options.images ?? []
  // VRM 0.x avatars face −Z: the whole model turned half a turn about Y.
  const turn = (v: Vec3): Vec3 => (version === '0.x' ? [-v[0], v[1], -v[2]] : v)
  const index = new Map(BONES.map((b, i) => [b.name, i]))
  const palette = { ...DEFAULT_PALETTE, ...options.palette }

  const positions: number[] = []
  const colors: number[] = []
  const joints: number[] = []
  const weights: number[] = []
  const uvs: number[] = []
  const indices: number[] = []
  BONES.forEach((bone, j) => {
    const { corners, triangles } = box(bone.at, bone.to ?? bone.at, bone.half)
    const base = positions.length / 3
    for (const c of corners) {
      positions.push(...turn(c))
      colors.push(...palette[PART_OF.get(bone.color)!], 1)
      joints.push(j, 0, 0, 0)
      weights.push(1, 0, 0, 0)
      uvs.push(c[0] + 0.5, 1 - c[1] / 2)
    }
    indices.push(...triangles.map((t) => t + base))
  })
  const min = [0, 1, 2].map((i) => Math.min(...positions.filter((_, k) => k % 3 === i)))
  const max = [0, 1, 2].map((i) => Math.max(...positions.filter((_, k) => k % 3 === i)))

  const bin = new Bin()
  const ARRAY = 34962
  const ELEMENTS = 34963
  const vertexCount = positions.length / 3
  const accessors = [
    {
      bufferView: bin.add(bytesOf(new Float32Array(positions)), ARRAY),
      componentType: 5126,
      count: vertexCount,
      type: 'VEC3',
      min,
      max,
    },
    {
      bufferView: bin.add(bytesOf(new Float32Array(colors)), ARRAY),
      componentType: 5126,
      count: vertexCount,
      type: 'VEC4',
    },
    {
      bufferView: bin.add(bytesOf(new Uint8Array(joints)), ARRAY),
      componentType: 5121,
      count: vertexCount,
      type: 'VEC4',
    },
    {
      bufferView: bin.add(bytesOf(new Float32Array(weights)), ARRAY),
      componentType: 5126,
      count: vertexCount,
      type: 'VEC4',
    },
    {
      bufferView: bin.add(bytesOf(new Uint16Array(indices)), ELEMENTS),
      componentType: 5123,
      count: indices.length,
      type: 'SCALAR',
    },
    // Inverse bind matrices: each bone's rest is a plain translation.
    {
      bufferView: bin.add(
        bytesOf(
          new Float32Array(
            BONES.flatMap((b) => {
              const [x, y, z] = turn(b.at)
              return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -x, -y, -z, 1]
            }),
          ),
        ),
      ),
      componentType: 5126,
      count: BONES.length,
      type: 'MAT4',
    },
    {
      bufferView: bin.add(bytesOf(new Float32Array(uvs)), ARRAY),
      componentType: 5126,
      count: vertexCount,
      type: 'VEC2',
    },
  ]
  const imageViews = images.map((image) => bin.add(image.bytes))

  const nodes: Record<string, unknown>[] = BONES.map((bone) => {
    const parent: Vec3 = bone.parent === null ? [0, 0, 0] : BONES[index.get(bone.parent)!]!.at
    const local = turn([bone.at[0] - parent[0], bone.at[1] - parent[1], bone.at[2] - parent[2]])
    const children = BONES.flatMap((b, i) => (b.parent === bone.name ? [i] : []))
    return { name: bone.name, translation: local, ...(children.length && { children }) }
  })
  const meshNode = nodes.length
  nodes.push({ name: 'body', mesh: 0, skin: 0 })

  const attributes = { POSITION: 0, COLOR_0: 1, JOINTS_0: 2, WEIGHTS_0: 3, TEXCOORD_0: 6 }
  const material = (texture?: number) => ({
    name: texture === undefined ? 'vertex colours' : `texture ${texture}`,
    pbrMetallicRoughness: {
      metallicFactor: 0,
      roughnessFactor: 0.9,
      ...(texture !== undefined && { baseColorTexture: { index: texture } }),
    },
  })
  const materials = images.length ? images.map((_, i) => material(i)) : [material()]

  const humanBones1 = Object.fromEntries(BONES.map((b, i) => [b.name, { node: i }]))
  const humanBones0 = BONES.map((b, i) => ({ bone: b.name, node: i, useDefaultValues: true }))
  const vrm1 = {
    specVersion: '1.0',
    meta: {
      name,
      version: '1',
      authors: ['Cangqiong'],
      licenseUrl: 'https://vrm.dev/licenses/1.0/',
      avatarPermission: 'everyone',
      commercialUsage: 'personalNonProfit',
      allowExcessivelyViolentUsage: false,
      allowExcessivelySexualUsage: false,
      allowPoliticalOrReligiousUsage: false,
      allowAntisocialOrHateUsage: false,
      creditNotation: 'required',
      allowRedistribution: false,
      modification: 'prohibited',
    },
    humanoid: { humanBones: humanBones1 },
  }
  const vrm0 = {
    exporterVersion: 'cangqiong-fixture',
    specVersion: '0.0',
    meta: {
      title: name,
      version: '1',
      author: 'Cangqiong',
      allowedUserName: 'Everyone',
      violentUssageName: 'Disallow',
      sexualUssageName: 'Disallow',
      commercialUssageName: 'Disallow',
      licenseName: 'CC0',
    },
    humanoid: { humanBones: humanBones0 },
  }
  const json = {
    asset: { version: '2.0', generator: 'cangqiong vrmFixture' },
    extensionsUsed: [version === '1.0' ? 'VRMC_vrm' : 'VRM'],
    extensions: version === '1.0' ? { VRMC_vrm: vrm1 } : { VRM: vrm0 },
    scene: 0,
    scenes: [{ nodes: [index.get('hips')!, meshNode] }],
    nodes,
    meshes: [
      {
        name: 'body',
        primitives: (images.length ? images : [null]).map((_, m) => ({
          attributes,
          indices: 4,
          material: m,
        })),
      },
    ],
    skins: [
      { joints: BONES.map((_, i) => i), inverseBindMatrices: 5, skeleton: index.get('hips') },
    ],
    materials,
    ...(images.length && {
      images: images.map((image, i) => ({ bufferView: imageViews[i], mimeType: image.mimeType })),
      textures: images.map((_, i) => ({ source: i })),
    }),
    accessors,
    bufferViews: bin.views,
    buffers: [{ byteLength: bin.bytes().byteLength }],
  }
  return encodeGlb(json, bin.bytes())
}
