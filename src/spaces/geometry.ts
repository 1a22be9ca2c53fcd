// Builds the static geometry of every creator space of a world (floors, walls, pedestals, signs)
// and the frames of the exhibits on them as one vertex-coloured mesh: one draw call for all of
// it. Block Park gets blocky timber, plaster and tile; Cangqiong clean stone and white walls.
import type { BufferGeometry } from 'three'
import { MeshBuilder } from '../world/meshBuilder'
import type { OrientedBox, V3 } from '../world/boxes'
import type { ExhibitStatus } from './resolve'
import { STYLES, facing, type FrameSpot, type SpaceLayout, type SpaceStyle } from './layout'

/** Triangles [start, end) of the merged mesh that belong to one exhibit's frame. */
export interface FrameRange {
  start: number
  end: number
  spaceId: string
  exhibitId: string
}

export interface FramePart {
  spaceId: string
  exhibitId: string
  spot: FrameSpot
  status: ExhibitStatus
}

const PALETTES = {
  voxel: {
    plank: ['#9c6b3f', '#8d5f37', '#a7744a'],
    curb: '#8a8f96',
    base: '#8a8f96',
    plaster: ['#efe9dc', '#e8e1d2', '#f3eee3'],
    post: '#7a4a2a',
    cap: '#3d4a5c',
    ridge: '#2a3340',
    pedestal: '#b2322b',
    pedestalTop: '#e3b23c',
    signBoard: '#b2322b',
    signRim: '#e3b23c',
    signPost: '#7a4a2a',
    frame: '#7a4a2a',
    frameVeiled: '#8b8f94',
    framePending: '#6b6f75',
    mat: '#f4efe4',
    matVeiled: '#c4c4c4',
  },
  hd: {
    plank: ['#c8b99a'],
    curb: '#b3ab9b',
    base: '#7d766b',
    plaster: ['#ebe5d8'],
    post: '#4a3a2e',
    cap: '#4a3a2e',
    ridge: '#4a3a2e',
    pedestal: '#ece8e0',
    pedestalTop: '#7d766b',
    signBoard: '#2f3a40',
    signRim: '#8f897e',
    signPost: '#4a3a2e',
    frame: '#2b2420',
    frameVeiled: '#9a9da2',
    framePending: '#5d6166',
    mat: '#f7f5f0',
    matVeiled: '#cfcfcf',
  },
} as const

/** Deterministic 0..n-1 pick for tints, so a wall looks the same every visit. */
const pick = <T>(list: readonly T[], i: number): T =>
  list[Math.abs(Math.imul(i + 7, 0x9e3779b1) >>> 27) % list.length]!

/** A point `d` along the box's local axes (x along, z facing) from its centre. */
function offset(b: OrientedBox, x: number, y: number, z: number): V3 {
  const c = Math.cos(b.rotY)
  const s = Math.sin(b.rotY)
  return [b.center[0] + x * c + z * s, b.center[1] + y, b.center[2] - x * s + z * c]
}

