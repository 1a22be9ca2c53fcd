// Giving collectibles on a real anvil with the demo collections and the rules the development
// registry gives them: pixels to anyone signed in at once; landmarks never; souvenirs after a
// week, only to fellow holders of the platform's collectibles. And a token's history after a
// transfer its holder's own wallet signed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Contract, JsonRpcProvider, NonceManager } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustRegistryText, type TrustRegistry } from '../src/chain/registry'
import { Circulation } from './circulation'
import { CollectibleService } from './collectibles'
import { devWallets, mined, startDevChain, type DevChain } from './devchain'

let tmp: string
let chain: DevChain
let registry: TrustRegistry
let collectibles: CollectibleService
let circulation: Circulation
const [issuer, visitor, friend] = devWallets().map((w) => w.address) as [string, string, string]

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-circulation-'))
  chain = await startDevChain({ dataDir: tmp })
  registry = parseTrustRegistryText(fs.readFileSync(chain.registryPath, 'utf8'), 'registry')
  collectibles = new CollectibleService(registry, { ipfsGateways: [], pollMs: 0 })
  circulation = new Circulation(registry, collectibles, 0)
}, 180_000)

afterAll(async () => {
  collectibles?.stop()
  await chain?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

const token = (contract: string, tokenId: string) => ({
  chainId: chain.chainId,
  contract,
  tokenId,
})

describe('giving a collectible', () => {
  it('follows the issuer’s rules and the chain: who holds it, who receives it', async () => {
    const { pixels, landmarks } = chain.deployment
    const pixel = { ...token(pixels, '1'), giver: visitor }
    expect(await circulation.check({ ...pixel, recipient: friend })).toMatchObject({
      allowed: true,
      rules: { transferable: true, minHoldingDays: 0, recipients: 'signed-in' },
      refusal: null,
    })
    const refusal = async (req: Parameters<Circulation['check']>[0]) =>
      (await circulation.check(req)).refusal
    expect(await refusal({ ...token(landmarks, '1'), giver: visitor, recipient: friend })).toEqual({
      code: 'not_transferable',
      message: 'Cangqiong City Archive does not allow its collectibles to be given',
    })
    expect((await refusal({ ...pixel, recipient: null }))?.code).toBe('recipient_not_signed_in')
    expect((await refusal({ ...pixel, recipient: visitor.toLowerCase() }))?.code).toBe('self')
    expect((await refusal({ ...pixel, giver: friend, recipient: issuer }))?.code).toBe('not_owner')
    expect(
      (
        await refusal({
          ...token(chain.deployment.copycat, '1'),
          giver: visitor,
          recipient: friend,
        })
      )?.code,
    ).toBe('not_allowlisted')
  })

  it('holds a souvenir back for its week, then lets it go to a fellow holder only', async () => {
    const souvenir = { ...token(chain.deployment.souvenirs, '1'), giver: visitor }
    const early = await circulation.check({ ...souvenir, recipient: friend })
    expect(early.refusal?.code).toBe('held_too_briefly')
    expect(early.refusal!.until! - early.heldSince!).toBe(7 * 24 * 60 * 60 * 1000)

    const rpc = new JsonRpcProvider(chain.rpcUrl)
    await rpc.send('evm_increaseTime', [8 * 24 * 60 * 60])
    await rpc.send('evm_mine', [])
    rpc.destroy()
    // The friend holds the platform's verified collectibles; the issuer's account holds none.
    expect(await circulation.check({ ...souvenir, recipient: friend })).toMatchObject({
      allowed: true,
    })
    expect((await circulation.check({ ...souvenir, recipient: issuer })).refusal?.code).toBe(
      'recipient_other_platform',
    )
  })

  it('keeps each token’s history: minted, then given by its holder’s own wallet', async () => {
    const pixel = token(chain.deployment.pixels, '2')
    const provider = new JsonRpcProvider(chain.rpcUrl)
    try {
      const wallet = new NonceManager(devWallets()[1]!.connect(provider))
      const contract = new Contract(
        pixel.contract,
        ['function safeTransferFrom(address from, address to, uint256 tokenId)'],
        wallet,
      )
      expect(
        (await circulation.check({ ...pixel, giver: visitor, recipient: friend })).allowed,
      ).toBe(true)
      await mined(await contract.getFunction('safeTransferFrom')(visitor, friend, 2n))
    } finally {
      provider.destroy()
    }
    const history = await circulation.history(pixel)
    expect(history.map((t) => [t.from, t.to])).toEqual([
      ['0x0000000000000000000000000000000000000000', visitor.toLowerCase()],
      [visitor.toLowerCase(), friend.toLowerCase()],
    ])
    expect(history[0]!.block).toBeLessThan(history[1]!.block)
    expect(history[1]!.at).toBeGreaterThanOrEqual(history[0]!.at)
    // Given away, it is no longer the visitor's to give.
    expect(
      (await circulation.check({ ...pixel, giver: visitor, recipient: friend })).refusal?.code,
    ).toBe('not_owner')
  })
})
