// Builder edits to a Block Park grid: fill a box with a material (one block is a 1×1×1 box,
// removing is filling with air), optionally only where a given material is (replace). The same
// code checks and applies an edit on the server (the room's copy, in arrival order) and in each
// builder's page, and says which chunks to mesh again and how to undo it.
import { MAX_EDIT_CELLS, VoxelEdit } from '../../protocol/builder'
import type { VoxelGrid } from './grid'
import { chunkLayout, type ChunkLayout } from './mesher'

export { MAX_EDIT_CELLS, VoxelEdit }

export interface Box {
  min: [number, number, number]
  max: [number, number, number]
}

/** The box an edit covers, corners sorted. */
export function editBox(edit: VoxelEdit): Box {
  const min = [0, 1, 2].map((i) => Math.min(edit.from[i]!, edit.to[i]!)) as Box['min']
  const max = [0, 1, 2].map((i) => Math.max(edit.from[i]!, edit.to[i]!)) as Box['max']
  return { min, max }
}

/** Why `edit` cannot apply to `grid` (outside it, too big, an unknown material), or null. */
export function checkEdit(grid: VoxelGrid, edit: VoxelEdit): string | null {
  const { min, max } = editBox(edit)
  const dims = grid.dims
  for (let i = 0; i < 3; i++) {
    if (min[i]! < 0 || max[i]! >= dims[i]!)
      return `the box ${min.join(',')} to ${max.join(',')} is outside the world (${dims.join('×')})`
  }
  const cells = (max[0] - min[0] + 1) * (max[1] - min[1] + 1) * (max[2] - min[2] + 1)
  if (cells > MAX_EDIT_CELLS)
    return `the box holds ${cells} blocks; one edit changes at most ${MAX_EDIT_CELLS}`
  const materials = grid.materials.ids.length
  if (edit.material >= materials) return `material ${edit.material} is not in the palette`
  if (edit.only !== undefined && edit.only >= materials)
    return `material ${edit.only} is not in the palette`
  return null
}

/** The cells an edit changed and what they held before: applying it puts the edit back. */
export interface CellPatch {
  /** Grid indices (`(z * sx + x) * sy + y`), ascending. */
  cells: Uint32Array
  before: Uint8Array
}

export interface EditResult {
  /** Cells whose material changed (0: the edit was a no-op, nothing to send or mesh). */
  changed: number
  /** Chunk indices (`cz * nx + cx`) to mesh again: those changed cells are in or next to. */
  chunks: number[]
  undo: CellPatch
}

/** Applies a checked edit (call checkEdit first: this one trusts its input). */
export function applyEdit(grid: VoxelGrid, edit: VoxelEdit): EditResult {
  const { min, max } = editBox(edit)
  const { data, sx, sy } = grid
  const cells: number[] = []
  const before: number[] = []
  for (let z = min[2]; z <= max[2]; z++) {
    for (let x = min[0]; x <= max[0]; x++) {
      const base = (z * sx + x) * sy
      for (let y = min[1]; y <= max[1]; y++) {
        const i = base + y
        const was = data[i]!
        if (was === edit.material || (edit.only !== undefined && was !== edit.only)) continue
        cells.push(i)
        before.push(was)
        data[i] = edit.material
      }
    }
  }
  return {
    changed: cells.length,
    chunks: cells.length > 0 ? touchedChunks(grid, min, max) : [],
    undo: { cells: Uint32Array.from(cells), before: Uint8Array.from(before) },
  }
}

/** Puts back what a patch recorded; returns the patch that redoes it. */
export function applyPatch(
  grid: VoxelGrid,
  patch: CellPatch,
): { redo: CellPatch; chunks: number[] } {
  const { data, sx, sy } = grid
  const now = new Uint8Array(patch.cells.length)
  // Only x and z matter for chunks (they span the full height).
  let x0 = Infinity
  let z0 = Infinity
  let x1 = -1
  let z1 = -1
  patch.cells.forEach((i, k) => {
    now[k] = data[i]!
    data[i] = patch.before[k]!
    const col = Math.floor(i / sy)
    const x = col % sx
    const z = (col - x) / sx
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    z0 = Math.min(z0, z)
    z1 = Math.max(z1, z)
  })
  return {
    redo: { cells: patch.cells, before: now },
    chunks: patch.cells.length > 0 ? touchedChunks(grid, [x0, 0, z0], [x1, 0, z1]) : [],
  }
}

/**
 * Chunks to mesh again after cells in the box changed: the chunks the box covers, and a
 * neighbour where the box touches its border (a face between the two chunks appears or goes).
 */
function touchedChunks(grid: VoxelGrid, min: readonly number[], max: readonly number[]): number[] {
  return chunksOfBox(chunkLayout(grid.sx, grid.sz), min, max)
}

/** The chunks of `layout` to mesh again when cells in the box min..max changed. */
export function chunksOfBox(
  layout: ChunkLayout,
  min: readonly number[],
  max: readonly number[],
): number[] {
  const range = (lo: number, hi: number, n: number) => {
    const a = Math.max(0, Math.floor((lo - 1) / layout.size))
    const b = Math.min(n - 1, Math.floor((hi + 1) / layout.size))
    return [a, b] as const
  }
  const [cx0, cx1] = range(min[0]!, max[0]!, layout.nx)
  const [cz0, cz1] = range(min[2]!, max[2]!, layout.nz)
  const out: number[] = []
  for (let cz = cz0; cz <= cz1; cz++)
    for (let cx = cx0; cx <= cx1; cx++) out.push(cz * layout.nx + cx)
  return out
}
