// Which exhibits show a 3D model now (and which models failed), by "<space id>:<exhibit id>".
// Written by the lazily loaded model renderer (Models.tsx); read by Spaces.tsx, which leaves out
// the picture and frame of an exhibit whose model stands in their place, and by the test hooks.
// Tiny and free of three on purpose: it rides in the spaces chunk and the first-frame bundle.
import { useSyncExternalStore } from 'react'
import type { FrameSpot } from './layout'
import { isVeiled, type ResolvedExhibit } from './resolve'

export interface ModelsSnapshot {
  /** Exhibits whose model is drawn. */
  shown: ReadonlySet<string>
  /** Exhibits whose model could not be shown (too big, broken, refused): their picture stays. */
  failed: ReadonlySet<string>
}

let snapshot: ModelsSnapshot = { shown: new Set(), failed: new Set() }
const listeners = new Set<() => void>()

function update(key: string, shown: boolean, failed: boolean) {
  if (snapshot.shown.has(key) === shown && snapshot.failed.has(key) === failed) return
  const next = { shown: new Set(snapshot.shown), failed: new Set(snapshot.failed) }
  if (shown) next.shown.add(key)
  else next.shown.delete(key)
  if (failed) next.failed.add(key)
  else next.failed.delete(key)
  snapshot = next
  for (const l of listeners) l()
}

export const modelShown = (key: string) => update(key, true, false)
export const modelFailed = (key: string) => update(key, false, true)
/** Loading again, or gone: the picture shows until a model does. */
export const modelCleared = (key: string) => update(key, false, false)

export const modelsSnapshot = (): ModelsSnapshot => snapshot

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The current snapshot; a new object whenever anything changed. */
export function useModels(): ModelsSnapshot {
  return useSyncExternalStore(subscribe, modelsSnapshot)
}

/** One exhibit that stands a 3D model on its pedestal (or free spot). */
export interface ModelExhibit {
  /** "<space id>:<exhibit id>". */
  key: string
  spaceId: string
  exhibitId: string
  url: string
  veiled: boolean
  /** Where its standing frame would go: the model stands on `spot.base`, `spot.size` wide. */
  spot: FrameSpot
  /** The space's per-exhibit texture side (pixels). */
  maxSide: number
}

/**
 * The exhibits that show a model: standing ones (pedestal slots, free placement) whose listing
 * entry has a model. Wall slots keep their pictures.
 */
export function modelExhibits(
  exhibits: readonly { spaceId: string; r: ResolvedExhibit; spot: FrameSpot; maxSide: number }[],
): ModelExhibit[] {
  const out: ModelExhibit[] = []
  for (const { spaceId, r, spot, maxSide } of exhibits) {
    const url = r.item?.model
    if (spot.mount !== 'stand' || !url) continue
    const exhibitId = r.view.id
    out.push({
      key: `${spaceId}:${exhibitId}`,
      spaceId,
      exhibitId,
      url,
      veiled: isVeiled(r.status),
      spot,
      maxSide,
    })
  }
  return out
}

/**
 * Where a model's label hangs: at the front edge of its footprint, level with what it stands on
 * (so on a pedestal it hangs down the pedestal's face instead of covering the model).
 */
export function modelLabelAnchor(spot: FrameSpot): [number, number, number] {
  const r = spot.size * 0.62 + 0.03
  return [
    spot.center[0] + Math.sin(spot.rotY) * r,
    spot.base - 0.04,
    spot.center[2] + Math.cos(spot.rotY) * r,
  ]
}
