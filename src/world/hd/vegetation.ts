// Deterministic placement of trees and grass tufts from `vegetation.seed`: never in water, on
// steep slopes, on landmark terraces, in creator spaces or at the spawn. Pure math; the meshes
// only read it.
import type { HdWorld } from '../../protocol/scene'
import type { LandmarkLayout } from './landmarks'
import { createNoise2D, hashSeed, mulberry32, smoothstep } from './noise'
import type { HeightField } from './terrain'

export type TreeKind = 'pine' | 'willow' | 'maple'
export const TREE_KINDS: readonly TreeKind[] = ['pine', 'willow', 'maple']

export interface TreeInstance {
  kind: TreeKind
  x: number
  y: number
  z: number
  scale: number
  /** Radians about +y. */
  rotation: number
  /** 0..1, varies the foliage colour. */
  tint: number
}

/** Floats per grass tuft in `VegetationLayout.grass`: x, y, z, rotation, scale. */
export const GRASS_STRIDE = 5

export interface VegetationLayout {
  /** In random order, so any prefix is an even thinning (lower quality draws a prefix). */
  trees: TreeInstance[]
  grass: Float32Array
  grassCount: number
}

export const VEGETATION_RULES = {
  /** Trees need at least this much ground above the water under and around the trunk (m). */
  treeAboveWater: 0.6,
  grassAboveWater: 0.25,
  /** Rise over run: 0.6 ≈ 31°, 0.5 ≈ 27°. */
  treeMaxSlope: 0.6,
  grassMaxSlope: 0.5,
  /** Keeps the spawn point near the origin clear of trunks (m). */
  spawnClear: 12,
  /** Trunks stay this far outside a creator space (m), so no crown hangs into it. */
  spaceClear: 3.5,
  treeSpacing: 2.8,
} as const

