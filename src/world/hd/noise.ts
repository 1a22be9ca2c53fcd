// Seeded noise for the HD landscape: a PRNG, 2D gradient noise, fractal sums and a tileable
// variant for generated textures. Pure math (no three), so the server can rebuild the terrain.

/** Mulberry32: a tiny, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mixes a seed with a salt so that different uses of one seed are independent. */
export function hashSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

export type Noise2D = (x: number, y: number) => number

const GRADIENTS = 16
const GX = new Float64Array(GRADIENTS)
const GY = new Float64Array(GRADIENTS)
for (let i = 0; i < GRADIENTS; i++) {
  GX[i] = Math.cos((i / GRADIENTS) * Math.PI * 2)
  GY[i] = Math.sin((i / GRADIENTS) * Math.PI * 2)
}

function permutation(seed: number): Uint8Array {
  const rand = mulberry32(seed)
  const p = new Uint8Array(512)
  for (let i = 0; i < 256; i++) p[i] = i
  for (let i = 255; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  for (let i = 0; i < 256; i++) p[i + 256] = p[i]!
  return p
}

const fade = (t: number) => t * t * t * (t * (t * 6 - 15) + 10)

/**
 * 2D gradient (Perlin-style) noise in roughly [-1, 1]. With `period` the lattice wraps, so the
 * noise tiles every `period` units (for repeat-wrapped textures).
 */
export function createNoise2D(seed: number, period = 0): Noise2D {
  const p = permutation(seed)
  const wrap = period > 0 ? (i: number) => ((i % period) + period) % period : (i: number) => i
  const grad = (ix: number, iy: number, dx: number, dy: number) => {
    const g = p[(p[wrap(ix) & 255]! + (wrap(iy) & 255)) & 511]! & (GRADIENTS - 1)
    return GX[g]! * dx + GY[g]! * dy
  }
  return (x, y) => {
    const ix = Math.floor(x)
    const iy = Math.floor(y)
    const fx = x - ix
    const fy = y - iy
    const u = fade(fx)
    const v = fade(fy)
    const a = grad(ix, iy, fx, fy)
    const b = grad(ix + 1, iy, fx - 1, fy)
    const c = grad(ix, iy + 1, fx, fy - 1)
    const d = grad(ix + 1, iy + 1, fx - 1, fy - 1)
    const ab = a + (b - a) * u
    const cd = c + (d - c) * u
    // Perlin 2D peaks near ±0.71; scale to about ±1.
    return (ab + (cd - ab) * v) * 1.41
  }
}

/** Fractal Brownian motion: octaves of `noise`, normalised to roughly [-1, 1]. */
export function fbm(noise: Noise2D, x: number, y: number, octaves: number, gain = 0.5): number {
  let sum = 0
  let amp = 1
  let norm = 0
  let f = 1
  for (let o = 0; o < octaves; o++) {
    // Offsets per octave keep the lattice origins from lining up.
    sum += amp * noise(x * f + o * 17.3, y * f - o * 9.1)
    norm += amp
    amp *= gain
    f *= 2
  }
  return sum / norm
}

/**
 * Ridged multifractal in [0, 1]: sharp crests where the noise crosses zero, each octave
 * weighted by the previous one so ridges carry detail and valleys stay smooth.
 */
export function ridged(noise: Noise2D, x: number, y: number, octaves: number): number {
  let sum = 0
  let amp = 0.5
  let f = 1
  let weight = 1
  let norm = 0
  for (let o = 0; o < octaves; o++) {
    let n = 1 - Math.abs(noise(x * f + o * 31.7, y * f + o * 12.9))
    n *= n
    n *= weight
    weight = Math.min(1, Math.max(0, n * 2))
    sum += n * amp
    norm += amp
    amp *= 0.5
    f *= 2.03
  }
  return sum / norm
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)))
  return t * t * (3 - 2 * t)
}

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t
}

/** Polynomial smooth minimum: like Math.min but with a rounded blend `k` wide. */
export function smin(a: number, b: number, k: number): number {
  const h = Math.min(1, Math.max(0, 0.5 + (0.5 * (b - a)) / k))
  return lerp(b, a, h) - k * h * (1 - h)
}
