// Works the project paints in code for immersive exhibitions, after paintings long in the public
// domain: blue-green mountains after Wang Ximeng (1113), red plum after the Yuan masters, waves
// after Hokusai (1831), a starry night after Van Gogh (1889). Each is a pure function of its
// seed: the same pixels on every machine, nothing downloaded. They show where a space has too few
// verified collectibles with pictures to fill a show. Pixels are RGBA rows from the bottom up
// (what WebGL uploads as v = 0 first), in sRGB.

import { mulberry32 } from '../../world/hd/noise'
import { valueNoise2 } from '../../world/voxel/generate'

export interface WorkPixels {
  width: number
  height: number
  data: Uint8Array
}

export interface ClassicWork {
  id: 'mountains' | 'plum' | 'waves' | 'stars'
  title: { 'zh-CN': string; en: string }
  after: { 'zh-CN': string; en: string }
  width: number
  height: number
  paint: () => WorkPixels
}

// ---- noise ----------------------------------------------------------------------------------

/** Smooth value noise in [0, 1): the voxel terrain's. */
const noise = valueNoise2

function fbm(x: number, y: number, seed: number, octaves = 4): number {
  let sum = 0
  let amp = 0.5
  let norm = 0
  for (let o = 0; o < octaves; o++) {
    sum += amp * noise(x, y, seed + o * 17)
    norm += amp
    x *= 2.03
    y *= 2.03
    amp *= 0.5
  }
  return sum / norm
}

/** A seeded random sequence. */
const random = mulberry32

type RGB = [number, number, number]

const mix = (a: RGB, b: RGB, t: number): RGB => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
]
const clamp01 = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : t)
const smooth = (e0: number, e1: number, x: number) => {
  const t = clamp01((x - e0) / (e1 - e0))
  return t * t * (3 - 2 * t)
}
const hex = (h: number): RGB => [(h >> 16) & 255, (h >> 8) & 255, h & 255]

/** A canvas of floating-point RGB with the top row first, for painting. */
class Canvas {
  readonly px: Float32Array
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Float32Array(width * height * 3)
  }

  /** Sets every pixel from a function of (u, v) in [0, 1], v down. */
  shade(f: (u: number, v: number, x: number, y: number) => RGB) {
    const { width, height, px } = this
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const c = f((x + 0.5) / width, (y + 0.5) / height, x, y)
        const i = (y * width + x) * 3
        px[i] = c[0]
        px[i + 1] = c[1]
        px[i + 2] = c[2]
      }
    }
  }

  /** Lays a soft disc of colour over what is there (radius and centre in pixels). */
  dab(cx: number, cy: number, r: number, c: RGB, alpha: number, softness = 0.35) {
    const { width, height, px } = this
    const x0 = Math.max(0, Math.floor(cx - r - 1))
    const x1 = Math.min(width - 1, Math.ceil(cx + r + 1))
    const y0 = Math.max(0, Math.floor(cy - r - 1))
    const y1 = Math.min(height - 1, Math.ceil(cy + r + 1))
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / Math.max(r, 0.5)
        if (d >= 1) continue
        const a = alpha * (1 - smooth(1 - softness, 1, d))
        const i = (y * width + x) * 3
        px[i] = px[i]! + (c[0] - px[i]!) * a
        px[i + 1] = px[i + 1]! + (c[1] - px[i + 1]!) * a
        px[i + 2] = px[i + 2]! + (c[2] - px[i + 2]!) * a
      }
    }
  }

  pixels(): WorkPixels {
    const { width, height, px } = this
    const data = new Uint8Array(width * height * 4)
    for (let y = 0; y < height; y++) {
      const row = (height - 1 - y) * width
      for (let x = 0; x < width; x++) {
        const s = (y * width + x) * 3
        const d = (row + x) * 4
        data[d] = Math.max(0, Math.min(255, Math.round(px[s]!)))
        data[d + 1] = Math.max(0, Math.min(255, Math.round(px[s + 1]!)))
        data[d + 2] = Math.max(0, Math.min(255, Math.round(px[s + 2]!)))
        data[d + 3] = 255
      }
    }
    return { width, height, data }
  }
}

// ---- blue-green mountains ----------------------------------------------------------------

