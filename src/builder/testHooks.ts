// `window.__cq.builder` (see src/app/frameStats.ts for the rest of `__cq`): what the builder
// holds, for end-to-end tests and developers: the card, the room's change count, what the
// worker has meshed, and a checksum of the page's grid (two pages with the same grid agree).
import { useLiveVoxels } from '../world/voxel/live'
import { useBuilder } from './store'
import { useWorld } from '../state/world'

export interface BuilderHooks {
  state: () => {
    world: string | null
    status: 'draft' | 'published' | null
    canEdit: boolean
    building: boolean
    /** The room's last change applied on this page. */
    seq: number
    /** Batches of changes the worker has meshed, and how long the last took (ms). */
    meshedRev: number
    lastMeshMs: number
    saved: number | null
    problem: string | null
  }
  /** FNV-1a of the page's grid, or null when no builder world is shown. */
  gridHash: () => number | null
  /** The English titles of the shown world's points of interest. */
  pois: () => string[]
  /** The English names of the shown world's creator spaces. */
  plots: () => string[]
  /** The English names of the shown world's stages. */
  stages: () => string[]
  /** The shown world's portals: where each leads. */
  portals: () => string[]
  /** The material at a cell of the page's grid. */
  cell: (x: number, y: number, z: number) => number | null
}

export const builderHooks: BuilderHooks = {
  state: () => {
    const b = useBuilder.getState()
    const live = useLiveVoxels.getState()
    return {
      world: live.live?.world ?? null,
      status: b.card?.status ?? null,
      canEdit: b.card?.canEdit ?? false,
      building: b.building,
      seq: b.seq,
      meshedRev: live.meshedRev,
      lastMeshMs: live.lastMeshMs,
      saved: b.saved?.version ?? null,
      problem: b.problem,
    }
  },
  gridHash: () => {
    const data = useLiveVoxels.getState().live?.grid.data
    if (!data) return null
    let h = 0x811c9dc5
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193)
    return h >>> 0
  },
  pois: () => useWorld.getState().scene?.pois.map((p) => p.title.en) ?? [],
  plots: () => useWorld.getState().scene?.spaces.map((s) => s.title.en) ?? [],
  stages: () => useWorld.getState().scene?.stages.map((s) => s.title.en) ?? [],
  portals: () => useWorld.getState().scene?.portals.map((p) => p.to) ?? [],
  cell: (x, y, z) => useLiveVoxels.getState().live?.grid.get(x, y, z) ?? null,
}

if (typeof window !== 'undefined') {
  const w = window as unknown as { __cq?: Record<string, unknown> }
  w.__cq = { ...w.__cq, builder: builderHooks }
}
