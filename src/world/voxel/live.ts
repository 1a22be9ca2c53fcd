// A builder world as the page holds it while it is shown: its grid (what collision and the
// builder's tools read) and the way to change it. Changes come from the room in order
// (src/builder's binding); the page's grid takes them at once, the mesher worker meshes the
// touched chunks again and the view swaps them in. Set by VoxelWorldView for stored worlds only.
import { create } from 'zustand'
import type { VoxelWorld } from '../../protocol/scene'
import type { VoxelChange } from './build'
import type { VoxelGrid } from './grid'

export interface LiveVoxels {
  /** The world this grid belongs to (the scene's id). */
  readonly world: string
  readonly grid: VoxelGrid
  /** The palette now (a builder world's grows with custom colours). */
  readonly palette: VoxelWorld['palette']
  /** A new palette for the same cells (the room's, after a colour was added or a restore). */
  setPalette(palette: VoxelWorld['palette']): void
  /** Applies changes in order; returns how many changed the grid (the rest did not fit). */
  apply(changes: readonly VoxelChange[]): number
  /** The whole grid anew (codec bytes of the same size and palette). */
  replace(bytes: Uint8Array): void
}

export interface LiveVoxelsState {
  live: LiveVoxels | null
  /** Changes meshed so far (`rev`), and the last batch's meshing time in the worker (ms). */
  meshedRev: number
  lastMeshMs: number
  set(live: LiveVoxels | null): void
  meshed(rev: number, ms: number): void
}

export const useLiveVoxels = create<LiveVoxelsState>()((set) => ({
  live: null,
  meshedRev: 0,
  lastMeshMs: 0,
  set: (live) => set({ live }),
  meshed: (meshedRev, lastMeshMs) => set({ meshedRev, lastMeshMs }),
}))