function mountains(): WorkPixels {
  const W = 1024
  const H = 256
  const c = new Canvas(W, H)
  const silk = hex(0xd8c59a)
  const mist = hex(0xe8dcc0)
  const azurite = hex(0x2f6d8c)
  const malachite = hex(0x3f8f6a)
  const ochre = hex(0x9c7442)
  const water = hex(0xa9c2ae)
  // Far to near: the ridge's mean height (v), how far it rises, and how wide its peaks are.
  const layers = [
    { base: 0.48, amp: 0.34, freq: 6, seed: 11, haze: 0.65 },
    { base: 0.6, amp: 0.46, freq: 4, seed: 23, haze: 0.35 },
    { base: 0.74, amp: 0.52, freq: 2.6, seed: 37, haze: 0.1 },
  ]
  const ridge = (l: (typeof layers)[number], u: number) => {
    const n = fbm(u * l.freq, l.seed, l.seed, 5)
    // Sharpened peaks: the Song painters' steep, narrow summits.
    return l.base - l.amp * Math.pow(smooth(0.25, 0.8, n), 1.6)
  }
  c.shade((u, v) => {
    const grain = fbm(u * 220, v * 60, 5, 2) * 10 - 5
    let col: RGB = mix(silk, mist, smooth(0.1, 0.55, 1 - v) * 0.4)
    col = [col[0] + grain, col[1] + grain, col[2] + grain * 0.8]
    const shore = 0.8 + 0.03 * Math.sin(u * 9) * fbm(u * 6, 1, 3)
    if (v > shore) {
      const ripple = Math.sin(v * 520 + fbm(u * 40, v * 8, 9) * 9) > 0.72 ? 1 : 0
      return mix(water, hex(0xe9ecd9), ripple * 0.5 * (1 - (v - shore) * 2))
    }
    // The nearest layer whose ridge lies above this pixel paints it.
    for (let k = layers.length - 1; k >= 0; k--) {
      const l = layers[k]!
      const top = ridge(l, u)
      if (v < top) continue
      const depth = clamp01((v - top) / 0.32)
      const texture = fbm(u * 90, v * 45, l.seed + 3, 3)
      // Azurite and malachite on the heights, ochre towards the foot: the 青绿 scheme.
      let m = mix(azurite, malachite, smooth(0.3, 0.7, texture))
      m = mix(m, ochre, smooth(0.35, 0.95, depth + (texture - 0.5) * 0.3))
      // Texture strokes (cun) darken the slopes.
      if (Math.sin(u * 700 + texture * 14 + v * 40) > 0.8) m = mix(m, hex(0x1f3f45), 0.35)
      // Pines along the nearest ridges.
      if (k === layers.length - 1 && v - top < 0.03 && noise(u * 300, v * 80, 77) > 0.62)
        m = hex(0x20412f)
      const veil = l.haze + (1 - l.haze) * smooth(0.02, 0.0, v - top) * 0.3
      const low = smooth(shore - 0.08, shore, v) * 0.5
      return mix(m, mist, clamp01(veil * 0.75 + low))
    }
    return col
  })
  // A few travellers' boats on the water.
  const rnd = random(1113)
  for (let i = 0; i < 5; i++) {
    const x = rnd() * W
    const y = H * (0.86 + rnd() * 0.08)
    for (let k = -5; k <= 5; k++) c.dab(x + k, y, 1.6, hex(0x4a3a28), 0.8)
    c.dab(x + 1, y - 4, 1.4, hex(0x4a3a28), 0.7)
  }
  return c.pixels()
}

// ---- red plum ----------------------------------------------------------------------------

