// An immersive exhibition, as pure functions: which work shows when (one programme for every
// visitor, from the server's clock), and the surfaces of a space that the works flow over (the
// inner faces of its walls, its floor and a ceiling at the top of its walls), with the art
// coordinates the projection shader reads. No three here: tests and the renderer share it.
import { facing, type SpaceLayout } from '../layout'

/** How long a work holds before the next one starts to come in, and how long that takes, ms. */
export const HOLD_MS = 20_000
export const FADE_MS = 6_000
/** With reduced motion works stay longer and change by a plain cross-fade. */
export const STILL_HOLD_MS = 40_000

export interface ShowMoment {
  /** Index of the work showing (fading out during a transition). */
  from: number
  /** Index of the work coming in (= from while none is). */
  to: number
  /** 0 → 1 through a transition; 0 while a work holds. */
  mix: number
  /** How many transitions have begun since the epoch: a work's index changes with it. */
  step: number
}

/**
 * The moment of the programme at `now` (ms on the server's clock) for `count` works. The same
 * for every visitor at the same clock time, whenever they arrived: the loop starts at the epoch.
 */
export function showAt(now: number, count: number, still = false): ShowMoment {
  if (count <= 1) return { from: 0, to: 0, mix: 0, step: 0 }
  const period = (still ? STILL_HOLD_MS : HOLD_MS) + FADE_MS
  const step = Math.floor(now / period)
  const into = now - step * period
  const hold = period - FADE_MS
  const from = ((step % count) + count) % count
  const to = (from + 1) % count
  if (into < hold) return { from, to: from, mix: 0, step }
  // Ease in and out: a slow start and a slow landing.
  const t = (into - hold) / FADE_MS
  return { from, to, mix: t * t * (3 - 2 * t), step }
}

/** The surfaces' vertices: position, art coordinates, and how bright the surface shows. */
export interface HallSurfaces {
  positions: Float32Array
  /** u along the hall in projection heights (a work of aspect a spans a), v up the wall 0 → 1. */
  art: Float32Array
  shade: Float32Array
  indices: Uint16Array
  /** The projection's height (floor to the top of the walls), metres. */
  height: number
  /** The floor and ceiling heights of the projection. */
  bottom: number
  top: number
}

/** Walls show the work in full; the floor and the ceiling a dimmer echo of it. */
export const SHADE = { wall: 1, floor: 0.6, ceiling: 0.5 } as const
/** The floor's projection lies this far above the floor, so the two never fight. */
const LIFT = 0.012
/**
 * Wall projections stand this far in front of the wall's face: past its base and its posts
 * (src/spaces/geometry.ts: 3 and 5 cm proud of the wall), which would otherwise cut across
 * the work.
 */
const WALL_LIFT = 0.07

interface Quad {
  /** Corners: bottom-left, bottom-right, top-right, top-left, as seen from inside. */
  corners: [number, number, number][]
  art: [number, number][]
  shade: number
}

/**
 * The projection surfaces of a space: one quad on the inner face of each wall, run in order
 * around the hall so a work flows from one wall onto the next, the floor and the ceiling.
 * Every quad faces into the hall (counter-clockwise seen from inside), so from outside the
 * walls show their own face and the hall reads as lit from within.
 */
export function hallSurfaces(layout: SpaceLayout): HallSurfaces {
  const [x0, z0, x1, z1] = layout.space.area
  const cx = (x0 + x1) / 2
  const cz = (z0 + z1) / 2
  const bottom = layout.floorTop + LIFT
  const top = layout.walls.length
    ? Math.max(...layout.walls.map((w) => w.center[1] + w.size[1] / 2))
    : bottom + Math.min(layout.space.height, 4)
  const height = top - bottom
  const quads: Quad[] = []

  // Walls in turn around the centre (by the bearing of each wall's middle), so u keeps going.
  const walls = layout.walls
    .map((w) => {
      let [nx, nz] = facing(w.rotY)
      // The inner face is the one towards the hall's middle.
      if (nx * (cx - w.center[0]) + nz * (cz - w.center[2]) < 0) [nx, nz] = [-nx, -nz]
      const half = w.size[2] / 2 + WALL_LIFT
      const fx = w.center[0] + nx * half
      const fz = w.center[2] + nz * half
      // Seen from inside, looking along −n, the right hand is (−n) × up = (nz, −nx).
      const rx = nz
      const rz = -nx
      const l = w.size[0] / 2
      return {
        bearing: Math.atan2(fz - cz, fx - cx),
        a: [fx - rx * l, fz - rz * l] as const,
        b: [fx + rx * l, fz + rz * l] as const,
        length: w.size[0],
        wallTop: w.center[1] + w.size[1] / 2,
      }
    })
    .sort((p, q) => p.bearing - q.bearing)
  let u = 0
  for (const w of walls) {
    const du = w.length / height
    const vTop = (w.wallTop - bottom) / height
    quads.push({
      corners: [
        [w.a[0], bottom, w.a[1]],
        [w.b[0], bottom, w.b[1]],
        [w.b[0], w.wallTop, w.b[1]],
        [w.a[0], w.wallTop, w.a[1]],
      ],
      art: [
        [u, 0],
        [u + du, 0],
        [u + du, vTop],
        [u, vTop],
      ],
      shade: SHADE.wall,
    })
    u += du
  }

  // Floor (seen from above) and ceiling (seen from below), inset a little from the area's edge.
  const i = 0.05
  const ax = x0 + i
  const bx = x1 - i
  const az = z0 + i
  const bz = z1 - i
  const art = (x: number, z: number): [number, number] => [(x - x0) / height, (z - z0) / height]
  quads.push({
    corners: [
      [ax, bottom, bz],
      [bx, bottom, bz],
      [bx, bottom, az],
      [ax, bottom, az],
    ],
    art: [art(ax, bz), art(bx, bz), art(bx, az), art(ax, az)],
    shade: SHADE.floor,
  })
  // Just under the walls' tops, where a wall's cap may overhang.
  const ceiling = top - LIFT
  quads.push({
    corners: [
      [ax, ceiling, az],
      [bx, ceiling, az],
      [bx, ceiling, bz],
      [ax, ceiling, bz],
    ],
    art: [art(ax, az), art(bx, az), art(bx, bz), art(ax, bz)],
    shade: SHADE.ceiling,
  })

  const positions = new Float32Array(quads.length * 12)
  const artOut = new Float32Array(quads.length * 8)
  const shade = new Float32Array(quads.length * 4)
  const indices = new Uint16Array(quads.length * 6)
  quads.forEach((q, k) => {
    q.corners.forEach((c, j) => positions.set(c, k * 12 + j * 3))
    q.art.forEach((a, j) => artOut.set(a, k * 8 + j * 2))
    shade.fill(q.shade, k * 4, k * 4 + 4)
    const o = k * 4
    indices.set([o, o + 1, o + 2, o, o + 2, o + 3], k * 6)
  })
  return { positions, art: artOut, shade, indices, height, bottom, top }
}

/** Whether a point stands inside the hall (its area, between floor and ceiling, with slack). */
export function insideHall(layout: SpaceLayout, x: number, y: number, z: number): boolean {
  const [x0, z0, x1, z1] = layout.space.area
  return (
    x >= x0 && x <= x1 && z >= z0 && z <= z1 && y > layout.floorTop - 1 && y < layout.floorTop + 8
  )
}
