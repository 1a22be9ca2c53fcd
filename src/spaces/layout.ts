// Where the parts of a creator space go, derived from its scene definition: the walls that carry
// its wall slots, its pedestals, the sign, the floor, where each exhibit's frame hangs or stands,
// and the boxes the avatar collides with. Pure math (no three), shared by the renderer and tests.
import type { Space, SpaceSlot } from '../protocol/scene'
import type { ColliderBox, OrientedBox, V3 } from '../world/boxes'
import type { ExhibitPlacement } from './store'

export type SpaceStyle = 'voxel' | 'hd'

export interface StyleSpec {
  wallThickness: number
  /** Walls are at least this tall, and reach this far above their highest frame (m). */
  wallMinHeight: number
  wallTopMargin: number
  /** Block Park walls end on whole metres. */
  wholeMetres: boolean
  /** The floor slab rises this far above `floorY`, and reaches this far below it. */
  floorTop: number
  floorSkirt: number
  /** How far a frame stands out of its wall, and the width of its border (m). */
  frameDepth: number
  frameBorder: number
  /** Height of the foot under a standing frame. */
  standLift: number
}

export const STYLES: Record<SpaceStyle, StyleSpec> = {
  voxel: {
    wallThickness: 0.5,
    wallMinHeight: 3,
    wallTopMargin: 0.5,
    wholeMetres: true,
    floorTop: 0.08,
    floorSkirt: 0.4,
    frameDepth: 0.1,
    frameBorder: 0.12,
    standLift: 0.12,
  },
  hd: {
    wallThickness: 0.3,
    wallMinHeight: 3.2,
    wallTopMargin: 0.6,
    wholeMetres: false,
    floorTop: 0.15,
    floorSkirt: 1.2,
    frameDepth: 0.06,
    frameBorder: 0.07,
    standLift: 0.1,
  },
}

/** Facing of rotY (0 faces +z), and the wall's running direction (local +x), as three turns. */
export const facing = (rotY: number): [number, number] => [Math.sin(rotY), Math.cos(rotY)]
export const along = (rotY: number): [number, number] => [Math.cos(rotY), -Math.sin(rotY)]

export interface WallLayout extends OrientedBox {
  /** Ids of the wall slots it carries. */
  slots: string[]
}

export interface PedestalLayout extends OrientedBox {
  slot: string
  /** Height of its top. */
  top: number
}

export interface SignLayout {
  /** Foot of the post. */
  base: V3
  /** Centre of the board; it faces `rotY`. */
  board: V3
  rotY: number
}

/** Where one exhibit's frame goes. */
export interface FrameSpot {
  /** Centre of the picture area (the wall's face for a wall frame). */
  center: V3
  rotY: number
  /** Side of the square picture area inside the border (m). */
  size: number
  mount: 'wall' | 'stand'
  /** For a standing frame: the height its foot stands on. */
  base: number
}

export interface SpaceLayout {
  space: Space
  style: SpaceStyle
  /** Top of the floor slab: where visitors and standing exhibits stand. */
  floorTop: number
  /** The floor slab over the whole area. */
  floor: OrientedBox
  walls: WallLayout[]
  pedestals: PedestalLayout[]
  sign: SignLayout
  /** The way the space opens: the facing of its main wall (+z without walls). */
  front: number
}

const EPS = 1e-6

/** rotY in (-π, π]. */
function normAngle(a: number): number {
  const t = Math.atan2(Math.sin(a), Math.cos(a))
  return t <= -Math.PI + EPS ? Math.PI : t
}

function isAxisAligned(rotY: number): boolean {
  const [nx, nz] = facing(rotY)
  return Math.abs(nx) < 1e-3 || Math.abs(nz) < 1e-3
}

/** The [s0, s1] range along `dir` from `p` that lies inside the area (Liang–Barsky). */
function clipToArea(
  area: Space['area'],
  px: number,
  pz: number,
  dx: number,
  dz: number,
): [number, number] | null {
  let lo = -Infinity
  let hi = Infinity
  const edges: [number, number, number, number][] = [
    [px, dx, area[0], area[2]],
    [pz, dz, area[1], area[3]],
  ]
  for (const [p, d, min, max] of edges) {
    if (Math.abs(d) < EPS) {
      if (p < min - EPS || p > max + EPS) return null
      continue
    }
    const a = (min - p) / d
    const b = (max - p) / d
    lo = Math.max(lo, Math.min(a, b))
    hi = Math.min(hi, Math.max(a, b))
  }
  return lo < hi ? [lo, hi] : null
}

interface WallDraft {
  rotY: number
  /** Front face plane: facing · p. */
  offset: number
  /** Extent along the wall from the origin: along(rotY) · p. */
  s0: number
  s1: number
  top: number
  slots: SpaceSlot[]
}

function wallHeight(space: Space, spec: StyleSpec, slots: readonly SpaceSlot[]): number {
  let need = spec.wallMinHeight
  for (const s of slots) {
    need = Math.max(
      need,
      s.position[1] + s.size / 2 + spec.frameBorder - space.floorY + spec.wallTopMargin,
    )
  }
  if (spec.wholeMetres) need = Math.ceil(need - 1e-3)
  return Math.min(need, space.height)
}

