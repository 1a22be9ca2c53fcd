// The builder's page state: the open builder world's card (who may edit), whether build mode is
// on, the tool, block and brush, the room's progress (changes applied, last save) and the last
// problem. Human-speed state only; the grid itself is in src/world/voxel/live.ts.
import { create } from 'zustand'
import type { WorldCard } from './api'

export type Tool =
  | 'place'
  | 'remove'
  | 'box'
  | 'line'
  | 'replace'
  | 'pick'
  | 'terrain'
  | 'copy'
  | 'prefab'
  | 'poi'
  | 'portal'
  | 'plot'
  | 'stage'
  | 'spawn'
export const TOOLS: readonly Tool[] = [
  'place',
  'remove',
  'box',
  'line',
  'replace',
  'pick',
  'terrain',
  'copy',
  'prefab',
  'poi',
  'portal',
  'plot',
  'stage',
  'spawn',
]
export type TerrainOp = 'raise' | 'lower' | 'flatten' | 'smooth' | 'paint'
export const TERRAIN_OPS: readonly TerrainOp[] = ['raise', 'lower', 'flatten', 'smooth', 'paint']
export type Rotation = 0 | 90 | 180 | 270
export const BRUSHES = [1, 2, 3, 5] as const

export interface BuilderState {
  /** The open builder world's card (null: not a builder world, or not loaded yet). */
  card: WorldCard | null
  building: boolean
  tool: Tool
  /** Palette material id (1 = the palette's first entry). */
  material: number
  /** A custom colour sent to the room: picked once the palette holds it (its palette id). */
  pendingColour: string | null
  brush: (typeof BRUSHES)[number]
  /** The piece of the world's prefab library the prefab tool places, and its turn. */
  prefab: string | null
  rotate: Rotation
  terrainOp: TerrainOp
  /** The copied box (the copy tool's two corners); pasting puts it where the next click is. */
  clip: { from: [number, number, number]; to: [number, number, number] } | null
  mirror: boolean
  /** Where a new point of interest goes, while its texts are being written. */
  poiDraft: [number, number, number] | null
  /** Where a new portal goes, while its destination is being chosen. */
  portalDraft: [number, number, number] | null
  /** The plot being marked out, while its name is being written. */
  plotDraft: {
    kind: 'plot' | 'stage'
    from: [number, number, number]
    to: [number, number, number]
  } | null
  /** The first corner of a box fill, once clicked. */
  corner: [number, number, number] | null
  /** The room's last change number applied here, and the last save. */
  seq: number
  saved: { version: number; at: number } | null
  /** Changes made since the last save (the room autosaves them). */
  dirty: boolean
  problem: string | null
  /** The world settings dialog (publish, builders, versions). */
  settingsOpen: boolean
  setSettingsOpen(open: boolean): void
  setCard(card: WorldCard | null): void
  setBuilding(on: boolean): void
  setTool(tool: Tool): void
  setMaterial(material: number): void
  setPendingColour(id: string | null): void
  setBrush(brush: BuilderState['brush']): void
  setCorner(corner: BuilderState['corner']): void
  setPrefab(prefab: string): void
  setPoiDraft(at: [number, number, number] | null): void
  setPortalDraft(at: [number, number, number] | null): void
  setPlotDraft(plot: BuilderState['plotDraft']): void
  setTerrainOp(op: TerrainOp): void
  setClip(clip: BuilderState['clip']): void
  flip(): void
  /** Turns the piece a quarter clockwise (seen from above). */
  turn(): void
  applied(seq: number): void
  savedAs(version: number, at: number): void
  setProblem(problem: string | null): void
  reset(): void
}

const START = {
  card: null,
  building: false,
  tool: 'place' as Tool,
  material: 1,
  pendingColour: null,
  brush: 1 as const,
  corner: null,
  prefab: null,
  rotate: 0 as Rotation,
  poiDraft: null,
  portalDraft: null,
  plotDraft: null,
  terrainOp: 'raise' as TerrainOp,
  clip: null,
  mirror: false,
  seq: 0,
  saved: null,
  dirty: false,
  problem: null,
  settingsOpen: false,
}

export const useBuilder = create<BuilderState>()((set) => ({
  ...START,
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
  setCard: (card) => set({ card }),
  setBuilding: (building) => set({ building, corner: null }),
  setTool: (tool) => set((s) => ({ tool, corner: null, clip: tool === 'copy' ? s.clip : null })),
  setMaterial: (material) => set({ material }),
  setPendingColour: (pendingColour) => set({ pendingColour }),
  setBrush: (brush) => set({ brush }),
  setCorner: (corner) => set({ corner }),
  setPrefab: (prefab) => set({ prefab, tool: 'prefab', corner: null }),
  setPoiDraft: (poiDraft) => set({ poiDraft }),
  setPortalDraft: (portalDraft) => set({ portalDraft }),
  setPlotDraft: (plotDraft) => set({ plotDraft, corner: null }),
  setTerrainOp: (terrainOp) => set({ terrainOp, tool: 'terrain' }),
  setClip: (clip) => set({ clip, corner: null }),
  flip: () => set((s) => ({ mirror: !s.mirror })),
  turn: () => set((s) => ({ rotate: ((s.rotate + 90) % 360) as Rotation })),
  applied: (seq) => set({ seq, dirty: true }),
  savedAs: (version, at) => set({ saved: { version, at }, dirty: false }),
  setProblem: (problem) => set({ problem }),
  reset: () => set(START),
}))
