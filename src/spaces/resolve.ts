// Matches a space's exhibits against the verified listing of the wallet that placed each one
// (the owner, or a collaborator for their own pieces): only a token that wallet holds and the
// server verified is shown as verified; everything else is veiled. Pure functions, used by the
// renderer, the exhibit card and the test hooks.
import type { Collectible, TokenRef } from '../chain/types'
import type { Listing } from './listingsStore'
import { holderOf, type ExhibitView, type SpaceView } from './store'

/**
 * verified: in the owner's listing and verified by the server.
 * unverified: in the listing, but the server does not verify it (now).
 * missing: the listing is in and the owner does not hold it (any more).
 * pending: the listing is still loading; unchecked: it could not be read.
 */
export type ExhibitStatus = 'verified' | 'unverified' | 'missing' | 'pending' | 'unchecked'

export interface ResolvedExhibit {
  view: ExhibitView
  status: ExhibitStatus
  /** The listing's entry for the token, when the owner holds it. */
  item: Collectible | null
}

/** A decimal token id in canonical form (no leading zeros), or the input when it is not one. */
function canonicalId(id: string): string {
  return /^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id
}

/** Same chain, same contract (case-insensitive: checksums differ in case only), same token. */
export function sameToken(a: TokenRef, b: TokenRef): boolean {
  return (
    a.chainId === b.chainId &&
    a.contract.toLowerCase() === b.contract.toLowerCase() &&
    canonicalId(a.tokenId) === canonicalId(b.tokenId)
  )
}

export function resolveExhibit(view: ExhibitView, listing: Listing | undefined): ResolvedExhibit {
  if (!listing || listing.status === 'loading') return { view, status: 'pending', item: null }
  if (listing.status === 'error') return { view, status: 'unchecked', item: null }
  const item = listing.items.find((c) => sameToken(c, view) && c.standard === view.standard)
  if (!item) return { view, status: 'missing', item: null }
  const held = item.standard === 'erc721' || /^0*[1-9]\d*$/.test(item.balance)
  // The API client already demotes contradictory answers (verified with reasons) to unverified.
  return { view, status: item.verified && held ? 'verified' : 'unverified', item }
}

/** The listing of a wallet address, as far as it is known. */
export type ListingOf = (address: string) => Listing | undefined

/** One exhibit checked against its holder's listing; with no holder there is nobody to verify. */
export function resolveIn(space: SpaceView, view: ExhibitView, listingOf: ListingOf) {
  const holder = holderOf(space, view)
  return holder
    ? resolveExhibit(view, listingOf(holder))
    : { view, status: 'missing' as const, item: null }
}

/**
 * The exhibits of a space that visitors see: hidden ones are left out. Each is checked against
 * the listing of the wallet that placed it (see `holderOf`).
 */
export function resolveSpace(space: SpaceView, listingOf: ListingOf): ResolvedExhibit[] {
  const out: ResolvedExhibit[] = []
  for (const view of space.exhibits) if (!view.hidden) out.push(resolveIn(space, view, listingOf))
  return out
}

/** Whether an exhibit is drawn veiled (greyed, "no longer verified"). */
export const isVeiled = (status: ExhibitStatus) => status === 'unverified' || status === 'missing'

/** The image to show, if any: only verified or unverified listing entries carry media. */
export function exhibitImage(r: ResolvedExhibit): string | null {
  return r.item?.image ?? null
}
