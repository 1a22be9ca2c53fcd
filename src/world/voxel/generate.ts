// Builds the voxel grid of a Block Park world from its scene description: seeded terrain, then
// ops, prefab placements and scatter, in that order. Pure and deterministic; runs in the mesher
// worker (and in Vitest), never on the render thread.
//
// It is one file because terrain, ops, prefabs and scatter write one grid in a fixed order that
// each step relies on.
import type { Prefab, VoxelOp, VoxelWorld } from '../../protocol/scene'
import { KIND_SOLID, VoxelGrid, materialId, materialTable } from './grid'
import type { MaterialTable } from './grid'

export interface BuiltGrid {
  grid: VoxelGrid
  /** Highest solid y per column (index `z * sx + x`), -1 where a column has none. */
  heightmap: Int16Array
}

// ---- seeded randomness ---------------------------------------------------------------

/** Integer hash of a lattice point to [0, 1). Math.imul keeps it identical on every engine. */
export function hash2(x: number, z: number, seed: number): number {
  let h = (seed | 0) ^ Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(z | 0, 0x165667b1)
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

/** Smoothly interpolated value noise in [0, 1). */
export function valueNoise2(x: number, z: number, seed: number): number {
  const x0 = Math.floor(x)
  const z0 = Math.floor(z)
  const fx = x - x0
  const fz = z - z0
  const u = fx * fx * (3 - 2 * fx)
  const v = fz * fz * (3 - 2 * fz)
  const a = hash2(x0, z0, seed)
  const b = hash2(x0 + 1, z0, seed)
  const c = hash2(x0, z0 + 1, seed)
  const d = hash2(x0 + 1, z0 + 1, seed)
  return a + (b - a) * u + (c - a) * v + (a - b - c + d) * u * v
}

/** mulberry32: a tiny, fast, seedable PRNG returning [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed | 0
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function mixSeed(a: number, b: number): number {
  return Math.floor(hash2(a, b, 0x51ed270b) * 4294967296) | 0
}

// ---- prefabs -------------------------------------------------------------------------

/** A prefab compiled to a cell list: 4 numbers (x, y, z, material id) per non-blank cell. */
export interface CompiledPrefab {
  /** Extent along x (longest row), y (layers) and z (most rows in a layer). */
  w: number
  h: number
  d: number
  cells: Int16Array
}

export function compilePrefab(prefab: Prefab, materials: MaterialTable): CompiledPrefab {
  const out: number[] = []
  let w = 0
  let d = 0
  prefab.layers.forEach((layer, y) => {
    d = Math.max(d, layer.length)
    layer.forEach((row, z) => {
      w = Math.max(w, row.length)
      for (let x = 0; x < row.length; x++) {
        const ch = row[x]!
        // '.' and ' ' leave whatever is there; map a key to "air" to carve.
        if (ch === '.' || ch === ' ') continue
        const name = prefab.keys[ch]
        if (name === undefined) throw new Error(`prefab character "${ch}" has no key`)
        out.push(x, y, z, materialId(materials, name))
      }
    })
  })
  return { w, h: prefab.layers.length, d, cells: Int16Array.from(out) }
}

export type Rotation = 0 | 90 | 180 | 270

/** Footprint [width along x, depth along z] after rotating about y. */
export function rotatedFootprint(p: CompiledPrefab, rotate: Rotation): [number, number] {
  return rotate === 90 || rotate === 270 ? [p.d, p.w] : [p.w, p.d]
}

/**
 * Calls `visit` with each non-blank cell of a prefab rotated about y, relative to its rotated
 * min corner. Rotation is clockwise seen from above (+y): at 90° the prefab's +x axis points
 * along +z.
 */
export function eachPrefabCell(
  p: CompiledPrefab,
  rotate: Rotation,
  visit: (x: number, y: number, z: number, material: number) => void,
): void {
  const c = p.cells
  for (let i = 0; i < c.length; i += 4) {
    const px = c[i]!
    const pz = c[i + 2]!
    let rx = px
    let rz = pz
    if (rotate === 90) {
      rx = p.d - 1 - pz
      rz = px
    } else if (rotate === 180) {
      rx = p.w - 1 - px
      rz = p.d - 1 - pz
    } else if (rotate === 270) {
      rx = pz
      rz = p.w - 1 - px
    }
    visit(rx, c[i + 1]!, rz, c[i + 3]!)
  }
}

/** Writes a prefab with its (rotated) min corner at (x, y, z) (eachPrefabCell's rotation). */
export function stampPrefab(
  grid: VoxelGrid,
  p: CompiledPrefab,
  x: number,
  y: number,
  z: number,
  rotate: Rotation,
): void {
  eachPrefabCell(p, rotate, (rx, ry, rz, m) => grid.set(x + rx, y + ry, z + rz, m))
}

// ---- the build -----------------------------------------------------------------------

interface Ctx {
  world: VoxelWorld
  grid: VoxelGrid
  mats: MaterialTable
  /** Current top solid y per column, kept up to date by terrain and ops. */
  top: Int16Array
  sub: number
}

export function buildGrid(world: VoxelWorld): BuiltGrid {
  const mats = materialTable(world.palette)
  const grid = new VoxelGrid(world.size, mats)
  const top = new Int16Array(grid.sx * grid.sz)
  const ctx: Ctx = { world, grid, mats, top, sub: materialId(mats, world.terrain.subsurface) }

  terrain(ctx)
  world.ops.forEach((op, i) => applyOp(ctx, op, i))
  if (world.terrain.sea)
    sea(ctx, world.terrain.sea.level, materialId(mats, world.terrain.sea.material))
  placeAll(ctx)
  return { grid, heightmap: heightmapOf(grid) }
}

export function heightmapOf(grid: VoxelGrid): Int16Array {
  const out = new Int16Array(grid.sx * grid.sz)
  for (let z = 0; z < grid.sz; z++)
    for (let x = 0; x < grid.sx; x++) out[z * grid.sx + x] = grid.topSolid(x, z)
  return out
}

/**
 * base + Σ amplitude · (2·noise − 1): octaves are signed, so `base` is the mean height and sea
 * or beach levels can be set relative to it.
 */
function terrain(ctx: Ctx): void {
  const { grid, mats, top } = ctx
  const t = ctx.world.terrain
  const surface = materialId(mats, t.surface)
  const deep = materialId(mats, t.deep)
  const beach = t.beach ? materialId(mats, t.beach.material) : surface
  const beachLevel = t.beach ? t.beach.level : -Infinity
  const octaves = t.noise.map((o, i) => ({
    inv: 1 / o.scale,
    amp: o.amplitude,
    seed: mixSeed(t.seed, i + 1),
  }))
  const maxY = grid.sy - 1
  for (let z = 0; z < grid.sz; z++) {
    for (let x = 0; x < grid.sx; x++) {
      let h = t.base
      for (const o of octaves) h += o.amp * (2 * valueNoise2(x * o.inv, z * o.inv, o.seed) - 1)
      const y = Math.min(maxY, Math.max(0, Math.round(h)))
      grid.fillColumn(x, z, 0, y - t.subsurfaceDepth - 1, deep)
      grid.fillColumn(x, z, y - t.subsurfaceDepth, y - 1, ctx.sub)
      grid.set(x, y, z, y <= beachLevel ? beach : surface)
      top[z * grid.sx + x] = y
    }
  }
  // Non-solid terrain materials are odd but legal: then the tops need a real scan.
  if ([surface, deep, ctx.sub, beach].some((m) => mats.kind[m] !== KIND_SOLID))
    top.set(heightmapOf(grid))
}

function sea(ctx: Ctx, level: number, material: number): void {
  const { grid } = ctx
  const data = grid.data
  const top = Math.min(level, grid.sy - 1)
  if (top < 0) return
  // Runs after the ops, so basins and carvings below sea level flood as they would.
  for (let c = 0; c < grid.sx * grid.sz; c++) {
    const base = c * grid.sy
    for (let y = 0; y <= top; y++) if (data[base + y] === 0) data[base + y] = material
  }
}

function refreshTop(ctx: Ctx, x: number, z: number): void {
  ctx.top[z * ctx.grid.sx + x] = ctx.grid.topSolid(x, z)
}

function clampRange(a: number, b: number, max: number): [number, number] {
  return [Math.max(0, Math.min(a, b)), Math.min(max - 1, Math.max(a, b))]
}

function applyOp(ctx: Ctx, op: VoxelOp, index: number): void {
  const { grid, mats } = ctx
  const m = materialId(mats, op.material)
  switch (op.op) {
    case 'box': {
      const [x0, x1] = clampRange(op.from[0], op.to[0], grid.sx)
      const [z0, z1] = clampRange(op.from[2], op.to[2], grid.sz)
      const y0 = Math.min(op.from[1], op.to[1])
      const y1 = Math.max(op.from[1], op.to[1])
      for (let z = z0; z <= z1; z++)
        for (let x = x0; x <= x1; x++) {
          grid.fillColumn(x, z, y0, y1, m)
          refreshTop(ctx, x, z)
        }
      return
    }
    case 'mountain':
      return mountain(ctx, op, m, index)
    case 'lake':
      return lake(ctx, op, m)
    case 'path':
      return path(ctx, op, m)
    case 'flatten': {
      const [x0, x1] = clampRange(op.from[0], op.to[0], grid.sx)
      const [z0, z1] = clampRange(op.from[1], op.to[1], grid.sz)
      const h = Math.min(grid.sy - 1, Math.max(0, op.height))
      for (let z = z0; z <= z1; z++) for (let x = x0; x <= x1; x++) setColumnTop(ctx, x, z, h, m)
      return
    }
  }
}

/** Makes `h` the column's top: fills up with subsurface or clears down, then paints the top. */
function setColumnTop(ctx: Ctx, x: number, z: number, h: number, material: number): void {
  const { grid } = ctx
  const c = z * grid.sx + x
  const t0 = ctx.top[c]!
  // The subsurface layer follows the new top, so a cut into a hill is not grass on bare rock.
  const depth = ctx.world.terrain.subsurfaceDepth
  grid.fillColumn(x, z, Math.min(t0 + 1, h - depth), h - 1, ctx.sub)
  grid.fillColumn(x, z, h + 1, grid.sy - 1, 0)
  grid.set(x, h, z, material)
  ctx.top[c] = ctx.mats.kind[material] === KIND_SOLID ? h : grid.topSolid(x, z)
}

function mountain(
  ctx: Ctx,
  op: Extract<VoxelOp, { op: 'mountain' }>,
  m: number,
  index: number,
): void {
  const { grid, top } = ctx
  const [cx, cz] = op.center
  const r = op.radius
  const seed = mixSeed(ctx.world.terrain.seed, 1000 + index)
  const ground = Math.max(
    0,
    top[Math.min(grid.sz - 1, Math.max(0, cz)) * grid.sx + Math.min(grid.sx - 1, Math.max(0, cx))]!,
  )
  const cap = op.cap ? materialId(ctx.mats, op.cap) : -1
  const surface = op.surface ? materialId(ctx.mats, op.surface) : -1
  const terrace = op.terrace
  // Without an explicit snow line, cap the upper 40 % of the mountain.
  const capAbove = op.capAbove ?? ground + op.height * 0.6
  const [x0, x1] = clampRange(Math.floor(cx - r), Math.ceil(cx + r), grid.sx)
  const [z0, z1] = clampRange(Math.floor(cz - r), Math.ceil(cz + r), grid.sz)
  const nScale = 1 / Math.max(2, r * 0.3)
  for (let z = z0; z <= z1; z++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - cx, z - cz) / r
      if (d >= 1) continue
      const profile = 0.5 + 0.5 * Math.cos(Math.PI * d)
      // Two octaves of signed noise scaled by roughness break up the perfect bell.
      const n =
        (2 * valueNoise2(x * nScale, z * nScale, seed) - 1) * 0.65 +
        (2 * valueNoise2(x * nScale * 2.3, z * nScale * 2.3, seed + 1) - 1) * 0.35
      const add = op.height * profile * Math.max(0, 1 + op.roughness * n)
      const c = z * grid.sx + x
      const t0 = top[c]!
      // Terraces quantise absolute heights, so neighbouring columns share one level.
      // Clamp before quantising, so a peak cut by the world's ceiling is still a level step.
      const raw = Math.min(grid.sy - 1, t0 + add)
      const t1 = terrace > 1 ? Math.floor(raw / terrace) * terrace : Math.round(raw)
      if (t1 <= t0) continue
      grid.fillColumn(x, z, t0 + 1, t1, m)
      if (cap >= 0) grid.fillColumn(x, z, Math.max(t0 + 1, Math.floor(capAbove) + 1), t1, cap)
      if (surface >= 0 && !(cap >= 0 && t1 > capAbove)) grid.set(x, t1, z, surface)
      top[c] = t1
    }
  }
}

