// What a click does with the builder's current tool: an edit to send, a box corner to keep, or
// a block picked up. Pure: the cursor (BuilderCursor.tsx) calls it with the ray's hit.
import { MAX_EDIT_CELLS, PLOT_SIDE, STAGE_SIDE, type VoxelEdit } from '../protocol/builder'
import type { VoxelGrid } from '../world/voxel/grid'
import type { VoxelHit } from './raycast'
import type { Prefab } from '../protocol/scene'
import type { Rotation, TerrainOp, Tool } from './store'

export type ToolAction =
  | { kind: 'edit'; edit: VoxelEdit }
  | { kind: 'corner'; at: [number, number, number] }
  | { kind: 'pick'; material: number }
  | { kind: 'prefab'; prefab: string; at: [number, number, number]; rotate: Rotation }
  | { kind: 'terrain'; op: TerrainOp; at: [number, number, number]; radius: number }
  | { kind: 'clip'; from: [number, number, number]; to: [number, number, number] }
  | {
      kind: 'paste'
      from: [number, number, number]
      to: [number, number, number]
      at: [number, number, number]
      turn: Rotation
      mirror: boolean
    }
  /** A line of blocks between two cells. */
  | {
      kind: 'line'
      from: [number, number, number]
      to: [number, number, number]
      size: number
      material: number
    }
  /** A creator plot or a stage between two corner cells (the cells people stand in). */
  | { kind: 'plot' | 'stage'; from: [number, number, number]; to: [number, number, number] }
  /** A point of interest, a portal or the spawn, standing in the cell in front of the face. */
  | { kind: 'poi' | 'portal' | 'spawn'; at: [number, number, number] }
  | { kind: 'none'; why: string }

export interface ToolState {
  tool: Tool
  material: number
  brush: number
  corner: [number, number, number] | null
  prefab: string | null
  rotate: Rotation
  terrainOp?: TerrainOp
  clip?: { from: [number, number, number]; to: [number, number, number] } | null
  mirror?: boolean
}

/** A piece's size [x, y, z] once turned (the server's `rotatedFootprint`, from its layers). */
export function pieceSize(prefab: Prefab, rotate: Rotation): [number, number, number] {
  const w = Math.max(0, ...prefab.layers.flatMap((layer) => layer.map((row) => row.length)))
  const d = Math.max(0, ...prefab.layers.map((layer) => layer.length))
  const h = prefab.layers.length
  return rotate === 90 || rotate === 270 ? [d, h, w] : [w, h, d]
}

/** A copied box's size [x, y, z] once turned. */
export function clipSize(
  from: readonly number[],
  to: readonly number[],
  turn: Rotation,
): [number, number, number] {
  const [w, h, d] = [0, 1, 2].map((i) => Math.abs(from[i]! - to[i]!) + 1) as [
    number,
    number,
    number,
  ]
  return turn === 90 || turn === 270 ? [d, h, w] : [w, h, d]
}

/** Where a piece goes for a hit: centred on the cell in front of the face, standing on it. */
export function pieceCorner(
  size: readonly [number, number, number],
  at: readonly [number, number, number],
): [number, number, number] {
  return [at[0] - Math.floor(size[0] / 2), at[1], at[2] - Math.floor(size[2] / 2)]
}

/** A brush-sized cube around `at`, clipped to the grid. */
export function brushBox(
  grid: VoxelGrid,
  at: readonly [number, number, number],
  size: number,
): { from: [number, number, number]; to: [number, number, number] } {
  const lo = Math.floor((size - 1) / 2)
  const clip = (v: number, axis: number) => Math.max(0, Math.min(grid.dims[axis]! - 1, v))
  const from = at.map((v, i) => clip(v - lo, i)) as [number, number, number]
  const to = at.map((v, i) => clip(v - lo + size - 1, i)) as [number, number, number]
  return { from, to }
}

