// Turns a VoxelGrid into per-chunk triangle meshes as plain typed arrays: a greedy mesher for
// rendering and a naive one for comparison. No three.js here, so it runs in the mesher worker
// and in Vitest; the view wraps the arrays in BufferGeometry on the main thread.
//
// It is one file because the greedy and naive meshers share the chunk layout, face and colour
// tables and the quad buffer, and are compared with each other.
import { KIND_AIR, KIND_DECOR, KIND_LIQUID, KIND_SOLID } from './grid'
import type { MaterialTable, VoxelGrid } from './grid'

/**
 * Chunks span the full height and CHUNK_SIZE² columns. 64 keeps a 256×64×256 world at
 * 16 chunks, so at most 32 draw calls (opaque + water) of the app's 150, while a chunk stays
 * small enough for frustum culling to skip what is behind the camera.
 */
export const CHUNK_SIZE = 64

/** Chunk side for a world: 64, or 128 once 64 would make more than 32 chunks (512² worlds). */
export function chunkSizeFor(sx: number, sz: number): number {
  return Math.ceil(sx / CHUNK_SIZE) * Math.ceil(sz / CHUNK_SIZE) > 32 ? CHUNK_SIZE * 2 : CHUNK_SIZE
}

export interface ChunkLayout {
  size: number
  nx: number
  nz: number
  count: number
}

export function chunkLayout(sx: number, sz: number, size = chunkSizeFor(sx, sz)): ChunkLayout {
  const nx = Math.ceil(sx / size)
  const nz = Math.ceil(sz / size)
  return { size, nx, nz, count: nx * nz }
}

/** One drawable part of a chunk. Vertices are in world voxel units (no mesh offset needed). */
export interface MeshPart {
  positions: Float32Array
  /** Unit normals as normalized bytes (±127). */
  normals: Int8Array
  /**
   * Per vertex, the direction (−1/0/1 per axis) pointing out of its quad within the quad's
   * plane. Greedy quads meet at T-junctions, where the rasterizer's vertex snapping leaves
   * sub-pixel cracks that let the sky sparkle through the ground; the vertex shader pushes each
   * corner out along this by an amount that grows with distance, so neighbours overlap slightly.
   */
  seams: Int8Array
  /** Linear-space RGB bytes (three treats vertex colours as linear). */
  colors: Uint8Array
  indices: Uint16Array | Uint32Array
  triangles: number
}

export interface ChunkMesh {
  cx: number
  cz: number
  /** Column range covered: [x0, x1) × [z0, z1). */
  x0: number
  z0: number
  x1: number
  z1: number
  opaque: MeshPart | null
  liquid: MeshPart | null
  /** Visible voxel faces: what a naive mesher would draw (2 triangles each). */
  faces: number
  /** Triangles actually emitted (opaque + liquid). */
  triangles: number
}

// ---- face rules ----------------------------------------------------------------------

/**
 * `table[a << 8 | b]` is 1 when material a shows its face towards neighbour b:
 * solid faces show against anything not solid (air, water, flowers); liquid faces only against
 * air (no walls inside a lake, no water skin over its bed); decor shows against non-solid
 * neighbours other than itself.
 */
export function faceTable(m: MaterialTable): Uint8Array {
  const t = new Uint8Array(65536)
  const n = m.kind.length
  for (let a = 1; a < n; a++) {
    const ka = m.kind[a]!
    for (let b = 0; b < 256; b++) {
      const kb = b < n ? m.kind[b]! : KIND_AIR
      let show = false
      if (ka === KIND_SOLID) show = kb !== KIND_SOLID
      else if (ka === KIND_LIQUID) show = kb === KIND_AIR
      else if (ka === KIND_DECOR) show = kb !== KIND_SOLID && b !== a
      t[(a << 8) | b] = show ? 1 : 0
    }
  }
  return t
}

// Six face directions: axis (0 x, 1 y, 2 z) and sign. Index order matches SHADE and NORMALS.
const AXIS = [0, 0, 1, 1, 2, 2] as const
const SIGN = [1, -1, 1, -1, 1, -1] as const
/** A light per-direction shade so faces stay readable even in flat light. */
const SHADE = [0.86, 0.8, 1, 0.6, 0.93, 0.74] as const

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)
}