function lake(ctx: Ctx, op: Extract<VoxelOp, { op: 'lake' }>, m: number): void {
  const { grid, top } = ctx
  const [cx, cz] = op.center
  const r = op.radius
  const level = Math.min(grid.sy - 1, op.level)
  const floor = Math.min(op.floor, level - 1)
  const shore = op.shore ? materialId(ctx.mats, op.shore) : -1
  const bank = shore >= 0 ? shore : ctx.sub
  const ring = 2
  const [x0, x1] = clampRange(Math.floor(cx - r - ring), Math.ceil(cx + r + ring), grid.sx)
  const [z0, z1] = clampRange(Math.floor(cz - r - ring), Math.ceil(cz + r + ring), grid.sz)
  for (let z = z0; z <= z1; z++) {
    for (let x = x0; x <= x1; x++) {
      const dist = Math.hypot(x - cx, z - cz)
      if (dist > r + ring) continue
      const c = z * grid.sx + x
      const t0 = top[c]!
      if (dist <= r) {
        // A bowl: `floor` in the middle rising to one voxel of water at the rim.
        const t = dist / r
        const bottom = Math.max(0, floor + Math.round((level - 1 - floor) * t * t))
        if (t0 < bottom) grid.fillColumn(x, z, t0 + 1, bottom, bank)
        grid.fillColumn(x, z, bottom + 1, grid.sy - 1, 0)
        grid.fillColumn(x, z, bottom + 1, level, m)
        if (shore >= 0) grid.set(x, bottom, z, shore)
        top[c] = bottom
      } else {
        // The shore ring: a bank at least level high (so the water stays in), sloping down to it.
        const bankTop = level + Math.ceil(dist - r) - 1
        let t1 = t0
        if (t0 > bankTop) {
          grid.fillColumn(x, z, bankTop + 1, grid.sy - 1, 0)
          t1 = bankTop
        } else if (t0 < level) {
          grid.fillColumn(x, z, t0 + 1, level, bank)
          t1 = level
        }
        if (shore >= 0) grid.set(x, t1, z, shore)
        top[c] = t1
      }
    }
  }
}