function floor(m: MeshBuilder, l: SpaceLayout) {
  const pal = PALETTES[l.style]
  const [x0, z0, x1, z1] = l.space.area
  const f = l.floor
  if (l.style === 'hd') {
    m.box(f.center, f.size, 0, pal.plank[0])
    return
  }
  // Block Park: a deck of one-metre boards and a low stone curb with a gap on the open side.
  for (let x = x0, i = 0; x < x1 - 1e-3; x += 1, i++) {
    const w = Math.min(1, x1 - x)
    m.box([x + w / 2, f.center[1], f.center[2]], [w, f.size[1], z1 - z0], 0, pick(pal.plank, i))
  }
  const top = l.floorTop
  const h = 0.16
  const cw = 0.3
  const [nx, nz] = facing(l.front)
  const sides: { a: V3; b: V3; open: boolean }[] = [
    { a: [x0, top, z0], b: [x1, top, z0], open: nz < -0.7 },
    { a: [x0, top, z1], b: [x1, top, z1], open: nz > 0.7 },
    { a: [x0, top, z0], b: [x0, top, z1], open: nx < -0.7 },
    { a: [x1, top, z0], b: [x1, top, z1], open: nx > 0.7 },
  ]
  for (const { a, b, open } of sides) {
    const alongX = a[2] === b[2]
    const len = alongX ? b[0] - a[0] : b[2] - a[2]
    const pieces: [number, number][] = open
      ? [
          [0, len / 2 - 1.5],
          [len / 2 + 1.5, len],
        ]
      : [[0, len]]
    for (const [p0, p1] of pieces) {
      if (p1 - p0 < 0.2) continue
      const mid = (p0 + p1) / 2
      const inset = alongX ? (a[2] === z0 ? cw / 2 : -cw / 2) : a[0] === x0 ? cw / 2 : -cw / 2
      const center: V3 = alongX
        ? [a[0] + mid, top + h / 2 - 0.02, a[2] + inset]
        : [a[0] + inset, top + h / 2 - 0.02, a[2] + mid]
      const size: V3 = alongX ? [p1 - p0, h, cw] : [cw, h, p1 - p0]
      m.box(center, size, 0, pal.curb)
    }
  }
}

function walls(m: MeshBuilder, l: SpaceLayout) {
  const pal = PALETTES[l.style]
  l.walls.forEach((w, i) => {
    const [len, height, thick] = w.size
    const bottom = w.center[1] - height / 2
    // Walls meeting at a corner overlap in their caps and bases: a centimetre apart, never
    // coplanar, so they do not flicker.
    const lift = i * 0.012
    const baseH = (l.style === 'voxel' ? 0.6 : 0.25) + (l.floorTop - bottom) + lift
    const baseBox: OrientedBox = { center: w.center, size: w.size, rotY: w.rotY }
    m.box(
      offset(baseBox, 0, baseH / 2 - height / 2, 0),
      [len, baseH, thick + 0.06],
      w.rotY,
      pal.base,
    )
    if (l.style === 'voxel') {
      // Plaster in whole-metre panels between timber posts, under a tiled cap.
      const body = height - baseH
      const n = Math.max(1, Math.round(len))
      const seg = len / n
      for (let i = 0; i < n; i++) {
        const x = -len / 2 + seg * (i + 0.5)
        m.box(
          offset(baseBox, x, baseH + body / 2 - height / 2, 0),
          [seg, body, thick],
          w.rotY,
          pick(pal.plaster, i),
        )
      }
      for (const x of [-len / 2 + 0.3, len / 2 - 0.3]) {
        m.box(offset(baseBox, x, 0, 0), [0.6, height, thick + 0.1], w.rotY, pal.post)
      }
      const capY = height / 2 + 0.15 + lift
      m.box(offset(baseBox, 0, capY, 0), [len + 0.4, 0.3, thick + 0.5], w.rotY, pal.cap)
      m.box(offset(baseBox, 0, capY + 0.25, 0), [len + 0.6, 0.2, 0.3], w.rotY, pal.ridge)
    } else {
      const body = height - baseH
      m.box(
        offset(baseBox, 0, baseH + body / 2 - height / 2, 0),
        [len, body, thick],
        w.rotY,
        pal.plaster[0],
      )
      const capY = height / 2 + 0.05 + lift
      m.box(offset(baseBox, 0, capY, 0), [len + 0.08, 0.1, thick + 0.08], w.rotY, pal.cap)
    }
  })
}

function pedestals(m: MeshBuilder, l: SpaceLayout) {
  const pal = PALETTES[l.style]
  for (const p of l.pedestals) {
    const [w, h] = [p.size[0], p.size[1]]
    const trim = l.style === 'voxel' ? 0.12 : 0.08
    if (l.style === 'voxel') {
      m.box(offset(p, 0, -trim / 2, 0), [w, h - trim, w], p.rotY, pal.pedestal)
      m.box(offset(p, 0, h / 2 - trim / 2, 0), [w + 0.1, trim, w + 0.1], p.rotY, pal.pedestalTop)
    } else {
      m.box(offset(p, 0, trim / 2, 0), [w, h - trim, w], p.rotY, pal.pedestal)
      m.box(offset(p, 0, -h / 2 + trim / 2, 0), [w + 0.06, trim, w + 0.06], p.rotY, pal.pedestalTop)
    }
  }
}

