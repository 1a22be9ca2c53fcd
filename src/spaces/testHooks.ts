// `window.__cq.spaces` (see src/app/frameStats.ts): lets end-to-end tests, benchmarks and
// developers read what the visitor's spaces show and put a layout into the store without a
// server. Small on purpose: it rides in the first-frame bundle.
import { ownerKey, useListings } from './listingsStore'
import { SpaceView, useSpaces, type ExhibitView, type OpenExhibit } from './store'
import { modelsSnapshot } from './modelState'
import { resolveSpace, type ExhibitStatus } from './resolve'
import { immersiveState, useImmersiveCaption, type HallSnapshot } from './immersive/state'

/** The store's views by space id, each exhibit with what visitors see of it. */
export type SpacesSnapshot = Record<
  string,
  SpaceView & {
    exhibits: (ExhibitView & { status: ExhibitStatus | 'hidden' })[]
  }
>

export interface SpacesHooks {
  /** The spaces store ('hidden' exhibits are not drawn; the others are resolved). */
  state: () => SpacesSnapshot
  /** Listing status by owner (lowercase address): loading, ready or error. */
  listings: () => Record<string, string>
  /** The exhibit whose card is open. */
  open: () => OpenExhibit | null
  /** Validates and stores one space's view (null forgets it); throws on a malformed view. */
  inject: (spaceId: string, view: unknown) => void
  /** 3D models on pedestals: how many are drawn, and which ("<space>:<exhibit>"), or failed. */
  models: () => { count: number; shown: string[]; failed: string[] }
  /**
   * Immersive halls drawn now, by space id: the programme's works, the moment, how many
   * pictures are on the GPU, frames drawn; and the caption the visitor reads (its work key).
   */
  immersive: () => {
    halls: Record<string, Omit<HallSnapshot, 'list'>>
    caption: { spaceId: string; work: string } | null
  }
}

export const spacesHooks: SpacesHooks = {
  state: () => {
    const { spaces } = useSpaces.getState()
    const { byOwner } = useListings.getState()
    const out: SpacesSnapshot = {}
    for (const [id, v] of Object.entries(spaces)) {
      const resolved = resolveSpace(v, (a) => byOwner[ownerKey(a)])
      const shown = new Map(resolved.map((r) => [r.view.id, r.status]))
      out[id] = {
        ...v,
        exhibits: v.exhibits.map((e) => ({ ...e, status: shown.get(e.id) ?? 'hidden' })),
      }
    }
    return out
  },
  listings: () => {
    const out: Record<string, string> = {}
    for (const [owner, l] of Object.entries(useListings.getState().byOwner)) out[owner] = l.status
    return out
  },
  open: () => useSpaces.getState().open,
  inject: (spaceId, view) => {
    if (typeof spaceId !== 'string' || spaceId.length === 0) throw new Error('a space id')
    useSpaces.getState().set(spaceId, view === null ? null : SpaceView.parse(view))
  },
  models: () => {
    const { shown, failed } = modelsSnapshot()
    return { count: shown.size, shown: [...shown], failed: [...failed] }
  },
  immersive: () => {
    const halls: Record<string, Omit<HallSnapshot, 'list'>> = {}
    for (const [id, { list: _list, ...rest }] of immersiveState) halls[id] = { ...rest }
    const c = useImmersiveCaption.getState().caption
    return { halls, caption: c && { spaceId: c.spaceId, work: c.work.key } }
  },
}
