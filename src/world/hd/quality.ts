// What each quality level turns on in Cangqiong. The level in force comes from the settings
// ('auto' resolves through AdaptiveQuality); these numbers keep every level within budget.
import type { Quality } from '../../state/settings'

export type QualityLevel = Exclude<Quality, 'auto'>

export interface HdPreset {
  /** Side of the sun's shadow map in texels; 0 turns shadows off. */
  shadowMapSize: number
  /** Post-processing chain: none, FXAA, or bloom with SMAA. */
  post: 'none' | 'fxaa' | 'bloom-smaa'
  /** Share of the scene's trees and grass tufts drawn. */
  treeFraction: number
  grassFraction: number
  /** Side of the water's reflection render target. */
  reflectionSize: number
  /** Trees cast shadows only where there are shadows; the terrain casts only on high. */
  terrainCastsShadow: boolean
  /** Rounded (1) or faceted, lighter (0) tree crowns. */
  treeDetail: 0 | 1
  /** Whether trees show in the water's reflection. */
  reflectTrees: boolean
  /** Whether the rest of the scene (avatars, markers) shows in the water's reflection. */
  reflectOthers: boolean
  /**
   * Terrain detail by distance from the valley's centre, in valley radii: full grid within the
   * first, every second sample within the second, every fourth beyond.
   */
  terrainDetail: [full: number, half: number]
  /**
   * Detail textures (terrain speckle and normals, roof tiles) and their anisotropy; 0 draws the
   * terrain from its vertex colours and flat roofs (texture fetches dominate software rendering).
   */
  detailTextures: number
  /** Side of each face of the sky's baked cube map. */
  skyResolution: number
  /**
   * Terrain lit once into its vertex colours and drawn unlit, landmarks in Lambert shading:
   * about half the per-pixel cost (there are no shadows at this level anyway).
   */
  bakedLighting: boolean
}

export const HD_PRESETS: Record<QualityLevel, HdPreset> = {
  low: {
    shadowMapSize: 0,
    post: 'none',
    treeFraction: 0.45,
    grassFraction: 0.3,
    reflectionSize: 256,
    terrainCastsShadow: false,
    treeDetail: 0,
    reflectTrees: false,
    reflectOthers: false,
    terrainDetail: [1.25, 2.2],
    detailTextures: 0,
    skyResolution: 256,
    bakedLighting: true,
  },
  medium: {
    shadowMapSize: 1024,
    post: 'fxaa',
    treeFraction: 0.75,
    grassFraction: 0.6,
    reflectionSize: 512,
    terrainCastsShadow: false,
    treeDetail: 1,
    reflectTrees: true,
    reflectOthers: false,
    terrainDetail: [2, 3.5],
    detailTextures: 1,
    skyResolution: 256,
    bakedLighting: false,
  },
  high: {
    shadowMapSize: 2048,
    post: 'bloom-smaa',
    treeFraction: 1,
    grassFraction: 1,
    reflectionSize: 1024,
    terrainCastsShadow: true,
    treeDetail: 1,
    reflectTrees: true,
    reflectOthers: true,
    terrainDetail: [Infinity, Infinity],
    detailTextures: 8,
    skyResolution: 512,
    bakedLighting: false,
  },
}

export const LEVELS: readonly QualityLevel[] = ['low', 'medium', 'high']

/** Highest device pixel ratio drawn at each level. */
export const DPR_CAP: Record<QualityLevel, number> = { low: 1, medium: 1.5, high: 2 }
/** In 'auto' at the lowest level, the pixel ratio may shrink to this share of its cap. */
export const MIN_DPR_SCALE = 0.5
export const DPR_STEP = 0.15

/** First guess for 'auto' before any frame is timed: software GL and phones start low. */
export function initialAutoLevel(renderer: string, coarsePointer: boolean): QualityLevel {
  if (/swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer)) return 'low'
  return coarsePointer ? 'low' : 'medium'
}

/** Pixel ratio for a level: the device's, capped by the level, times the auto scale. */
export function pixelRatio(level: QualityLevel, device: number, scale: number): number {
  const dpr = Math.max(MIN_DPR_SCALE, Math.min(device, DPR_CAP[level]) * scale)
  return Math.round(dpr * 20) / 20
}
