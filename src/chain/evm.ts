// The EVM chain adapter: reads collectibles over standard Ethereum JSON-RPC through ethers 6, so
// any chain that speaks it (anvil, BSN 武汉链, Conflux eSpace, FISCO BCOS with web3_rpc) fits.
//
// Reads are batched: contract calls go through Multicall3 `aggregate3` when the chain has one
// (one eth_call for hundreds of reads), otherwise through JSON-RPC batches (ethers groups the
// requests made in one tick into one HTTP request). Every read names a block, so a listing is
// one consistent snapshot and can say at which block ownership was checked.
//
// Holdings:
// - ERC-721 with Enumerable (ERC-165 0x780e9d63): balanceOf, then tokenOfOwnerByIndex.
// - ERC-721 without it: Transfer logs to the owner in bounded block ranges give candidates,
//   each re-checked with ownerOf (the owner may have sent it on since).
// - ERC-1155: TransferSingle / TransferBatch logs to the owner give candidate ids, then
//   balanceOf per id.
// `discover` finds contracts that sent the owner tokens at all (from the same logs), so tokens
// of contracts that are not allowlisted are listed too, and shown as unverified.
//
// The aggregate3 calldata and answers are coded by hand (end of this file), not by ethers'
// Interface coder: for one aggregate3 of 200 calls, encoding plus decoding took 0.5 ms here
// against 215–260 ms with ethers (about 400×; Node 20, a loaded 2-core machine). Measure it
// with `npx tsx scripts/bench-abi.ts`.
//
// It is one file because the adapter and its hand-written ABI coding are used only together.
import {
  FetchRequest,
  Interface,
  JsonRpcProvider,
  Network,
  getAddress,
  toBeHex,
  zeroPadValue,
} from 'ethers'
import {
  ChainUnavailableError,
  type ChainAdapter,
  type ContractRef,
  type Holding,
  type HoldingQuery,
  type Standard,
} from './types'
import { Lru } from './lru'
import type { ChainCapabilities } from './registry'

/** Tokens read per contract and wallet, at most (a contract may claim any balance). */
export const MAX_TOKENS_PER_CONTRACT = 200
/** Contracts discovered per wallet, at most (anyone can send a wallet tokens of new contracts). */
export const MAX_CONTRACTS_PER_WALLET = 50
/** Calls that failed inside a batch are tried again alone, at most this many per batch. */
const MAX_SOLO_RETRIES = 32

export const INTERFACE_IDS = {
  erc165: '0x01ffc9a7',
  erc721: '0x80ac58cd',
  erc721Enumerable: '0x780e9d63',
  erc1155: '0xd9b67a26',
} as const

const erc165 = new Interface(['function supportsInterface(bytes4) view returns (bool)'])
/** ERC-5192 (minimal soulbound NFTs): a locked token cannot be transferred. */
const erc5192 = new Interface(['function locked(uint256) view returns (bool)'])
const ERC5192_ID = '0xb45a3c0e'
const erc721 = new Interface([
  'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  'function balanceOf(address) view returns (uint256)',
  'function ownerOf(uint256) view returns (address)',
  'function tokenOfOwnerByIndex(address, uint256) view returns (uint256)',
  'function tokenURI(uint256) view returns (string)',
])
const erc1155 = new Interface([
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
  'function balanceOf(address, uint256) view returns (uint256)',
  'function uri(uint256) view returns (string)',
])
const multicall3 = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
])

export const TOPICS = {
  transfer: erc721.getEvent('Transfer')!.topicHash,
  transferSingle: erc1155.getEvent('TransferSingle')!.topicHash,
  transferBatch: erc1155.getEvent('TransferBatch')!.topicHash,
}

export interface EvmAdapterOptions {
  chainId: number
  /** Tried in order; the next one takes over when one fails. */
  rpcUrls: readonly string[]
  /** Multicall3 address on this chain; without it, calls go out as JSON-RPC batches. */
  multicall3?: string
  /** Most blocks one eth_getLogs may span (providers cap ranges; 10,000 is common). */
  logRange?: number
  /** Calls per aggregate3 (keeps each eth_call well under gas and response limits). */
  multicallChunk?: number
  /** Per HTTP request, ms. */
  timeoutMs?: number
  /** Extra headers, e.g. an API key for a consortium chain gateway. */
  headers?: Record<string, string>
  /** false: one HTTP request per JSON-RPC call (the bench's naive baseline). */
  batch?: boolean
  /** JSON-RPC calls per HTTP request when batching (default 50; the registry's batchSize). */
  batchSize?: number
  /** false: the chain answers eth_call only at "latest" (default true: at the listing's block). */
  pastBlocks?: boolean
  /**
   * false: the issuers predate ERC-165. Allowlisted contracts are taken as the standard the
   * registry declares and read from Transfer logs; discovered ones as their logs show.
   */
  erc165?: boolean
  /** Tokens read per contract and wallet (default 200). */
  maxTokensPerContract?: number
  /** Contracts `discover` returns per wallet (default 50). */
  maxContracts?: number
}

