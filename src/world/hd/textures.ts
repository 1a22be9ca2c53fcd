// Textures generated in code for Cangqiong (nothing is downloaded): tileable detail albedo and
// normal maps for the terrain, water ripples, roof tiles and drifting mist.
import {
  DataTexture,
  LinearMipmapLinearFilter,
  LinearFilter,
  NoColorSpace,
  RepeatWrapping,
  RGBAFormat,
  SRGBColorSpace,
  UnsignedByteType,
} from 'three'
import { createNoise2D, hashSeed } from './noise'

type HeightFn = (u: number, v: number) => number

function texture(data: Uint8Array, size: number, srgb: boolean): DataTexture {
  const t = new DataTexture(data, size, size, RGBAFormat, UnsignedByteType)
  t.wrapS = RepeatWrapping
  t.wrapT = RepeatWrapping
  t.magFilter = LinearFilter
  t.minFilter = LinearMipmapLinearFilter
  t.generateMipmaps = true
  // Anisotropic filtering multiplies texel fetches; software renderers feel it (see HdPreset).
  t.anisotropy = 1
  t.colorSpace = srgb ? SRGBColorSpace : NoColorSpace
  t.needsUpdate = true
  return t
}

/** Samples a tileable height function on a size² grid. */
function sampleHeights(size: number, height: HeightFn): Float32Array {
  const h = new Float32Array(size * size)
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) h[y * size + x] = height(x, y)
  return h
}

/** A tangent-space normal map (OpenGL convention, +y up) from wrapped height differences. */
function normalsFrom(h: Float32Array, size: number, strength: number): Uint8Array {
  const out = new Uint8Array(size * size * 4)
  const at = (x: number, y: number) => h[((y + size) % size) * size + ((x + size) % size)]!
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const dx = (at(x + 1, y) - at(x - 1, y)) * strength
      const dy = (at(x, y + 1) - at(x, y - 1)) * strength
      const len = Math.hypot(dx, dy, 1)
      const o = (y * size + x) * 4
      out[o] = Math.round((-dx / len) * 127.5 + 127.5)
      out[o + 1] = Math.round((-dy / len) * 127.5 + 127.5)
      out[o + 2] = Math.round((1 / len) * 127.5 + 127.5)
      out[o + 3] = 255
    }
  return out
}

/** Tileable fractal noise on a size² grid with `cells` lattice cells across. */
function tileableFbm(seed: number, size: number, cells: number, octaves: number): HeightFn {
  const layers = Array.from({ length: octaves }, (_, o) =>
    createNoise2D(hashSeed(seed, 100 + o), cells << o),
  )
  return (x, y) => {
    let sum = 0
    let amp = 1
    let norm = 0
    layers.forEach((n, o) => {
      const f = (cells << o) / size
      sum += amp * n(x * f, y * f)
      norm += amp
      amp *= 0.5
    })
    return sum / norm
  }
}

export interface TerrainTextures {
  /** Near-white speckle that multiplies the vertex colours (which carry grass/rock/snow). */
  map: DataTexture
  normalMap: DataTexture
}

export function createTerrainTextures(seed: number): TerrainTextures {
  const size = 256
  const coarse = tileableFbm(hashSeed(seed, 1), size, 8, 5)
  const fine = tileableFbm(hashSeed(seed, 2), size, 32, 2)
  const heights = sampleHeights(size, (x, y) => coarse(x, y) * 0.7 + fine(x, y) * 0.3)
  const albedo = new Uint8Array(size * size * 4)
  for (let i = 0; i < size * size; i++) {
    const v = heights[i]!
    // Mostly 0.8–1.0 so the vertex colours keep their hue; a slight warm/cool shift adds life.
    const l = 0.9 + v * 0.1
    albedo[i * 4] = Math.round(255 * Math.min(1, l * (1 + v * 0.04)))
    albedo[i * 4 + 1] = Math.round(255 * Math.min(1, l))
    albedo[i * 4 + 2] = Math.round(255 * Math.min(1, l * (1 - v * 0.05)))
    albedo[i * 4 + 3] = 255
  }
  return {
    map: texture(albedo, size, true),
    normalMap: texture(normalsFrom(heights, size, 2.5), size, false),
  }
}

/** Ripples for three's Water: a sum of integer-frequency waves, so it tiles exactly. */
export function createWaterNormals(seed: number): DataTexture {
  const size = 256
  const noise = tileableFbm(hashSeed(seed, 3), size, 16, 3)
  const waves = Array.from({ length: 6 }, (_, k) => ({
    kx: [3, -5, 7, 2, -9, 11][k]!,
    ky: [4, 3, -2, 9, 5, -6][k]!,
    phase: k * 1.7,
    amp: 1 / (k + 1.5),
  }))
  const heights = sampleHeights(size, (x, y) => {
    let h = noise(x, y) * 1.2
    for (const w of waves)
      h += w.amp * Math.sin(((w.kx * x + w.ky * y) / size) * Math.PI * 2 + w.phase)
    return h
  })
  return texture(normalsFrom(heights, size, 3), size, false)
}

