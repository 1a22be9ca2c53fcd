// Low-poly tree and grass-tuft geometries in the spirit of shan-shui painting (layered "cloud"
// pines, weeping willows, round maples), and the instance data that places them.
import {
  BufferGeometry,
  Color,
  CylinderGeometry,
  Float32BufferAttribute,
  IcosahedronGeometry,
  PlaneGeometry,
  Matrix4,
  Quaternion,
  SphereGeometry,
  Vector3,
} from 'three'
import type { InstancedMesh } from 'three'
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js'
import { mulberry32 } from './noise'
import type { TreeInstance, TreeKind } from './vegetation'
import { GRASS_STRIDE } from './vegetation'

const BARK = new Color('#5a4333')
const LEAF = new Color('#ffffff') // foliage takes its hue from the instance colour

interface PieceOptions {
  color: Color
  foliage: boolean
  /** Wind weight at the piece's lowest and highest point (interpolated by height). */
  wind: [number, number]
  /** Tree height used to normalise the wind weight. */
  height: number
}

/** Adds colour, foliage and windWeight attributes and strips what trees do not use. */
function piece(g: BufferGeometry, o: PieceOptions): BufferGeometry {
  const flat = g.index ? g.toNonIndexed() : g
  if (flat !== g) g.dispose()
  flat.deleteAttribute('uv')
  const pos = flat.getAttribute('position')
  const n = pos.count
  const color = new Float32Array(n * 3)
  const foliage = new Float32Array(n).fill(o.foliage ? 1 : 0)
  const wind = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    color[i * 3] = o.color.r
    color[i * 3 + 1] = o.color.g
    color[i * 3 + 2] = o.color.b
    const t = Math.min(1, Math.max(0, pos.getY(i) / o.height))
    wind[i] = (o.wind[0] + (o.wind[1] - o.wind[0]) * t) * t
  }
  flat.setAttribute('color', new Float32BufferAttribute(color, 3))
  flat.setAttribute('foliage', new Float32BufferAttribute(foliage, 1))
  flat.setAttribute('windWeight', new Float32BufferAttribute(wind, 1))
  return flat
}

function merged(pieces: BufferGeometry[]): BufferGeometry {
  const g = mergeGeometries(pieces, false)
  for (const p of pieces) p.dispose()
  if (!g) throw new Error('tree geometry could not be merged')
  g.computeBoundingSphere()
  return g
}

const m4 = new Matrix4()
const q4 = new Quaternion()
const v3 = new Vector3()
const s3 = new Vector3()

/** A leafy blob: smooth (normals from the centre) at any level of detail. */
function blob(radius: number, detail: number): BufferGeometry {
  const g = new IcosahedronGeometry(radius, detail)
  const p = g.getAttribute('position')
  const n = g.getAttribute('normal')
  for (let i = 0; i < p.count; i++) {
    v3.set(p.getX(i), p.getY(i), p.getZ(i)).normalize()
    n.setXYZ(i, v3.x, v3.y, v3.z)
  }
  return g
}

/** A trunk or branch: open ended, its ends hide in the ground or the foliage. */
function limb(top: number, bottom: number, height: number, sides: number): BufferGeometry {
  return new CylinderGeometry(top, bottom, height, sides, 1, true)
}

function placed(g: BufferGeometry, at: Vec, scale: Vec = [1, 1, 1], tiltZ = 0): BufferGeometry {
  q4.setFromAxisAngle(v3.set(0, 0, 1), tiltZ)
  g.applyMatrix4(m4.compose(v3.set(...at), q4, s3.set(...scale)))
  return g
}
type Vec = [number, number, number]

