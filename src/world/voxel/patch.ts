// What travels between builders besides edits: a box of cells with new values, run-length
// coded in grid order (z, then x, then y fastest), where -1 leaves a cell as it is. An undo is
// the patch that puts back what an edit changed (and only that: a cell someone else changed
// since, outside the edit, stays theirs); its inverse is the redo. The server and every builder's
// page apply the same patches in the same order, so their grids stay the same.
import { BoxPatch, MAX_EDIT_CELLS, type VoxelEdit } from '../../protocol/builder'
import { editBox, type Box } from './edits'
import { eachPrefabCell, rotatedFootprint, type CompiledPrefab, type Rotation } from './generate'
import type { VoxelGrid } from './grid'

export { BoxPatch }

/** Why `patch` cannot apply to `grid` (outside it, too big, runs that do not add up), or null. */
export function checkPatch(grid: VoxelGrid, patch: BoxPatch): string | null {
  const { min, max, runs } = patch
  for (let i = 0; i < 3; i++) {
    if (min[i]! > max[i]!) return 'the patch box has its corners the wrong way round'
    if (min[i]! < 0 || max[i]! >= grid.dims[i]!) return 'the patch box is outside the world'
  }
  const cells = boxCells(patch)
  if (cells > MAX_EDIT_CELLS) return `the patch covers ${cells} blocks; at most ${MAX_EDIT_CELLS}`
  if (runs.length % 2 !== 0) return 'the patch runs are not count/value pairs'
  const materials = grid.materials.ids.length
  let sum = 0
  for (let k = 0; k < runs.length; k += 2) {
    const count = runs[k]!
    const value = runs[k + 1]!
    if (count < 1) return 'a patch run is empty'
    if (value >= materials) return `material ${value} is not in the palette`
    sum += count
  }
  if (sum !== cells) return `the patch runs cover ${sum} cells, the box ${cells}`
  return null
}

function boxCells(box: Box): number {
  return (
    (box.max[0] - box.min[0] + 1) * (box.max[1] - box.min[1] + 1) * (box.max[2] - box.min[2] + 1)
  )
}

/** Run-length codes values in box order (-1 = keep), merging equal neighbours. */
class RunWriter {
  readonly runs: number[] = []
  private value = NaN
  private count = 0
  push(value: number) {
    if (value === this.value) {
      this.count++
      return
    }
    this.flush()
    this.value = value
    this.count = 1
  }
  finish(): number[] {
    this.flush()
    return this.runs
  }
  private flush() {
    if (this.count > 0) this.runs.push(this.count, this.value)
    this.count = 0
  }
}

/** Calls `visit(index)` for every cell of the box in grid order. */
function eachCell(grid: VoxelGrid, box: Box, visit: (i: number) => void) {
  const { sx, sy } = grid
  for (let z = box.min[2]; z <= box.max[2]; z++) {
    for (let x = box.min[0]; x <= box.max[0]; x++) {
      const base = (z * sx + x) * sy
      for (let y = box.min[1]; y <= box.max[1]; y++) visit(base + y)
    }
  }
}

export interface PatchResult {
  /** Cells whose material changed. */
  changed: number
  /** The patch that undoes this one (keeps every cell it did not change). */
  inverse: BoxPatch
}

/** Applies a checked patch (call checkPatch first on anything from outside). */
export function applyBoxPatch(grid: VoxelGrid, patch: BoxPatch): PatchResult {
  const data = grid.data
  const back = new RunWriter()
  const { runs } = patch
  let k = 0
  let left = runs[0] ?? 0
  let changed = 0
  eachCell(grid, patch, (i) => {
    while (left === 0) {
      k += 2
      left = runs[k]!
    }
    left--
    const value = runs[k + 1]!
    const was = data[i]!
    if (value < 0 || value === was) {
      back.push(-1)
      return
    }
    data[i] = value
    back.push(was)
    changed++
  })
  return { changed, inverse: { min: [...patch.min], max: [...patch.max], runs: back.finish() } }
}

/**
 * Applies a checked edit and returns what undoes it, as a patch. The same as applyEdit for the
 * grid; the undo is a box patch that can travel to the other builders.
 */
export function applyEditAsPatch(grid: VoxelGrid, edit: VoxelEdit): PatchResult & { box: Box } {
  const box = editBox(edit)
  const data = grid.data
  const back = new RunWriter()
  const { material, only } = edit
  let changed = 0
  eachCell(grid, box, (i) => {
    const was = data[i]!
    if (was === material || (only !== undefined && was !== only)) {
      back.push(-1)
      return
    }
    data[i] = material
    back.push(was)
    changed++
  })
  return { changed, box, inverse: { min: box.min, max: box.max, runs: back.finish() } }
}

/** The cells of a box as a patch that sets them (copy/paste, and tests). */
export function readBox(grid: VoxelGrid, box: Box): BoxPatch {
  const w = new RunWriter()
  const data = grid.data
  eachCell(grid, box, (i) => w.push(data[i]!))
  return { min: [...box.min], max: [...box.max], runs: w.finish() }
}

/**
 * A prefab placed with its (rotated) min corner at `at`, as a patch: the prefab's cells set, the
 * rest of its box kept (a prefab's '.' leaves what is there). Clipped to the grid; a string says
 * why it cannot go there (outside the world, or a box over 32³).
 */
export function prefabPatch(
  grid: VoxelGrid,
  prefab: CompiledPrefab,
  at: readonly [number, number, number],
  rotate: Rotation,
): BoxPatch | string {
  const [fw, fd] = rotatedFootprint(prefab, rotate)
  const size = [fw, prefab.h, fd]
  const min = at.map((v) => Math.max(0, v)) as [number, number, number]
  const max = at.map((v, i) => Math.min(grid.dims[i]! - 1, v + size[i]! - 1)) as [
    number,
    number,
    number,
  ]
  if (min.some((v, i) => v > max[i]!)) return 'the piece would be outside the world'
  const box = { min, max }
  const cells = boxCells(box)
  if (cells > MAX_EDIT_CELLS) return `the piece covers ${cells} blocks; at most ${MAX_EDIT_CELLS}`
  const [bx, by, bz] = [max[0] - min[0] + 1, max[1] - min[1] + 1, max[2] - min[2] + 1]
  // Box order: z, then x, then y fastest (as the grid).
  const values = new Int16Array(cells).fill(-1)
  eachPrefabCell(prefab, rotate, (rx, ry, rz, m) => {
    const x = at[0] + rx - min[0]
    const y = at[1] + ry - min[1]
    const z = at[2] + rz - min[2]
    if (x < 0 || y < 0 || z < 0 || x >= bx || y >= by || z >= bz) return
    values[(z * bx + x) * by + y] = m
  })
  const w = new RunWriter()
  for (const v of values) w.push(v)
  return { min, max, runs: w.finish() }
}
