// Layout of Cangqiong's Chinese landmarks (pavilion, pagoda, bridge, gate, hall) as primitive
// parts plus collision boxes, built by the same calls so meshes and collider agree. Pure math.
//
// It is one file because every landmark is built by the same Builder calls that make both its
// meshes and its collision boxes.
import type { HdWorld, Landmark } from '../../protocol/scene'

export type Vec3 = [number, number, number]
export type LandmarkKind = Landmark['kind']
/** Parts are merged into one mesh per material: lacquered wood (and gilding), stone, roof tiles. */
export type LandmarkMaterial = 'lacquer' | 'stone' | 'roof'

interface PartBase {
  mat: LandmarkMaterial
  /** sRGB colour as 0xrrggbb. */
  color: number
  /** Centre, in the landmark's frame (metres, y up from the landmark's base). */
  at: Vec3
}

export interface BoxPart extends PartBase {
  shape: 'box'
  size: Vec3
  /** Euler rotation (x, y, z), radians. */
  rot?: Vec3
}

export interface CylinderPart extends PartBase {
  shape: 'cylinder'
  radiusTop: number
  radiusBottom: number
  height: number
  sides: number
  /** Faceted (octagonal walls) rather than smooth (round columns). */
  flat?: boolean
}

export interface SpherePart extends PartBase {
  shape: 'sphere'
  radius: number
}

/**
 * A curved roof with upturned eaves. `sides` 0 is a hip roof over a rectangle (ridge along x,
 * `ridge` its half length); `sides` n ≥ 3 is a pyramid over a regular n-gon of circumradius
 * `halfX`, its first corner at angle `corner` (0 = +z). `at` is the centre at eave height.
 */
export interface RoofPart extends PartBase {
  shape: 'roof'
  sides: number
  halfX: number
  halfZ: number
  ridge: number
  height: number
  lift: number
  corner: number
  /** 0..1: leave the top open from here (a lower eave skirt of a double roof). */
  start: number
}

/** The arched deck of a stone bridge along local x; profile from bridgeDeckTop/Bottom. */
export interface ArchPart extends PartBase {
  shape: 'arch'
  length: number
  width: number
  rise: number
}

export type Part = BoxPart | CylinderPart | SpherePart | RoofPart | ArchPart

/** An axis-aligned box in the landmark's frame. Floors carry visitors; solids stop them. */
export interface ColliderBox {
  center: Vec3
  half: Vec3
  floor: boolean
}

export interface LandmarkLayout {
  kind: LandmarkKind
  /** World position of the landmark's base. */
  x: number
  y: number
  z: number
  /** Rotation about +y, radians (as three's rotation.y). */
  rotation: number
  /** Radius that vegetation and the lake keep clear of (m). */
  footprint: number
  parts: Part[]
  boxes: ColliderBox[]
}

/** Unit-scale size of the arched bridge. */
export const BRIDGE = { length: 16, width: 3.6, rise: 2.2 } as const

const FOOTPRINT: Record<LandmarkKind, number> = {
  pavilion: 5.5,
  pagoda: 7.5,
  gate: 6.5,
  hall: 14.5,
  bridge: BRIDGE.length / 2,
}

/** Radius of the terrace the terrain flattens under a landmark (m). */
export function landmarkFootprint(kind: LandmarkKind, scale: number): number {
  return FOOTPRINT[kind] * scale
}

/** Height of the bridge deck above its base at `lx` along its span: flat at crown and ends. */
export function bridgeDeckTop(lx: number, length: number, rise: number): number {
  if (Math.abs(lx) >= length / 2) return 0
  const c = Math.cos((Math.PI * lx) / length)
  return rise * c * c
}

/** Underside of the bridge: an elliptical arch over the water, deep footings elsewhere. */
export function bridgeDeckBottom(lx: number, length: number, rise: number): number {
  const rx = length * 0.225
  const ry = rise * 1.36
  const foot = -rise * 1.15
  const centre = -rise * 0.9
  if (Math.abs(lx) >= rx) return foot
  return Math.max(foot, centre + ry * Math.sqrt(1 - (lx / rx) ** 2))
}

