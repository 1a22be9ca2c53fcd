// The whole Block Park build (grid, then greedy chunk meshes, nearest chunks first) as a plain
// function that reports through `post`. The mesher worker calls it; Vitest calls it directly.
// An editable world (a builder world) keeps its grid and mesher here afterwards: the builders'
// changes come in batches, in the room's order, and only the chunks they touched are meshed
// again (in smaller chunks than a built-in world's, so one block costs a few milliseconds).
import type { VoxelWorld } from '../../protocol/scene'
import type { BoxPatch, VoxelEdit } from '../../protocol/builder'
import { decodeGrid } from './codec'
import { chunksOfBox, checkEdit } from './edits'
import { buildGrid, heightmapOf } from './generate'
import { materialTable, VoxelGrid } from './grid'
import { Mesher, chunkLayout, type ChunkLayout } from './mesher'
import type { ChunkMesh, MeshPart } from './mesher'
import { applyBoxPatch, applyEditAsPatch, checkPatch } from './patch'

/** What the benchmark reads from `window.__cq.voxelStats`. */
export interface VoxelStats {
  /** Solid voxels in the world. */
  voxels: number
  /** Build + mesh time in the worker, milliseconds. */
  ms: number
  greedyTriangles: number
  /** Visible faces × 2: what a per-face mesher would have drawn. */
  naiveTriangles: number
  chunks: number
}

/** Chunk width of an editable world: a one-block edit re-meshes one 32² column chunk. */
export const EDIT_CHUNK_SIZE = 32

export interface BuildRequest {
  type: 'build'
  world: VoxelWorld
  /** Column to mesh outward from (the spawn point), so the visitor's surroundings come first. */
  focus?: [number, number]
  /** A stored grid (codec bytes): the world is these voxels, not what its generator makes. */
  grid?: Uint8Array
  /** Keep the grid for changes (`apply`, `replace`), meshed in EDIT_CHUNK_SIZE chunks. */
  editable?: boolean
}

/** A change to an editable world, as the room sends it: an edit or a patch. */
export type VoxelChange = { edit: VoxelEdit } | { patch: BoxPatch }

export type WorkerRequest =
  | BuildRequest
  /** Changes in the room's order; `rev` comes back on their chunks and on `remeshed`. */
  | { type: 'apply'; rev: number; changes: VoxelChange[] }
  /** The whole grid anew (codec bytes; same size and palette): every chunk is meshed again. */
  | { type: 'replace'; rev: number; grid: Uint8Array }
  /** The palette changed (a builder added a colour, a restore took it back); nothing to mesh. */
  | { type: 'palette'; palette: VoxelWorld['palette'] }

export type BuildMessage =
  | { type: 'progress'; done: number; total: number }
  /** A chunk's meshes; after a change, sent even when empty (the old ones go). */
  | ({ type: 'chunk'; rev?: number } & ChunkMesh)
  /** The chunks of changes up to `rev` were sent; `ms` of work, `chunks` meshed. */
  | { type: 'remeshed'; rev: number; ms: number; chunks: number }
  | {
      type: 'done'
      stats: VoxelStats
      grid: Uint8Array
      dims: [number, number, number]
      heightmap: Int16Array
    }
  | { type: 'error'; message: string }

export type Post = (message: BuildMessage, transfer: Transferable[]) => void

/** Minimum time between progress messages (the first and last are always sent). */
const PROGRESS_EVERY_MS = 50

function partBuffers(p: MeshPart | null): ArrayBuffer[] {
  if (!p) return []
  return [p.positions, p.normals, p.seams, p.colors, p.indices].map((a) => a.buffer as ArrayBuffer)
}

/**
 * Applies a change to `grid` when it fits (the same checks as the server's); returns the box it
 * covered, or null when it changed nothing or did not fit.
 */
export function applyChange(
  grid: VoxelGrid,
  change: VoxelChange,
): { min: readonly number[]; max: readonly number[] } | null {
  if ('edit' in change) {
    if (checkEdit(grid, change.edit)) return null
    const r = applyEditAsPatch(grid, change.edit)
    return r.changed > 0 ? r.box : null
  }
  if (checkPatch(grid, change.patch)) return null
  return applyBoxPatch(grid, change.patch).changed > 0 ? change.patch : null
}

/** The grid of a stored world (codec bytes), checked against the scene's size and palette. */
export function storedGrid(world: VoxelWorld, bytes: Uint8Array): VoxelGrid {
  const decoded = decodeGrid(bytes, world.palette.length + 1)
  if (decoded.dims.join('×') !== world.size.join('×'))
    throw new Error(
      `the stored grid is ${decoded.dims.join('×')}, the world ${world.size.join('×')}`,
    )
  return new VoxelGrid(decoded.dims, materialTable(world.palette), decoded.data)
}