/** Places the world's vegetation. Same inputs, same layout. */
export function placeVegetation(
  hd: HdWorld,
  field: HeightField,
  landmarks: readonly LandmarkLayout[],
  /** Areas kept clear, [minX, minZ, maxX, maxZ] (creator spaces). */
  clearings: readonly (readonly [number, number, number, number])[] = [],
): VegetationLayout {
  const seed = hd.vegetation.seed
  const half = field.size / 2
  const R = Math.max(20, Math.min(hd.terrain.valleyRadius, half * 0.8))
  const water = field.waterLevel
  const treeline = field.floorLevel + hd.terrain.height * 0.55
  const rules = VEGETATION_RULES

  const nearLandmark = (x: number, z: number, margin: number, factor = 1) =>
    landmarks.some((l) => Math.hypot(x - l.x, z - l.z) < l.footprint * factor + margin)
  const inClearing = (x: number, z: number, margin: number) =>
    clearings.some(
      ([x0, z0, x1, z1]) =>
        x > x0 - margin && x < x1 + margin && z > z0 - margin && z < z1 + margin,
    )

  // Willows line the lake and the ponds under bridges.
  const bridges = landmarks.filter((l) => l.kind === 'bridge')
  const nearWater = (x: number, z: number) =>
    Math.hypot(x - field.lake.x, z - field.lake.z) < field.lake.radius + 16 ||
    bridges.some((b) => Math.hypot(x - b.x, z - b.z) < b.footprint * 2.5)

  // ---- trees ----
  const rand = mulberry32(hashSeed(seed, 11))
  const groves = createNoise2D(hashSeed(seed, 12))
  const trees: TreeInstance[] = []
  const cellSize = rules.treeSpacing
  const grid = new Map<number, number[]>()
  const key = (i: number, j: number) => i * 73856093 + j * 19349663
  const crowded = (x: number, z: number) => {
    const ci = Math.floor(x / cellSize)
    const cj = Math.floor(z / cellSize)
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++) {
        for (const t of grid.get(key(ci + di, cj + dj)) ?? []) {
          const o = trees[t]!
          if (Math.hypot(o.x - x, o.z - z) < cellSize) return true
        }
      }
    return false
  }
  const mountainOuter = Math.min(half * 0.85, R + (half - R) * 0.7)
  const target = hd.vegetation.trees
  for (let attempt = 0; attempt < target * 12 && trees.length < target; attempt++) {
    let x: number
    let z: number
    const a = rand() * Math.PI * 2
    // Two in five trees stand in the valley, the rest climb the lower slopes around it.
    if (rand() < 0.4) {
      const r = Math.sqrt(rand()) * R * 1.15
      x = Math.cos(a) * r
      z = Math.sin(a) * r
    } else {
      const r0 = R * 0.9
      const r = Math.sqrt(r0 * r0 + rand() * (mountainOuter ** 2 - r0 * r0))
      x = Math.cos(a) * r
      z = Math.sin(a) * r
    }
    const grove = rand()
    const scaleRoll = rand()
    const kindRoll = rand()
    const rotation = rand() * Math.PI * 2
    const tint = rand()
    if (Math.abs(x) > half - 4 || Math.abs(z) > half - 4) continue
    if (Math.hypot(x, z) < rules.spawnClear) continue
    // Trees gather in groves and leave meadows open between them.
    if (grove > 0.04 + 0.96 * smoothstep(-0.1, 0.45, groves(x / 70, z / 70))) continue
    if (!treeGround(field, x, z)) continue
    const h = field.heightAt(x, z)
    if (h > treeline) continue
    if (nearLandmark(x, z, 4)) continue
    if (inClearing(x, z, rules.spaceClear)) continue
    if (crowded(x, z)) continue
    const d = Math.hypot(x, z)
    let kind: TreeKind
    if (nearWater(x, z) && h < water + 3.5) kind = kindRoll < 0.75 ? 'willow' : 'maple'
    else if (d > R * 0.95 || h > field.floorLevel + 12) kind = kindRoll < 0.85 ? 'pine' : 'maple'
    else kind = kindRoll < 0.6 ? 'maple' : kindRoll < 0.96 ? 'pine' : 'willow'
    const scale = kind === 'pine' ? 0.8 + scaleRoll * 0.55 : 0.8 + scaleRoll * 0.45
    const index = trees.length
    trees.push({ kind, x, y: h - 0.15, z, scale, rotation, tint })
    const k = key(Math.floor(x / cellSize), Math.floor(z / cellSize))
    const list = grid.get(k)
    if (list) list.push(index)
    else grid.set(k, [index])
  }

  // ---- grass ----
  const grassRand = mulberry32(hashSeed(seed, 21))
  const meadows = createNoise2D(hashSeed(seed, 22))
  const maxGrass = hd.vegetation.grass
  const grass = new Float32Array(maxGrass * GRASS_STRIDE)
  let count = 0
  const radius = R * 1.05
  for (let attempt = 0; attempt < maxGrass * 4 && count < maxGrass; attempt++) {
    const a = grassRand() * Math.PI * 2
    const r = Math.sqrt(grassRand()) * radius
    const x = Math.cos(a) * r
    const z = Math.sin(a) * r
    const keep = grassRand()
    const rotation = grassRand() * Math.PI * 2
    const scale = 0.7 + grassRand() * 0.6
    if (keep > 0.25 + 0.75 * smoothstep(-0.4, 0.3, meadows(x / 35, z / 35))) continue
    const h = field.heightAt(x, z)
    if (h < water + rules.grassAboveWater) continue
    if (field.slopeAt(x, z) > rules.grassMaxSlope) continue
    if (nearLandmark(x, z, 0, 0.85)) continue
    if (inClearing(x, z, 0.5)) continue
    const o = count * GRASS_STRIDE
    grass[o] = x
    grass[o + 1] = h - 0.05
    grass[o + 2] = z
    grass[o + 3] = rotation
    grass[o + 4] = scale
    count++
  }
  return { trees, grass: grass.subarray(0, count * GRASS_STRIDE), grassCount: count }
}

/** Dry, gentle ground under a trunk: the centre and a ring around it. */
function treeGround(field: HeightField, x: number, z: number): boolean {
  const rules = VEGETATION_RULES
  if (field.slopeAt(x, z) > rules.treeMaxSlope) return false
  if (field.heightAt(x, z) < field.waterLevel + rules.treeAboveWater) return false
  for (let k = 0; k < 4; k++) {
    const a = (k / 4) * Math.PI * 2
    const h = field.heightAt(x + Math.cos(a) * 1.5, z + Math.sin(a) * 1.5)
    if (h < field.waterLevel + rules.treeAboveWater * 0.5) return false
  }
  return true
}
