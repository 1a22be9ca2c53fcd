// The trust registry: which chains the server reads and which issuer contracts on them count as
// verified. It is data (a JSON file chosen with TRUST_REGISTRY, documented in
// docs/trust-registry.md), so a deployment trusts a consortium chain or a new collection by
// editing a file, not code. The file is validated strictly here because a typo in it would
// silently verify or reject collectibles: every error names the file and the JSON path.
// Isomorphic: zod and ethers only.
import { getAddress } from 'ethers'
import { z } from 'zod'
import type { Circulation, LocalText, Standard } from './types'

export const TRUST_REGISTRY_VERSION = 1

/**
 * Chain kinds the server has adapters for: "evm" (Ethereum JSON-RPC) and "rest" (a platform's
 * signed HTTP API; AVATA's v3 API for 文昌链 is the one there is an adapter for).
 */
export const CHAIN_KINDS = ['evm', 'rest'] as const
export type ChainKind = (typeof CHAIN_KINDS)[number]

export interface TrustedIssuer {
  chainId: number
  /** EIP-55 checksummed. */
  contract: string
  standard: Standard
  name: LocalText
  /** Who issued the collection. */
  issuer: LocalText
  /** The platform it was issued on. */
  platform: LocalText
  /** First block worth scanning for Transfer logs (deployment block). */
  fromBlock?: number
  metadata?: {
    /** Decimal token id → lowercase hex sha256 of the raw metadata bytes. */
    sha256?: Readonly<Record<string, string>>
    /** Every token's metadata URI must start with this (ends with "/"). */
    base?: string
  }
  /** How its collectibles may be given on (docs/trust-registry.md, "circulation"). */
  circulation: CirculationRules
}

/** An issuer's rules for giving its collectibles on (src/chain/types.ts). */
export type CirculationRules = Circulation

export const DEFAULT_CIRCULATION: Readonly<CirculationRules> = {
  transferable: false,
  minHoldingDays: 0,
  recipients: 'signed-in',
}

/**
 * What a chain's JSON-RPC can do. EVM-compatible consortium chains differ (no Multicall3, capped
 * eth_getLogs ranges, no eth_call at past blocks, issuers older than ERC-165); each field has a
 * default that suits anvil and most public chains, and turning one off takes the fallback.
 */
export interface ChainCapabilities {
  /** JSON-RPC calls per HTTP request (1: no batches). Default 50. */
  batchSize: number
  /** Calls per Multicall3 aggregate3, when the chain has `multicall3`. Default 400. */
  multicallChunk: number
  /** Most blocks one eth_getLogs may span. Default 5000. */
  logRange: number
  /**
   * eth_call at a named past block (every read of a listing at one block). false: reads at
   * "latest", the listing names the block it started at. Default true.
   */
  pastBlocks: boolean
  /**
   * The issuers answer ERC-165 supportsInterface. false: the registry's `standard` is taken as
   * declared and tokens are found from Transfer logs (no tokenOfOwnerByIndex). Default true.
   */
  erc165: boolean
}

export const DEFAULT_CAPABILITIES: Readonly<ChainCapabilities> = {
  batchSize: 50,
  multicallChunk: 400,
  logRange: 5_000,
  pastBlocks: true,
  erc165: true,
}

/** How the server reaches a "rest" chain's platform (never sent to a browser). */
export interface RestPlatform {
  /** Which API: "avata-v3" (BSN open platform AVATA, native NFT module). */
  api: 'avata-v3'
  baseUrl: string
  apiKey: string
  apiSecret: string
  /** bech32 prefix of the chain's native addresses (文昌链: "iaa"). */
  addressPrefix: string
}

export interface TrustedChain {
  chainId: number
  kind: ChainKind
  /** For kind "rest": its platform's API (rpcUrls is empty then). */
  rest?: RestPlatform
  /** A development chain (anvil): the UI labels collectibles from it. */
  local: boolean
  name: LocalText
  rpcUrls: readonly string[]
  /** Multicall3 address (checksummed), when the chain has one. */
  multicall3?: string
  capabilities: ChainCapabilities
  /**
   * When set, the server also scans Transfer logs from this block for contracts that are not
   * allowlisted, and lists their tokens as unverified (issuer_not_allowlisted).
   */
  discoverFromBlock?: number
  issuers: readonly TrustedIssuer[]
}

export class TrustRegistryError extends Error {
  constructor(
    message: string,
    /** Every problem found, "path: message". */
    readonly problems: readonly string[] = [message],
  ) {
    super(message)
    this.name = 'TrustRegistryError'
  }
}