export const COLORS = {
  red: 0x9b2d20,
  darkRed: 0x5e1f18,
  door: 0x7d2a1e,
  green: 0x2e6b5a,
  blue: 0x2f5680,
  gold: 0xc8a048,
  plaster: 0xe6e0d2,
  stone: 0xb8b2a4,
  marble: 0xd9d6cc,
  darkStone: 0x8d887c,
  tile: 0x3d434b,
  glazed: 0x2f5f66,
  ridge: 0x2a2e34,
  plaque: 0x1f3550,
} as const

/** Collects parts and boxes in unit scale and writes them scaled by `s`. */
class Builder {
  readonly parts: Part[] = []
  readonly boxes: ColliderBox[] = []
  constructor(private readonly s: number) {}

  private v(x: number, y: number, z: number): Vec3 {
    return [x * this.s, y * this.s, z * this.s]
  }

  collider(center: Vec3, size: Vec3, floor: boolean) {
    const s = this.s
    this.boxes.push({
      center: [center[0] * s, center[1] * s, center[2] * s],
      half: [(size[0] / 2) * s, (size[1] / 2) * s, (size[2] / 2) * s],
      floor,
    })
  }

  box(
    mat: LandmarkMaterial,
    color: number,
    at: Vec3,
    size: Vec3,
    collide?: 'solid' | 'floor',
    rot?: Vec3,
  ) {
    const part: BoxPart = {
      shape: 'box',
      mat,
      color,
      at: this.v(...at),
      size: this.v(...size),
    }
    if (rot) part.rot = rot
    this.parts.push(part)
    if (collide) this.collider(at, size, collide === 'floor')
  }

  cylinder(
    mat: LandmarkMaterial,
    color: number,
    at: Vec3,
    radius: number,
    height: number,
    sides: number,
    opts: { top?: number; flat?: boolean } = {},
  ) {
    this.parts.push({
      shape: 'cylinder',
      mat,
      color,
      at: this.v(...at),
      radiusTop: (opts.top ?? radius) * this.s,
      radiusBottom: radius * this.s,
      height: height * this.s,
      sides,
      flat: opts.flat ?? false,
    })
  }

  sphere(color: number, at: Vec3, radius: number) {
    this.parts.push({
      shape: 'sphere',
      mat: 'lacquer',
      color,
      at: this.v(...at),
      radius: radius * this.s,
    })
  }

  roof(
    color: number,
    at: Vec3,
    r: {
      sides: number
      halfX: number
      halfZ?: number
      ridge?: number
      height: number
      lift: number
      corner?: number
      start?: number
    },
  ) {
    this.parts.push({
      shape: 'roof',
      mat: 'roof',
      color,
      at: this.v(...at),
      sides: r.sides,
      halfX: r.halfX * this.s,
      halfZ: (r.halfZ ?? r.halfX) * this.s,
      ridge: (r.ridge ?? 0) * this.s,
      height: r.height * this.s,
      lift: r.lift * this.s,
      corner: r.corner ?? 0,
      start: r.start ?? 0,
    })
  }

  /** A round red column standing on a stone drum, blocking as a box. */
  column(x: number, z: number, y0: number, height: number, radius: number) {
    this.cylinder('stone', COLORS.stone, [x, y0 + 0.07, z], radius * 1.5, 0.14, 8)
    this.cylinder('lacquer', COLORS.red, [x, y0 + height / 2, z], radius, height, 8, {
      top: radius * 0.9,
    })
    this.collider([x, y0 + height / 2, z], [radius * 2.4, height, radius * 2.4], false)
  }
}

