// What a builder's page pays for one edit: the mesher worker's re-mesh of the chunks a
// single-block edit touched, in an editable world (EDIT_CHUNK_SIZE chunks). Runs the worker's
// own functions in this thread: runBuild on the village template's grid (editable), then
// `edits` single-block edits on the surface (a block placed on a column's top, or its top block
// taken away), each through applyChanges, timed by the `ms` of its `remeshed` message.
import { templateWorld } from '../../server/builder/templates'
import { mulberry32 } from '../../src/world/hd/noise'
import { KIND_SOLID } from '../../src/world/voxel/grid'
import {
  EDIT_CHUNK_SIZE,
  applyChanges,
  runBuild,
  type BuildMessage,
} from '../../src/world/voxel/build'
import type { VoxelEdit } from '../../src/protocol/builder'

export interface RemeshResult {
  remeshMsP50: number
  remeshMsP95: number
  remeshMsMax: number
  remeshEdits: number
  /** The same edits' CPU time in this process (user + system), ms: what the wall time would be
   * on a core of its own, since a shared machine pre-empts the thread in the middle of some. */
  remeshCpuMsP50: number
  remeshCpuMsP95: number
  /** Chunks meshed per edit, on average (2 or 4 where a block sits on a chunk border). */
  remeshChunksMean: number
  chunkSize: number
  /** The first, whole build of the editable world (grid decode + every chunk), ms. */
  fullBuildMs: number
}

/** Nearest-rank percentile of sorted values, to 0.01. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return Math.round(sorted[i]! * 100) / 100
}

export function measureRemesh(edits: number, seed: number): RemeshResult {
  const { scene, voxels } = templateWorld('village', 'bw-000000000000', {
    'zh-CN': '基准村',
    en: 'Bench Village',
  })
  const world = scene.voxel!
  // What the worker would post back: only its `remeshed` reports (and an error) matter here.
  const reports: Extract<BuildMessage, { type: 'remeshed' }>[] = []
  let failure = ''
  const post = (m: BuildMessage) => {
    if (m.type === 'remeshed') reports.push(m)
    else if (m.type === 'error') failure = m.message
  }
  const t0 = performance.now()
  const editable = runBuild(world, post, undefined, voxels, true)
  const fullBuildMs = performance.now() - t0
  if (!editable) throw new Error(`the editable build failed: ${failure}`)
  const { grid } = editable
  const solid: number[] = []
  for (let id = 1; id < grid.materials.kind.length; id++)
    if (grid.materials.kind[id] === KIND_SOLID) solid.push(id)

  const rng = mulberry32(seed)
  const ms: number[] = []
  const cpuMs: number[] = []
  let chunks = 0
  for (let rev = 1; ms.length < edits && rev < edits * 10; rev++) {
    const x = Math.floor(rng() * grid.sx)
    const z = Math.floor(rng() * grid.sz)
    const top = grid.topSolid(x, z)
    const place = rng() < 0.5 || top <= 0
    const y = place ? top + 1 : top
    if (y < 0 || y >= grid.sy) continue
    const material = place ? solid[Math.floor(rng() * solid.length)]! : 0
    const edit: VoxelEdit = { from: [x, y, z], to: [x, y, z], material }
    const cpu0 = process.cpuUsage()
    applyChanges(editable, rev, [{ edit }], post)
    const cpu = process.cpuUsage(cpu0)
    const done = reports.pop()
    if (!done || done.chunks === 0) continue // it changed nothing (the cell held that already)
    ms.push(done.ms)
    cpuMs.push((cpu.user + cpu.system) / 1000)
    chunks += done.chunks
  }
  ms.sort((a, b) => a - b)
  cpuMs.sort((a, b) => a - b)
  const result: RemeshResult = {
    remeshMsP50: percentile(ms, 50) ?? 0,
    remeshMsP95: percentile(ms, 95) ?? 0,
    remeshMsMax: percentile(ms, 100) ?? 0,
    remeshCpuMsP50: percentile(cpuMs, 50) ?? 0,
    remeshCpuMsP95: percentile(cpuMs, 95) ?? 0,
    remeshEdits: ms.length,
    remeshChunksMean: ms.length ? Math.round((chunks / ms.length) * 100) / 100 : 0,
    chunkSize: EDIT_CHUNK_SIZE,
    fullBuildMs: Math.round(fullBuildMs),
  }
  console.log(
    `[builder] re-mesh after one block: p50 ${result.remeshMsP50} ms, p95 ${result.remeshMsP95} ms, ` +
      `max ${result.remeshMsMax} ms over ${ms.length} edits (CPU p95 ${result.remeshCpuMsP95} ms) ` +
      `(${EDIT_CHUNK_SIZE}² chunks, ${result.remeshChunksMean} per edit; full build ${result.fullBuildMs} ms)`,
  )
  return result
}