/** What a click with `button` (0 left, 2 right) on `hit` does. */
export function toolAction(
  state: ToolState,
  grid: VoxelGrid,
  hit: VoxelHit,
  button: number,
  prefabs: Readonly<Record<string, Prefab>> = {},
): ToolAction {
  const inside = (c: readonly number[]) => grid.inBounds(c[0]!, c[1]!, c[2]!)
  // The right button removes, whatever the tool.
  const tool = button === 2 ? 'remove' : state.tool
  switch (tool) {
    case 'place': {
      if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
      return {
        kind: 'edit',
        edit: { ...brushBox(grid, hit.before, state.brush), material: state.material },
      }
    }
    case 'remove':
      return { kind: 'edit', edit: { ...brushBox(grid, hit.cell, state.brush), material: 0 } }
    case 'replace': {
      const only = grid.get(...hit.cell)
      if (only === state.material) return { kind: 'none', why: 'that block is already this one' }
      const size = Math.max(3, state.brush * 2 + 1)
      return {
        kind: 'edit',
        edit: { ...brushBox(grid, hit.cell, size), material: state.material, only },
      }
    }
    case 'pick':
      return { kind: 'pick', material: grid.get(...hit.cell) }
    case 'terrain':
      return {
        kind: 'terrain',
        op: state.terrainOp ?? 'raise',
        at: [...hit.cell],
        radius: state.brush,
      }
    case 'copy': {
      if (state.clip) {
        if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
        return {
          kind: 'paste',
          ...state.clip,
          at: [...hit.before],
          turn: state.rotate,
          mirror: state.mirror ?? false,
        }
      }
      if (!state.corner) return { kind: 'corner', at: [...hit.cell] }
      const [a, b] = [state.corner, hit.cell]
      const cells = [0, 1, 2].reduce((n, i) => n * (Math.abs(a[i]! - b[i]!) + 1), 1)
      if (cells > MAX_EDIT_CELLS)
        return { kind: 'none', why: `a copy holds at most ${MAX_EDIT_CELLS} blocks (32×32×32)` }
      return { kind: 'clip', from: [...a], to: [...b] }
    }
    case 'poi':
    case 'portal':
    case 'spawn':
      if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
      return { kind: tool, at: [...hit.before] }
    case 'prefab': {
      const piece =
        state.prefab && Object.hasOwn(prefabs, state.prefab) ? prefabs[state.prefab] : null
      if (!piece || !state.prefab) return { kind: 'none', why: 'pick a piece first' }
      const at = pieceCorner(pieceSize(piece, state.rotate), hit.before)
      return { kind: 'prefab', prefab: state.prefab, at, rotate: state.rotate }
    }
    case 'plot':
    case 'stage': {
      if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
      if (!state.corner) return { kind: 'corner', at: [...hit.before] }
      const [a, b] = [state.corner, hit.before]
      const sides = [0, 2].map((i) => Math.abs(a[i]! - b[i]!) + 1)
      const { min, max } = tool === 'plot' ? PLOT_SIDE : STAGE_SIDE
      if (sides.some((n) => n < min || n > max))
        return {
          kind: 'none',
          why: `a ${tool} is ${min} to ${max} blocks a side (this one ${sides.join('×')})`,
        }
      return { kind: tool, from: [...a], to: [...b] }
    }
    case 'line': {
      if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
      if (!state.corner) return { kind: 'corner', at: [...hit.before] }
      const [a, b] = [state.corner, hit.before]
      const span = [0, 1, 2].map((i) => Math.abs(a[i]! - b[i]!) + state.brush)
      if (span[0]! * span[1]! * span[2]! > MAX_EDIT_CELLS)
        return { kind: 'none', why: `a line's box holds at most ${MAX_EDIT_CELLS} blocks` }
      return {
        kind: 'line',
        from: [...a],
        to: [...b],
        size: state.brush,
        material: state.material,
      }
    }
    case 'box': {
      if (!inside(hit.before)) return { kind: 'none', why: 'outside the world' }
      if (!state.corner) return { kind: 'corner', at: hit.before }
      const [a, b] = [state.corner, hit.before]
      const cells = [0, 1, 2].reduce((n, i) => n * (Math.abs(a[i]! - b[i]!) + 1), 1)
      if (cells > MAX_EDIT_CELLS)
        return { kind: 'none', why: `a box holds at most ${MAX_EDIT_CELLS} blocks (32×32×32)` }
      return { kind: 'edit', edit: { from: [...a], to: [...b], material: state.material } }
    }
  }
}
