// The verification service: what a wallet holds on the trusted chains, each token checked by
// this server (src/chain/verify.ts), cached until its ownership may have changed.
//
// A watcher polls every trusted chain for Transfer / TransferSingle / TransferBatch events of
// the allowlisted contracts and drops the cached listings of both sides of every transfer, so a
// sale shows on the next request instead of after a TTL. Listings also expire after `ttlMs`
// (tokens of contracts that are not allowlisted are not watched).
//
// Chain trouble is an error (ChainUnavailableError → HTTP 503 with a retry hint), never an empty
// list: an empty list would say "owns nothing".
import { getAddress, isAddress } from 'ethers'
import { EvmAdapter, type TransferLog } from '../src/chain/evm'
import { instrumentRpc } from './metrics'
import { fetchMetadata, sanitizeMetadata, substituteId } from '../src/chain/metadata'
import type { TrustRegistry, TrustedChain } from '../src/chain/registry'
import {
  ChainUnavailableError,
  type Collectible,
  type ContractRef,
  type Holding,
  type LocalText,
  type Standard,
  type TokenRef,
} from '../src/chain/types'
import { verifyHolding, type MetadataOutcome } from '../src/chain/verify'

export interface CollectiblesResponse {
  address: string
  items: Collectible[]
  /** Per trusted chain: the block every item of that chain was checked at. */
  chains: { chainId: number; name: LocalText; local: boolean; block: number }[]
  /** The block of the first chain (convenience for single-chain set-ups). */
  block: number
}

export interface CollectibleServiceOptions {
  ipfsGateways: string[]
  /** Listings older than this are read again even without a transfer, ms. */
  ttlMs?: number
  /** How often the watcher polls each chain for transfers, ms (0: no watcher). */
  pollMs?: number
  /** Metadata fetched at most this many at a time. */
  metadataConcurrency?: number
  log?: (line: string) => void
  /** How to read a chain (default: the batched EVM adapter; the bench swaps in a naive one). */
  makeAdapter?: (chain: TrustedChain) => EvmAdapter
}

export class BadAddressError extends Error {}

interface Cached {
  at: number
  value: Promise<CollectiblesResponse>
}

interface ChainReader {
  chain: TrustedChain
  adapter: EvmAdapter
  watchedTo: number
}

export class CollectibleService {
  private readonly readers: ChainReader[]
  private readonly cache = new Map<string, Cached>()
  private readonly metadata = new Map<string, { at: number; value: Promise<MetadataOutcome> }>()
  private readonly listeners = new Set<(t: TransferLog & { chainId: number }) => void>()
  private timer: ReturnType<typeof setInterval> | null = null
  private polling = false
  private readonly ttlMs: number
  private readonly log: (line: string) => void

  constructor(
    readonly registry: TrustRegistry,
    private readonly opts: CollectibleServiceOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000
    this.log = opts.log ?? ((line) => console.log(line))
    const makeAdapter =
      opts.makeAdapter ??
      ((chain: TrustedChain) =>
        new EvmAdapter({
          chainId: chain.chainId,
          rpcUrls: chain.rpcUrls,
          multicall3: chain.multicall3,
        }))
    this.readers = registry.chains.map((chain) => ({
      chain,
      adapter: instrumentRpc(makeAdapter(chain), chain.chainId),
      watchedTo: -1,
    }))
  }

  /** RPC traffic so far over every chain (the bench reads it). */
  rpcCounters() {
    return this.readers.reduce(
      (sum, r) => ({
        requests: sum.requests + r.adapter.counters.requests,
        calls: sum.calls + r.adapter.counters.calls,
      }),
      { requests: 0, calls: 0 },
    )
  }