export interface ParseTrustRegistryOptions {
  /**
   * Values for `${NAME}` placeholders in rpcUrls, so API keys stay out of the file (the server
   * passes process.env). Without it, a placeholder is an error.
   */
  env?: Readonly<Record<string, string | undefined>>
}

// ---- schema -----------------------------------------------------------------------------

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')
const Text = z.strictObject({ 'zh-CN': Name, en: Name })

const Address = z.string().transform((s, ctx) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'not an EVM address' })
    return z.NEVER
  }
  try {
    return getAddress(s)
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'bad EIP-55 checksum (write it all lowercase or correctly checksummed)',
    })
    return z.NEVER
  }
})

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

const RpcUrl = z.string().superRefine((s, ctx) => {
  // Placeholders are substituted after validation; check the shape with a stand-in value.
  const probe = s.replace(PLACEHOLDER, 'x')
  let url: URL
  try {
    url = new URL(probe)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a URL' })
    return
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: 'an RPC URL is http:// or https://' })
  }
})

const MAX_UINT256 = (1n << 256n) - 1n
const TokenId = z
  .string()
  .refine((s) => /^(0|[1-9][0-9]{0,77})$/.test(s) && BigInt(s) <= MAX_UINT256, {
    message: 'a token id is a decimal uint256 without leading zeros',
  })
const Sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'a sha256 is 64 hex digits')
  .transform((s) => s.toLowerCase())

const Base = z.string().superRefine((s, ctx) => {
  if (!/^(ipfs|https?):\/\/\S+$/i.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'base is an ipfs://, https:// or http:// URI prefix' })
  } else if (!s.endsWith('/')) {
    // Without the slash "https://example.com" would also admit "https://example.com.evil.org/".
    ctx.addIssue({ code: 'custom', message: 'base must end with "/"' })
  }
})

const BlockNumber = z
  .number()
  .int('a block number is a non-negative integer')
  .min(0, 'a block number is a non-negative integer')

const Circulation = z.strictObject({
  transferable: z.boolean('transferable is true or false'),
  minHoldingDays: z.number().min(0, 'at least 0 days').max(3650, 'at most 3650 days').optional(),
  recipients: z
    .enum(['signed-in', 'same-platform'], 'recipients is "signed-in" or "same-platform"')
    .optional(),
})

const circulation = (c: z.infer<typeof Circulation> | undefined): CirculationRules => ({
  ...DEFAULT_CIRCULATION,
  ...c,
})

const Issuer = z.strictObject({
  contract: Address,
  standard: z.enum(['erc721', 'erc1155'], 'standard is "erc721" or "erc1155"'),
  name: Text,
  issuer: Text,
  platform: Text,
  fromBlock: BlockNumber.optional(),
  metadata: z
    .strictObject({
      sha256: z.record(TokenId, Sha256).optional(),
      base: Base.optional(),
    })
    .optional(),
  circulation: Circulation.optional(),
})

const ChainId = z
  .number('a chain id is a positive integer')
  .int('a chain id is a positive integer')
  .positive('a chain id is a positive integer')
  .max(Number.MAX_SAFE_INTEGER, 'chain id too large')

const EvmChain = z.strictObject({
  chainId: ChainId,
  kind: z.literal('evm'),
  local: z.boolean().optional(),
  name: Text,
  rpcUrls: z.array(RpcUrl).min(1, 'at least one RPC URL'),
  multicall3: Address.optional(),
  capabilities: z
    .strictObject({
      batchSize: z.number().int().min(1).max(1000).optional(),
      multicallChunk: z.number().int().min(1).max(5000).optional(),
      logRange: z.number().int().min(1).max(100_000_000).optional(),
      pastBlocks: z.boolean().optional(),
      erc165: z.boolean().optional(),
    })
    .optional(),
  discoverFromBlock: BlockNumber.optional(),
  issuers: z.array(Issuer),
})

/** A secret, or a `${NAME}` placeholder for one (a secret belongs in the environment). */
const Secret = z.string().min(1, 'must not be empty').max(500)

/** A class of a platform's native NFTs (unique tokens; the class id stands for a contract). */
const RestIssuer = z.strictObject({
  classId: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'a class id is 3-64 letters, digits, - or _'),
  name: Text,
  issuer: Text,
  platform: Text,
  metadata: z.strictObject({ base: Base.optional() }).optional(),
})

const RestChain = z.strictObject({
  chainId: ChainId,
  kind: z.literal('rest'),
  api: z.literal('avata-v3', 'api is "avata-v3" (the only REST platform with an adapter)'),
  local: z.boolean().optional(),
  name: Text,
  baseUrl: RpcUrl,
  apiKey: Secret,
  apiSecret: Secret,
  addressPrefix: z
    .string()
    .regex(/^[a-z]{1,16}$/, 'a bech32 prefix is 1-16 lowercase letters')
    .optional(),
  issuers: z.array(RestIssuer),
})

