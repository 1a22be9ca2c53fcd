// Builds the landmark layout's parts into three geometries and merges them into one geometry per
// material (lacquer, stone, roof) for the whole world, so all landmarks cost three draw calls.
import {
  BoxGeometry,
  BufferGeometry,
  Color,
  CylinderGeometry,
  Euler,
  Float32BufferAttribute,
  Matrix4,
  Quaternion,
  SphereGeometry,
  Vector3,
} from 'three'
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js'
import type { ArchPart, LandmarkLayout, LandmarkMaterial, Part, RoofPart, Vec3 } from './landmarks'
import { bridgeDeckBottom, bridgeDeckTop } from './landmarks'

export type LandmarkGeometries = Record<LandmarkMaterial, BufferGeometry | null>

const UP = new Vector3(0, 1, 0)
const ONE = new Vector3(1, 1, 1)
/** One roof-tile texture repeat covers this many metres. */
const TILE_REPEAT = 1.2
/** Metres one repeat of the stone and lacquer textures covers (textures.ts). */
export const SURFACE_REPEAT: Record<'stone' | 'lacquer', number> = { stone: 2.4, lacquer: 1.6 }

export function createLandmarkGeometries(layouts: readonly LandmarkLayout[]): LandmarkGeometries {
  const lists: Record<LandmarkMaterial, BufferGeometry[]> = { lacquer: [], stone: [], roof: [] }
  const m = new Matrix4()
  const q = new Quaternion()
  const p = new Vector3()
  for (const l of layouts) {
    m.compose(p.set(l.x, l.y, l.z), q.setFromAxisAngle(UP, l.rotation), ONE)
    for (const part of l.parts) {
      const g = partGeometry(part)
      g.applyMatrix4(m)
      if (part.mat !== 'roof') projectUvs(g, SURFACE_REPEAT[part.mat])
      lists[part.mat].push(g)
    }
  }
  const merge = (list: BufferGeometry[]): BufferGeometry | null => {
    if (list.length === 0) return null
    const merged = mergeGeometries(list, false)
    for (const g of list) g.dispose()
    if (!merged) throw new Error('landmark geometries could not be merged')
    merged.computeBoundingSphere()
    return merged
  }
  return { lacquer: merge(lists.lacquer), stone: merge(lists.stone), roof: merge(lists.roof) }
}

/**
 * World-space texture coordinates for a placed, non-indexed part: each triangle takes the plane
 * its face is most nearly parallel to (walls: across and up; floors: x and z), so stone courses
 * and wood grain keep one size on every landmark however big its parts are, and run level.
 */
export function projectUvs(g: BufferGeometry, repeat: number): void {
  const pos = g.getAttribute('position')
  const uv = new Float32Array(pos.count * 2)
  const a = new Vector3()
  const b = new Vector3()
  const c = new Vector3()
  for (let t = 0; t + 2 < pos.count; t += 3) {
    a.fromBufferAttribute(pos, t)
    b.fromBufferAttribute(pos, t + 1).sub(a)
    c.fromBufferAttribute(pos, t + 2).sub(a)
    const n = b.cross(c)
    const ax = Math.abs(n.x)
    const ay = Math.abs(n.y)
    const az = Math.abs(n.z)
    for (let k = t; k < t + 3; k++) {
      const x = pos.getX(k)
      const y = pos.getY(k)
      const z = pos.getZ(k)
      const [u, v] = ay >= ax && ay >= az ? [x, z] : ax >= az ? [z, y] : [x, y]
      uv[k * 2] = u / repeat
      uv[k * 2 + 1] = v / repeat
    }
  }
  g.setAttribute('uv', new Float32BufferAttribute(uv, 2))
}

/** One part as a non-indexed geometry with position, normal, uv and colour. */
function partGeometry(part: Part): BufferGeometry {
  let g: BufferGeometry
  switch (part.shape) {
    case 'box':
      g = new BoxGeometry(...part.size)
      if (part.rot) g.applyMatrix4(new Matrix4().makeRotationFromEuler(new Euler(...part.rot)))
      break
    case 'cylinder':
      g = new CylinderGeometry(part.radiusTop, part.radiusBottom, part.height, part.sides)
      break
    case 'sphere':
      g = new SphereGeometry(part.radius, 8, 6)
      break
    case 'roof':
      g = roofGeometry(part)
      break
    case 'arch':
      g = archGeometry(part)
      break
  }
  if (g.index) {
    const flat = g.toNonIndexed()
    g.dispose()
    g = flat
  }
  g.clearGroups()
  // Faceted walls: on a non-indexed geometry this gives one normal per face.
  if (part.shape === 'cylinder' && part.flat) g.computeVertexNormals()
  g.translate(...part.at)
  const c = new Color(part.color)
  const count = g.getAttribute('position').count
  const colors = new Float32Array(count * 3)
  for (let i = 0; i < count; i++) {
    colors[i * 3] = c.r
    colors[i * 3 + 1] = c.g
    colors[i * 3 + 2] = c.b
  }
  g.setAttribute('color', new Float32BufferAttribute(colors, 3))
  return g
}

/**
 * A quad grid through rows of points; the front face's normal is rowDir × colDir (rows advance
 * along the first index, columns along the second).
 */