function path(ctx: Ctx, op: Extract<VoxelOp, { op: 'path' }>, m: number): void {
  const { grid, top } = ctx
  const sx = grid.sx
  const half = op.width / 2
  const before = top.slice()
  // Per column: the nearest distance to the polyline and the centre-line column it projects on.
  const best = new Map<number, { d: number; px: number; pz: number }>()
  for (let i = 0; i + 1 < op.points.length; i++) {
    const [ax, az] = op.points[i]!
    const [bx, bz] = op.points[i + 1]!
    const dx = bx - ax
    const dz = bz - az
    const len2 = dx * dx + dz * dz
    const [x0, x1] = clampRange(
      Math.floor(Math.min(ax, bx) - half),
      Math.ceil(Math.max(ax, bx) + half),
      sx,
    )
    const [z0, z1] = clampRange(
      Math.floor(Math.min(az, bz) - half),
      Math.ceil(Math.max(az, bz) + half),
      grid.sz,
    )
    for (let z = z0; z <= z1; z++) {
      for (let x = x0; x <= x1; x++) {
        const s = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (z - az) * dz) / len2)) : 0
        const px = ax + s * dx
        const pz = az + s * dz
        const d = Math.hypot(x - px, z - pz)
        if (d > half) continue
        const c = z * sx + x
        const prev = best.get(c)
        if (!prev || d < prev.d) best.set(c, { d, px, pz })
      }
    }
  }
  for (const [c, { px, pz }] of best) {
    const x = c % sx
    const z = (c - x) / sx
    const t0 = top[c]!
    if (t0 < 0) continue
    // Level slightly: halfway towards the mean height around the centre line.
    const target = meanHeight(before, grid, Math.round(px), Math.round(pz), 2)
    const t1 = Math.max(0, Math.min(grid.sy - 1, Math.round((t0 + target) / 2)))
    setColumnTop(ctx, x, z, t1, m)
  }
}