function pavilion(b: Builder) {
  // Two low stone terraces (0.2 m rises), four columns, benches on three sides, a pyramid roof.
  b.box('stone', COLORS.darkStone, [0, -0.4, 0], [8, 1.2, 8], 'floor')
  b.box('stone', COLORS.stone, [0, 0.3, 0], [7, 0.2, 7], 'floor')
  const a = 2.7
  const top = 3.4
  for (const x of [-a, a]) for (const z of [-a, a]) b.column(x, z, 0.4, top - 0.4, 0.17)
  for (const [x, z, ry] of [
    [0, a, 0],
    [0, -a, 0],
    [a, 0, Math.PI / 2],
    [-a, 0, Math.PI / 2],
  ] as const) {
    const sx = ry === 0 ? 2 * a + 0.4 : 0.24
    const sz = ry === 0 ? 0.24 : 2 * a + 0.4
    b.box('lacquer', COLORS.darkRed, [x, top + 0.05, z], [sx, 0.3, sz])
    b.box(
      'lacquer',
      COLORS.green,
      [x, top - 0.25, z],
      [ry === 0 ? sx * 0.94 : 0.18, 0.2, ry === 0 ? 0.18 : sz * 0.94],
    )
  }
  // Benches with slanted backs (美人靠) on the back and sides; the front (+z) stays open.
  for (const [x, z, along] of [
    [0, -a, 'x'],
    [a, 0, 'z'],
    [-a, 0, 'z'],
  ] as const) {
    const len = 2 * a - 0.4
    const inward = along === 'x' ? Math.sign(-z) : Math.sign(-x)
    const seat: Vec3 = along === 'x' ? [len, 0.08, 0.45] : [0.45, 0.08, len]
    const panel: Vec3 = along === 'x' ? [len, 0.42, 0.08] : [0.08, 0.42, len]
    const back: Vec3 = along === 'x' ? [len, 0.55, 0.06] : [0.06, 0.55, len]
    const off = (d: number): Vec3 =>
      along === 'x' ? [x, 0, z - inward * d] : [x - inward * d, 0, z]
    const [sx, , sz] = off(-0.1)
    b.box('lacquer', COLORS.red, [sx, 0.86, sz], seat)
    b.box('lacquer', COLORS.darkRed, [x, 0.61, z], panel)
    const [bx, , bz] = off(0.12)
    const tilt = 0.35 * inward
    b.box(
      'lacquer',
      COLORS.red,
      [bx, 1.15, bz],
      back,
      undefined,
      along === 'x' ? [-tilt, 0, 0] : [0, 0, tilt],
    )
    b.collider([x, 0.9, z], along === 'x' ? [len, 1.0, 0.6] : [0.6, 1.0, len], false)
  }
  b.roof(COLORS.tile, [0, top + 0.3, 0], {
    sides: 4,
    halfX: 4.1 * Math.SQRT2,
    height: 2.5,
    lift: 0.75,
    corner: Math.PI / 4,
  })
  b.cylinder('lacquer', COLORS.gold, [0, top + 2.85, 0], 0.12, 0.3, 8, { top: 0.2 })
  b.sphere(COLORS.gold, [0, top + 3.1, 0], 0.22)
}