function draftWalls(space: Space, spec: StyleSpec): WallDraft[] {
  const groups = new Map<string, WallDraft>()
  for (const slot of space.slots) {
    if (slot.kind !== 'wall') continue
    const rotY = normAngle(slot.rotY)
    const [nx, nz] = facing(rotY)
    const offset = nx * slot.position[0] + nz * slot.position[2]
    const key = `${Math.round(rotY * 1000)}:${Math.round(offset * 20)}`
    let g = groups.get(key)
    if (!g) {
      g = { rotY, offset, s0: Infinity, s1: -Infinity, top: 0, slots: [] }
      groups.set(key, g)
    }
    g.slots.push(slot)
  }
  const out: WallDraft[] = []
  for (const g of groups.values()) {
    const [nx, nz] = facing(g.rotY)
    const [tx, tz] = along(g.rotY)
    // The wall runs across the whole area (its back face inside it), and past every frame.
    const px = nx * (g.offset - spec.wallThickness / 2)
    const pz = nz * (g.offset - spec.wallThickness / 2)
    const span = clipToArea(space.area, px, pz, tx, tz)
    let s0 = span ? span[0] + (tx * px + tz * pz) : Infinity
    let s1 = span ? span[1] + (tx * px + tz * pz) : -Infinity
    for (const s of g.slots) {
      const c = tx * s.position[0] + tz * s.position[2]
      const half = s.size / 2 + spec.frameBorder + 0.3
      s0 = Math.min(s0, c - half)
      s1 = Math.max(s1, c + half)
    }
    out.push({ ...g, s0, s1, top: space.floorY + wallHeight(space, spec, g.slots) })
  }
  // Bigger walls first: where two meet at a corner, the later one stops at the earlier one.
  out.sort((a, b) => b.slots.length - a.slots.length || b.s1 - b.s0 - (a.s1 - a.s0))
  return out
}

/** World AABB (x0, z0, x1, z1) of an axis-aligned wall draft. */
function wallRect(w: WallDraft, thickness: number): [number, number, number, number] {
  const [nx, nz] = facing(w.rotY)
  const [tx, tz] = along(w.rotY)
  const xs = [tx * w.s0 + nx * w.offset, tx * w.s1 + nx * (w.offset - thickness)]
  const zs = [tz * w.s0 + nz * w.offset, tz * w.s1 + nz * (w.offset - thickness)]
  return [Math.min(...xs), Math.min(...zs), Math.max(...xs), Math.max(...zs)]
}

/** Shortens `b` where it runs into `a` (both axis-aligned and crossing at a corner). */
function trimAtCorner(a: WallDraft, b: WallDraft, thickness: number): void {
  if (!isAxisAligned(a.rotY) || !isAxisAligned(b.rotY)) return
  if (Math.abs(Math.cos(a.rotY - b.rotY)) > 0.5) return // parallel walls do not meet at corners
  const ra = wallRect(a, thickness)
  const rb = wallRect(b, thickness)
  if (ra[0] >= rb[2] - EPS || rb[0] >= ra[2] - EPS || ra[1] >= rb[3] - EPS || rb[1] >= ra[3] - EPS)
    return
  const [tx, tz] = along(b.rotY)
  const alongX = Math.abs(tx) > 0.5
  const sign = alongX ? tx : tz
  // b's extent and a's extent on the axis b runs along.
  const [b0, b1] = alongX ? [rb[0], rb[2]] : [rb[1], rb[3]]
  const [a0, a1] = alongX ? [ra[0], ra[2]] : [ra[1], ra[3]]
  if (a0 <= b0 + EPS && a1 >= b1 - EPS) return // a spans all of b: not a corner
  // b stops at a's face on whichever of its ends a stands nearer to.
  if (a0 + a1 < b0 + b1) {
    if (sign > 0) b.s0 = a1
    else b.s1 = -a1
  } else {
    if (sign > 0) b.s1 = a0
    else b.s0 = -a0
  }
}

function toBox(w: WallDraft, spec: StyleSpec, bottom: number): WallLayout {
  const [nx, nz] = facing(w.rotY)
  const [tx, tz] = along(w.rotY)
  const mid = (w.s0 + w.s1) / 2
  const back = w.offset - spec.wallThickness / 2
  return {
    center: [tx * mid + nx * back, (bottom + w.top) / 2, tz * mid + nz * back],
    size: [w.s1 - w.s0, w.top - bottom, spec.wallThickness],
    rotY: w.rotY,
    slots: w.slots.map((s) => s.id),
  }
}

