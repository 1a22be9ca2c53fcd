// The "rest" chain kind: AVATA's signed v3 API read by the adapter, checked against a stand-in
// that follows the platform's documentation (AVATA cannot be reached from here). The request
// signature against a hand-written vector, wallet addresses as the chain's bech32 addresses,
// listings over several pages, refusals, and a whole listing through the collectibles service
// beside nothing else: verified items labelled with their platform, and the platform going down.
import { createHash } from 'node:crypto'
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustRegistry } from '../../src/chain/registry'
import { ChainUnavailableError } from '../../src/chain/types'
import { CollectibleService } from '../collectibles'
import { AvataAdapter, avataSignature, bech32Encode, nativeAddress } from './adapter'
import { startAvataStandIn, type AvataStandIn, type StandInNft } from './standIn'

const KEY = 'test-key'
const SECRET = 'test-secret'
const holder = Wallet.createRandom().address
const other = Wallet.createRandom().address
let standIn: AvataStandIn
/** A second platform, for a listing over two "rest" chains. */
let second: AvataStandIn

const picture = 'data:image/png;base64,iVBORw0KGgo='
const nft = (classId: string, id: string, owner: string, extra: Partial<StandInNft> = {}) => ({
  classId,
  id,
  owner: nativeAddress(owner, 'iaa'),
  name: `${classId} ${id}`,
  metadata: { name: `Scroll ${id}`, description: 'A scroll of the Tang street.', image: picture },
  ...extra,
})

beforeAll(async () => {
  standIn = await startAvataStandIn({
    apiKey: KEY,
    apiSecret: SECRET,
    nfts: [
      ...Array.from({ length: 60 }, (_, i) => nft('tangscrolls', `avata${1000 + i}`, holder)),
      nft('lanterns', 'avata7', holder),
      nft('lanterns', 'avata8', holder, { status: 'burned' }),
      nft('lanterns', 'avata9', other),
      nft('strangers', 'avata1', holder),
    ],
  })
})
beforeAll(async () => {
  second = await startAvataStandIn({
    apiKey: KEY,
    apiSecret: SECRET,
    nfts: [nft('opera', 'avata42', holder)],
  })
})
afterAll(() => Promise.all([standIn?.close(), second?.close()]))

const adapter = (secret = SECRET) =>
  new AvataAdapter({
    chainId: 990001,
    baseUrl: standIn.url,
    apiKey: KEY,
    apiSecret: secret,
    addressPrefix: 'iaa',
  })

describe('AVATA request signature and addresses', () => {
  it('signs the parameters as JSON with sorted keys, then the timestamp and the secret', () => {
    const text =
      '{"path_url":"/v3/native/nft/nfts","query_class_id":"c1","query_limit":"50"}' +
      '1700000000000' +
      'sk'
    const want = createHash('sha256').update(text).digest('hex')
    expect(
      avataSignature(
        '/v3/native/nft/nfts',
        { limit: '50', class_id: 'c1' },
        null,
        '1700000000000',
        'sk',
      ),
    ).toBe(want)
    // Body fields, nested objects sorted too (a transfer's body, for example).
    const body = { recipient: 'iaa1x', operation_id: 'op1', tag: { z: '1', a: '2' } }
    const withBody =
      '{"body_operation_id":"op1","body_recipient":"iaa1x","body_tag":{"a":"2","z":"1"},"path_url":"/p"}'
    expect(avataSignature('/p', {}, body, '1', 's')).toBe(
      createHash('sha256')
        .update(withBody + '1' + 's')
        .digest('hex'),
    )
  })

  it('writes a wallet address as the bech32 address of the same 20 bytes', () => {
    // BIP-173's own valid checksum vectors.
    expect(bech32Encode('a', new Uint8Array())).toBe('a12uel5l')
    // Cosmos SDK's address of the bytes 1…20.
    expect(
      bech32Encode(
        'cosmos',
        Uint8Array.from({ length: 20 }, (_, i) => i + 1),
      ),
    ).toBe('cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu')
    expect(nativeAddress('0x0102030405060708090a0b0c0d0e0f1011121314', 'iaa')).toMatch(
      /^iaa1qypqxpq9q/,
    )
  })
})