function plum(): WorkPixels {
  const W = 512
  const H = 256
  const c = new Canvas(W, H)
  const paper = hex(0xefe5cf)
  c.shade((u, v) => {
    const fibre = fbm(u * 300, v * 40, 3, 2) * 12 - 6
    const age = smooth(0.35, 0.75, Math.hypot(u - 0.5, v - 0.5)) * 18
    return [paper[0] + fibre - age, paper[1] + fibre - age * 1.1, paper[2] + fibre - age * 1.4]
  })
  const rnd = random(1350)
  const ink = hex(0x2a2420)
  const tips: [number, number][] = []
  // Branches grow from the lower left, each a chain of dabs whose width and ink fade.
  const grow = (
    x: number,
    y: number,
    angle: number,
    width: number,
    length: number,
    depth: number,
  ) => {
    const steps = Math.max(4, Math.floor(length / 1.5))
    let a = angle
    for (let s = 0; s < steps; s++) {
      a += (rnd() - 0.5) * 0.16
      x += Math.cos(a) * 1.5
      y += Math.sin(a) * 1.5
      const w = width * (1 - (s / steps) * 0.55)
      // Dry brush: the ink breaks where the noise says.
      const dry = noise(x * 0.2, y * 0.2, depth) * 0.6 + 0.4
      c.dab(x, y, w, ink, 0.55 * dry, 0.5)
      if (depth < 4 && s > 3 && rnd() < 0.05) {
        grow(
          x,
          y,
          a + (rnd() < 0.5 ? -1 : 1) * (0.5 + rnd() * 0.6),
          w * 0.7,
          length * 0.55,
          depth + 1,
        )
      }
    }
    tips.push([x, y])
  }
  grow(-10, H * 0.95, -0.6, 9, 300, 0)
  grow(W * 0.55, H + 8, -1.9, 6, 170, 1)
  // Blossoms: five petals round a pale heart, stamens in ink; buds on the young twigs.
  const petal = hex(0xc8324a)
  const light = hex(0xf3c6c9)
  for (let i = 0; i < tips.length + 24; i++) {
    const [tx, ty] = tips[Math.floor(rnd() * tips.length)]!
    const x = tx + (rnd() - 0.5) * 60
    const y = ty + (rnd() - 0.5) * 40
    if (x < 0 || y < 0 || x > W || y > H) continue
    const r = 3 + rnd() * 3.5
    if (rnd() < 0.3) {
      c.dab(x, y, r * 0.55, petal, 0.9)
      continue
    }
    const turn = rnd() * Math.PI
    for (let p = 0; p < 5; p++) {
      const a = turn + (p * 2 * Math.PI) / 5
      c.dab(x + Math.cos(a) * r * 0.7, y + Math.sin(a) * r * 0.7, r * 0.62, petal, 0.85)
    }
    c.dab(x, y, r * 0.45, light, 0.9)
    for (let s = 0; s < 6; s++) {
      const a = (s * Math.PI) / 3 + turn
      c.dab(x + Math.cos(a) * r * 0.55, y + Math.sin(a) * r * 0.55, 0.7, ink, 0.9)
    }
  }
  // The painter's red seal in the lower right.
  const sx = W - 40
  const sy = H - 46
  for (let y = 0; y < 22; y++)
    for (let x = 0; x < 22; x++) {
      const carved =
        (x > 3 && x < 18 && (y === 6 || y === 7 || y === 14 || y === 15)) || x === 10 || x === 11
      c.dab(sx + x, sy + y, 0.8, carved ? paper : hex(0xb0282c), carved ? 0.6 : 0.9, 0.1)
    }
  return c.pixels()
}

// ---- waves -------------------------------------------------------------------------------

function waves(): WorkPixels {
  const W = 512
  const H = 256
  const c = new Canvas(W, H)
  const sky = hex(0xe6dcc2)
  const prussian = hex(0x1c3f6e)
  const blue = hex(0x5a86b0)
  const foam = hex(0xf4efe1)
  const horizon = 0.52
  c.shade((u, v) => {
    const grain = fbm(u * 200, v * 50, 8, 2) * 10 - 5
    // Mount Fuji, small and far, between the waves.
    const fuji = horizon - 0.16 * clamp01(1 - Math.abs(u - 0.63) / 0.1)
    let col: RGB =
      v < fuji
        ? mix(sky, hex(0xcfc2a2), v / horizon)
        : mix(hex(0x6f8db0), prussian, (v - fuji) / 0.2)
    if (v >= fuji && v < horizon && v < fuji + 0.05 * clamp01(1 - Math.abs(u - 0.63) / 0.06))
      col = foam
    // Rows of waves, far to near, each taller; the nearest row paints last.
    for (let k = 0; k < 6; k++) {
      const base = horizon + 0.08 * k * (1 + k * 0.12)
      const amp = 0.02 + 0.035 * k
      const f = 14 - k * 1.6
      const s = Math.sin(u * f * Math.PI + k * 1.7 + fbm(u * 4, k, 4) * 2)
      const crest = base - amp * Math.pow(Math.abs(s), 0.6)
      if (v < crest) continue
      const into = v - crest
      col = mix(blue, prussian, smooth(0, 0.09 + k * 0.02, into))
      // Stripes of the swell, and the claw of foam on each crest.
      if (Math.sin((into + u * 0.3) * 160 + k) > 0.85) col = mix(col, foam, 0.35)
      const claw = 0.008 + 0.01 * noise(u * 180, k, 6) * (k / 5)
      if (into < claw) col = foam
    }
    // The great wave rises on the left and curls over.
    const wx = (u - 0.22) / 0.2
    const height = Math.exp(-wx * wx) * 0.55
    const lip = 0.92 - height
    if (v > lip && wx > -1.6) {
      const into = v - lip
      col = mix(blue, prussian, smooth(0, 0.12, into))
      if (Math.sin((into * 3 + wx * 0.2) * 120) > 0.8) col = mix(col, foam, 0.4)
      if (into < 0.015 + 0.025 * noise(u * 160, v * 60, 12)) col = foam
    }
    return [col[0] + grain, col[1] + grain, col[2] + grain]
  })
  // Spray off the great wave's lip.
  const rnd = random(1831)
  for (let i = 0; i < 260; i++) {
    const wx = (rnd() - 0.5) * 2.4
    const x = (0.22 + wx * 0.2) * W
    const y = (0.92 - Math.exp(-wx * wx) * 0.55) * H - rnd() * 18
    c.dab(x, y, 0.8 + rnd() * 1.6, foam, 0.9)
  }
  return c.pixels()
}