/** Lays out one space of the scene in a world style. */
export function layoutSpace(space: Space, style: SpaceStyle): SpaceLayout {
  const spec = STYLES[style]
  const [x0, z0, x1, z1] = space.area
  const floorTop = space.floorY + spec.floorTop
  const floorBottom = space.floorY - spec.floorSkirt
  const floor: OrientedBox = {
    center: [(x0 + x1) / 2, (floorTop + floorBottom) / 2, (z0 + z1) / 2],
    size: [x1 - x0, floorTop - floorBottom, z1 - z0],
    rotY: 0,
  }

  const drafts = draftWalls(space, spec)
  drafts.forEach((w, i) => {
    for (let j = 0; j < i; j++) trimAtCorner(drafts[j]!, w, spec.wallThickness)
  })
  const wallBottom = space.floorY - 0.2
  const walls = drafts.filter((w) => w.s1 - w.s0 > 0.05).map((w) => toBox(w, spec, wallBottom))

  const pedestals: PedestalLayout[] = space.slots
    .filter((s) => s.kind === 'pedestal')
    .map((s) => {
      const bottom = space.floorY - 0.1
      const top = Math.max(s.position[1], floorTop + 0.2)
      return {
        slot: s.id,
        center: [s.position[0], (top + bottom) / 2, s.position[2]],
        size: [s.size, top - bottom, s.size],
        rotY: s.rotY,
        top,
      }
    })

  const main = drafts[0]
  const front = main
    ? main.rotY
    : normAngle(space.slots.find((s) => s.kind === 'pedestal')?.rotY ?? 0)
  return {
    space,
    style,
    floorTop,
    floor,
    walls,
    pedestals,
    sign: placeSign(space, front, floorTop),
    front,
  }
}

/** The sign stands at the open side of the space, towards its right-hand corner, facing out. */
function placeSign(space: Space, front: number, floorTop: number): SignLayout {
  const [x0, z0, x1, z1] = space.area
  const [nx, nz] = facing(front)
  const [tx, tz] = along(front)
  const cx = (x0 + x1) / 2
  const cz = (z0 + z1) / 2
  const hw = (x1 - x0) / 2
  const hd = (z1 - z0) / 2
  // Half extents of the area along the facing and along the wall.
  const hn = Math.abs(nx) * hw + Math.abs(nz) * hd
  const ht = Math.abs(tx) * hw + Math.abs(tz) * hd
  const inN = Math.max(0, hn - 0.5)
  const inT = Math.max(0, ht - 1.6)
  const x = cx + nx * inN + tx * inT
  const z = cz + nz * inN + tz * inT
  return { base: [x, floorTop, z], board: [x, floorTop + 1.45, z], rotY: front }
}

/** Where an exhibit's frame goes, or null when its slot is not part of the space. */
export function frameSpot(layout: SpaceLayout, placement: ExhibitPlacement): FrameSpot | null {
  const spec = STYLES[layout.style]
  if (placement.kind === 'free') {
    const size = Math.min(4, Math.max(0.25, placement.scale))
    return standing(spec, placement.x, placement.y, placement.z, placement.rotY, size)
  }
  const slot = layout.space.slots.find((s) => s.id === placement.slot)
  if (!slot) return null
  if (slot.kind === 'pedestal') {
    const ped = layout.pedestals.find((p) => p.slot === slot.id)
    const top = ped ? ped.top : slot.position[1]
    return standing(spec, slot.position[0], top, slot.position[2], slot.rotY, slot.size * 0.9)
  }
  return {
    center: [slot.position[0], slot.position[1], slot.position[2]],
    rotY: slot.rotY,
    size: slot.size,
    mount: 'wall',
    base: slot.position[1] - slot.size / 2 - spec.frameBorder,
  }
}

function standing(
  spec: StyleSpec,
  x: number,
  base: number,
  z: number,
  rotY: number,
  size: number,
): FrameSpot {
  const y = base + spec.standLift + spec.frameBorder + size / 2
  return { center: [x, y, z], rotY, size, mount: 'stand', base }
}

/** The picture's width and height inside a square area of `size`, keeping its aspect. */
export function fitPicture(size: number, aspect: number): [number, number] {
  const a = Number.isFinite(aspect) && aspect > 0 ? aspect : 1
  const inner = size * 0.92
  return a >= 1 ? [inner, inner / a] : [inner * a, inner]
}

/** The front surface of a frame's picture, offset from the spot's centre along its facing. */
export function pictureDepth(style: SpaceStyle): number {
  return STYLES[style].frameDepth * 0.7
}

/** Where an exhibit's label hangs: under the frame, just in front of it. */
export function labelAnchor(spot: FrameSpot, style: SpaceStyle): V3 {
  const spec = STYLES[style]
  const [nx, nz] = facing(spot.rotY)
  const d = spec.frameDepth + 0.02
  return [
    spot.center[0] + nx * d,
    spot.center[1] - spot.size / 2 - spec.frameBorder - 0.08,
    spot.center[2] + nz * d,
  ]
}

/** What the avatar walks on and bumps into: the floor slab, the walls and the pedestals. */
export function colliderBoxes(layout: SpaceLayout): ColliderBox[] {
  return [
    { ...layout.floor, floor: true },
    ...layout.walls.map((w) => ({ center: w.center, size: w.size, rotY: w.rotY, floor: false })),
    ...layout.pedestals.map((p) => ({
      center: p.center,
      size: p.size,
      rotY: p.rotY,
      floor: false,
    })),
  ]
}
