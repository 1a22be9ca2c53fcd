import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CAPABILITIES,
  TrustRegistryError,
  formatJsonPath,
  parseTrustRegistry,
  parseTrustRegistryText,
} from './registry'

const PIXELS = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const BADGES = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const MULTICALL = '0xcA11bde05977b3631167028862bE2a173976CA11'

function text(zh: string, en: string) {
  return { 'zh-CN': zh, en }
}

function sample() {
  return {
    version: 1,
    chains: [
      {
        chainId: 31337,
        kind: 'evm',
        local: true,
        name: text('本地开发链', 'Local development chain'),
        rpcUrls: ['http://127.0.0.1:8545'],
        multicall3: MULTICALL,
        discoverFromBlock: 0,
        issuers: [
          {
            contract: PIXELS.toLowerCase(),
            standard: 'erc721',
            name: text('区块乐园像素藏品', 'Block Park Pixels'),
            issuer: text('区块乐园工作室', 'Block Park Studio'),
            platform: text('苍穹', 'Cangqiong'),
            fromBlock: 0,
            metadata: {
              sha256: { '1': 'AB'.repeat(32) },
              base: 'ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/',
            },
          },
          {
            contract: BADGES,
            standard: 'erc1155',
            name: text('徽章', 'Badges'),
            issuer: text('区块乐园工作室', 'Block Park Studio'),
            platform: text('苍穹', 'Cangqiong'),
          },
        ],
      },
    ],
  }
}

function errorOf(fn: () => unknown): TrustRegistryError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(TrustRegistryError)
    return err as TrustRegistryError
  }
  throw new Error('expected a TrustRegistryError')
}