function meanHeight(tops: Int16Array, grid: VoxelGrid, x: number, z: number, r: number): number {
  let sum = 0
  let n = 0
  for (let dz = -r; dz <= r; dz++)
    for (let dx = -r; dx <= r; dx++) {
      const xx = x + dx
      const zz = z + dz
      if (xx < 0 || zz < 0 || xx >= grid.sx || zz >= grid.sz) continue
      const t = tops[zz * grid.sx + xx]!
      if (t < 0) continue
      sum += t
      n++
    }
  return n ? sum / n : 0
}

function placeAll(ctx: Ctx): void {
  const { world, grid, mats, top } = ctx
  const compiled = new Map<string, CompiledPrefab>()
  const prefab = (name: string): CompiledPrefab => {
    let p = compiled.get(name)
    if (!p) {
      const src = world.prefabs[name]
      if (!src) throw new Error(`unknown prefab "${name}"`)
      p = compilePrefab(src, mats)
      compiled.set(name, p)
    }
    return p
  }
  const sx = grid.sx
  // Columns under explicit placements: scatter keeps out of them.
  const taken = new Uint8Array(sx * grid.sz)
  const mark = (x: number, z: number, w: number, d: number) => {
    for (let zz = Math.max(0, z); zz < Math.min(grid.sz, z + d); zz++)
      taken.fill(1, zz * sx + Math.max(0, x), zz * sx + Math.min(sx, x + w))
  }
  const free = (x: number, z: number, w: number, d: number) => {
    for (let zz = Math.max(0, z); zz < Math.min(grid.sz, z + d); zz++)
      for (let xx = Math.max(0, x); xx < Math.min(sx, x + w); xx++)
        if (taken[zz * sx + xx]) return false
    return true
  }
  const groundAt = (x: number, z: number) =>
    x >= 0 && z >= 0 && x < sx && z < grid.sz ? top[z * sx + x]! : -1

  for (const pl of world.placements) {
    const p = prefab(pl.prefab)
    const [x, yAt, z] = pl.at
    const y = yAt === 'ground' ? groundAt(x, z) + 1 : yAt
    stampPrefab(grid, p, x, y, z, pl.rotate)
    const [w, d] = rotatedFootprint(p, pl.rotate)
    mark(x, z, w, d)
  }

  // Scatter centres of every entry, bucketed for the spacing test.
  const CELL = 8
  const buckets = new Map<number, number[]>()
  const bucketKey = (bx: number, bz: number) => bx * 65536 + bz
  const farEnough = (x: number, z: number, spacing: number) => {
    const reach = Math.ceil(spacing / CELL)
    const bx = Math.floor(x / CELL)
    const bz = Math.floor(z / CELL)
    for (let i = bx - reach; i <= bx + reach; i++)
      for (let j = bz - reach; j <= bz + reach; j++) {
        const list = buckets.get(bucketKey(i, j))
        if (!list) continue
        for (let k = 0; k < list.length; k += 2)
          if (Math.hypot(list[k]! - x, list[k + 1]! - z) < spacing) return false
      }
    return true
  }

  world.scatter.forEach((s, si) => {
    const p = prefab(s.prefab)
    const on = new Set(s.on.map((n) => materialId(mats, n)))
    const rng = mulberry32(mixSeed(s.seed, si))
    const [x0, x1] = clampRange(s.from[0], s.to[0], sx)
    const [z0, z1] = clampRange(s.from[1], s.to[1], grid.sz)
    let placed = 0
    for (let attempt = 0; placed < s.count && attempt < s.count * 12; attempt++) {
      const cx = x0 + Math.floor(rng() * (x1 - x0 + 1))
      const cz = z0 + Math.floor(rng() * (z1 - z0 + 1))
      const rotate = (Math.floor(rng() * 4) * 90) as Rotation
      const t = top[cz * sx + cx]!
      if (t < 0 || !on.has(grid.get(cx, t, cz))) continue
      // Something already stands here, or the surface is under water.
      if (grid.get(cx, t + 1, cz) !== 0) continue
      const [w, d] = rotatedFootprint(p, rotate)
      const x = cx - Math.floor(w / 2)
      const z = cz - Math.floor(d / 2)
      if (!free(x, z, w, d) || !farEnough(cx, cz, s.minSpacing)) continue
      stampPrefab(grid, p, x, t + 1, z, rotate)
      const key = bucketKey(Math.floor(cx / CELL), Math.floor(cz / CELL))
      const list = buckets.get(key)
      if (list) list.push(cx, cz)
      else buckets.set(key, [cx, cz])
      placed++
    }
  })
}