/** A Huangshan-style pine: a leaning trunk carrying flat layered pads of needles (~9 m). */
function pine(detail: number): BufferGeometry {
  const H = 9
  const bark = { color: BARK, foliage: false, wind: [0, 0.25] as [number, number], height: H }
  const leaf = { color: LEAF, foliage: true, wind: [0.4, 1] as [number, number], height: H }
  const pieces = [
    piece(placed(limb(0.17, 0.28, 4, 7), [0, 2, 0], undefined, 0.06), bark),
    piece(placed(limb(0.1, 0.17, 4, 6), [-0.35, 5.8, 0], undefined, -0.14), bark),
    piece(placed(limb(0.05, 0.09, 2.2, 5), [0.9, 4.6, 0.2], undefined, -1.2), bark),
    piece(placed(limb(0.05, 0.08, 2, 5), [-1.2, 6.1, -0.2], undefined, 1.25), bark),
  ]
  const pads: [Vec, Vec][] = [
    [
      [1.7, 4.9, 0.3],
      [2.1, 0.55, 1.7],
    ],
    [
      [-1.9, 6.3, -0.3],
      [1.9, 0.5, 1.6],
    ],
    [
      [0.4, 7.4, 0.2],
      [2.2, 0.6, 1.9],
    ],
    [
      [-0.3, 8.5, 0],
      [1.3, 0.5, 1.2],
    ],
  ]
  for (const [at, scale] of pads) pieces.push(piece(placed(blob(1, detail), at, scale), leaf))
  return merged(pieces)
}

/** A weeping willow: a short thick trunk, a dome and a curtain of hanging twigs (~7 m). */
function willow(detail: number): BufferGeometry {
  const H = 7
  const bark = { color: BARK, foliage: false, wind: [0, 0.2] as [number, number], height: H }
  const pieces = [
    piece(placed(limb(0.3, 0.45, 3.6, 7), [0, 1.8, 0], undefined, 0.05), bark),
    piece(
      placed(
        new SphereGeometry(2.6, detail ? 10 : 7, detail ? 5 : 3, 0, Math.PI * 2, 0, Math.PI / 2),
        [0, 4.4, 0],
        [1, 0.75, 1],
      ),
      {
        color: LEAF,
        foliage: true,
        wind: [0.3, 0.8],
        height: H,
      },
    ),
  ]
  // Hanging strands of twigs around the dome's rim, of uneven length, swaying most at the tips.
  const rand = mulberry32(17)
  const strands = detail ? 40 : 20
  for (let k = 0; k < strands; k++) {
    const a = ((k + rand() * 0.6) / strands) * Math.PI * 2
    const length = 2.4 + rand() * 1.4
    const strand = new PlaneGeometry(detail ? 0.4 : 0.6, length, 1, detail ? 3 : 1)
    strand.translate(0, -length / 2, 0)
    // Tilt outwards a little, then turn to face away from the trunk and hang from the rim.
    strand.rotateX(-0.12)
    strand.rotateY(a)
    strand.translate(Math.sin(a) * 2.35, 4.6, Math.cos(a) * 2.35)
    const top = 4.6
    const p = piece(strand, { color: LEAF, foliage: true, wind: [0, 0], height: H })
    const w = p.getAttribute('windWeight')
    const y = p.getAttribute('position')
    for (let i = 0; i < w.count; i++) w.setX(i, 0.4 + 1.3 * ((top - y.getY(i)) / 3.8))
    pieces.push(p)
  }
  return merged(pieces)
}

/** A round-crowned maple or camphor: a trunk under three or four leafy clumps (~7 m). */
function maple(detail: number): BufferGeometry {
  const H = 7
  const bark = { color: BARK, foliage: false, wind: [0, 0.2] as [number, number], height: H }
  const leaf = { color: LEAF, foliage: true, wind: [0.35, 0.8] as [number, number], height: H }
  const pieces = [piece(placed(limb(0.18, 0.3, 4, 7), [0, 2, 0]), bark)]
  const clumps: [Vec, number][] = [
    [[0, 4.9, 0], 2.0],
    [[1.2, 4.2, 0.7], 1.4],
    [[-1.0, 4.4, -0.6], 1.5],
    [[0.2, 6.0, -0.2], 1.3],
  ]
  for (const [at, r] of clumps) pieces.push(piece(placed(blob(r, detail), at, [1, 0.85, 1]), leaf))
  return merged(pieces)
}

/** Detail 1 rounds the foliage (about 3× the triangles of detail 0, for high quality). */
export function createTreeGeometry(kind: TreeKind, detail: 0 | 1): BufferGeometry {
  return kind === 'pine' ? pine(detail) : kind === 'willow' ? willow(detail) : maple(detail)
}

