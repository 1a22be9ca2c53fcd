import { describe, expect, it } from 'vitest'
import type { Collectible } from '../chain/types'
import type { Listing } from './listingsStore'
import type { ExhibitView, SpaceView } from './store'
import { exhibitImage, isVeiled, resolveExhibit, resolveSpace, sameToken } from './resolve'

const CONTRACT = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'

function item(over: Partial<Collectible> = {}): Collectible {
  return {
    chainId: 31337,
    contract: CONTRACT,
    tokenId: '1',
    standard: 'erc721',
    balance: '1',
    name: '桃花村·村口牌坊 Village Gate',
    description: 'A gate',
    image: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
    model: null,
    avatar: false,
    verified: true,
    reasons: [],
    checkedAtBlock: 14,
    checkedAt: 1_795_430_400_000,
    issuer: { 'zh-CN': '区块乐园工作室', en: 'Block Park Studio' },
    platform: { 'zh-CN': '苍穹', en: 'Cangqiong' },
    circulation: null,
    metadataSha256: 'ab'.repeat(32),
    metadataPinned: true,
    ...over,
  }
}

function view(over: Partial<ExhibitView> = {}): ExhibitView {
  return {
    id: 'e1',
    chainId: 31337,
    contract: CONTRACT.toLowerCase(),
    tokenId: '1',
    standard: 'erc721',
    placement: { kind: 'slot', slot: 'w1' },
    title: 'Village Gate',
    issuer: 'Block Park Studio',
    addedBy: null,
    hidden: null,
    ...over,
  }
}

const ready = (items: Collectible[]): Listing => ({
  status: 'ready',
  items,
  chains: [],
  block: 14,
  fetchedAt: 0,
})

describe('sameToken', () => {
  it('matches contracts case-insensitively and token ids numerically', () => {
    expect(sameToken(item(), view())).toBe(true)
    expect(sameToken(item({ tokenId: '1' }), view({ tokenId: '0001' }))).toBe(true)
    expect(sameToken(item(), view({ tokenId: '10' }))).toBe(false)
    expect(sameToken(item(), view({ chainId: 1 }))).toBe(false)
    expect(sameToken(item(), view({ contract: '0x' + '1'.repeat(40) }))).toBe(false)
  })
})

describe('resolveExhibit', () => {
  it('is verified only when the owner holds the token and the server verified it', () => {
    const r = resolveExhibit(view(), ready([item()]))
    expect(r.status).toBe('verified')
    expect(r.item?.name).toMatch(/Village Gate/)
    expect(exhibitImage(r)).toMatch(/^data:image\/svg/)
  })

  it('veils a token the owner no longer holds', () => {
    const r = resolveExhibit(view({ tokenId: '99' }), ready([item()]))
    expect(r.status).toBe('missing')
    expect(r.item).toBeNull()
    expect(isVeiled(r.status)).toBe(true)
  })

  it('veils a held token the server does not verify (a copy, changed metadata)', () => {
    const copy = item({ verified: false, reasons: ['issuer_not_allowlisted'] })
    const r = resolveExhibit(view(), ready([copy]))
    expect(r.status).toBe('unverified')
    expect(r.item).toBe(copy)
    expect(isVeiled(r.status)).toBe(true)
  })

  it('does not take a token of another standard, or an ERC-1155 balance of zero', () => {
    expect(resolveExhibit(view({ standard: 'erc1155' }), ready([item()])).status).toBe('missing')
    const none = item({ standard: 'erc1155', balance: '0' })
    expect(resolveExhibit(view({ standard: 'erc1155' }), ready([none])).status).toBe('unverified')
  })

  it('waits for the listing, and says when it could not be read', () => {
    expect(resolveExhibit(view(), undefined).status).toBe('pending')
    expect(resolveExhibit(view(), { status: 'loading' }).status).toBe('pending')
    expect(resolveExhibit(view(), { status: 'error', code: 'chain_unavailable' }).status).toBe(
      'unchecked',
    )
    expect(isVeiled('pending')).toBe(false)
  })
})

describe('resolveSpace', () => {
  const space = (over: Partial<SpaceView> = {}): SpaceView => ({
    owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    collaborators: [],
    version: 3,
    mode: 'gallery',
    exhibits: [view(), view({ id: 'e2', hidden: { reason: 'not_owner' } }), view({ id: 'e3' })],
    ...over,
  })

  const OWNER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
  const COLLAB = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc'
  const only =
    (listings: Record<string, Listing>) =>
    (address: string): Listing | undefined =>
      listings[address.toLowerCase()]

  it('leaves hidden exhibits out', () => {
    const out = resolveSpace(space(), only({ [OWNER]: ready([item()]) }))
    expect(out.map((r) => r.view.id)).toEqual(['e1', 'e3'])
    expect(out.every((r) => r.status === 'verified')).toBe(true)
  })

  it('shows nothing of an ownerless space as verified', () => {
    const out = resolveSpace(space({ owner: null }), only({ [OWNER]: ready([item()]) }))
    expect(out.map((r) => r.status)).toEqual(['missing', 'missing'])
  })

  it("checks a collaborator's piece against the collaborator's listing, not the owner's", () => {
    const piece = view({ id: 'c1', tokenId: '9', addedBy: COLLAB })
    const s = space({ collaborators: [COLLAB], exhibits: [view(), piece] })
    const both = only({ [OWNER]: ready([item()]), [COLLAB]: ready([item({ tokenId: '9' })]) })
    expect(resolveSpace(s, both).map((r) => r.status)).toEqual(['verified', 'verified'])
    // The owner holding the collaborator's token does not vouch for it, and vice versa.
    const swapped = only({ [OWNER]: ready([item({ tokenId: '9' })]), [COLLAB]: ready([item()]) })
    expect(resolveSpace(s, swapped).map((r) => r.status)).toEqual(['missing', 'missing'])
    // The collaborator's listing not in yet: pending, whatever the owner's says.
    expect(resolveSpace(s, only({ [OWNER]: ready([item()]) }))[1]?.status).toBe('pending')
  })
})