/** Per material and direction: linear RGB bytes, shade included (water is left unshaded). */
export function colorTable(m: MaterialTable): Uint8Array {
  const out = new Uint8Array(256 * 6 * 3)
  for (let id = 1; id < m.kind.length; id++) {
    for (let dir = 0; dir < 6; dir++) {
      const shade = m.kind[id] === KIND_LIQUID ? 1 : SHADE[dir]!
      for (let k = 0; k < 3; k++)
        out[(id * 6 + dir) * 3 + k] = Math.round(
          255 * Math.min(1, srgbToLinear(m.rgb[id * 3 + k]! / 255) * shade),
        )
    }
  }
  return out
}

// ---- geometry accumulation -----------------------------------------------------------

class QuadBuffer {
  positions = new Float32Array(4 * 3 * 1024)
  normals = new Int8Array(4 * 3 * 1024)
  seams = new Int8Array(4 * 3 * 1024)
  colors = new Uint8Array(4 * 3 * 1024)
  quads = 0

  reset(): void {
    this.quads = 0
  }

  private grow(): void {
    const grow = <T extends Float32Array | Int8Array | Uint8Array>(
      a: T,
      make: (n: number) => T,
    ) => {
      const b = make(a.length * 2)
      b.set(a)
      return b
    }
    this.positions = grow(this.positions, (n) => new Float32Array(n))
    this.normals = grow(this.normals, (n) => new Int8Array(n))
    this.seams = grow(this.seams, (n) => new Int8Array(n))
    this.colors = grow(this.colors, (n) => new Uint8Array(n))
  }

  /**
   * Appends one quad: `corners` holds 4 xyz corners in counter-clockwise order, `seams` their
   * outward in-plane directions.
   */
  push(
    corners: Float64Array,
    seams: Int8Array,
    dir: number,
    colors: Uint8Array,
    colorAt: number,
  ): void {
    if ((this.quads + 1) * 12 > this.positions.length) this.grow()
    const o = this.quads * 12
    const axis = AXIS[dir]!
    const sign = SIGN[dir]! * 127
    for (let v = 0; v < 4; v++) {
      const p = o + v * 3
      this.positions[p] = corners[v * 3]!
      this.positions[p + 1] = corners[v * 3 + 1]!
      this.positions[p + 2] = corners[v * 3 + 2]!
      this.seams[p] = seams[v * 3]!
      this.seams[p + 1] = seams[v * 3 + 1]!
      this.seams[p + 2] = seams[v * 3 + 2]!
      this.normals[p] = axis === 0 ? sign : 0
      this.normals[p + 1] = axis === 1 ? sign : 0
      this.normals[p + 2] = axis === 2 ? sign : 0
      this.colors[p] = colors[colorAt]!
      this.colors[p + 1] = colors[colorAt + 1]!
      this.colors[p + 2] = colors[colorAt + 2]!
    }
    this.quads++
  }

  /** Exact-size copies (their buffers can be transferred), or null when empty. */
  finish(): MeshPart | null {
    const q = this.quads
    if (q === 0) return null
    const verts = q * 4
    const indices = verts > 65536 ? new Uint32Array(q * 6) : new Uint16Array(q * 6)
    for (let i = 0; i < q; i++) {
      const v = i * 4
      const o = i * 6
      indices[o] = v
      indices[o + 1] = v + 1
      indices[o + 2] = v + 2
      indices[o + 3] = v
      indices[o + 4] = v + 2
      indices[o + 5] = v + 3
    }
    return {
      positions: this.positions.slice(0, verts * 3),
      normals: this.normals.slice(0, verts * 3),
      seams: this.seams.slice(0, verts * 3),
      colors: this.colors.slice(0, verts * 3),
      indices,
      triangles: q * 2,
    }
  }
}

/**
 * Everything derived from the materials, plus scratch buffers, reused for every chunk of a
 * grid (the worker meshes chunk after chunk without reallocating).
 */
export class Mesher {
  faces: Uint8Array
  colors: Uint8Array
  private kind: Uint8Array
  private readonly opaque = new QuadBuffer()
  private readonly liquid = new QuadBuffer()
  private mask = new Uint8Array(0)
  private work = new Uint8Array(0)
  /** Rectangles as (u, v, width along u, height along v, material) quintuples. */
  private rectsA = new Int32Array(0)
  private rectsB = new Int32Array(0)
  private readonly corners = new Float64Array(12)
  private readonly seams = new Int8Array(12)

  constructor(readonly grid: VoxelGrid) {
    this.faces = faceTable(grid.materials)
    this.colors = colorTable(grid.materials)
    this.kind = grid.materials.kind
  }

  /** The grid's material table changed (grid.setMaterials): the tables derived from it follow. */
  materialsChanged() {
    this.faces = faceTable(this.grid.materials)
    this.colors = colorTable(this.grid.materials)
    this.kind = this.grid.materials.kind
  }