function surface(rows: Vec3[][], uvs: [number, number][][]): BufferGeometry {
  const nr = rows.length
  const nc = rows[0]!.length
  const pos = new Float32Array(nr * nc * 3)
  const uv = new Float32Array(nr * nc * 2)
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      pos.set(v, (r * nc + c) * 3)
      uv.set(uvs[r]![c]!, (r * nc + c) * 2)
    }),
  )
  const index: number[] = []
  for (let r = 0; r < nr - 1; r++)
    for (let c = 0; c < nc - 1; c++) {
      const a = r * nc + c
      const b = a + 1
      const d = a + nc
      const e = d + 1
      index.push(a, d, b, b, d, e)
    }
  const g = new BufferGeometry()
  g.setAttribute('position', new Float32BufferAttribute(pos, 3))
  g.setAttribute('uv', new Float32BufferAttribute(uv, 2))
  g.setIndex(index)
  g.computeVertexNormals()
  return g
}

/** Corners of the roof's horizontal ring at slope parameter t (0 ridge/apex, 1 eave). */
function ringCorners(p: RoofPart, t: number): [number, number][] {
  if (p.sides === 0) {
    const ex = p.ridge + (p.halfX - p.ridge) * t
    const ez = p.halfZ * t
    return [
      [-ex, ez],
      [ex, ez],
      [ex, -ez],
      [-ex, -ez],
    ]
  }
  return Array.from({ length: p.sides }, (_, k) => {
    const a = p.corner + (k / p.sides) * Math.PI * 2
    return [Math.sin(a) * p.halfX * t, Math.cos(a) * p.halfX * t] as [number, number]
  })
}

/**
 * A roof whose slope is concave (steep at the ridge, shallow at the eave, as the 举折 rule
 * prescribes) and whose corners sweep up and out; a short fascia gives the eave thickness.
 */
function roofGeometry(p: RoofPart): BufferGeometry {
  const RINGS = 7
  const nSides = p.sides === 0 ? 4 : p.sides
  const per = p.sides === 0 ? 8 : Math.max(4, Math.round(32 / nSides))
  const eave = ringCorners(p, 1)
  const sideLen = eave.map((a, k) => {
    const b = eave[(k + 1) % nSides]!
    return Math.hypot(b[0] - a[0], b[1] - a[1])
  })
  const slant = Math.hypot(p.height, p.sides === 0 ? p.halfZ : p.halfX)
  const rows: Vec3[][] = []
  const uvs: [number, number][][] = []
  const ringAt = (t: number, drop: number) => {
    const corners = ringCorners(p, t)
    const row: Vec3[] = []
    const uvRow: [number, number][] = []
    let u = 0
    for (let k = 0; k < nSides; k++) {
      const a = corners[k]!
      const b = corners[(k + 1) % nSides]!
      const last = k === nSides - 1
      for (let s = 0; s <= (last ? per : per - 1); s++) {
        // Samples crowd towards the corners, where the eaves curl.
        const f = 0.5 - 0.5 * Math.cos((Math.PI * s) / per)
        const cf = Math.pow(Math.abs(2 * f - 1), 4)
        const spread = 1 + 0.07 * t * t * t * cf
        const x = (a[0] + (b[0] - a[0]) * f) * spread
        const z = (a[1] + (b[1] - a[1]) * f) * spread
        const y =
          p.height * Math.pow(1 - t, 1.6) +
          p.lift * (Math.pow(t, 2.5) * cf + 0.15 * t * t * t) -
          drop
        row.push([x, y, z])
        uvRow.push([(u + f * sideLen[k]!) / TILE_REPEAT, ((1 - t) * slant + drop) / TILE_REPEAT])
      }
      u += sideLen[k]!
    }
    rows.push(row)
    uvs.push(uvRow)
  }
  for (let r = 0; r < RINGS; r++) ringAt(p.start + (1 - p.start) * (r / (RINGS - 1)), 0)
  ringAt(1, Math.min(0.25, p.height * 0.08))
  return surface(rows, uvs)
}

/** The bridge's arched slab: deck on top, arch below, two faces and two end caps. */
function archGeometry(p: ArchPart): BufferGeometry {
  const N = 48
  const L = p.length
  const w = p.width / 2
  const xs = Array.from({ length: N + 1 }, (_, i) => -L / 2 + (L * i) / N)
  const top = xs.map((x) => bridgeDeckTop(x, L, p.rise))
  const bottom = xs.map((x) => bridgeDeckBottom(x, L, p.rise))
  const line = (ys: number[], z: number): Vec3[] => xs.map((x, i) => [x, ys[i]!, z])
  const uvLine = (v: number): [number, number][] => xs.map((x) => [x / 2, v])
  const parts = [
    surface([line(top, -w), line(top, w)], [uvLine(0), uvLine(1)]),
    surface([line(bottom, w), line(bottom, -w)], [uvLine(0), uvLine(1)]),
    surface([line(top, w), line(bottom, w)], [uvLine(0), uvLine(1)]),
    surface([line(bottom, -w), line(top, -w)], [uvLine(0), uvLine(1)]),
  ]
  for (const [end, sign] of [
    [N, 1],
    [0, -1],
  ] as const) {
    const x = xs[end]!
    const lo: Vec3[] = [
      [x, bottom[end]!, -w],
      [x, bottom[end]!, w],
    ]
    const hi: Vec3[] = [
      [x, top[end]!, -w],
      [x, top[end]!, w],
    ]
    const uv: [number, number][] = [
      [0, 0],
      [1, 0],
    ]
    parts.push(surface(sign > 0 ? [lo, hi] : [hi, lo], [uv, uv]))
  }
  const flat = parts.map((g) => {
    const n = g.toNonIndexed()
    g.dispose()
    return n
  })
  const merged = mergeGeometries(flat, false)
  for (const g of flat) g.dispose()
  if (!merged) throw new Error('bridge geometry could not be merged')
  return merged
}
