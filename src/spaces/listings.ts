// Keeps the verified listing of every wallet that exhibits in the open world (space owners, and
// collaborators for the pieces they placed): fetched when a space showing that wallet's pieces
// appears, fetched again when that space's version changes (an exhibit was placed, moved or
// re-checked) and after the server's cache lifetime; failures retry with backoff.
// Plain TypeScript, browser; results go to useListings.
import type { Collectible } from '../chain/types'
import { useListings, ownerKey, type ListingChain } from './listingsStore'
import { holderOf, useSpaces, type SpaceView } from './store'
import { ApiError } from '../net/api'
import { api } from '../wallet/api'

/** The server caches listings this long: older ones are fetched again while in view. */
export const REFRESH_MS = 5 * 60_000
const SWEEP_MS = 60_000
const MAX_RETRY_MS = 120_000

export interface FetchedListing {
  items: Collectible[]
  chains: ListingChain[]
  block: number
}

export type ListingFetcher = (owner: string) => Promise<FetchedListing>

interface Track {
  owner: string
  /** The version of each space showing this wallet's pieces that the listing was last asked for. */
  versions: Map<string, number>
  inFlight: boolean
  again: boolean
  failures: number
  fetchedAt: number
  retry: ReturnType<typeof setTimeout> | undefined
}

/** How long to wait after the n-th failure in a row (the server's Retry-After when it gives one). */
export function retryDelay(failures: number, err: unknown): number {
  if (err instanceof ApiError && err.retryAfterS) return Math.max(1000, err.retryAfterS * 1000)
  return Math.min(MAX_RETRY_MS, 5000 * 2 ** Math.max(0, failures - 1))
}

/** The wallets (by ownerKey) whose listings must confirm a space's shown exhibits. */
export function holdersOf(v: SpaceView): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of v.exhibits) {
    const holder = e.hidden ? null : holderOf(v, e)
    if (holder && !out.has(ownerKey(holder))) out.set(ownerKey(holder), holder)
  }
  return out
}

/**
 * Starts watching the spaces store; returns a stop function (which forgets every listing).
 * `fetcher` is the API by default; tests pass their own.
 */
export function watchListings(
  fetcher: ListingFetcher = (owner) => api.collectibles(owner),
  now: () => number = Date.now,
): () => void {
  const tracks = new Map<string, Track>()
  let stopped = false

  const request = (t: Track) => {
    if (stopped) return
    if (t.inFlight) {
      t.again = true
      return
    }
    t.inFlight = true
    clearTimeout(t.retry)
    const listings = useListings.getState()
    const current = listings.byOwner[ownerKey(t.owner)]
    // A refresh keeps showing what is known; only a first load (or a failed one) shows loading.
    if (!current || current.status === 'error') listings.put(t.owner, { status: 'loading' })
    fetcher(t.owner)
      .then(
        (res) => {
          if (stopped) return
          t.failures = 0
          t.fetchedAt = now()
          useListings.getState().put(t.owner, {
            status: 'ready',
            items: res.items,
            chains: res.chains,
            block: res.block,
            fetchedAt: t.fetchedAt,
          })
        },
        (err: unknown) => {
          if (stopped) return
          t.failures++
          const had = useListings.getState().byOwner[ownerKey(t.owner)]
          if (had?.status !== 'ready') {
            const code = err instanceof ApiError ? err.code : 'network'
            useListings.getState().put(t.owner, { status: 'error', code })
          }
          t.retry = setTimeout(() => request(t), retryDelay(t.failures, err))
        },
      )
      .finally(() => {
        t.inFlight = false
        if (t.again && !stopped) {
          t.again = false
          request(t)
        }
      })
  }

  const sync = (spaces: Record<string, SpaceView>) => {
    for (const [spaceId, view] of Object.entries(spaces)) {
      for (const [key, holder] of holdersOf(view)) track(spaceId, view.version, key, holder)
    }
  }

  const track = (spaceId: string, version: number, key: string, holder: string) => {
    let t = tracks.get(key)
    if (!t) {
      t = {
        owner: holder,
        versions: new Map(),
        inFlight: false,
        again: false,
        failures: 0,
        fetchedAt: 0,
        retry: undefined,
      }
      tracks.set(key, t)
    }
    const seen = t.versions.get(spaceId)
    if (seen === version) return
    t.versions.set(spaceId, version)
    // Another space of a wallet already in hand needs no new request; a changed one does.
    const fresh = t.inFlight || (t.fetchedAt > 0 && now() - t.fetchedAt < REFRESH_MS)
    if (seen === undefined && fresh) return
    request(t)
  }

  sync(useSpaces.getState().spaces)
  const unsubscribe = useSpaces.subscribe((s, prev) => {
    if (s.spaces !== prev.spaces) sync(s.spaces)
  })
  const sweep = setInterval(() => {
    const wanted = new Set(
      Object.values(useSpaces.getState().spaces).flatMap((v) => [...holdersOf(v).keys()]),
    )
    for (const [key, t] of tracks) {
      if (wanted.has(key) && t.fetchedAt > 0 && now() - t.fetchedAt >= REFRESH_MS) request(t)
    }
  }, SWEEP_MS)

  return () => {
    stopped = true
    unsubscribe()
    clearInterval(sweep)
    for (const t of tracks.values()) clearTimeout(t.retry)
    tracks.clear()
    useListings.getState().reset()
  }
}