// ---- starry night ------------------------------------------------------------------------

function stars(): WorkPixels {
  const W = 512
  const H = 256
  const c = new Canvas(W, H)
  const night = hex(0x142a5c)
  const cobalt = hex(0x2f5fa8)
  const pale = hex(0x8fb6d9)
  const gold = hex(0xf2cf4a)
  const swirls = [
    { x: 0.42, y: 0.3, s: 1.4 },
    { x: 0.62, y: 0.38, s: -1.0 },
  ]
  const lights = [
    [0.08, 0.12],
    [0.2, 0.3],
    [0.3, 0.1],
    [0.52, 0.14],
    [0.74, 0.22],
    [0.85, 0.48],
    [0.16, 0.55],
  ] as const
  c.shade((u, v) => {
    const x = u * 2
    const y = v
    // A stream function: the sky flows left to right and turns round two great swirls.
    let psi = y * 6
    for (const s of swirls) {
      const r = Math.hypot(x - s.x * 2, y - s.y) + 0.03
      psi += s.s * Math.log(r) * 1.3
    }
    psi += fbm(u * 6, v * 6, 21) * 1.5
    const band = 0.5 + 0.5 * Math.sin(psi * 9)
    // Short strokes: the bands break along the flow.
    const stroke = noise(psi * 6, u * 40 + v * 10, 5)
    let col = mix(night, cobalt, band)
    col = mix(col, pale, smooth(0.78, 1, band) * stroke)
    for (const [lx, ly] of lights) {
      const d = Math.hypot((u - lx) * 2, v - ly)
      const halo = 0.5 + 0.5 * Math.cos(d * 90)
      col = mix(col, gold, smooth(0.06, 0.0, d) * (0.5 + 0.5 * halo))
      col = mix(col, hex(0xfff6c8), smooth(0.015, 0.0, d))
    }
    // The moon: a crescent in its own halo, top right.
    const md = Math.hypot((u - 0.92) * 2, v - 0.13)
    col = mix(col, hex(0xe8b93a), smooth(0.1, 0.04, md) * 0.6)
    if (md < 0.05 && Math.hypot((u - 0.905) * 2, v - 0.115) > 0.04) col = hex(0xf7d65c)
    // Hills and the sleeping village below.
    const hill = 0.78 - 0.08 * fbm(u * 3, 2, 13) - 0.05 * Math.sin(u * 5)
    if (v > hill) {
      col = mix(hex(0x233a5e), hex(0x101c30), smooth(hill, 1, v))
      if (v > hill + 0.06 && noise(u * 260, v * 110, 31) > 0.84) col = mix(col, gold, 0.8)
    }
    // The cypress: a dark flame on the left.
    const cy = clamp01((v - 0.08) / 0.92)
    const half = 0.012 + 0.05 * Math.pow(cy, 0.8) * (0.8 + 0.4 * noise(v * 30, 1, 41))
    if (v > 0.08 && Math.abs(u - 0.1 - 0.01 * Math.sin(v * 20)) < half) {
      const flame = 0.5 + 0.5 * Math.sin((u * 50 + v * 30) * 3)
      col = mix(hex(0x14221a), hex(0x35503a), flame * 0.6)
    }
    return col
  })
  return c.pixels()
}

export const CLASSICS: readonly ClassicWork[] = [
  {
    id: 'mountains',
    title: { 'zh-CN': '青绿山水', en: 'Blue-green mountains' },
    after: {
      'zh-CN': '仿王希孟《千里江山图》（1113 年）',
      en: 'after Wang Ximeng, A Thousand Li of Rivers and Mountains (1113)',
    },
    width: 1024,
    height: 256,
    paint: mountains,
  },
  {
    id: 'plum',
    title: { 'zh-CN': '红梅', en: 'Red plum' },
    after: {
      'zh-CN': '仿元人墨梅（14 世纪）',
      en: 'after the Yuan masters of plum blossom (14th century)',
    },
    width: 512,
    height: 256,
    paint: plum,
  },
  {
    id: 'waves',
    title: { 'zh-CN': '浪', en: 'Waves' },
    after: {
      'zh-CN': '仿葛饰北斋《神奈川冲浪里》（1831 年）',
      en: 'after Hokusai, The Great Wave off Kanagawa (1831)',
    },
    width: 512,
    height: 256,
    paint: waves,
  },
  {
    id: 'stars',
    title: { 'zh-CN': '星夜', en: 'Starry night' },
    after: {
      'zh-CN': '仿梵高《星月夜》（1889 年）',
      en: 'after Van Gogh, The Starry Night (1889)',
    },
    width: 512,
    height: 256,
    paint: stars,
  },
]