/** The adapter options a registry chain's capabilities set (docs/trust-registry.md). */
export function evmCapabilities(chain: {
  capabilities: ChainCapabilities
}): Pick<EvmAdapterOptions, 'batchSize' | 'multicallChunk' | 'logRange' | 'pastBlocks' | 'erc165'> {
  const { batchSize, multicallChunk, logRange, pastBlocks, erc165 } = chain.capabilities
  return { batchSize, multicallChunk, logRange, pastBlocks, erc165 }
}

export interface ContractKind {
  standard: Standard | null
  enumerable: boolean
}

export interface Call {
  target: string
  data: string
}

export interface CallResult {
  ok: boolean
  data: string
}

export interface TransferLog {
  /** Checksummed. */
  contract: string
  standard: Standard
  /** Lowercase (compare with getAddress or lowercase on both sides). */
  from: string
  to: string
  tokenIds: string[]
  block: number
}

/** JSON-RPC traffic of one adapter: HTTP requests and the calls inside them. */
export interface RpcCounters {
  requests: number
  calls: number
}

/** A provider that counts what it sends (the bench compares these with one call per token). */
class CountingProvider extends JsonRpcProvider {
  constructor(
    request: FetchRequest,
    network: Network,
    readonly counters: RpcCounters,
    batchSize: number,
  ) {
    super(request, network, {
      staticNetwork: network,
      batchMaxCount: batchSize,
      batchStallTime: 5,
    })
  }

  override async _send(payload: Parameters<JsonRpcProvider['_send']>[0]) {
    this.counters.requests++
    this.counters.calls += Array.isArray(payload) ? payload.length : 1
    return super._send(payload)
  }
}

const hex = (n: number) => '0x' + n.toString(16)
const addressTopic = (a: string) => zeroPadValue(getAddress(a), 32).toLowerCase()

export class EvmAdapter implements ChainAdapter {
  readonly chainId: number
  readonly counters: RpcCounters = { requests: 0, calls: 0 }
  private readonly providers: CountingProvider[]
  private current = 0
  private readonly logRange: number
  private readonly chunk: number
  private readonly multicall3: string | null
  private readonly kinds = new Lru<string, ContractKind>(10_000)
  private readonly maxTokens: number
  private readonly maxContracts: number
  private readonly pastBlocks: boolean
  private readonly erc165: boolean

  constructor(opts: EvmAdapterOptions) {
    if (opts.rpcUrls.length === 0) throw new Error(`chain ${opts.chainId}: no RPC URL`)
    this.chainId = opts.chainId
    this.logRange = opts.logRange ?? 5_000
    this.chunk = opts.multicallChunk ?? 400
    this.multicall3 = opts.multicall3 ? getAddress(opts.multicall3) : null
    this.maxTokens = opts.maxTokensPerContract ?? MAX_TOKENS_PER_CONTRACT
    this.maxContracts = opts.maxContracts ?? MAX_CONTRACTS_PER_WALLET
    this.pastBlocks = opts.pastBlocks ?? true
    this.erc165 = opts.erc165 ?? true
    const batchSize = opts.batch === false ? 1 : (opts.batchSize ?? 50)
    const network = Network.from(opts.chainId)
    this.providers = opts.rpcUrls.map((url) => {
      const req = new FetchRequest(url)
      req.timeout = opts.timeoutMs ?? 10_000
      for (const [k, v] of Object.entries(opts.headers ?? {})) req.setHeader(k, v)
      return new CountingProvider(req, network, this.counters, batchSize)
    })
  }