function pagoda(b: Builder) {
  // An octagonal seven-storey pagoda on a stepped plinth, crowned with a gilded spire.
  const oct = Math.cos(Math.PI / 8)
  b.cylinder('stone', COLORS.darkStone, [0, -0.4, 0], 6.8, 1.2, 8, { flat: true })
  b.collider([0, -0.4, 0], [2 * 6.8 * oct * 0.94, 1.2, 2 * 6.8 * oct * 0.94], true)
  b.cylinder('stone', COLORS.stone, [0, 0.3, 0], 6.0, 0.2, 8, { flat: true })
  b.collider([0, 0.3, 0], [2 * 6.0 * oct * 0.94, 0.2, 2 * 6.0 * oct * 0.94], true)
  let y = 0.4
  let r = 4.2
  for (let i = 0; i < 7; i++) {
    const h = i === 0 ? 4.0 : 2.4 * Math.pow(0.96, i)
    b.cylinder('stone', COLORS.plaster, [0, y + h / 2, 0], r, h, 8, { flat: true })
    if (i === 0) b.collider([0, y + h / 2, 0], [2 * r * oct, h, 2 * r * oct], false)
    for (let k = 0; k < 8; k++) {
      const t = (k / 8) * Math.PI * 2
      b.box('lacquer', COLORS.red, [Math.sin(t) * r, y + h / 2, Math.cos(t) * r], [0.22, h, 0.22])
    }
    // Doors on the ground floor, windows above, on the four cardinal faces.
    for (let k = 0; k < 4; k++) {
      const t = ((k * 2 + 1) / 8) * Math.PI * 2
      const d = r * oct + 0.02
      const dh = i === 0 ? 2.4 : h * 0.45
      const dw = i === 0 ? 1.3 : 0.8
      b.box(
        'lacquer',
        i === 0 ? COLORS.door : COLORS.darkRed,
        [Math.sin(t) * d, y + (i === 0 ? dh / 2 : h * 0.45), Math.cos(t) * d],
        [dw, dh, 0.08],
        undefined,
        [0, t, 0],
      )
    }
    b.cylinder(
      'lacquer',
      i % 2 ? COLORS.blue : COLORS.green,
      [0, y + h + 0.15, 0],
      r + 0.15,
      0.3,
      8,
      {
        flat: true,
      },
    )
    const roofY = y + h + 0.3
    const roofH = 1.1 + 0.1 * (7 - i) * 0.3
    b.roof(COLORS.tile, [0, roofY, 0], {
      sides: 8,
      halfX: r + 1.5,
      height: roofH,
      lift: 0.45,
    })
    // The next storey starts inside this roof's slope, so no gap shows from above.
    y = roofY + roofH * 0.15
    r *= 0.86
  }
  // Spire: gilded rings on a mast, a pearl and a finial.
  const top = y + 0.4
  b.cylinder('lacquer', COLORS.gold, [0, top, 0], 0.5, 0.5, 8, { top: 0.3 })
  for (let k = 0; k < 5; k++)
    b.cylinder('lacquer', COLORS.gold, [0, top + 0.6 + k * 0.42, 0], 0.34 - k * 0.03, 0.12, 10)
  b.cylinder('lacquer', COLORS.gold, [0, top + 1.5, 0], 0.07, 2.4, 6)
  b.sphere(COLORS.gold, [0, top + 2.9, 0], 0.32)
  b.cylinder('lacquer', COLORS.gold, [0, top + 3.5, 0], 0.0, 0.9, 6, { top: 0 })
}

function gate(b: Builder) {
  // A three-bay, four-post memorial gateway (牌楼), walkable through all bays.
  const inner = 1.7
  const outer = 4.9
  for (const x of [-outer, -inner, inner, outer]) {
    const h = Math.abs(x) < 3 ? 6.2 : 5.0
    b.column(x, 0, 0, h, 0.26)
    b.box('stone', COLORS.stone, [x, 0.5, 0], [0.8, 1.0, 1.5], 'solid')
    b.box('stone', COLORS.darkStone, [x, -0.3, 0], [1.0, 0.6, 1.8])
  }
  // Centre bay: lintel, painted band, a dark plaque framed in gold.
  b.box('lacquer', COLORS.darkRed, [0, 5.55, 0], [2 * inner + 0.6, 0.4, 0.36])
  b.box('lacquer', COLORS.green, [0, 5.2, 0], [2 * inner, 0.28, 0.3])
  b.box('lacquer', COLORS.gold, [0, 4.45, 0], [1.9, 1.05, 0.3])
  b.box('lacquer', COLORS.plaque, [0, 4.45, 0], [1.65, 0.82, 0.36])
  b.box('lacquer', COLORS.darkRed, [0, 3.7, 0], [2 * inner, 0.3, 0.3])
  for (const side of [-1, 1]) {
    const cx = (side * (inner + outer)) / 2
    b.box('lacquer', COLORS.darkRed, [cx, 4.45, 0], [outer - inner + 0.5, 0.36, 0.32])
    b.box('lacquer', COLORS.blue, [cx, 4.15, 0], [outer - inner, 0.24, 0.28])
    b.box('lacquer', COLORS.darkRed, [cx, 3.4, 0], [outer - inner, 0.26, 0.26])
    b.roof(COLORS.glazed, [cx, 4.75, 0], {
      sides: 0,
      halfX: 2.1,
      halfZ: 1.15,
      ridge: 1.1,
      height: 0.95,
      lift: 0.4,
    })
    b.box('roof', COLORS.ridge, [cx, 5.75, 0], [2.4, 0.18, 0.2])
  }
  b.roof(COLORS.glazed, [0, 5.85, 0], {
    sides: 0,
    halfX: 2.7,
    halfZ: 1.35,
    ridge: 1.6,
    height: 1.15,
    lift: 0.45,
  })
  b.box('roof', COLORS.ridge, [0, 7.05, 0], [3.4, 0.22, 0.24])
  for (const side of [-1, 1]) b.box('roof', COLORS.ridge, [side * 1.75, 7.3, 0], [0.22, 0.55, 0.22])
}