/** What an editable world keeps in the worker after its build. */
export interface EditableWorld {
  grid: VoxelGrid
  layout: ChunkLayout
  mesher: Mesher
}

export function runBuild(
  world: VoxelWorld,
  post: Post,
  focus?: [number, number],
  stored?: Uint8Array,
  editable = false,
): EditableWorld | null {
  try {
    const t0 = performance.now()
    const built = stored
      ? (() => {
          const grid = storedGrid(world, stored)
          return { grid, heightmap: heightmapOf(grid) }
        })()
      : buildGrid(world)
    const { grid, heightmap } = built
    const layout = editable
      ? chunkLayout(grid.sx, grid.sz, EDIT_CHUNK_SIZE)
      : chunkLayout(grid.sx, grid.sz)
    const total = layout.count + 1
    let lastProgress = performance.now()
    post({ type: 'progress', done: 1, total }, [])

    const [fx, fz] = focus ?? [grid.sx / 2, grid.sz / 2]
    const order: [number, number][] = []
    for (let cz = 0; cz < layout.nz; cz++)
      for (let cx = 0; cx < layout.nx; cx++) order.push([cx, cz])
    const dist = ([cx, cz]: [number, number]) =>
      Math.hypot((cx + 0.5) * layout.size - fx, (cz + 0.5) * layout.size - fz)
    order.sort((a, b) => dist(a) - dist(b))

    const mesher = new Mesher(grid)
    let greedy = 0
    let naive = 0
    order.forEach(([cx, cz], i) => {
      const chunk = mesher.mesh(cx, cz, layout.size, true)
      greedy += chunk.triangles
      naive += chunk.faces * 2
      if (chunk.opaque || chunk.liquid)
        post({ type: 'chunk', ...chunk }, [
          ...partBuffers(chunk.opaque),
          ...partBuffers(chunk.liquid),
        ])
      const now = performance.now()
      const last = i === order.length - 1
      if (last || now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now
        post({ type: 'progress', done: i + 2, total }, [])
      }
    })

    const stats: VoxelStats = {
      voxels: grid.countSolid(),
      ms: Math.round(performance.now() - t0),
      greedyTriangles: greedy,
      naiveTriangles: naive,
      chunks: layout.count,
    }
    // An editable world keeps its grid here: the page gets a copy.
    const cells = editable ? grid.data.slice() : grid.data
    post({ type: 'done', stats, grid: cells, dims: grid.dims, heightmap }, [
      cells.buffer as ArrayBuffer,
      heightmap.buffer as ArrayBuffer,
    ])
    return editable ? { grid, layout, mesher } : null
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }, [])
    return null
  }
}

/** Sends chunk `index` of an editable world meshed anew (empty parts too). */
function remeshChunk(w: EditableWorld, index: number, rev: number, post: Post) {
  const cx = index % w.layout.nx
  const cz = (index - cx) / w.layout.nx
  const chunk = w.mesher.mesh(cx, cz, w.layout.size, true)
  post({ type: 'chunk', rev, ...chunk }, [
    ...partBuffers(chunk.opaque),
    ...partBuffers(chunk.liquid),
  ])
}

/** Applies changes in order, then meshes each chunk they touched once. */
export function applyChanges(
  w: EditableWorld,
  rev: number,
  changes: readonly VoxelChange[],
  post: Post,
): void {
  const t0 = performance.now()
  const dirty = new Set<number>()
  for (const change of changes) {
    const box = applyChange(w.grid, change)
    if (box) for (const i of chunksOfBox(w.layout, box.min, box.max)) dirty.add(i)
  }
  for (const i of dirty) remeshChunk(w, i, rev, post)
  post({ type: 'remeshed', rev, ms: performance.now() - t0, chunks: dirty.size }, [])
}

/** The world's palette anew: later changes and meshes use it (no cell changes colour). */
export function setPalette(w: EditableWorld, palette: VoxelWorld['palette']): void {
  w.grid.setMaterials(materialTable(palette))
  w.mesher.materialsChanged()
}

/** Replaces the whole grid (a restore, a resync) and meshes every chunk again. */
export function replaceGrid(w: EditableWorld, rev: number, bytes: Uint8Array, post: Post): void {
  const t0 = performance.now()
  const decoded = decodeGrid(bytes, w.grid.materials.ids.length)
  if (decoded.dims.join('×') !== w.grid.dims.join('×'))
    throw new Error(`the new grid is ${decoded.dims.join('×')}, not ${w.grid.dims.join('×')}`)
  w.grid.data.set(decoded.data)
  for (let i = 0; i < w.layout.count; i++) remeshChunk(w, i, rev, post)
  post({ type: 'remeshed', rev, ms: performance.now() - t0, chunks: w.layout.count }, [])
}
