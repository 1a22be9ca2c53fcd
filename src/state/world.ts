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

/** What a visitor can do about a failure (i18n keys: `advice.*`). */
export type Advice = 'network' | 'notFound' | 'signIn' | 'invalid' | 'build' | 'code' | 'webgl'

export type WorldError = {
  title: string
  file?: string
  issues: { field: string; message: string }[]
  /** What to do about it, said under the reasons. */
  advice: Advice
  /** Only a reload helps (part of the page's code is missing, or the page has no WebGL). */
  reload?: boolean
  /** Signing in may open it (a draft, for its builders); the world loads again once signed in. */
  signIn?: boolean
}

/** How the open info card was opened: a click moves focus into it, walking up does not. */
export type CardVia = 'click' | 'proximity'

export interface WorldState {
  worldId: string | null
  scene: Scene | null
  /** A stored world's grid (codec bytes: a builder world); null when the scene generates it. */
  voxels: Uint8Array | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  loading: LoadStage
  error: WorldError | null
  collider: WorldCollider | null
  /** The point of interest whose card is open, by id, and how it was opened. */
  openPoi: string | null
  cardVia: CardVia | null
  /** Goes to world `id` (null: the directory); any open card closes. */
  enterWorld: (id: string | null) => void
  /** Drops the loaded world: loading it again (`loading`) or none (`idle`). */
  unload: (status: 'idle' | 'loading') => void
  setLoading: (stage: LoadStage) => void
  /** The world file is read and valid (with its stored grid, if any); its view builds it next. */
  loaded: (scene: Scene, voxels?: Uint8Array | null) => void
  /** The shown world's scene changed in place (a builder world's points and spawn). */
  updateScene: (scene: Scene) => void
  /** The view built it: the visitor can walk on `collider`. */
  ready: (collider: WorldCollider) => void
  failed: (error: WorldError) => void
  /** A view that goes away takes its collider with it (unless another took over meanwhile). */
  dropCollider: (collider: WorldCollider) => void
  /** The world's parts changed (a builder's plot or stage): `next` stands where `was` stood. */
  replaceCollider: (was: WorldCollider, next: WorldCollider) => void
  /** Opens point of interest `id`'s card. */
  openCard: (id: string, via: CardVia) => void
  closeCard: () => void
}

const UNLOADED = {
  scene: null,
  voxels: null,
  error: null,
  collider: null,
  openPoi: null,
  cardVia: null,
}

export const useWorld = create<WorldState>()((set) => ({
  worldId: null,
  scene: null,
  voxels: null,
  status: 'idle',
  loading: { progress: 0, label: 'loading.scene' },
  error: null,
  collider: null,
  openPoi: null,
  cardVia: null,
  enterWorld: (worldId) => set({ worldId, openPoi: null, cardVia: null }),
  unload: (status) => set({ ...UNLOADED, status }),
  setLoading: (loading) => set({ loading }),
  loaded: (scene, voxels = null) => set({ scene, voxels }),
  updateScene: (scene) => set((s) => (s.scene?.id === scene.id ? { scene } : s)),
  ready: (collider) => set({ collider, status: 'ready' }),
  failed: (error) => set({ status: 'error', error }),
  dropCollider: (collider) => set((s) => (s.collider === collider ? { collider: null } : s)),
  replaceCollider: (was, next) => set((s) => (s.collider === was ? { collider: next } : s)),
  openCard: (openPoi, cardVia) => set({ openPoi, cardVia }),
  closeCard: () => set({ openPoi: null, cardVia: null }),
}))
