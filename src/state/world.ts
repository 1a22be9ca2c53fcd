// The world being visited: loading progress, the validated scene, errors, and the open
// info card. Low-frequency state only (progress updates are throttled by their producers).
import { create } from 'zustand'
import type { Scene } from '../protocol/scene'
import type { WorldCollider } from '../world/collision'

export interface LoadStage {
  /** 0..1 over all loading work. */
  progress: number
  /** i18n key of what is happening now. */
  label: string
}

export interface WorldState {
  worldId: string | null
  scene: Scene | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  loading: LoadStage
  error: { title: string; file?: string; issues: { field: string; message: string }[] } | null
  collider: WorldCollider | null
  /** The point of interest whose card is open, by id. */
  openPoi: string | null
  setLoading: (stage: LoadStage) => void
  set: (patch: Partial<Omit<WorldState, 'set' | 'setLoading'>>) => void
}

export const useWorld = create<WorldState>()((set) => ({
  worldId: null,
  scene: null,
  status: 'idle',
  loading: { progress: 0, label: 'loading.scene' },
  error: null,
  collider: null,
  openPoi: null,
  setLoading: (loading) => set({ loading }),
  set: (patch) => set(patch),
}))