  /** Sends one JSON-RPC request; a failing endpoint hands over to the next one, once each. */
  private async send<T>(method: string, params: unknown[]): Promise<T> {
    let lastError: unknown
    for (let i = 0; i < this.providers.length; i++) {
      const index = (this.current + i) % this.providers.length
      try {
        const result = (await this.providers[index]!.send(method, params)) as T
        this.current = index
        return result
      } catch (err) {
        if (!isTransportError(err)) throw err
        lastError = err
      }
    }
    throw new ChainUnavailableError(
      this.chainId,
      `chain ${this.chainId} is unreachable: ${describe(lastError)}`,
      lastError,
    )
  }

  async blockNumber(): Promise<number> {
    return Number(await this.send<string>('eth_blockNumber', []))
  }

  // What relaying a development wallet's transfer needs (server/gifts/relay.ts, local chains).

  /** The next nonce of `address`, counting the transactions the node holds pending. */
  async pendingNonce(address: string): Promise<number> {
    return Number(await this.send<string>('eth_getTransactionCount', [address, 'pending']))
  }

  async gasPrice(): Promise<bigint> {
    return BigInt(await this.send<string>('eth_gasPrice', []))
  }

  /** Gas for a call from `from`; throws with the node's reason when it would revert. */
  async estimateGas(tx: { from: string; to: string; data: string }): Promise<bigint> {
    return BigInt(await this.send<string>('eth_estimateGas', [tx]))
  }

  /** Hands a signed transaction to the node; its hash. */
  async sendRawTransaction(raw: string): Promise<string> {
    return this.send<string>('eth_sendRawTransaction', [raw])
  }

  /** Many read-only calls at `block`, in as few requests as possible. Failed calls: ok false. */
  async callMany(calls: readonly Call[], block: number): Promise<CallResult[]> {
    if (calls.length === 0) return []
    const tag = this.pastBlocks ? hex(block) : 'latest'
    if (!this.multicall3) {
      return Promise.all(
        calls.map((c) =>
          this.send<string>('eth_call', [{ to: c.target, data: c.data }, tag]).then(
            (data) => ({ ok: true, data }),
            (err: unknown) => {
              if (err instanceof ChainUnavailableError) throw err
              return { ok: false, data: '0x' }
            },
          ),
        ),
      )
    }
    const chunks: Call[][] = []
    for (let i = 0; i < calls.length; i += this.chunk) chunks.push(calls.slice(i, i + this.chunk))
    const results = (await Promise.all(chunks.map((c) => this.aggregate(c, tag)))).flat()
    // A call that burns all its gas starves the calls after it in the same batch: those that
    // failed are tried again alone (a few), so one hostile contract fails only its own items.
    const failed = results.flatMap((r, i) => (r.ok ? [] : [i])).slice(0, MAX_SOLO_RETRIES)
    await Promise.all(
      failed.map(async (i) => {
        results[i] = await this.callOne(calls[i]!, tag)
      }),
    )
    return results
  }

  /** One aggregate3; when the whole batch fails (out of gas), its halves are tried apart. */
  private async aggregate(chunk: readonly Call[], tag: string): Promise<CallResult[]> {
    let raw: string
    try {
      raw = await this.send<string>('eth_call', [
        { to: this.multicall3, data: encodeAggregate3(chunk) },
        tag,
      ])
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err
      if (chunk.length === 1) return [{ ok: false, data: '0x' }]
      const half = Math.ceil(chunk.length / 2)
      const [a, b] = await Promise.all([
        this.aggregate(chunk.slice(0, half), tag),
        this.aggregate(chunk.slice(half), tag),
      ])
      return [...a, ...b]
    }
    const decoded = decodeAggregate3(raw, chunk.length)
    if (!decoded) {
      throw new ChainUnavailableError(
        this.chainId,
        `chain ${this.chainId}: Multicall3 at ${this.multicall3} answered malformed data`,
      )
    }
    return decoded
  }

  private async callOne(call: Call, tag: string): Promise<CallResult> {
    try {
      const data = await this.send<string>('eth_call', [{ to: call.target, data: call.data }, tag])
      return { ok: true, data }
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err
      return { ok: false, data: '0x' }
    }
  }