/** Normal map of curved roof tiles: four tile channels across, six courses down. */
export function createRoofTileNormals(): DataTexture {
  const size = 128
  const heights = sampleHeights(size, (x, y) => {
    const u = (x / size) * 4
    const v = (y / size) * 6
    const channel = Math.abs(Math.sin(Math.PI * u))
    const course = 1 - (v - Math.floor(v)) // each course overlaps the next
    return channel * 1.5 + course * 0.6
  })
  return texture(normalsFrom(heights, size, 2.5), size, false)
}

/** Soft cloud banks for the mist layers (alpha in the green channel, as alphaMap reads it). */
export function createMistTexture(seed: number): DataTexture {
  const size = 256
  const noise = tileableFbm(hashSeed(seed, 4), size, 4, 5)
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const n = noise(x, y)
      const a = Math.min(1, Math.max(0, (n + 0.15) * 1.6))
      const o = (y * size + x) * 4
      data[o] = data[o + 1] = data[o + 2] = Math.round(a * a * 255)
      data[o + 3] = 255
    }
  return texture(data, size, false)
}

/** Albedo (a near-white multiplier of the vertex colours), normals and roughness of a surface. */
export interface SurfaceTextures {
  map: DataTexture
  normalMap: DataTexture
  /** Roughness in the green channel, as three reads it (times the material's roughness). */
  roughnessMap: DataTexture
}

function surfaceTextures(
  size: number,
  albedo: Float32Array,
  heights: Float32Array,
  roughness: Float32Array,
  normalStrength: number,
): SurfaceTextures {
  const colour = new Uint8Array(size * size * 4)
  const rough = new Uint8Array(size * size * 4)
  for (let i = 0; i < size * size; i++) {
    const a = Math.round(255 * Math.min(1, Math.max(0, albedo[i]!)))
    colour[i * 4] = colour[i * 4 + 1] = colour[i * 4 + 2] = a
    colour[i * 4 + 3] = 255
    rough[i * 4 + 1] = Math.round(255 * Math.min(1, Math.max(0, roughness[i]!)))
    rough[i * 4 + 3] = 255
  }
  return {
    map: texture(colour, size, true),
    normalMap: texture(normalsFrom(heights, size, normalStrength), size, false),
    roughnessMap: texture(rough, size, false),
  }
}

/** Bricks of dressed stone across one texture repeat: rows, and bricks per row. */
const STONE_ROWS = 8
const STONE_PER_ROW = 4

/**
 * Dressed stone laid in courses, every other course offset by half a block: each block a shade
 * of its own with weathering noise, bevelled edges and mortar joints (darker, rougher, recessed).
 */
export function createStoneTextures(seed: number): SurfaceTextures {
  // 128 texels over the 2.4 m repeat: a joint is a texel or two wide, as mortar is.
  const size = 128
  const grain = tileableFbm(hashSeed(seed, 5), size, 8, 3)
  const blotch = tileableFbm(hashSeed(seed, 6), size, 4, 3)
  const albedo = new Float32Array(size * size)
  const heights = new Float32Array(size * size)
  const roughness = new Float32Array(size * size)
  const rowH = size / STONE_ROWS
  const blockW = size / STONE_PER_ROW
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const row = Math.floor(y / rowH)
      const shifted = (x + (row % 2) * blockW * 0.5) % size
      const col = Math.floor(shifted / blockW)
      // Distance to the block's nearest edge, in texels.
      const edge = Math.min(
        y - row * rowH,
        (row + 1) * rowH - y,
        shifted - col * blockW,
        (col + 1) * blockW - shifted,
      )
      const bevel = Math.min(1, edge / 2)
      const shade = hashUnit(seed, row, col)
      const n = grain(x, y)
      const b = blotch(x, y)
      const i = y * size + x
      const mortar = edge < 0.9
      albedo[i] = mortar ? 0.62 : 0.8 + shade * 0.16 + n * 0.05 + b * 0.05
      heights[i] = bevel * (1 + n * 0.15)
      roughness[i] = mortar ? 1 : 0.78 + n * 0.12 - shade * 0.08
    }
  return surfaceTextures(size, albedo, heights, roughness, 2.2)
}

/**
 * Lacquered wood: grain running along the texture's v (up a post), seen through the lacquer as
 * slight shade; the lacquer glossy where it is whole and duller where it has worn.
 */
export function createLacquerTextures(seed: number): SurfaceTextures {
  const size = 128
  const warp = tileableFbm(hashSeed(seed, 7), size, 4, 3)
  const wear = tileableFbm(hashSeed(seed, 8), size, 8, 4)
  const albedo = new Float32Array(size * size)
  const heights = new Float32Array(size * size)
  const roughness = new Float32Array(size * size)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      // Integer frequencies keep the grain tileable.
      const u = x / size + warp(x, y) * 0.08
      const ring = 0.5 + 0.5 * Math.sin(u * Math.PI * 2 * 12)
      const worn = Math.max(0, wear(x, y) * 1.6 - 0.3)
      const i = y * size + x
      albedo[i] = 0.9 + ring * 0.08 - worn * 0.06
      heights[i] = ring * 0.4
      roughness[i] = 0.55 + worn * 0.35 + ring * 0.05
    }
  return surfaceTextures(size, albedo, heights, roughness, 0.8)
}

/** A stable number in [0, 1) for a block of a seeded pattern. */
function hashUnit(seed: number, a: number, b: number): number {
  return (hashSeed(hashSeed(seed, a * 7919 + 13), b * 104729 + 7) >>> 0) / 4294967296
}