describe('the AVATA adapter against the stand-in', () => {
  it('lists a wallet’s active NFTs in the registry’s classes, over every page', async () => {
    const a = adapter()
    const before = standIn.served.length
    const held = await a.listHoldings(holder, [
      { address: 'tangscrolls', standard: 'erc721' },
      { address: 'lanterns', standard: 'erc721' },
    ])
    expect(held).toHaveLength(61)
    expect(held.every((h) => h.balance === '1' && h.standard === 'erc721')).toBe(true)
    expect(held.map((h) => h.tokenId)).toContain('avata7')
    expect(held.map((h) => h.tokenId)).not.toContain('avata8') // burned
    // 60 scrolls: two pages of 50; the lanterns one.
    expect(standIn.served.slice(before)).toEqual([
      '/v3/native/nft/nfts',
      '/v3/native/nft/nfts',
      '/v3/native/nft/nfts',
    ])
    const block = await a.blockNumber()
    const tokens = [
      { chainId: 990001, contract: 'lanterns', tokenId: 'avata7', standard: 'erc721' as const },
      { chainId: 990001, contract: 'lanterns', tokenId: 'avata8', standard: 'erc721' as const },
      { chainId: 990001, contract: 'lanterns', tokenId: 'avata9', standard: 'erc721' as const },
      { chainId: 990001, contract: 'lanterns', tokenId: 'nosuch', standard: 'erc721' as const },
    ]
    expect(await a.balances(holder, tokens, block)).toEqual(['1', '0', '0', '0'])
    const uris = await a.tokenUris(tokens, block)
    expect(uris[0]).toBe(`${standIn.url}/meta/lanterns/avata7.json`)
    expect(uris[3]).toBeNull()
  })

  it('says what the platform refused: a wrong secret is an unreadable chain, nothing served', async () => {
    const before = standIn.served.length
    const err = await adapter('wrong')
      .listHoldings(holder, [{ address: 'lanterns', standard: 'erc721' }])
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChainUnavailableError)
    expect(String(err)).toMatch(/AUTHENTICATION_FAILED X-Signature does not match/)
    expect(standIn.served.length).toBe(before)
  })
})

describe('a "rest" chain in the trust registry and the listing', () => {
  const chain = (chainId: number, url: string, classId: string, en: string) => ({
    chainId,
    kind: 'rest',
    api: 'avata-v3',
    local: true,
    name: { 'zh-CN': en, en },
    baseUrl: url,
    apiKey: '${AVATA_KEY}',
    apiSecret: '${AVATA_SECRET}',
    issuers: [
      {
        classId,
        name: { 'zh-CN': classId, en: classId },
        issuer: { 'zh-CN': '发行方', en: 'Issuer' },
        platform: { 'zh-CN': en, en },
      },
    ],
  })
  const registry = (env: Record<string, string>, both = false) =>
    parseTrustRegistry(
      {
        version: 1,
        chains: [
          ...(both ? [chain(990002, second.url, 'opera', 'Opera platform')] : []),
          {
            chainId: 990001,
            kind: 'rest',
            api: 'avata-v3',
            local: true,
            name: { 'zh-CN': '文昌链（替身）', en: 'Wenchang (stand-in)' },
            baseUrl: standIn.url,
            apiKey: '${AVATA_KEY}',
            apiSecret: '${AVATA_SECRET}',
            issuers: [
              {
                classId: 'lanterns',
                name: { 'zh-CN': '花灯', en: 'Lanterns' },
                issuer: { 'zh-CN': '灯会', en: 'Lantern Fair' },
                platform: { 'zh-CN': 'AVATA', en: 'AVATA' },
              },
            ],
          },
        ],
      },
      'registry.json',
      { env },
    )

  it('keeps the key and secret in the environment and out of what browsers get', () => {
    const reg = registry({ AVATA_KEY: KEY, AVATA_SECRET: SECRET })
    expect(reg.chains[0]!.rest).toMatchObject({
      apiKey: KEY,
      apiSecret: SECRET,
      addressPrefix: 'iaa',
    })
    expect(JSON.stringify(reg.toPublicJSON())).not.toMatch(/test-key|test-secret/)
    expect(() => registry({ AVATA_KEY: KEY })).toThrow(
      /chains\[0\]\.apiSecret: uses \$\{AVATA_SECRET\} but AVATA_SECRET is not set/,
    )
    const written = {
      version: 1,
      chains: [
        {
          ...reg.toPublicJSON().chains[0],
          kind: 'rest',
          api: 'avata-v3',
          baseUrl: standIn.url,
          apiKey: 'k',
          apiSecret: 's',
          issuers: [],
        },
      ],
    }
    expect(() => parseTrustRegistry(written, 'r.json')).toThrow(/apiKey: write \$\{NAME\}/)
  })

  it('lists the wallet’s verified NFTs with their platform; the platform down marks only them', async () => {
    const env = { AVATA_KEY: KEY, AVATA_SECRET: SECRET }
    const service = new CollectibleService(registry(env, true), {
      ipfsGateways: [],
      pollMs: 0,
    })
    try {
      const listing = await service.list(holder)
      expect(listing.chains.map((c) => [c.chainId, c.unavailable])).toEqual([
        [990002, undefined],
        [990001, undefined],
      ])
      const lantern = listing.items.find((i) => i.tokenId === 'avata7')!
      expect(lantern).toMatchObject({
        contract: 'lanterns',
        verified: true,
        name: 'Scroll avata7',
        platform: { 'zh-CN': 'AVATA', en: 'AVATA' },
      })
      // Only the registry's classes are read: the scrolls and strangers are not listed.
      expect(listing.items.map((i) => [i.chainId, i.contract, i.verified])).toEqual([
        [990002, 'opera', true],
        [990001, 'lanterns', true],
      ])

      standIn.failWith = 503
      service.invalidate(holder)
      const down = await service.list(holder)
      expect(down.chains[1]!.unavailable).toMatch(/UNAVAILABLE/)
      expect(down.chains[0]!.unavailable).toBeUndefined()
      expect(down.items.map((i) => [i.tokenId, i.verified, i.reasons])).toEqual([
        ['avata42', true, []],
        ['avata7', false, ['chain_unavailable']],
      ])
    } finally {
      standIn.failWith = null
      service.stop()
    }
  })
})
