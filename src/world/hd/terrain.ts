// Cangqiong's height field: ridged mountains rising towards the edges around a gentle valley with
// a lake, terraces under landmarks and a pond under each bridge. Pure math, shared with the server.
import type { HdWorld } from '../../protocol/scene'
import { BRIDGE, landmarkFootprint } from './landmarks'
import { createNoise2D, fbm, hashSeed, mulberry32, ridged, smin, smoothstep, lerp } from './noise'

export interface Lake {
  x: number
  z: number
  /** Nominal shoreline radius (m); the real shore is warped by noise around it. */
  radius: number
}

export interface HeightField {
  /** Side of the square terrain (m), centred on the origin. */
  readonly size: number
  /** Quads per side; the grid holds (resolution + 1)² samples, row-major by z then x. */
  readonly resolution: number
  /** Distance between grid samples (m). */
  readonly cell: number
  readonly heights: Float32Array
  readonly waterLevel: number
  /** Typical height of the valley floor. */
  readonly floorLevel: number
  readonly minHeight: number
  readonly maxHeight: number
  readonly lake: Lake
  /** Ground height under each of `hd.landmarks` (before its own y offset). */
  readonly landmarkBase: readonly number[]
  /** Bilinear height at (x, z); clamped to the terrain's edge outside it. */
  heightAt(x: number, z: number): number
  /** Steepness at (x, z): rise over run of the surface (1 = 45°). */
  slopeAt(x: number, z: number): number
}

/** How far above the water the valley floor sits (m). */
export const FLOOR_ABOVE_WATER = 2

interface Pad {
  x: number
  z: number
  radius: number
  blend: number
  height: number
}

interface Channel {
  x: number
  z: number
  cos: number
  sin: number
  halfWidth: number
  halfLength: number
}