  /**
   * ERC-165 kinds of these contracts at `block` (cached: a contract's code does not change). On a
   * chain whose issuers predate ERC-165 (`erc165: false`) nothing is asked: a contract is what
   * `declared` says (the registry, or its Transfer events), never enumerable.
   */
  async detect(
    contracts: readonly string[],
    block: number,
    declared?: ReadonlyMap<string, Standard>,
  ): Promise<Map<string, ContractKind>> {
    if (!this.erc165) {
      return new Map(
        contracts.map((c) => [
          getAddress(c),
          { standard: declared?.get(getAddress(c)) ?? null, enumerable: false },
        ]),
      )
    }
    const todo = [...new Set(contracts.map((c) => getAddress(c)))].filter((c) => !this.kinds.has(c))
    const ids = [INTERFACE_IDS.erc721, INTERFACE_IDS.erc721Enumerable, INTERFACE_IDS.erc1155]
    const calls = todo.flatMap((target) =>
      ids.map((id) => ({ target, data: erc165.encodeFunctionData('supportsInterface', [id]) })),
    )
    const results = await this.callMany(calls, block)
    todo.forEach((c, i) => {
      const yes = (k: number) => {
        const r = results[i * 3 + k]!
        return r.ok && r.data.length >= 66 && BigInt(r.data.slice(0, 66)) === 1n
      }
      const standard: Standard | null = yes(0) ? 'erc721' : yes(2) ? 'erc1155' : null
      this.kinds.set(c, { standard, enumerable: standard === 'erc721' && yes(1) })
    })
    return new Map(contracts.map((c) => [getAddress(c), this.kinds.get(getAddress(c))!]))
  }

  /** When block `block` was made, ms since the epoch. */
  async blockTime(block: number): Promise<number> {
    const b = await this.send<{ timestamp?: string } | null>('eth_getBlockByNumber', [
      hex(block),
      false,
    ])
    if (!b?.timestamp) throw new ChainUnavailableError(this.chainId, `no block ${block}`)
    return Number(BigInt(b.timestamp)) * 1000
  }

  /**
   * Whether the contract itself forbids moving the token: ERC-5192 `locked(tokenId)`, asked
   * only of contracts that declare ERC-5192 through ERC-165 (false for the others).
   */
  async lockedOnChain(contract: string, tokenId: string, block: number): Promise<boolean> {
    if (!this.erc165) return false
    const [declares, locked] = await this.callMany(
      [
        { target: contract, data: erc165.encodeFunctionData('supportsInterface', [ERC5192_ID]) },
        { target: contract, data: erc5192.encodeFunctionData('locked', [BigInt(tokenId)]) },
      ],
      block,
    )
    const yes = (r: CallResult | undefined) =>
      !!r && r.ok && r.data.length >= 66 && BigInt(r.data.slice(0, 66)) === 1n
    return yes(declares) && yes(locked)
  }

  /**
   * Token transfers in [fromBlock, toBlock], in ranges of at most `logRange` blocks: to or from
   * `owner` when given, limited to `contracts` when given. ERC-20 Transfer events (3 topics)
   * are left out. With `erc721Token` only that ERC-721 token's transfers are asked for (its id
   * is an indexed topic; an ERC-1155 id is not, so those contracts' events are not asked).
   */
  async transfers(opts: {
    fromBlock: number
    toBlock: number
    to?: string
    from?: string
    contracts?: readonly string[]
    erc721Token?: string
  }): Promise<TransferLog[]> {
    const { fromBlock, toBlock } = opts
    if (toBlock < fromBlock) return []
    const to = opts.to ? addressTopic(opts.to) : null
    const from = opts.from ? addressTopic(opts.from) : null
    const token =
      opts.erc721Token !== undefined ? zeroPadValue(toBeHex(BigInt(opts.erc721Token)), 32) : null
    const address = opts.contracts?.map((c) => getAddress(c))
    if (address && address.length === 0) return []
    const queries: Promise<RawLog[]>[] = []
    for (let start = fromBlock; start <= toBlock; start += this.logRange) {
      const end = Math.min(toBlock, start + this.logRange - 1)
      const base = { fromBlock: hex(start), toBlock: hex(end), ...(address ? { address } : {}) }
      // ERC-721 Transfer: from and to are topics 1 and 2; ERC-1155: topics 2 and 3.
      if (token) {
        queries.push(
          this.send<RawLog[]>('eth_getLogs', [
            { ...base, topics: [TOPICS.transfer, from, to, token] },
          ]),
        )
        continue
      }
      queries.push(
        this.send<RawLog[]>('eth_getLogs', [{ ...base, topics: [TOPICS.transfer, from, to] }]),
        this.send<RawLog[]>('eth_getLogs', [
          { ...base, topics: [[TOPICS.transferSingle, TOPICS.transferBatch], null, from, to] },
        ]),
      )
    }
    const logs = (await Promise.all(queries)).flat()
    const out: TransferLog[] = []
    const checksummed = new Map<string, string>()
    for (const log of logs) {
      const parsed = parseTransfer(log, checksummed)
      if (parsed) out.push(parsed)
    }
    return out.sort((a, b) => a.block - b.block)
  }