function hall(b: Builder) {
  // A five-bay hall on a terrace with front steps, lattice doors and a double-eaved hip roof.
  const hx = 11
  const hz = 7.5
  const floorY = 0.8
  b.box('stone', COLORS.stone, [0, (floorY - 1) / 2, 0], [2 * hx, floorY + 1, 2 * hz], 'floor')
  for (let k = 1; k <= 3; k++) {
    const z0 = hz + (3 - k) * 0.4
    b.box(
      'stone',
      COLORS.darkStone,
      [0, (0.2 * k - 1) / 2, z0 + 0.2],
      [6, 0.2 * k + 1, 0.4],
      'floor',
    )
  }
  const cx = [-8.4, -5.04, -1.68, 1.68, 5.04, 8.4]
  const cz = 5.6
  const colH = 5.2
  for (const x of cx) for (const z of [-cz, cz]) b.column(x, z, floorY, colH, 0.32)
  for (const x of [-8.4, 8.4]) for (const z of [-1.87, 1.87]) b.column(x, z, floorY, colH, 0.32)
  const wallY = floorY + colH / 2
  b.box('lacquer', COLORS.darkRed, [0, wallY, -cz], [16.8, colH, 0.4], 'solid')
  for (const x of [-8.4, 8.4])
    b.box('lacquer', COLORS.darkRed, [x, wallY, 0], [0.4, colH, 11.2], 'solid')
  // Lattice doors in the front bays; the middle bay stands open.
  for (let i = 0; i < 5; i++) {
    if (i === 2) continue
    const x = (cx[i]! + cx[i + 1]!) / 2
    const w = 3.36 - 0.64
    b.box('lacquer', COLORS.door, [x, floorY + 2.1, cz], [w, 4.2, 0.16], 'solid')
    for (const y of [1.0, 2.6, 3.6])
      b.box('lacquer', COLORS.darkRed, [x, floorY + y, cz + 0.06], [w, 0.1, 0.1])
    b.box('lacquer', COLORS.darkRed, [x, floorY + 2.1, cz + 0.06], [0.1, 4.2, 0.1])
  }
  b.box('lacquer', COLORS.darkRed, [0, floorY + 0.07, cz], [2.7, 0.14, 0.2])
  b.box('lacquer', COLORS.gold, [0, floorY + 0.8, -4.3], [2.2, 1.6, 1.4], 'solid')
  // Architrave and a painted bracket band all round.
  const beamY = floorY + colH + 0.15
  for (const z of [-cz, cz]) {
    b.box('lacquer', COLORS.darkRed, [0, beamY, z], [17.4, 0.32, 0.36])
    b.box('lacquer', COLORS.green, [0, beamY + 0.32, z], [17.6, 0.32, 0.5])
  }
  for (const x of [-8.4, 8.4]) {
    b.box('lacquer', COLORS.darkRed, [x, beamY, 0], [0.36, 0.32, 11.4])
    b.box('lacquer', COLORS.blue, [x, beamY + 0.32, 0], [0.5, 0.32, 11.6])
  }
  const skirtY = beamY + 0.5
  b.roof(COLORS.tile, [0, skirtY, 0], {
    sides: 0,
    halfX: 11.3,
    halfZ: 8.0,
    ridge: 3.4,
    height: 4.6,
    lift: 0.8,
    start: 0.52,
  })
  const upperY = skirtY + 4.6 * Math.pow(0.48, 1.6)
  b.box('lacquer', COLORS.darkRed, [0, upperY - 0.1, 0], [15.4, 1.8, 8.6])
  b.box('lacquer', COLORS.green, [0, upperY + 0.7, 0], [15.8, 0.3, 9.0])
  const roofY = upperY + 0.85
  b.roof(COLORS.tile, [0, roofY, 0], {
    sides: 0,
    halfX: 9.8,
    halfZ: 6.0,
    ridge: 4.4,
    height: 3.7,
    lift: 0.95,
  })
  b.box('roof', COLORS.ridge, [0, roofY + 3.8, 0], [9.2, 0.36, 0.42])
  for (const side of [-1, 1])
    b.box('roof', COLORS.ridge, [side * 4.7, roofY + 4.25, 0], [0.5, 0.95, 0.36])
}

