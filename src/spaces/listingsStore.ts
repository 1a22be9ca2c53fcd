// Verified listings of space owners (GET /api/collectibles/<owner>), cached per owner so the
// exhibits of a space can be matched against what its owner provably holds. Filled by
// src/spaces/listings.ts; read by the renderer, the exhibit card and the test hooks.
import { create } from 'zustand'
import type { Collectible } from '../chain/types'

export interface ListingChain {
  chainId: number
  name: { 'zh-CN': string; en: string }
  local: boolean
}

export type Listing =
  | { status: 'loading' }
  | {
      status: 'ready'
      items: Collectible[]
      chains: ListingChain[]
      /** The block the server read, and when this client received it (ms since the epoch). */
      block: number
      fetchedAt: number
    }
  | { status: 'error'; code: string }

/** Owner addresses are compared case-insensitively (EIP-55 checksums vary in case only). */
export const ownerKey = (address: string) => address.toLowerCase()

export interface ListingsState {
  /** By ownerKey(address). */
  byOwner: Record<string, Listing>
  put: (owner: string, listing: Listing) => void
  reset: () => void
}

export const useListings = create<ListingsState>()((set) => ({
  byOwner: {},
  put: (owner, listing) => set((s) => ({ byOwner: { ...s.byOwner, [ownerKey(owner)]: listing } })),
  reset: () => set({ byOwner: {} }),
}))

export function listingOf(owner: string | null): Listing | undefined {
  return owner ? useListings.getState().byOwner[ownerKey(owner)] : undefined
}