/** One tuft of nine single-triangle blades, lit as if facing up (normals all +y). */
export function createGrassGeometry(): BufferGeometry {
  const rand = mulberry32(5)
  const blades = 9
  const pos = new Float32Array(blades * 9)
  const col = new Float32Array(blades * 9)
  const wind = new Float32Array(blades * 3)
  const base = new Color('#3d5a24')
  const tip = new Color('#a3b95c')
  for (let b = 0; b < blades; b++) {
    const a = rand() * Math.PI * 2
    const r = rand() * 0.28
    const x = Math.cos(a) * r
    const z = Math.sin(a) * r
    const facing = rand() * Math.PI
    const w = 0.035 + rand() * 0.02
    const h = 0.35 + rand() * 0.35
    const lean = 0.1 + rand() * 0.15
    const fx = Math.cos(facing) * w
    const fz = Math.sin(facing) * w
    const o = b * 9
    pos.set(
      [x - fx, 0, z - fz, x + fx, 0, z + fz, x + Math.cos(a) * lean, h, z + Math.sin(a) * lean],
      o,
    )
    const t = tip.clone().lerp(base, rand() * 0.3)
    col.set([base.r, base.g, base.b, base.r, base.g, base.b, t.r, t.g, t.b], o)
    wind.set([0, 0, 1], b * 3)
  }
  const g = new BufferGeometry()
  g.setAttribute('position', new Float32BufferAttribute(pos, 3))
  g.setAttribute(
    'normal',
    new Float32BufferAttribute(
      new Float32Array(blades * 9).map((_, i) => (i % 3 === 1 ? 1 : 0)),
      3,
    ),
  )
  g.setAttribute('color', new Float32BufferAttribute(col, 3))
  g.setAttribute('windWeight', new Float32BufferAttribute(wind, 1))
  g.computeBoundingSphere()
  return g
}

const FOLIAGE: Record<TreeKind, string[]> = {
  pine: ['#3d6145', '#476b48', '#36583f', '#51744a'],
  willow: ['#8fb04a', '#9cb856', '#7fa244'],
  maple: ['#5b7d34', '#6a8a3a', '#4f7431', '#a8472a', '#c0793a'],
}

/** Writes matrices and foliage colours of `trees` (all of one kind) into `mesh`. */
export function fillTrees(mesh: InstancedMesh, trees: readonly TreeInstance[]): void {
  const c = new Color()
  trees.forEach((t, i) => {
    q4.setFromAxisAngle(v3.set(0, 1, 0), t.rotation)
    m4.compose(v3.set(t.x, t.y, t.z), q4, s3.setScalar(t.scale))
    mesh.setMatrixAt(i, m4)
    const palette = FOLIAGE[t.kind]
    // Maples: mostly green, the last two entries (red, amber) for about one tree in eight.
    const pick =
      t.kind !== 'maple'
        ? Math.floor(t.tint * palette.length)
        : t.tint < 0.88
          ? Math.floor((t.tint / 0.88) * 3)
          : t.tint < 0.95
            ? 3
            : 4
    c.set(palette[Math.min(palette.length - 1, pick)]!)
    mesh.setColorAt(i, c)
  })
  mesh.instanceMatrix.needsUpdate = true
  if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true
  mesh.computeBoundingSphere()
}

/** Writes the matrices of the grass tufts listed in `indices` into `mesh`. */
export function fillGrass(
  mesh: InstancedMesh,
  grass: Float32Array,
  indices: readonly number[],
): void {
  indices.forEach((t, i) => {
    const o = t * GRASS_STRIDE
    q4.setFromAxisAngle(v3.set(0, 1, 0), grass[o + 3]!)
    m4.compose(v3.set(grass[o]!, grass[o + 1]!, grass[o + 2]!), q4, s3.setScalar(grass[o + 4]!))
    mesh.setMatrixAt(i, m4)
  })
  mesh.instanceMatrix.needsUpdate = true
  mesh.computeBoundingSphere()
}