const Chain = z
  .looseObject({ kind: z.unknown() })
  .superRefine((c, ctx) => {
    if (c.kind === 'evm' || c.kind === 'rest') return
    ctx.addIssue({
      code: 'custom',
      path: ['kind'],
      message: `unknown chain kind ${JSON.stringify(c.kind) ?? 'undefined'}: "evm" or "rest"`,
    })
  })
  .pipe(z.discriminatedUnion('kind', [EvmChain, RestChain]))

const Registry = z.strictObject({
  version: z.literal(TRUST_REGISTRY_VERSION, `version must be ${TRUST_REGISTRY_VERSION}`),
  chains: z.array(Chain),
})

/** Chain ids unique; contracts (already checksummed, so any input case) unique per chain. */
function duplicates(reg: z.infer<typeof Registry>): string[] {
  const problems: string[] = []
  const chainAt = new Map<number, number>()
  reg.chains.forEach((chain, i) => {
    const first = chainAt.get(chain.chainId)
    if (first !== undefined) {
      problems.push(
        `chains[${i}].chainId: duplicate chain id ${chain.chainId} (also chains[${first}])`,
      )
    } else chainAt.set(chain.chainId, i)
    const issuerAt = new Map<string, number>()
    chain.issuers.forEach((issuer, j) => {
      const [field, id] =
        'classId' in issuer ? ['classId', issuer.classId] : ['contract', issuer.contract]
      const firstIssuer = issuerAt.get(id)
      if (firstIssuer !== undefined) {
        problems.push(
          `chains[${i}].issuers[${j}].${field}: duplicate ${field} ${id} (also issuers[${firstIssuer}])`,
        )
      } else issuerAt.set(id, j)
    })
  })
  return problems
}

// ---- parsing ----------------------------------------------------------------------------

/** `chains[0].issuers[1].contract` */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else {
      const k = String(key)
      out += /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)
        ? `${out ? '.' : ''}${k}`
        : `[${JSON.stringify(k)}]`
    }
  }
  return out || '(root)'
}

/** The environment's value for a `${NAME}` placeholder, or null (with the problem noted). */
function envValue(
  name: string,
  env: ParseTrustRegistryOptions['env'],
  where: string,
  problems: string[],
): string | null {
  const value = env?.[name]
  if (value !== undefined && value !== '') return value
  problems.push(
    `${where}: uses \${${name}} but ${env ? `${name} is not set` : 'no environment was given'}`,
  )
  return null
}

function substituteEnv(
  url: string,
  env: ParseTrustRegistryOptions['env'],
  where: string,
  problems: string[],
): string {
  let missing = false
  const out = url.replace(PLACEHOLDER, (_, name: string) => {
    const value = envValue(name, env, where, problems)
    if (value === null) {
      missing = true
      return ''
    }
    // Encoded, so a value cannot change the URL's structure (no "/", "@", "?" or "#").
    return encodeURIComponent(value)
  })
  if (!missing && out !== url && !URL.canParse(out)) {
    problems.push(`${where}: not a URL once the environment is filled in`)
  }
  return out
}

/**
 * Validates a parsed registry file. `source` (the file name) prefixes every error message:
 * `trust-registry.json: chains[0].issuers[1].contract: not an EVM address`.
 */