  /** Contracts that ever sent `owner` a token, with their ERC-165 kind. */
  async discover(owner: string, fromBlock: number, block: number): Promise<ContractRef[]> {
    const logs = await this.transfers({ fromBlock, toBlock: block, to: owner })
    // Anyone can send a wallet tokens of new contracts: only the first few are looked at.
    const seen = [...new Set(logs.map((l) => l.contract))].slice(0, this.maxContracts)
    // Without ERC-165 a contract is what its Transfer events say it is.
    const kinds = await this.detect(seen, block, new Map(logs.map((l) => [l.contract, l.standard])))
    return seen.flatMap((address) => {
      const standard = kinds.get(address)?.standard
      return standard ? [{ address, standard, fromBlock }] : []
    })
  }

  async listHoldings(
    owner: string,
    contracts: readonly ContractRef[],
    block: number,
  ): Promise<Holding[]> {
    owner = getAddress(owner)
    const kinds = await this.detect(
      contracts.map((c) => c.address),
      block,
      new Map(contracts.map((c) => [getAddress(c.address), c.standard])),
    )
    const enumerable: string[] = []
    const scanned: ContractRef[] = []
    for (const c of contracts) {
      const kind = kinds.get(getAddress(c.address))
      // Read what the contract says it is; the verifier compares that with the registry.
      if (kind?.standard === 'erc721' && kind.enumerable) enumerable.push(getAddress(c.address))
      else if (kind?.standard) scanned.push({ ...c, standard: kind.standard })
    }
    const [fromEnumeration, fromLogs] = await Promise.all([
      this.enumerate(owner, enumerable, block),
      this.scan(owner, scanned, block),
    ])
    return [...fromEnumeration, ...fromLogs]
  }

  private async enumerate(owner: string, contracts: string[], block: number): Promise<Holding[]> {
    const counts = await this.callMany(
      contracts.map((target) => ({
        target,
        data: SELECTORS.balanceOf + addressWord(owner),
      })),
      block,
    )
    const calls: Call[] = []
    contracts.forEach((target, i) => {
      const r = counts[i]!
      const n = r.ok ? Number(decodeUint(r.data) ?? 0n) : 0
      for (let k = 0; k < Math.min(n, this.maxTokens); k++) {
        calls.push({
          target,
          data: SELECTORS.tokenOfOwnerByIndex + addressWord(owner) + uintWord(BigInt(k)),
        })
      }
    })
    const ids = await this.callMany(calls, block)
    const out: Holding[] = []
    ids.forEach((r, i) => {
      const id = r.ok ? decodeUint(r.data) : null
      if (id === null) return
      out.push({
        chainId: this.chainId,
        contract: calls[i]!.target,
        tokenId: id.toString(),
        standard: 'erc721',
        balance: '1',
      })
    })
    return out
  }

  private async scan(owner: string, contracts: ContractRef[], block: number): Promise<Holding[]> {
    if (contracts.length === 0) return []
    const fromBlock = Math.min(...contracts.map((c) => c.fromBlock ?? 0))
    const logs = await this.transfers({
      fromBlock,
      toBlock: block,
      to: owner,
      contracts: contracts.map((c) => c.address),
    })
    const standardOf = new Map(contracts.map((c) => [getAddress(c.address), c.standard]))
    const candidates = new Map<string, HoldingQuery>()
    const perContract = new Map<string, number>()
    for (const log of logs) {
      const standard = standardOf.get(log.contract)
      if (!standard || standard !== log.standard) continue
      for (const tokenId of log.tokenIds) {
        const key = `${log.contract}:${tokenId}`
        if (candidates.has(key)) continue
        const n = perContract.get(log.contract) ?? 0
        if (n >= this.maxTokens) break
        perContract.set(log.contract, n + 1)
        candidates.set(key, {
          chainId: this.chainId,
          contract: log.contract,
          tokenId,
          standard,
        })
      }
    }
    const queries = [...candidates.values()]
    const balances = await this.balances(owner, queries, block)
    return queries.flatMap((q, i) => (balances[i] !== '0' ? [{ ...q, balance: balances[i]! }] : []))
  }

