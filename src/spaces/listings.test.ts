import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useListings } from './listingsStore'
import { useSpaces, type SpaceView } from './store'
import { ApiError } from '../net/api'
import { REFRESH_MS, retryDelay, watchListings, type FetchedListing } from './listings'

const OWNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

function space(version: number, owner: string | null = OWNER): SpaceView {
  return {
    owner,
    collaborators: [],
    version,
    mode: 'gallery',
    exhibits: [
      {
        id: 'e1',
        chainId: 31337,
        contract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
        tokenId: '1',
        standard: 'erc721',
        placement: { kind: 'slot', slot: 'wall-1' },
        title: 'Village Gate',
        issuer: null,
        addedBy: null,
        hidden: null,
      },
    ],
  }
}

const EMPTY: FetchedListing = { items: [], chains: [], block: 7 }

describe('watchListings', () => {
  let now = 1_000_000
  beforeEach(() => {
    vi.useFakeTimers()
    useSpaces.getState().reset()
    useListings.getState().reset()
  })
  afterEach(() => vi.useRealTimers())

  it('fetches an owner once for all their spaces, again when a space version changes', async () => {
    const fetcher = vi.fn(async () => EMPTY)
    const stop = watchListings(fetcher, () => now)
    useSpaces.getState().set('a', space(1))
    expect(fetcher).toHaveBeenCalledTimes(1)
    expect(useListings.getState().byOwner[OWNER.toLowerCase()]?.status).toBe('loading')
    await vi.runOnlyPendingTimersAsync()
    expect(useListings.getState().byOwner[OWNER.toLowerCase()]).toMatchObject({
      status: 'ready',
      block: 7,
    })
    // Another space of the same owner: the listing in hand serves it.
    useSpaces.getState().set('b', space(1, OWNER.toLowerCase()))
    expect(fetcher).toHaveBeenCalledTimes(1)
    // A new version of a space: fetched again, the old listing shown meanwhile.
    useSpaces.getState().set('a', space(2))
    expect(fetcher).toHaveBeenCalledTimes(2)
    expect(useListings.getState().byOwner[OWNER.toLowerCase()]?.status).toBe('ready')
    stop()
    expect(useListings.getState().byOwner).toEqual({})
  })

  it("fetches a collaborator's listing for the pieces they placed", async () => {
    const COLLAB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
    const fetcher = vi.fn(async (_owner: string) => EMPTY)
    const stop = watchListings(fetcher, () => now)
    const s = space(1)
    s.collaborators = [COLLAB]
    s.exhibits.push({ ...s.exhibits[0]!, id: 'e2', tokenId: '2', addedBy: COLLAB })
    useSpaces.getState().set('a', s)
    expect(fetcher.mock.calls.map((c) => c[0]).sort()).toEqual([COLLAB, OWNER].sort())
    await vi.runOnlyPendingTimersAsync()
    expect(Object.keys(useListings.getState().byOwner).sort()).toEqual(
      [COLLAB.toLowerCase(), OWNER.toLowerCase()].sort(),
    )
    // Once the collaborator's piece is hidden, only the owner's listing is asked for again.
    const next = structuredClone(s)
    next.version = 2
    next.exhibits[1]!.hidden = { reason: 'not_owner' }
    useSpaces.getState().set('a', next)
    expect(fetcher.mock.calls.slice(2).map((c) => c[0])).toEqual([OWNER])
    stop()
  })

  it('does not fetch for free spaces or spaces whose exhibits are all hidden', () => {
    const fetcher = vi.fn(async () => EMPTY)
    const stop = watchListings(fetcher, () => now)
    useSpaces.getState().set('a', space(1, null))
    const hidden = space(1)
    hidden.exhibits[0]!.hidden = { reason: 'not_owner' }
    useSpaces.getState().set('b', hidden)
    expect(fetcher).not.toHaveBeenCalled()
    stop()
  })

  it('retries after a failure, and refreshes listings older than the server cache', async () => {
    let fail = true
    const fetcher = vi.fn(async () => {
      if (fail) throw new ApiError('chain_unavailable', 503, 'down', 3)
      return EMPTY
    })
    const stop = watchListings(fetcher, () => now)
    useSpaces.getState().set('a', space(1))
    await vi.advanceTimersByTimeAsync(0)
    expect(useListings.getState().byOwner[OWNER.toLowerCase()]).toEqual({
      status: 'error',
      code: 'chain_unavailable',
    })
    fail = false
    await vi.advanceTimersByTimeAsync(3000)
    expect(fetcher).toHaveBeenCalledTimes(2)
    expect(useListings.getState().byOwner[OWNER.toLowerCase()]?.status).toBe('ready')
    now += REFRESH_MS
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetcher).toHaveBeenCalledTimes(3)
    stop()
  })
})

describe('retryDelay', () => {
  it("honours the server's Retry-After, else backs off to two minutes", () => {
    expect(retryDelay(1, new ApiError('rate_limited', 429, 'slow', 5))).toBe(5000)
    expect(retryDelay(1, new Error('x'))).toBe(5000)
    expect(retryDelay(2, new Error('x'))).toBe(10_000)
    expect(retryDelay(10, new Error('x'))).toBe(120_000)
  })
})