describe('parseTrustRegistry', () => {
  it('parses and normalises a valid registry', () => {
    const reg = parseTrustRegistry(sample(), 'trust-registry.json')
    expect(reg.chains).toHaveLength(1)
    const chain = reg.chain(31337)!
    expect(chain.local).toBe(true)
    expect(chain.multicall3).toBe(MULTICALL)
    expect(chain.discoverFromBlock).toBe(0)
    expect(chain.issuers[0]!.contract).toBe(PIXELS)
    expect(chain.issuers[0]!.chainId).toBe(31337)
    expect(chain.issuers[0]!.metadata?.sha256?.['1']).toBe('ab'.repeat(32))
    expect(reg.chain(1)).toBeUndefined()
  })

  it('looks issuers up case-insensitively', () => {
    const reg = parseTrustRegistry(sample(), 'trust-registry.json')
    expect(reg.issuer(31337, PIXELS.toUpperCase().replace('0X', '0x'))?.standard).toBe('erc721')
    expect(reg.issuer(31337, PIXELS.toLowerCase())?.name.en).toBe('Block Park Pixels')
    expect(reg.issuer(31337, BADGES)?.standard).toBe('erc1155')
    expect(reg.issuer(1, PIXELS)).toBeUndefined()
    expect(reg.issuer(31337, '0x0000000000000000000000000000000000000001')).toBeUndefined()
  })

  it('fills in what a chain can do, and names a bad capability by its path', () => {
    const reg = parseTrustRegistry(sample(), 'r.json')
    expect(reg.chains[0]!.capabilities).toEqual(DEFAULT_CAPABILITIES)
    const limited = sample()
    Object.assign(limited.chains[0]!, { capabilities: { logRange: 1000, erc165: false } })
    expect(parseTrustRegistry(limited, 'r.json').chains[0]!.capabilities).toEqual({
      ...DEFAULT_CAPABILITIES,
      logRange: 1000,
      erc165: false,
    })
    for (const [bad, where] of [
      [{ batchSize: 0 }, 'chains[0].capabilities.batchSize'],
      [{ logRange: 2.5 }, 'chains[0].capabilities.logRange'],
      [{ pastBlock: false }, 'chains[0].capabilities'],
    ] as const) {
      const wrong = sample()
      Object.assign(wrong.chains[0]!, { capabilities: bad })
      expect(() => parseTrustRegistry(wrong, 'r.json')).toThrow(`r.json: ${where}`)
    }
    // Servers' own business: browsers never see them.
    expect(JSON.stringify(reg.toPublicJSON())).not.toContain('capabilities')
  })

  it('names the file and the JSON path in errors', () => {
    const bad = sample()
    bad.chains[0]!.issuers[1]!.contract = '0x1234'
    const err = errorOf(() => parseTrustRegistry(bad, 'trust-registry.json'))
    expect(err.message).toBe(
      'trust-registry.json: chains[0].issuers[1].contract: not an EVM address',
    )
  })

  it('rejects a mixed-case address with a wrong checksum', () => {
    const bad = sample()
    bad.chains[0]!.issuers[1]!.contract = BADGES.replace('E', 'e')
    expect(errorOf(() => parseTrustRegistry(bad, 'r.json')).message).toMatch(
      /^r\.json: chains\[0\]\.issuers\[1\]\.contract: bad EIP-55 checksum/,
    )
  })

  it('rejects duplicate chain ids and duplicate contracts (any case)', () => {
    const dupChain = sample()
    dupChain.chains.push({ ...dupChain.chains[0]!, issuers: [] })
    expect(errorOf(() => parseTrustRegistry(dupChain, 'r.json')).message).toBe(
      'r.json: chains[1].chainId: duplicate chain id 31337 (also chains[0])',
    )
    const dupIssuer = sample()
    dupIssuer.chains[0]!.issuers[1]!.contract = PIXELS
    expect(errorOf(() => parseTrustRegistry(dupIssuer, 'r.json')).message).toBe(
      `r.json: chains[0].issuers[1].contract: duplicate contract ${PIXELS} (also issuers[0])`,
    )
  })

  it('validates chain ids, URLs, names, standards and metadata', () => {
    const cases: [(r: ReturnType<typeof sample>) => void, string][] = [
      [(r) => (r.chains[0]!.chainId = 0), 'chains[0].chainId: a chain id is a positive integer'],
      [(r) => (r.chains[0]!.chainId = 1.5), 'chains[0].chainId: a chain id is a positive integer'],
      [(r) => (r.chains[0]!.rpcUrls = []), 'chains[0].rpcUrls: at least one RPC URL'],
      [
        (r) => (r.chains[0]!.rpcUrls = ['ws://127.0.0.1:8545']),
        'chains[0].rpcUrls[0]: an RPC URL is http:// or https://',
      ],
      [(r) => (r.chains[0]!.rpcUrls = ['not a url']), 'chains[0].rpcUrls[0]: not a URL'],
      [(r) => (r.chains[0]!.name.en = ' '), 'chains[0].name.en: must not be empty'],
      [
        (r) => (r.chains[0]!.issuers[0]!.issuer['zh-CN'] = ''),
        'chains[0].issuers[0].issuer["zh-CN"]: must not be empty',
      ],
      [
        (r) => (r.chains[0]!.issuers[0]!.standard = 'erc20'),
        'chains[0].issuers[0].standard: standard is "erc721" or "erc1155"',
      ],
      [
        (r) => (r.chains[0]!.issuers[0]!.fromBlock = -1),
        'chains[0].issuers[0].fromBlock: a block number is a non-negative integer',
      ],
      [
        (r) => (r.chains[0]!.issuers[0]!.metadata!.sha256 = { '1': 'xyz' }),
        'chains[0].issuers[0].metadata.sha256["1"]: a sha256 is 64 hex digits',
      ],
      [
        (r) =>
          Object.assign(r.chains[0]!.issuers[0]!.metadata!, { sha256: { '01': 'ab'.repeat(32) } }),
        'chains[0].issuers[0].metadata.sha256["01"]: Invalid key in record',
      ],
      [
        (r) => (r.chains[0]!.issuers[0]!.metadata!.base = 'https://example.com'),
        'chains[0].issuers[0].metadata.base: base must end with "/"',
      ],
      [
        (r) => (r.chains[0]!.issuers[0]!.metadata!.base = 'javascript:alert(1)//'),
        'chains[0].issuers[0].metadata.base: base is an ipfs://, https:// or http:// URI prefix',
      ],
      [(r) => (r.version = 2), 'version: version must be 1'],
      [
        (r) => Object.assign(r.chains[0]!, { rpcUrl: 'x' }),
        'chains[0]: Unrecognized key: "rpcUrl"',
      ],
    ]
    for (const [mutate, message] of cases) {
      const r = sample()
      mutate(r)
      expect(errorOf(() => parseTrustRegistry(r, 'r.json')).message).toBe(`r.json: ${message}`)
    }
  })

  it('names what a "rest" chain lacks, and refuses unknown kinds', () => {
    const r = {
      version: 1,
      chains: [
        { chainId: 1223, kind: 'rest', api: 'avata', baseUrl: 'https://apis.avata.bianjie.ai' },
      ],
    }
    const err = errorOf(() => parseTrustRegistry(r, 'r.json')) as TrustRegistryError
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'r.json: chains[0].api: api is "avata-v3" (the only REST platform with an adapter)',
        'r.json: chains[0].name: Invalid input: expected object, received undefined',
      ]),
    )
    const unknown = { version: 1, chains: [{ ...sample().chains[0], kind: 'cosmos' }] }
    expect(errorOf(() => parseTrustRegistry(unknown, 'r.json')).message).toBe(
      'r.json: chains[0].kind: unknown chain kind "cosmos": "evm" or "rest"',
    )
  })

  it('lists every problem', () => {
    const r = sample()
    r.chains[0]!.chainId = -5
    r.chains[0]!.issuers[0]!.contract = 'nope'
    const err = errorOf(() => parseTrustRegistry(r, 'r.json'))
    expect(err.message).toMatch(/\(and 1 more\)$/)
    expect(err.problems).toEqual([
      'r.json: chains[0].chainId: a chain id is a positive integer',
      'r.json: chains[0].issuers[0].contract: not an EVM address',
    ])
  })

  it('substitutes ${NAME} in RPC URLs from the given environment', () => {
    const r = sample()
    r.chains[0]!.rpcUrls = ['https://gw.example.cn/api/${BSN_KEY}/rpc']
    const reg = parseTrustRegistry(r, 'r.json', { env: { BSN_KEY: 'k/1' } })
    expect(reg.chain(31337)!.rpcUrls).toEqual(['https://gw.example.cn/api/k%2F1/rpc'])
    expect(errorOf(() => parseTrustRegistry(r, 'r.json')).message).toBe(
      'r.json: chains[0].rpcUrls[0]: uses ${BSN_KEY} but no environment was given',
    )
    r.chains[0]!.rpcUrls = ['https://${GW_HOST}/rpc']
    expect(
      parseTrustRegistry(r, 'r.json', { env: { GW_HOST: 'gw.example.cn' } }).chain(31337)!.rpcUrls,
    ).toEqual(['https://gw.example.cn/rpc'])
    expect(
      errorOf(() => parseTrustRegistry(r, 'r.json', { env: { GW_HOST: 'a b' } })).message,
    ).toBe('r.json: chains[0].rpcUrls[0]: not a URL once the environment is filled in')
    r.chains[0]!.rpcUrls = ['https://gw.example.cn/api/${BSN_KEY}/rpc']
    expect(errorOf(() => parseTrustRegistry(r, 'r.json', { env: {} })).message).toBe(
      'r.json: chains[0].rpcUrls[0]: uses ${BSN_KEY} but BSN_KEY is not set',
    )
  })

  it('reports JSON syntax errors with the file name', () => {
    expect(errorOf(() => parseTrustRegistryText('{', 'r.json')).message).toMatch(
      /^r\.json: not valid JSON/,
    )
  })

  it('drops RPC URLs and verification details from the public view', () => {
    const pub = parseTrustRegistry(sample(), 'r.json').toPublicJSON()
    expect(JSON.stringify(pub)).not.toContain('8545')
    expect(pub.chains[0]!.issuers[0]).not.toHaveProperty('metadata')
    expect(pub.chains[0]!.issuers[0]!.contract).toBe(PIXELS)
  })

  it('formats JSON paths', () => {
    expect(formatJsonPath([])).toBe('(root)')
    expect(formatJsonPath(['chains', 0, 'name', 'zh-CN'])).toBe('chains[0].name["zh-CN"]')
  })
})
