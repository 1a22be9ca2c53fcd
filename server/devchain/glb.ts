// A small glTF 2.0 binary (GLB) writer for the demo collections' 3D models: one mesh of coloured
// boxes (positions, flat normals, vertex colours, 16-bit indices) and one matte material. Written
// by hand so the seed needs no 3D tool and no download, and byte for byte the same every run, so
// the metadata that names the file can be pinned.
//
// GLB layout (glTF 2.0 spec, "Binary glTF Layout"): a 12-byte header ("glTF", version 2, total
// length), then a JSON chunk padded with spaces and a BIN chunk padded with zeros, each chunk
// 4-byte aligned and preceded by its length and type.

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

const MAGIC = 0x46546c67 // "glTF"
const CHUNK_JSON = 0x4e4f534a // "JSON"
const CHUNK_BIN = 0x004e4942 // "BIN\0"
const ARRAY_BUFFER = 34962
const ELEMENT_ARRAY_BUFFER = 34963
const FLOAT = 5126
const UNSIGNED_SHORT = 5123

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

const pad4 = (n: number) => (4 - (n % 4)) % 4

function bounds(positions: Float32Array): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (let p = 0; p < positions.length; p += 3) {
    for (let a = 0; a < 3; a++) {
      // Math.fround: the bounds must match the stored 32-bit floats exactly.
      const x = Math.fround(positions[p + a]!)
      if (x < min[a]!) min[a] = x
      if (x > max[a]!) max[a] = x
    }
  }
  return { min, max }
}

export interface GlbOptions {
  /** Name of the node, the mesh and the material. */
  name: string
  generator?: string
  /** PBR roughness of the one material (default 0.9: matte). */
  roughness?: number
}

/** One mesh as a complete .glb file. */
export function encodeGlb(mesh: MeshData, options: GlbOptions): Uint8Array {
  const vertexCount = mesh.positions.length / 3
  if (mesh.normals.length !== mesh.positions.length || mesh.colors.length !== mesh.positions.length)
    throw new RangeError('positions, normals and colours differ in length')
  const parts = [mesh.positions, mesh.normals, mesh.colors, mesh.indices]
  const views: { byteOffset: number; byteLength: number }[] = []
  let binLength = 0
  for (const p of parts) {
    views.push({ byteOffset: binLength, byteLength: p.byteLength })
    binLength += p.byteLength + pad4(p.byteLength)
  }
  const doc = {
    asset: { version: '2.0', generator: options.generator ?? 'Cangqiong devchain glb.ts' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: options.name }],
    meshes: [
      {
        name: options.name,
        primitives: [
          {
            attributes: { POSITION: 0, NORMAL: 1, COLOR_0: 2 },
            indices: 3,
            material: 0,
            mode: 4,
          },
        ],
      },
    ],
    materials: [
      {
        name: options.name,
        pbrMetallicRoughness: {
          baseColorFactor: [1, 1, 1, 1],
          metallicFactor: 0,
          roughnessFactor: options.roughness ?? 0.9,
        },
      },
    ],
    accessors: [
      {
        bufferView: 0,
        componentType: FLOAT,
        count: vertexCount,
        type: 'VEC3',
        ...bounds(mesh.positions),
      },
      { bufferView: 1, componentType: FLOAT, count: vertexCount, type: 'VEC3' },
      { bufferView: 2, componentType: FLOAT, count: vertexCount, type: 'VEC3' },
      { bufferView: 3, componentType: UNSIGNED_SHORT, count: mesh.indices.length, type: 'SCALAR' },
    ],
    bufferViews: views.map((view, n) => ({
      buffer: 0,
      ...view,
      target: n === 3 ? ELEMENT_ARRAY_BUFFER : ARRAY_BUFFER,
    })),
    buffers: [{ byteLength: binLength }],
  }
  const jsonBytes = new TextEncoder().encode(JSON.stringify(doc))
  const jsonLength = jsonBytes.length + pad4(jsonBytes.length)
  const total = 12 + 8 + jsonLength + 8 + binLength
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, 2, true)
  view.setUint32(8, total, true)
  view.setUint32(12, jsonLength, true)
  view.setUint32(16, CHUNK_JSON, true)
  out.set(jsonBytes, 20)
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLength)
  const bin = 20 + jsonLength
  view.setUint32(bin, binLength, true)
  view.setUint32(bin + 4, CHUNK_BIN, true)
  parts.forEach((p, n) => {
    // Little-endian on every platform Node runs on here; the typed arrays are copied as bytes.
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), bin + 8 + views[n]!.byteOffset)
  })
  return out
}