function sign(m: MeshBuilder, l: SpaceLayout) {
  const pal = PALETTES[l.style]
  const s = l.sign
  const board: OrientedBox = { center: s.board, size: [1.6, 0.9, 0.12], rotY: s.rotY }
  const postH = s.board[1] - s.base[1]
  m.box(s.board, [1.6, 0.9, 0.12], s.rotY, pal.signBoard)
  m.box(offset(board, 0, 0, -0.05), [1.76, 1.06, 0.06], s.rotY, pal.signRim)
  for (const x of [-0.55, 0.55]) {
    m.box(offset(board, x, -postH / 2, -0.1), [0.14, postH, 0.14], s.rotY, pal.signPost)
  }
}

/** One exhibit's frame: border and mat (the picture quad goes in front), and a stand. */
function frame(m: MeshBuilder, style: SpaceStyle, part: FramePart) {
  const pal = PALETTES[style]
  const spec = STYLES[style]
  const { spot, status } = part
  const veiled = status === 'unverified' || status === 'missing'
  const color = status === 'verified' ? pal.frame : veiled ? pal.frameVeiled : pal.framePending
  const size = spot.size
  const b = spec.frameBorder
  const d = spec.frameDepth
  // The frame's local box: x along, y up, z out of the wall; its back on the spot's plane.
  const base: OrientedBox = { center: spot.center, size: [size, size, d], rotY: spot.rotY }
  const at = (x: number, y: number, z: number) => offset(base, x, y, z)
  const outer = size + 2 * b
  m.box(at(0, size / 2 + b / 2, d / 2), [outer, b, d], spot.rotY, color)
  m.box(at(0, -size / 2 - b / 2, d / 2), [outer, b, d], spot.rotY, color)
  m.box(at(size / 2 + b / 2, 0, d / 2), [b, size, d], spot.rotY, color)
  m.box(at(-size / 2 - b / 2, 0, d / 2), [b, size, d], spot.rotY, color)
  m.box(at(0, 0, d * 0.25), [size, size, d * 0.5], spot.rotY, veiled ? pal.matVeiled : pal.mat)
  if (spot.mount === 'stand') {
    const lift = spec.standLift
    const footY = spot.base + lift / 2 - spot.center[1]
    m.box(at(0, footY, 0), [size * 0.6, lift, 0.35], spot.rotY, color)
    const strut = size * 0.7
    m.box(at(0, -size / 2 + strut / 2, -0.1), [0.06, strut, 0.06], spot.rotY, color)
  }
}

export interface SpacesMesh {
  geometry: BufferGeometry
  ranges: FrameRange[]
}

/** Everything static of the given spaces plus the frames of their exhibits, as one geometry. */
export function buildSpacesGeometry(
  layouts: readonly SpaceLayout[],
  frames: readonly FramePart[],
): SpacesMesh {
  const m = new MeshBuilder()
  for (const l of layouts) {
    floor(m, l)
    walls(m, l)
    pedestals(m, l)
    sign(m, l)
  }
  const ranges: FrameRange[] = []
  for (const part of frames) {
    const style = layouts.find((l) => l.space.id === part.spaceId)?.style
    if (!style) continue
    const start = m.triangles
    frame(m, style, part)
    ranges.push({ start, end: m.triangles, spaceId: part.spaceId, exhibitId: part.exhibitId })
  }
  return { geometry: m.build(), ranges }
}

/** The exhibit whose frame holds triangle `face` of the merged mesh. */
export function rangeAt(ranges: readonly FrameRange[], face: number): FrameRange | null {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const r = ranges[mid]!
    if (face < r.start) hi = mid - 1
    else if (face >= r.end) lo = mid + 1
    else return r
  }
  return null
}