  /** Starts watching the trusted chains for transfers of allowlisted tokens. */
  start() {
    const pollMs = this.opts.pollMs ?? 1000
    if (pollMs <= 0 || this.timer) return
    this.timer = setInterval(() => void this.poll(), pollMs)
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const r of this.readers) r.adapter.destroy()
  }

  /** Called for every transfer of an allowlisted token the watcher sees. */
  onTransfer(listener: (t: TransferLog & { chainId: number }) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Drops the cached listing of these addresses. */
  invalidate(...addresses: string[]) {
    for (const a of addresses) if (isAddress(a)) this.cache.delete(getAddress(a))
  }

  private async poll() {
    if (this.polling) return
    this.polling = true
    try {
      await Promise.all(this.readers.map((r) => this.pollChain(r)))
    } finally {
      this.polling = false
    }
  }

  private async pollChain(reader: ChainReader) {
    const { chain, adapter } = reader
    try {
      const block = await adapter.blockNumber()
      if (reader.watchedTo < 0) {
        // Listings are read fresh at first use; only transfers after now matter.
        reader.watchedTo = block
        return
      }
      if (block <= reader.watchedTo) return
      const logs = await adapter.transfers({
        fromBlock: reader.watchedTo + 1,
        toBlock: block,
        contracts: chain.issuers.map((i) => i.contract),
      })
      reader.watchedTo = block
      for (const log of logs) {
        this.invalidate(log.from, log.to)
        for (const listener of this.listeners) listener({ ...log, chainId: chain.chainId })
      }
    } catch (err) {
      this.log(`[chain ${chain.chainId}] transfer watch failed: ${(err as Error).message}`)
    }
  }

  /** What `address` holds on every trusted chain, verified; cached until a transfer touches it. */
  async list(address: string): Promise<CollectiblesResponse> {
    if (!isAddress(address)) throw new BadAddressError(`"${address}" is not an EVM address`)
    const owner = getAddress(address)
    const now = Date.now()
    const hit = this.cache.get(owner)
    if (hit && now - hit.at < this.ttlMs) return hit.value
    const value = this.read(owner)
    this.cache.set(owner, { at: now, value })
    // A failure is not cached: the next request tries again.
    value.catch(() => {
      if (this.cache.get(owner)?.value === value) this.cache.delete(owner)
    })
    return value
  }

  private async read(owner: string): Promise<CollectiblesResponse> {
    const perChain = await Promise.all(this.readers.map((r) => this.readChain(r, owner)))
    return {
      address: owner,
      items: perChain.flatMap((c) => c.items),
      chains: perChain.map(({ reader, block }) => ({
        chainId: reader.chain.chainId,
        name: reader.chain.name,
        local: reader.chain.local ?? false,
        block,
      })),
      block: perChain[0]?.block ?? 0,
    }
  }

  /**
   * Checks one token for `owner` now, at the latest block, bypassing the listing cache: what a
   * placement or a re-check relies on. Unknown chains come back unverified, not as errors.
   */
  async verify(owner: string, token: TokenRef & { standard?: Standard }): Promise<Collectible> {
    if (!isAddress(owner)) throw new BadAddressError(`"${owner}" is not an EVM address`)
    owner = getAddress(owner)
    const reader = this.readers.find((r) => r.chain.chainId === token.chainId)
    const rule = this.registry.issuer(token.chainId, token.contract) ?? null
    if (!reader || !isAddress(token.contract) || !/^\d{1,78}$/.test(token.tokenId)) {
      return verifyHolding({
        holding: { ...token, standard: token.standard ?? 'erc721', balance: '0' },
        chainTrusted: Boolean(reader),
        rule,
        detected: null,
        balance: '0',
        block: 0,
        checkedAt: Date.now(),
        metadata: { ok: false, uri: null, reason: 'metadata_unavailable' },
      })
    }
    const { adapter } = reader
    try {
      const contract = getAddress(token.contract)
      const block = await adapter.blockNumber()
      const kind = (await adapter.detect([contract], block)).get(contract)
      const standard = kind?.standard ?? token.standard ?? rule?.standard ?? 'erc721'
      const query = { chainId: token.chainId, contract, tokenId: token.tokenId, standard }
      const [[balance], [uri]] = await Promise.all([
        adapter.balances(owner, [query], block),
        adapter.tokenUris([query], block),
      ])
      const holding: Holding = { ...query, balance: balance ?? '0' }
      return verifyHolding({
        holding,
        chainTrusted: true,
        rule,
        detected: kind?.standard ?? null,
        balance: balance ?? '0',
        block,
        checkedAt: Date.now(),
        metadata: await this.metadataFor(holding, uri ?? null),
      })
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err
      throw new ChainUnavailableError(
        token.chainId,
        `chain ${token.chainId} could not be read: ${(err as Error).message}`,
        err,
      )
    }
  }

  private async readChain(reader: ChainReader, owner: string) {
    const { chain, adapter } = reader
    try {
      const block = await adapter.blockNumber()
      const allowlisted: ContractRef[] = chain.issuers.map((i) => ({
        address: i.contract,
        standard: i.standard,
        fromBlock: i.fromBlock,
      }))
      const known = new Set(allowlisted.map((c) => c.address))
      // Allowlisted contracts are read at once; others only after the log scan finds them.
      const others = async () => {
        if (chain.discoverFromBlock === undefined) return []
        const found = await adapter.discover(owner, chain.discoverFromBlock, block)
        const discovered = found.filter((c) => !known.has(c.address))
        return adapter.listHoldings(owner, discovered, block)
      }
      const [listed, unlisted] = await Promise.all([
        adapter.listHoldings(owner, allowlisted, block),
        others(),
      ])
      const holdings = [...listed, ...unlisted]
      // ERC-165 answers are cached by the adapter: this costs no request for what was listed.
      const kinds = await adapter.detect([...new Set(holdings.map((h) => h.contract))], block)
      const uris = await adapter.tokenUris(holdings, block)
      const metadata = await mapLimited(holdings, this.opts.metadataConcurrency ?? 16, (h, i) =>
        this.metadataFor(h, uris[i] ?? null),
      )
      const checkedAt = Date.now()
      const items = holdings.map((holding, i) =>
        verifyHolding({
          holding,
          chainTrusted: true,
          rule: this.registry.issuer(chain.chainId, holding.contract) ?? null,
          detected: kinds.get(holding.contract)?.standard ?? null,
          balance: holding.balance,
          block,
          checkedAt,
          metadata: metadata[i]!,
        }),
      )
      items.sort(
        (a, b) =>
          Number(b.verified) - Number(a.verified) ||
          a.contract.localeCompare(b.contract) ||
          compareIds(a.tokenId, b.tokenId),
      )
      return { reader, block, items }
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err
      throw new ChainUnavailableError(
        chain.chainId,
        `chain ${chain.chainId} could not be read: ${(err as Error).message}`,
        err,
      )
    }
  }

  private metadataFor(holding: Holding, rawUri: string | null): Promise<MetadataOutcome> {
    if (rawUri === null) {
      return Promise.resolve({ ok: false, uri: null, reason: 'metadata_unavailable' })
    }
    const uri = holding.standard === 'erc1155' ? substituteId(rawUri, holding.tokenId) : rawUri
    const now = Date.now()
    const hit = this.metadata.get(uri)
    // data: URIs never change; fetched documents are read again after the listing TTL.
    if (hit && (uri.startsWith('data:') || now - hit.at < this.ttlMs)) return hit.value
    const value = this.fetchOne(uri)
    if (this.metadata.size > 5000) this.metadata.clear()
    this.metadata.set(uri, { at: now, value })
    return value
  }

  private async fetchOne(uri: string): Promise<MetadataOutcome> {
    const gateways = { ipfsGateways: this.opts.ipfsGateways }
    const got = await fetchMetadata(uri, gateways)
    if (!got.ok) return { ok: false, uri, reason: got.reason }
    const clean = sanitizeMetadata(got.json, gateways)
    return { ok: true, uri, sha256: got.sha256, ...clean }
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
