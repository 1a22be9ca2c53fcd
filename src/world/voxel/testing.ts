// Small helpers for the voxel tests: a palette with one material of each kind and empty grids.
import { VoxelGrid, materialTable } from './grid'
import type { PaletteEntry } from './grid'

export const TEST_PALETTE: PaletteEntry[] = [
  { id: 'stone', color: '#808080', solid: true, liquid: false },
  { id: 'grass', color: '#00ff00', solid: true, liquid: false },
  { id: 'water', color: '#0000ff', solid: false, liquid: true },
  { id: 'flower', color: '#ff0000', solid: false, liquid: false },
]
/** Material ids in TEST_PALETTE order (0 is air). */
export const STONE = 1
export const GRASS = 2
export const WATER = 3
export const FLOWER = 4

export function emptyGrid(sx = 8, sy = 8, sz = 8): VoxelGrid {
  return new VoxelGrid([sx, sy, sz], materialTable(TEST_PALETTE))
}
