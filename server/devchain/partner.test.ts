// The second local chain as `npm start` runs it (DEV_CHAINS=2): a wallet's listing spans both
// chains through the registry the dev chain writes, read with the partner's reduced
// capabilities (no Multicall3, no Enumerable, logs in short ranges, reads at "latest"); when the
// partner goes down only its own items lose their badge; a restart reuses both seeds.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustRegistry } from '../../src/chain/registry'
import { CollectibleService } from '../collectibles'
import { checkArt } from './art'
import { SEALS } from './content'
import {
  PARTNER_CAPABILITIES,
  PARTNER_CHAIN_ID,
  PARTNER_SEED_PLAN,
  SEED_PLAN,
  devAccounts,
  startDevChain,
  type DevChain,
} from './index'

let dataDir: string
let chain: DevChain | null = null

function service(freshMs?: number): CollectibleService {
  const file = path.join(dataDir, 'chain', 'trust-registry.json')
  const registry = parseTrustRegistry(JSON.parse(fs.readFileSync(file, 'utf8')), file)
  return new CollectibleService(registry, {
    ipfsGateways: [],
    pollMs: 0,
    ...(freshMs !== undefined && { freshMs }),
  })
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-partner-'))
  chain = await startDevChain({ dataDir, partner: true })
}, 180_000)

afterAll(async () => {
  await chain?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('the partner chain', () => {
  it('draws every seal on the 16×16 grid', () => {
    for (const seal of SEALS) checkArt(seal.slug, seal.art)
  })

  it('is listed in the registry with its own chain id, platform and reduced capabilities', () => {
    const file = path.join(dataDir, 'chain', 'trust-registry.json')
    const registry = parseTrustRegistry(JSON.parse(fs.readFileSync(file, 'utf8')), file)
    expect(registry.chains.map((c) => c.chainId)).toEqual([31337, PARTNER_CHAIN_ID])
    const partner = registry.chain(PARTNER_CHAIN_ID)!
    expect(partner.local).toBe(true)
    expect(partner.multicall3).toBeUndefined()
    expect(partner.capabilities).toMatchObject(PARTNER_CAPABILITIES)
    expect(partner.issuers.map((i) => i.platform.en)).toEqual(['Village Heritage Platform'])
    expect(partner.issuers[0]!.circulation).toMatchObject({ transferable: true })
  })

  it("lists a wallet's collectibles from both chains; a chain that is down takes only its own", async () => {
    const accounts = devAccounts()
    const s = service()
    const fresh = service(0)
    try {
      await fresh.list(accounts.visitor)
      const both = await s.list(accounts.visitor)
      expect(both.chains.map((c) => [c.chainId, c.unavailable])).toEqual([
        [31337, undefined],
        [PARTNER_CHAIN_ID, undefined],
      ])
      const seals = both.items.filter((c) => c.chainId === PARTNER_CHAIN_ID)
      expect(seals.map((c) => c.tokenId).sort()).toEqual(PARTNER_SEED_PLAN.visitor.map(String))
      expect(seals.every((c) => c.verified)).toBe(true)
      expect(seals.map((c) => c.name).sort()).toEqual(
        PARTNER_SEED_PLAN.visitor.map((id) => `${SEALS[id - 1]!.zh} ${SEALS[id - 1]!.en}`).sort(),
      )
      const first = both.items.filter((c) => c.chainId === 31337)
      const v = SEED_PLAN.visitor
      // 6 pixels, 5 landmarks, 4 souvenir ids, 2 copycats.
      expect(first).toHaveLength(v.pixels.length + v.landmarks.length + v.souvenirs.ids.length + 2)
      const friend = await s.list(accounts.friend)
      expect(friend.items.filter((c) => c.chainId === PARTNER_CHAIN_ID)).toHaveLength(1)

      await chain!.partner!.stop()
      // A fresh read within the floor is the cached one; with no floor it reads the chains.
      expect(await s.list(accounts.visitor, { maxAgeMs: 0 })).toBe(both)
      expect(await fresh.list(accounts.visitor)).toBe(await fresh.list(accounts.visitor))
      const down = await fresh.list(accounts.visitor, { maxAgeMs: 0 })
      const partnerState = down.chains.find((c) => c.chainId === PARTNER_CHAIN_ID)!
      expect(partnerState.unavailable).toBeTruthy()
      const sealsNow = down.items.filter((c) => c.chainId === PARTNER_CHAIN_ID)
      expect(sealsNow).toHaveLength(3)
      expect(sealsNow.every((c) => !c.verified && c.reasons.includes('chain_unavailable'))).toBe(
        true,
      )
      const firstNow = down.items.filter((c) => c.chainId === 31337)
      expect(firstNow.filter((c) => c.verified)).toHaveLength(
        first.filter((c) => c.verified).length,
      )
    } finally {
      s.stop()
      fresh.stop()
    }
  })

  it('starts again from its saved state without deploying twice', async () => {
    const before = chain!.partner!.deployment
    await chain!.stop()
    chain = await startDevChain({ dataDir, partner: true })
    expect(chain.partner!.deployed).toBe(false)
    expect(chain.partner!.deployment).toEqual(before)
    expect(chain.startup.deployed).toBe(false)
  }, 120_000)
})