function bridge(b: Builder, s: number) {
  // A humpbacked stone arch bridge (拱桥) with marble balustrades; the deck is stepped for the
  // collider in short segments so no step is taller than about 0.17 m.
  const { length: L, width: W, rise } = BRIDGE
  b.parts.push({
    shape: 'arch',
    mat: 'stone',
    color: COLORS.stone,
    at: [0, 0, 0],
    length: L * s,
    width: W * s,
    rise: rise * s,
  })
  const seg = 0.4
  for (let x0 = -L / 2 - 0.6; x0 < L / 2 + 0.6; x0 += seg) {
    const mid = x0 + seg / 2
    const top = bridgeDeckTop(mid, L, rise)
    b.collider([mid, top - 0.3, 0], [seg, 0.6, W], true)
  }
  const posts = 11
  const railZ = W / 2 - 0.12
  const postX = (k: number) => -L / 2 + 0.6 + (k / (posts - 1)) * (L - 1.2)
  for (const z of [-railZ, railZ]) {
    for (let k = 0; k < posts; k++) {
      const x = postX(k)
      const end = k === 0 || k === posts - 1
      const ph = end ? 1.05 : 0.9
      const pw = end ? 0.3 : 0.18
      b.box('stone', COLORS.marble, [x, bridgeDeckTop(x, L, rise) + ph / 2, z], [pw, ph, pw])
      if (k === posts - 1) break
      const x2 = postX(k + 1)
      const y1 = bridgeDeckTop(x, L, rise)
      const y2 = bridgeDeckTop(x2, L, rise)
      const len = Math.hypot(x2 - x, y2 - y1)
      const mx = (x + x2) / 2
      const my = (y1 + y2) / 2
      const tilt = Math.atan2(y2 - y1, x2 - x)
      b.box('stone', COLORS.marble, [mx, my + 0.45, z], [len, 0.5, 0.08], undefined, [0, 0, tilt])
      b.box('stone', COLORS.marble, [mx, my + 0.72, z], [len, 0.08, 0.14], undefined, [0, 0, tilt])
      b.collider(
        [mx, (Math.min(y1, y2) + Math.max(y1, y2) + 0.9) / 2, z],
        [x2 - x, Math.abs(y2 - y1) + 1.1, 0.3],
        false,
      )
    }
  }
}

/**
 * Lays out every landmark of the world on the ground heights from the height field
 * (`baseHeights[i]` for `hd.landmarks[i]`); a landmark's own y is added as an offset.
 */
export function layoutLandmarks(hd: HdWorld, baseHeights: readonly number[]): LandmarkLayout[] {
  return hd.landmarks.map((l, i) => {
    const b = new Builder(l.scale)
    switch (l.kind) {
      case 'pavilion':
        pavilion(b)
        break
      case 'pagoda':
        pagoda(b)
        break
      case 'gate':
        gate(b)
        break
      case 'hall':
        hall(b)
        break
      case 'bridge':
        bridge(b, l.scale)
        break
    }
    return {
      kind: l.kind,
      x: l.position[0],
      y: (baseHeights[i] ?? 0) + l.position[1],
      z: l.position[2],
      rotation: (l.rotation * Math.PI) / 180,
      footprint: landmarkFootprint(l.kind, l.scale),
      parts: b.parts,
      boxes: b.boxes,
    }
  })
}

/** Landmark-local (lx, lz) to world (x, z), as three's rotation.y turns them. */
export function localToWorld(l: LandmarkLayout, lx: number, lz: number): [number, number] {
  const c = Math.cos(l.rotation)
  const s = Math.sin(l.rotation)
  return [l.x + lx * c + lz * s, l.z - lx * s + lz * c]
}

/** World (x, z) to landmark-local (lx, lz). */
export function worldToLocal(l: LandmarkLayout, x: number, z: number): [number, number] {
  const c = Math.cos(l.rotation)
  const s = Math.sin(l.rotation)
  const dx = x - l.x
  const dz = z - l.z
  return [dx * c - dz * s, dx * s + dz * c]
}