  /**
   * Meshes chunk (cx, cz). `greedy` merges coplanar faces of one material into rectangles;
   * otherwise every visible face is its own quad. Faces against neighbouring chunks are culled
   * from the shared grid; faces on the world's sides and top are drawn, its underside is not.
   */
  mesh(cx: number, cz: number, size: number, greedy = true): ChunkMesh {
    const g = this.grid
    const data = g.data
    const { sx, sy, sz } = g
    const x0 = cx * size
    const z0 = cz * size
    const x1 = Math.min(sx, x0 + size)
    const z1 = Math.min(sz, z0 + size)
    this.opaque.reset()
    this.liquid.reset()

    // Only the height band that holds anything needs slicing.
    let yMax = -1
    for (let z = z0; z < z1; z++)
      for (let x = x0; x < x1; x++) {
        const base = (z * sx + x) * sy
        for (let y = sy - 1; y > yMax; y--)
          if (data[base + y] !== 0) {
            yMax = y
            break
          }
      }
    const chunk: ChunkMesh = {
      cx,
      cz,
      x0,
      z0,
      x1,
      z1,
      opaque: null,
      liquid: null,
      faces: 0,
      triangles: 0,
    }
    if (yMax < 0) return chunk

    const lo = [x0, 0, z0]
    const hi = [x1, yMax + 1, z1]
    const dimsOf = [sx, sy, sz]
    const stride = [sy, 1, sx * sy]
    const faces = this.faces
    const kind = this.kind
    const colors = this.colors
    const corners = this.corners
    const seams = this.seams
    let faceCount = 0

    for (let dir = 0; dir < 6; dir++) {
      const d = AXIS[dir]!
      const sign = SIGN[dir]!
      const u = (d + 1) % 3
      const v = (d + 2) % 3
      const U = hi[u]! - lo[u]!
      const V = hi[v]! - lo[v]!
      if (this.mask.length < U * V) {
        this.mask = new Uint8Array(U * V)
        this.work = new Uint8Array(U * V)
        this.rectsA = new Int32Array(U * V * 5)
        this.rectsB = new Int32Array(U * V * 5)
      }
      const mask = this.mask
      const su = stride[u]!
      const sv = stride[v]!
      const nOff = sign * stride[d]!
      for (let s = lo[d]!; s < hi[d]!; s++) {
        const ns = s + sign
        // Below the world counts as solid ground: nobody sees the underside.
        if (d === 1 && ns < 0) continue
        const outside = ns < 0 || ns >= dimsOf[d]!
        let any = false
        const base = s * stride[d]! + lo[u]! * su + lo[v]! * sv
        for (let j = 0; j < V; j++) {
          let idx = base + j * sv
          const row = j * U
          for (let i = 0; i < U; i++, idx += su) {
            const a = data[idx]!
            if (a === 0) {
              mask[row + i] = 0
              continue
            }
            const b = outside ? 0 : data[idx + nOff]!
            if (faces[(a << 8) | b]) {
              mask[row + i] = a
              any = true
              faceCount++
            } else mask[row + i] = 0
          }
        }
        if (!any) continue

        const plane = sign > 0 ? s + 1 : s
        let rects: Int32Array
        let n: number
        if (greedy) {
          // Merging along u first or along v first suits different shapes (terrain steps run
          // either way): try both on this slice and keep whichever needs fewer quads.
          const na = mergeRects(mask, this.work, U, V, false, this.rectsA)
          const nb = mergeRects(mask, this.work, U, V, true, this.rectsB)
          rects = na <= nb ? this.rectsA : this.rectsB
          n = Math.min(na, nb)
        } else {
          n = unitRects(mask, U, V, this.rectsA)
          rects = this.rectsA
        }
        for (let r = 0; r < n; r++) {
          const o = r * 5
          const ua = lo[u]! + rects[o]!
          const va = lo[v]! + rects[o + 1]!
          const ub = ua + rects[o + 2]!
          const vb = va + rects[o + 3]!
          const m = rects[o + 4]!
          // Corners counter-clockwise seen from the face's outside: u×v points along +d.
          setCorner(corners, seams, 0, d, u, v, plane, ua, va, -1, -1)
          if (sign > 0) {
            setCorner(corners, seams, 1, d, u, v, plane, ub, va, 1, -1)
            setCorner(corners, seams, 2, d, u, v, plane, ub, vb, 1, 1)
            setCorner(corners, seams, 3, d, u, v, plane, ua, vb, -1, 1)
          } else {
            setCorner(corners, seams, 1, d, u, v, plane, ua, vb, -1, 1)
            setCorner(corners, seams, 2, d, u, v, plane, ub, vb, 1, 1)
            setCorner(corners, seams, 3, d, u, v, plane, ub, va, 1, -1)
          }
          const target = kind[m] === KIND_LIQUID ? this.liquid : this.opaque
          target.push(corners, seams, dir, colors, (m * 6 + dir) * 3)
        }
      }
    }

    chunk.opaque = this.opaque.finish()
    chunk.liquid = this.liquid.finish()
    chunk.faces = faceCount
    chunk.triangles = (chunk.opaque?.triangles ?? 0) + (chunk.liquid?.triangles ?? 0)
    return chunk
  }
}

