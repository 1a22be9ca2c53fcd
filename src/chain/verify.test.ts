import { describe, expect, it } from 'vitest'
import type { Holding } from './types'
import { verifyHolding, type IssuerRule, type MetadataOutcome, type VerifyInput } from './verify'

const holding: Holding = {
  chainId: 31337,
  contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  tokenId: '7',
  standard: 'erc721',
  balance: '1',
}
const text = { 'zh-CN': '工作室', en: 'Studio' }
const rule: IssuerRule = {
  standard: 'erc721',
  issuer: text,
  platform: text,
  metadata: { sha256: { '7': 'AB'.repeat(32) }, base: 'ipfs://bafyissuer/' },
}
const meta: MetadataOutcome = {
  ok: true,
  uri: 'ipfs://bafyissuer/7.json',
  sha256: 'ab'.repeat(32),
  name: 'Gate',
  description: 'A gate',
  image: null,
  model: null,
  avatar: false,
}
const input = (over: Partial<VerifyInput> = {}): VerifyInput => ({
  holding,
  chainTrusted: true,
  rule,
  detected: 'erc721',
  balance: '1',
  block: 12,
  checkedAt: 1000,
  metadata: meta,
  ...over,
})

describe('verifyHolding', () => {
  it('verifies an allowlisted, owned token with intact metadata', () => {
    const c = verifyHolding(input())
    expect(c).toMatchObject({ verified: true, reasons: [], checkedAtBlock: 12, name: 'Gate' })
    expect(c.metadataPinned).toBe(true)
    expect(c.issuer).toEqual(text)
  })

  it('never verifies a copy from a contract that is not allowlisted', () => {
    const c = verifyHolding(input({ rule: null }))
    expect(c.verified).toBe(false)
    expect(c.reasons).toEqual(['issuer_not_allowlisted'])
    expect(c.issuer).toBeNull()
  })

  it('lists every reason that applies', () => {
    const c = verifyHolding(
      input({
        balance: '0',
        detected: 'erc1155',
        metadata: { ...meta, sha256: 'cd'.repeat(32), uri: 'https://elsewhere/7.json' },
      }),
    )
    expect(c.reasons).toEqual([
      'standard_mismatch',
      'not_owner',
      'metadata_hash_mismatch',
      'metadata_outside_base',
    ])
    expect(c.verified).toBe(false)
  })

  it('reports an untrusted chain and unavailable metadata', () => {
    const c = verifyHolding(
      input({
        chainTrusted: false,
        rule: null,
        metadata: { ok: false, uri: null, reason: 'metadata_unavailable' },
      }),
    )
    expect(c.reasons).toEqual(['chain_not_trusted', 'metadata_unavailable'])
    expect(c.name).toBe('')
  })

  it('accepts metadata without a pin or a base', () => {
    const c = verifyHolding(input({ rule: { ...rule, metadata: undefined } }))
    expect(c.verified).toBe(true)
    expect(c.metadataPinned).toBe(false)
  })
})
