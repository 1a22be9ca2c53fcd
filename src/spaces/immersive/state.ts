// What immersive halls show now: the caption of the hall the visitor stands in (a small store
// the HUD reads) and each hall's programme as drawn (for the test hooks). Main thread only.
import { create } from 'zustand'
import type { LocalText } from '../../chain/types'
import type { ClassicWork } from './works'

/** One work of a hall's programme. */
export interface ShowWork {
  /** `exhibit:<id>` (the first exhibit showing that picture), or `classic:<id>`. */
  key: string
  /** A collectible's picture. */
  url?: string
  /** A classic's painting. */
  classic?: ClassicWork
  kind: 'collectible' | 'classic'
  title: string | LocalText
  /** The issuer of a collectible; "after …" for a classic. */
  by: string | LocalText | null
}

export interface Caption {
  spaceId: string
  work: ShowWork
}

export const useImmersiveCaption = create<{ caption: Caption | null }>()(() => ({ caption: null }))

/** Shows what a hall is showing (null: the visitor left it). Cheap when nothing changed. */
export function setCaption(spaceId: string, work: ShowWork | null) {
  const now = useImmersiveCaption.getState().caption
  if (!work) {
    if (now?.spaceId === spaceId) useImmersiveCaption.setState({ caption: null })
    return
  }
  if (now?.spaceId === spaceId && now.work.key === work.key) return
  useImmersiveCaption.setState({ caption: { spaceId, work } })
}

/** A hall's programme as its last frame drew it. */
export interface HallSnapshot {
  /** The programme this snapshot is of (a new programme starts a new snapshot). */
  list: readonly ShowWork[]
  works: string[]
  from: number
  to: number
  mix: number
  /** Works whose picture is on the GPU (the rest show paper until it is). */
  ready: number
  /** Frames drawn since the hall appeared. */
  frames: number
}

export const immersiveState = new Map<string, HallSnapshot>()