/** Builds the height field of an HD world. Same `hd` in, same heights out. */
export function createHeightField(hd: HdWorld): HeightField {
  const size = hd.size
  const half = size / 2
  const res = hd.terrain.resolution
  const cell = size / res
  const H = hd.terrain.height
  const seed = hd.terrain.seed
  const water = hd.waterLevel
  const floor = water + FLOOR_ABOVE_WATER
  const R = Math.min(hd.terrain.valleyRadius, half * 0.8)

  const nWarp = createNoise2D(hashSeed(seed, 1))
  const nRidge = createNoise2D(hashSeed(seed, 2))
  const nMassif = createNoise2D(hashSeed(seed, 3))
  const nHills = createNoise2D(hashSeed(seed, 4))
  const nGentle = createNoise2D(hashSeed(seed, 5))
  const nShore = createNoise2D(hashSeed(seed, 6))

  const mountainStart = R * 0.8
  const mountainFull = R + (half - R) * 0.6

  // The land before any lake, pond or terrace.
  const land = (x: number, z: number): number => {
    const wx = x + 30 * nWarp(x / 200, z / 200)
    const wz = z + 30 * nWarp(x / 200 + 40.7, z / 200 - 13.3)
    const d = Math.hypot(wx, wz)
    const t = smoothstep(mountainStart, mountainFull, d)
    let mountain = 0
    if (t > 0) {
      const ridge = ridged(nRidge, x / 230, z / 230, 5)
      const massif = 0.6 + 0.5 * fbm(nMassif, x / 420, z / 420, 2)
      // Squaring the ridge term makes the steep, separate peaks of shan-shui paintings.
      mountain = H * Math.pow(t, 1.4) * (0.15 + 0.85 * ridge * ridge * 1.6) * massif
    }
    const hills = 7 * (0.5 + 0.5 * fbm(nHills, x / 80, z / 80, 3)) * smoothstep(R * 0.35, R, d)
    const gentle = 0.9 * fbm(nGentle, x / 50, z / 50, 3)
    return floor + gentle + hills + mountain
  }

  // The lake goes where it keeps clear of the landmarks: preferably just beside a bridge, on its
  // pond's axis, so the bridge spans the lake's inlet; otherwise at a seeded angle.
  const lakeRadius = Math.min(80, Math.max(8, R * 0.26))
  const lakeDist = Math.max(R * 0.52, lakeRadius * 1.3 + 12)
  const rand = mulberry32(hashSeed(seed, 7))
  const angle0 = rand() * Math.PI * 2
  const candidates: { x: number; z: number; bonus: number; own: number }[] = []
  for (let k = 0; k < 12; k++) {
    const a = angle0 + (k / 12) * Math.PI * 2
    candidates.push({
      x: Math.cos(a) * lakeDist,
      z: Math.sin(a) * lakeDist,
      bonus: k ? 0 : 0.5,
      own: -1,
    })
  }
  hd.landmarks.forEach((l, i) => {
    if (l.kind !== 'bridge') return
    const rot = (l.rotation * Math.PI) / 180
    const d = lakeRadius + 8 * l.scale
    for (const side of [-1, 1])
      candidates.push({
        // Local +z of the landmark in world space is (sin, cos).
        x: l.position[0] + Math.sin(rot) * d * side,
        z: l.position[2] + Math.cos(rot) * d * side,
        bonus: 30,
        own: i,
      })
  })
  let best = { score: -Infinity, x: candidates[0]!.x, z: candidates[0]!.z }
  for (const c of candidates) {
    const fromSpawn = Math.hypot(c.x, c.z)
    if (fromSpawn - lakeRadius * 1.3 < 10 || fromSpawn > Math.max(R, lakeDist)) continue
    let clearance = 40
    hd.landmarks.forEach((l, i) => {
      if (i === c.own) return
      const gap =
        Math.hypot(l.position[0] - c.x, l.position[2] - c.z) -
        lakeRadius * 1.3 -
        landmarkFootprint(l.kind, l.scale)
      clearance = Math.min(clearance, gap)
    })
    if (c.own >= 0 && clearance < 5) continue
    const score = clearance + c.bonus
    if (score > best.score) best = { score, x: c.x, z: c.z }
  }
  const lake: Lake = { x: best.x, z: best.z, radius: lakeRadius }
  const lakeDepth = 2.5 + lakeRadius * 0.06

  const withLake = (x: number, z: number, h: number): number => {
    const raw = Math.hypot(x - lake.x, z - lake.z) / lake.radius
    if (raw > 3) return h
    const ld = raw + 0.22 * nShore(x / 28, z / 28) * Math.min(1, raw)
    const basin = ld < 1 ? water - lakeDepth * (1 - ld * ld) : water + (ld - 1) * lake.radius * 0.14
    return smin(h, basin, 1.2)
  }

  // Bridges get a pond to span: a channel across their deck, closed at both ends.
  const channels: Channel[] = []
  const bankPads: Pad[] = []
  const pads: Pad[] = []
  const landmarkBase: number[] = []
  const preliminary = (x: number, z: number) => withLake(x, z, land(x, z))
  for (const l of hd.landmarks) {
    const [x, , z] = l.position
    const rot = (l.rotation * Math.PI) / 180
    if (l.kind === 'bridge') {
      const span = BRIDGE.length * l.scale
      const bank = Math.max(water + 1.2, preliminary(x, z))
      landmarkBase.push(bank)
      channels.push({
        x,
        z,
        cos: Math.cos(rot),
        sin: Math.sin(rot),
        halfWidth: span * 0.28,
        halfLength: Math.max(22, span * 1.5),
      })
      for (const side of [-1, 1]) {
        // Local +x of the landmark in world space is (cos, -sin), as three's rotation.y gives.
        const off = side * (span / 2 + 1.5 * l.scale)
        bankPads.push({
          x: x + Math.cos(rot) * off,
          z: z - Math.sin(rot) * off,
          radius: 2.5 * l.scale,
          blend: 4,
          height: bank,
        })
      }
    } else {
      const radius = landmarkFootprint(l.kind, l.scale)
      const base = Math.max(water + 0.8, preliminary(x, z))
      landmarkBase.push(base)
      pads.push({ x, z, radius, blend: Math.max(5, radius * 0.7), height: base })
    }
  }

  const withChannels = (x: number, z: number, h: number): number => {
    for (const c of channels) {
      const dx = x - c.x
      const dz = z - c.z
      const lx = dx * c.cos - dz * c.sin
      const lz = dx * c.sin + dz * c.cos
      const b = Math.abs(lz) / c.halfLength
      const a = Math.abs(lx) / c.halfWidth
      if (b > 1.2 || a > 4) continue
      let bed = a < 1 ? water - 1.4 * (1 - a * a) : water + (a - 1) * c.halfWidth * 0.45
      bed += smoothstep(0.55, 1, b) * 12
      h = smin(h, bed, 0.8)
    }
    return h
  }

  const withPads = (x: number, z: number, h: number, list: readonly Pad[]): number => {
    for (const p of list) {
      const d = Math.hypot(x - p.x, z - p.z)
      if (d >= p.radius + p.blend) continue
      h = lerp(h, p.height, 1 - smoothstep(p.radius, p.radius + p.blend, d))
    }
    return h
  }

  const surface = (x: number, z: number): number => {
    let h = withLake(x, z, land(x, z))
    h = withChannels(x, z, h)
    h = withPads(x, z, h, bankPads)
    return withPads(x, z, h, pads)
  }

  const n = res + 1
  const heights = new Float32Array(n * n)
  let minHeight = Infinity
  let maxHeight = -Infinity
  for (let j = 0; j < n; j++) {
    const z = -half + j * cell
    for (let i = 0; i < n; i++) {
      const h = surface(-half + i * cell, z)
      heights[j * n + i] = h
      if (h < minHeight) minHeight = h
      if (h > maxHeight) maxHeight = h
    }
  }

  const heightAt = (x: number, z: number): number => {
    const fx = Math.min(res, Math.max(0, (x + half) / cell))
    const fz = Math.min(res, Math.max(0, (z + half) / cell))
    const i = Math.min(res - 1, Math.floor(fx))
    const j = Math.min(res - 1, Math.floor(fz))
    const tx = fx - i
    const tz = fz - j
    const k = j * n + i
    const h00 = heights[k]!
    const h10 = heights[k + 1]!
    const h01 = heights[k + n]!
    const h11 = heights[k + n + 1]!
    return lerp(lerp(h00, h10, tx), lerp(h01, h11, tx), tz)
  }

  const slopeAt = (x: number, z: number): number => {
    const e = cell * 0.5
    const gx = (heightAt(x + e, z) - heightAt(x - e, z)) / (2 * e)
    const gz = (heightAt(x, z + e) - heightAt(x, z - e)) / (2 * e)
    return Math.hypot(gx, gz)
  }

  return {
    size,
    resolution: res,
    cell,
    heights,
    waterLevel: water,
    floorLevel: floor,
    minHeight,
    maxHeight,
    lake,
    landmarkBase,
    heightAt,
    slopeAt,
  }
}