export function parseTrustRegistry(
  json: unknown,
  source: string,
  options: ParseTrustRegistryOptions = {},
): TrustRegistry {
  const result = Registry.safeParse(json)
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${formatJsonPath(issue.path)}: ${issue.message}`,
    )
    throw registryError(source, problems)
  }
  const problems = duplicates(result.data)
  const chains: TrustedChain[] = result.data.chains.map((c, i) => {
    if (c.kind === 'rest') return restChain(c, i, options.env, problems)
    return {
      chainId: c.chainId,
      kind: c.kind,
      local: c.local ?? false,
      name: c.name,
      rpcUrls: c.rpcUrls.map((url, k) =>
        substituteEnv(url, options.env, `chains[${i}].rpcUrls[${k}]`, problems),
      ),
      ...(c.multicall3 !== undefined && { multicall3: c.multicall3 }),
      capabilities: { ...DEFAULT_CAPABILITIES, ...c.capabilities },
      ...(c.discoverFromBlock !== undefined && { discoverFromBlock: c.discoverFromBlock }),
      issuers: c.issuers.map((s) => ({
        chainId: c.chainId,
        contract: s.contract,
        standard: s.standard,
        name: s.name,
        issuer: s.issuer,
        platform: s.platform,
        ...(s.fromBlock !== undefined && { fromBlock: s.fromBlock }),
        ...(s.metadata !== undefined && { metadata: s.metadata }),
        circulation: circulation(s.circulation),
      })),
    }
  })
  if (problems.length) throw registryError(source, problems)
  return new TrustRegistry(chains, source)
}

function restChain(
  c: z.infer<typeof RestChain>,
  i: number,
  env: ParseTrustRegistryOptions['env'],
  problems: string[],
): TrustedChain {
  // A key or secret written into the file itself would be committed with it: placeholders only.
  const secret = (value: string, field: string) => {
    const where = `chains[${i}].${field}`
    if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) {
      problems.push(`${where}: write \${NAME} and put the value in the environment`)
      return ''
    }
    return envValue(value.slice(2, -1), env, where, problems) ?? ''
  }
  return {
    chainId: c.chainId,
    kind: 'rest',
    local: c.local ?? false,
    name: c.name,
    rpcUrls: [],
    rest: {
      api: c.api,
      baseUrl: substituteEnv(c.baseUrl, env, `chains[${i}].baseUrl`, problems),
      apiKey: secret(c.apiKey, 'apiKey'),
      apiSecret: secret(c.apiSecret, 'apiSecret'),
      addressPrefix: c.addressPrefix ?? 'iaa',
    },
    capabilities: { ...DEFAULT_CAPABILITIES },
    issuers: c.issuers.map((s) => ({
      chainId: c.chainId,
      contract: s.classId,
      standard: 'erc721' as const,
      name: s.name,
      issuer: s.issuer,
      platform: s.platform,
      ...(s.metadata !== undefined && { metadata: s.metadata }),
      // A platform's own transfer (custodial, through its API) is not one a visitor's wallet
      // signs: these are shown here, not given.
      circulation: { ...DEFAULT_CIRCULATION },
    })),
  }
}

function registryError(source: string, problems: string[]): TrustRegistryError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''
  return new TrustRegistryError(
    `${source}: ${problems[0]}${more}`,
    problems.map((p) => `${source}: ${p}`),
  )
}

/** Parses the text of a registry file (JSON syntax errors become TrustRegistryError too). */
export function parseTrustRegistryText(
  text: string,
  source: string,
  options: ParseTrustRegistryOptions = {},
): TrustRegistry {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new TrustRegistryError(
      `${source}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  return parseTrustRegistry(json, source, options)
}

/** A validated registry: look chains and issuers up by id. Immutable. */
export class TrustRegistry {
  readonly chains: readonly TrustedChain[]
  private readonly byChain = new Map<number, TrustedChain>()
  private readonly byIssuer = new Map<string, TrustedIssuer>()

  constructor(
    chains: readonly TrustedChain[],
    /** Where it was read from (a file name), for messages. */
    readonly source: string,
  ) {
    this.chains = chains
    for (const chain of chains) {
      this.byChain.set(chain.chainId, chain)
      for (const issuer of chain.issuers) {
        this.byIssuer.set(issuerKey(chain.chainId, issuer.contract), issuer)
      }
    }
  }

  chain(chainId: number): TrustedChain | undefined {
    return this.byChain.get(chainId)
  }

  /** The allowlisted issuer for this contract (any letter case), if there is one. */
  issuer(chainId: number, contract: string): TrustedIssuer | undefined {
    return this.byIssuer.get(issuerKey(chainId, contract))
  }

  /** The registry without RPC URLs (they may carry API keys): safe to send to browsers. */
  toPublicJSON(): {
    version: number
    chains: (Omit<TrustedChain, 'rpcUrls' | 'issuers' | 'discoverFromBlock' | 'capabilities'> & {
      issuers: Omit<TrustedIssuer, 'metadata' | 'fromBlock'>[]
    })[]
  } {
    return {
      version: TRUST_REGISTRY_VERSION,
      chains: this.chains.map((c) => ({
        chainId: c.chainId,
        kind: c.kind,
        local: c.local,
        name: c.name,
        ...(c.multicall3 !== undefined && { multicall3: c.multicall3 }),
        issuers: c.issuers.map((s) => ({
          chainId: s.chainId,
          contract: s.contract,
          standard: s.standard,
          name: s.name,
          issuer: s.issuer,
          platform: s.platform,
          circulation: s.circulation,
        })),
      })),
    }
  }
}

function issuerKey(chainId: number, contract: string): string {
  return `${chainId}:${contract.toLowerCase()}`
}