/**
 * Greedy merge of a U×V face mask into rectangles; returns how many. Grows each rectangle along
 * the primary axis (u, or v when `transpose`), then along the other while whole rows match.
 */
function mergeRects(
  mask: Uint8Array,
  work: Uint8Array,
  U: number,
  V: number,
  transpose: boolean,
  out: Int32Array,
): number {
  work.set(mask.subarray(0, U * V))
  const P = transpose ? V : U
  const S = transpose ? U : V
  const ps = transpose ? U : 1
  const ss = transpose ? 1 : U
  let n = 0
  for (let b = 0; b < S; b++) {
    for (let a = 0; a < P;) {
      const at = a * ps + b * ss
      const m = work[at]!
      if (m === 0) {
        a++
        continue
      }
      let w = 1
      while (a + w < P && work[at + w * ps] === m) w++
      let h = 1
      grow: for (; b + h < S; h++) {
        const row = at + h * ss
        for (let k = 0; k < w; k++) if (work[row + k * ps] !== m) break grow
      }
      for (let r = 0; r < h; r++) for (let k = 0; k < w; k++) work[at + r * ss + k * ps] = 0
      const o = n * 5
      out[o] = transpose ? b : a
      out[o + 1] = transpose ? a : b
      out[o + 2] = transpose ? h : w
      out[o + 3] = transpose ? w : h
      out[o + 4] = m
      n++
      a += w
    }
  }
  return n
}

/** One 1×1 rectangle per visible face (the naive mesher). */
function unitRects(mask: Uint8Array, U: number, V: number, out: Int32Array): number {
  let n = 0
  for (let j = 0; j < V; j++)
    for (let i = 0; i < U; i++) {
      const m = mask[j * U + i]!
      if (m === 0) continue
      const o = n * 5
      out[o] = i
      out[o + 1] = j
      out[o + 2] = 1
      out[o + 3] = 1
      out[o + 4] = m
      n++
    }
  return n
}

function setCorner(
  out: Float64Array,
  seams: Int8Array,
  k: number,
  d: number,
  u: number,
  v: number,
  pd: number,
  pu: number,
  pv: number,
  su: number,
  sv: number,
): void {
  out[k * 3 + d] = pd
  out[k * 3 + u] = pu
  out[k * 3 + v] = pv
  seams[k * 3 + d] = 0
  seams[k * 3 + u] = su
  seams[k * 3 + v] = sv
}

/** Greedy mesh of one chunk (convenience wrapper; reuse a Mesher for many chunks). */
export function meshChunkGreedy(
  grid: VoxelGrid,
  cx: number,
  cz: number,
  size = CHUNK_SIZE,
): ChunkMesh {
  return new Mesher(grid).mesh(cx, cz, size, true)
}

/** Naive mesh of one chunk: one quad (2 triangles) per visible face. */
export function meshChunkNaive(
  grid: VoxelGrid,
  cx: number,
  cz: number,
  size = CHUNK_SIZE,
): ChunkMesh {
  return new Mesher(grid).mesh(cx, cz, size, false)
}

export interface TriangleCounts {
  greedy: number
  naive: number
}

/** Triangle counts of a whole grid (greedy emitted, naive = visible faces × 2). */
export function countTriangles(
  grid: VoxelGrid,
  size = chunkSizeFor(grid.sx, grid.sz),
): TriangleCounts {
  const mesher = new Mesher(grid)
  const layout = chunkLayout(grid.sx, grid.sz, size)
  const out: TriangleCounts = { greedy: 0, naive: 0 }
  for (let cz = 0; cz < layout.nz; cz++)
    for (let cx = 0; cx < layout.nx; cx++) {
      const c = mesher.mesh(cx, cz, size)
      out.greedy += c.triangles
      out.naive += c.faces * 2
    }
  return out
}
