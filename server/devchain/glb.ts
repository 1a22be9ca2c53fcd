// The demo collections' 3D models as glTF 2.0 binaries (GLB): one mesh of coloured boxes
// (positions, flat normals, vertex colours, 16-bit indices) and one matte material. The boxes
// become triangles here; glTF-Transform writes the file (container, accessors, bounds, padding),
// the same bytes every run, so the metadata that names the file can be pinned.
import { Document, NodeIO, VertexLayout } from '@gltf-transform/core'

export type Vec3 = [number, number, number]

/** An axis-aligned box with one sRGB colour ("#rrggbb"). */
export interface Box {
  min: Vec3
  max: Vec3
  color: string
}

export interface MeshData {
  positions: Float32Array
  normals: Float32Array
  /** Linear RGB per vertex (glTF COLOR_0 is linear). */
  colors: Float32Array
  indices: Uint16Array
}

/** "#rrggbb" (sRGB) → linear RGB, the colour space of glTF vertex colours. */
export function srgbToLinear(hex: string): Vec3 {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) throw new Error(`"${hex}" is not a #rrggbb colour`)
  return [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = parseInt(h, 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as Vec3
}

// The six faces of a unit box: normal, then four corners (0/1 = min/max per axis), wound
// counter-clockwise seen from outside.
const FACES: readonly [Vec3, readonly Vec3[]][] = [
  [
    [1, 0, 0],
    [
      [1, 0, 1],
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ],
  ],
  [
    [-1, 0, 0],
    [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
      [0, 1, 0],
    ],
  ],
  [
    [0, 1, 0],
    [
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 0],
      [0, 1, 0],
    ],
  ],
  [
    [0, -1, 0],
    [
      [0, 0, 0],
      [1, 0, 0],
      [1, 0, 1],
      [0, 0, 1],
    ],
  ],
  [
    [0, 0, 1],
    [
      [0, 0, 1],
      [1, 0, 1],
      [1, 1, 1],
      [0, 1, 1],
    ],
  ],
  [
    [0, 0, -1],
    [
      [1, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ],
  ],
]

/** Boxes → one indexed triangle mesh with flat normals (24 vertices and 12 triangles a box). */
export function boxesToMesh(boxes: readonly Box[]): MeshData {
  if (boxes.length * 24 > 65536) throw new RangeError('too many boxes for 16-bit indices')
  const positions = new Float32Array(boxes.length * 24 * 3)
  const normals = new Float32Array(boxes.length * 24 * 3)
  const colors = new Float32Array(boxes.length * 24 * 3)
  const indices = new Uint16Array(boxes.length * 36)
  let v = 0
  let i = 0
  for (const box of boxes) {
    const rgb = srgbToLinear(box.color)
    for (let a = 0; a < 3; a++) {
      if (!(box.max[a]! > box.min[a]!)) throw new RangeError('a box with no volume')
    }
    for (const [normal, corners] of FACES) {
      const first = v
      for (const c of corners) {
        for (let a = 0; a < 3; a++) {
          positions[v * 3 + a] = c[a] ? box.max[a]! : box.min[a]!
          normals[v * 3 + a] = normal[a]!
          colors[v * 3 + a] = rgb[a]!
        }
        v++
      }
      indices.set([first, first + 1, first + 2, first, first + 2, first + 3], i)
      i += 6
    }
  }
  return { positions, normals, colors, indices }
}

export interface GlbOptions {
  /** Name of the node, the mesh and the material. */
  name: string
  generator?: string
  /** PBR roughness of the one material (default 0.9: matte). */
  roughness?: number
}

// Separate buffer views per attribute, as before (glTF-Transform interleaves by default).
const io = new NodeIO().setVertexLayout(VertexLayout.SEPARATE)

/** One mesh as a complete .glb file. */
export async function encodeGlb(mesh: MeshData, options: GlbOptions): Promise<Uint8Array> {
  if (mesh.normals.length !== mesh.positions.length || mesh.colors.length !== mesh.positions.length)
    throw new RangeError('positions, normals and colours differ in length')
  const doc = new Document()
  doc.getRoot().getAsset().generator = options.generator ?? 'Cangqiong devchain glb.ts'
  const buffer = doc.createBuffer()
  const accessor = (type: 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer)
  const material = doc
    .createMaterial(options.name)
    .setBaseColorFactor([1, 1, 1, 1])
    .setMetallicFactor(0)
    .setRoughnessFactor(options.roughness ?? 0.9)
  const primitive = doc
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', mesh.positions))
    .setAttribute('NORMAL', accessor('VEC3', mesh.normals))
    .setAttribute('COLOR_0', accessor('VEC3', mesh.colors))
    .setIndices(accessor('SCALAR', mesh.indices))
    .setMaterial(material)
  const node = doc
    .createNode(options.name)
    .setMesh(doc.createMesh(options.name).addPrimitive(primitive))
  doc.getRoot().setDefaultScene(doc.createScene().addChild(node))
  return io.writeBinary(doc)
}
