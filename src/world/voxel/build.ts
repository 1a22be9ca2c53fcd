// The whole Block Park build (grid, then greedy chunk meshes, nearest chunks first) as a plain
// function that reports through `post`. The mesher worker calls it; Vitest calls it directly.
import type { VoxelWorld } from '../../protocol/scene'
import { buildGrid } from './generate'
import { Mesher, chunkLayout } from './mesher'
import type { ChunkMesh, MeshPart } from './mesher'

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

export interface BuildRequest {
  type: 'build'
  world: VoxelWorld
  /** Column to mesh outward from (the spawn point), so the visitor's surroundings come first. */
  focus?: [number, number]
}

export type BuildMessage =
  | { type: 'progress'; done: number; total: number }
  | ({ type: 'chunk' } & ChunkMesh)
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

export function runBuild(world: VoxelWorld, post: Post, focus?: [number, number]): void {
  try {
    const t0 = performance.now()
    const { grid, heightmap } = buildGrid(world)
    const layout = chunkLayout(grid.sx, grid.sz)
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
    post({ type: 'done', stats, grid: grid.data, dims: grid.dims, heightmap }, [
      grid.data.buffer as ArrayBuffer,
      heightmap.buffer as ArrayBuffer,
    ])
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }, [])
  }
}