  async balances(owner: string, tokens: readonly HoldingQuery[], block: number): Promise<string[]> {
    owner = getAddress(owner)
    const results = await this.callMany(
      tokens.map((t) => ({
        target: getAddress(t.contract),
        data:
          t.standard === 'erc721'
            ? SELECTORS.ownerOf + uintWord(BigInt(t.tokenId))
            : SELECTORS.balanceOf1155 + addressWord(owner) + uintWord(BigInt(t.tokenId)),
      })),
      block,
    )
    return tokens.map((t, i) => {
      const r = results[i]!
      if (!r.ok) return '0'
      if (t.standard === 'erc721') {
        const holder = decodeAddress(r.data)
        return holder === owner.toLowerCase() ? '1' : '0'
      }
      return (decodeUint(r.data) ?? 0n).toString()
    })
  }

  async tokenUris(tokens: readonly HoldingQuery[], block: number): Promise<(string | null)[]> {
    const results = await this.callMany(
      tokens.map((t) => ({
        target: getAddress(t.contract),
        data:
          t.standard === 'erc721'
            ? SELECTORS.tokenURI + uintWord(BigInt(t.tokenId))
            : SELECTORS.uri + uintWord(BigInt(t.tokenId)),
      })),
      block,
    )
    return results.map((r) => (r.ok ? decodeString(r.data) : null))
  }

  destroy() {
    for (const p of this.providers) p.destroy()
  }
}

interface RawLog {
  address: string
  topics: string[]
  data: string
  blockNumber: string
  removed?: boolean
}

/** A token transfer log, or null when it is not one (ERC-20, removed, malformed). */
function parseTransfer(log: RawLog, checksummed: Map<string, string>): TransferLog | null {
  if (log.removed) return null
  try {
    let contract = checksummed.get(log.address)
    if (contract === undefined) {
      contract = getAddress(log.address)
      checksummed.set(log.address, contract)
    }
    const block = Number(log.blockNumber)
    const t = log.topics
    // Lowercase: whoever compares them normalises (checksumming costs a keccak each).
    const topicAddress = (i: number) => '0x' + t[i]!.slice(26).toLowerCase()
    if (t[0] === TOPICS.transfer) {
      if (t.length !== 4) return null // ERC-20: the amount is not indexed
      return {
        contract,
        standard: 'erc721',
        from: topicAddress(1),
        to: topicAddress(2),
        tokenIds: [BigInt(t[3]!).toString()],
        block,
      }
    }
    if (t[0] === TOPICS.transferSingle && t.length === 4) {
      const id = decodeUint(log.data)
      if (id === null) return null
      return {
        contract,
        standard: 'erc1155',
        from: topicAddress(2),
        to: topicAddress(3),
        tokenIds: [id.toString()],
        block,
      }
    }
    if (t[0] === TOPICS.transferBatch) {
      const decoded = erc1155.decodeEventLog('TransferBatch', log.data, t)
      const ids = decoded.getValue('ids') as readonly bigint[]
      return {
        contract,
        standard: 'erc1155',
        from: topicAddress(2),
        to: topicAddress(3),
        tokenIds: ids.map(String),
        block,
      }
    }
  } catch {
    // A log that does not decode as the standard says is not a transfer we can use.
  }
  return null
}

function decodeUint(data: string): bigint | null {
  if (!/^0x[0-9a-fA-F]{64}/.test(data)) return null
  return BigInt(data.slice(0, 66))
}

/** The lowercase address in an ABI word (no checksum: callers compare lowercase). */
function decodeAddress(data: string): string | null {
  if (!/^0x0{24}[0-9a-fA-F]{40}/.test(data)) return null
  return '0x' + data.slice(26, 66).toLowerCase()
}

// ---- ABI coding by hand for the hot paths --------------------------------------------------
// ethers' Interface coder costs ~0.3 ms per call here: 60 ms to encode one aggregate3 of 200
// calls and as much to decode it, three times the round trip to the node. These few fixed
// layouts are simple enough to write directly; the tests compare them with ethers' coder, and
// scripts/bench-abi.ts times both.

const selector = (sig: string) => erc721.getFunction(sig)?.selector ?? ''
export const SELECTORS = {
  balanceOf: erc721.getFunction('balanceOf')!.selector,
  ownerOf: erc721.getFunction('ownerOf')!.selector,
  tokenOfOwnerByIndex: erc721.getFunction('tokenOfOwnerByIndex')!.selector,
  tokenURI: selector('tokenURI'),
  balanceOf1155: erc1155.getFunction('balanceOf')!.selector,
  uri: erc1155.getFunction('uri')!.selector,
  aggregate3: multicall3.getFunction('aggregate3')!.selector,
}

const ZEROS = '0'.repeat(64)
function uintWord(n: bigint): string {
  if (n < 0n || n >> 256n !== 0n) throw new RangeError(`not a uint256: ${n}`)
  const h = n.toString(16)
  return ZEROS.slice(h.length) + h
}
function addressWord(a: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new TypeError(`not an address: ${a}`)
  return ZEROS.slice(40) + a.slice(2).toLowerCase()
}

function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.substr(i * 2, 2), 16)
  return out
}

/** `aggregate3((address,bool,bytes)[])` calldata, every call with allowFailure = true. */
export function encodeAggregate3(calls: readonly Call[]): string {
  const n = calls.length
  const heads: string[] = []
  const tails: string[] = []
  let offset = 32 * n
  for (const c of calls) {
    heads.push(uintWord(BigInt(offset)))
    const body = c.data.startsWith('0x') ? c.data.slice(2) : c.data
    const len = body.length / 2
    const padded = body + '0'.repeat((64 - (body.length % 64)) % 64)
    tails.push(
      addressWord(c.target) + uintWord(1n) + uintWord(0x60n) + uintWord(BigInt(len)) + padded,
    )
    offset += 32 * 4 + padded.length / 2
  }
  return (
    SELECTORS.aggregate3 + uintWord(0x20n) + uintWord(BigInt(n)) + heads.join('') + tails.join('')
  )
}

/** The `(bool success, bytes returnData)[]` an aggregate3 returns; null when malformed. */
export function decodeAggregate3(raw: string, expected: number): CallResult[] | null {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(raw)) return null
  const hexData = raw.slice(2)
  const word = (byteOffset: number): number | null => {
    const w = hexData.slice(byteOffset * 2, byteOffset * 2 + 64)
    if (w.length !== 64) return null
    const v = Number.parseInt(w, 16)
    return Number.isSafeInteger(v) ? v : null
  }
  const arrayAt = word(0)
  if (arrayAt === null) return null
  const n = word(arrayAt)
  if (n !== expected) return null
  const base = arrayAt + 32
  const out: CallResult[] = []
  for (let i = 0; i < n; i++) {
    const rel = word(base + 32 * i)
    if (rel === null) return null
    const at = base + rel
    const success = word(at)
    const bytesRel = word(at + 32)
    if (success === null || bytesRel === null) return null
    const len = word(at + bytesRel)
    if (len === null) return null
    const start = (at + bytesRel + 32) * 2
    if (start + len * 2 > hexData.length) return null
    out.push({ ok: success === 1, data: '0x' + hexData.slice(start, start + len * 2) })
  }
  return out
}

/** An ABI-encoded `string` return value; null when it does not decode as UTF-8 text. */
function decodeString(data: string): string | null {
  const hexData = data.startsWith('0x') ? data.slice(2) : data
  const offset = Number.parseInt(hexData.slice(0, 64), 16)
  if (!Number.isSafeInteger(offset) || hexData.length < 128) return null
  const len = Number.parseInt(hexData.slice(offset * 2, offset * 2 + 64), 16)
  const start = offset * 2 + 64
  if (!Number.isSafeInteger(len) || start + len * 2 > hexData.length) return null
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      hexToBytes(hexData.slice(start, start + len * 2)),
    )
  } catch {
    return null
  }
}

/** Errors that mean "this endpoint did not answer properly", as opposed to a reverted call. */
function isTransportError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  if (code === 'CALL_EXCEPTION') return false
  // A JSON-RPC error object from a working node (bad params, range too large) is the node's
  // answer; ethers reports those as UNKNOWN_ERROR with an `error` payload.
  const payload = (err as { error?: { code?: unknown } }).error
  if (code === 'UNKNOWN_ERROR' && payload && typeof payload.code === 'number') return false
  return true
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0]!.slice(0, 200)
  return String(err)
}
