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
//
// It is one file because the listing, its cache and the transfer watcher that invalidates it share
// the cache's keys and lifetimes.
import { getAddress, isAddress } from 'ethers'
import { EvmAdapter, evmCapabilities, type TransferLog } from '../src/chain/evm'
import { instrumentRpc } from './metrics'
import { AvataAdapter } from './avata/adapter'
import {
  fetchFile,
  fetchMetadata,
  sanitizeMetadata,
  substituteId,
  type FetchFileResult,
} from '../src/chain/metadata'
import { Lru } from '../src/chain/lru'
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
import { background } from './background'
import { pinnedFetch } from './pinnedFetch'
import { errorField, log as processLog, type Logger } from './log'

/** Largest listing, bytes of JSON: items past it are left out (`truncated`). */
export const MAX_LISTING_BYTES = 4 * 1024 * 1024
/** A listing with a chain that could not be read is kept this short a time, ms. */
export const PARTIAL_LISTING_MS = 15_000
/** The youngest cached listing a "Check again" (`?fresh=1`) reads again, ms. */
export const FRESH_LISTING_MS = 5_000
/** Wallet listings and metadata documents kept, at most (least recently used go first). */
export const LISTING_CACHE_MAX = 10_000
export const METADATA_CACHE_MAX = 5_000

export interface CollectiblesResponse {
  address: string
  items: Collectible[]
  /** True when items were left out to keep the listing under MAX_LISTING_BYTES. */
  truncated: boolean
  /**
   * Per trusted chain: the block every item of that chain was checked at, or (0 and) why the
   * chain could not be read now. A chain that is down takes only its own items with it.
   */
  chains: {
    chainId: number
    name: LocalText
    local: boolean
    block: number
    unavailable?: string
  }[]
  /** The block of the first chain (convenience for single-chain set-ups). */
  block: number
}

export interface CollectibleServiceOptions {
  ipfsGateways: string[]
  /** Listings older than this are read again even without a transfer, ms. */
  ttlMs?: number
  /** How long one JSON-RPC request may take before its chain counts as down, ms (10 000). */
  rpcTimeoutMs?: number
  /** The youngest listing a fresh read (`maxAgeMs`) replaces, ms (default FRESH_LISTING_MS). */
  freshMs?: number
  /** How often the watcher polls each chain for transfers, ms (0: no watcher). */
  pollMs?: number
  /** Metadata fetched at most this many at a time. */
  metadataConcurrency?: number
  log?: Logger
  /** How to read a chain (default: the batched EVM adapter; the bench swaps in a naive one). */
  makeAdapter?: (chain: TrustedChain) => ReadAdapter
  /** Largest listing in bytes of JSON (default MAX_LISTING_BYTES). */
  maxListingBytes?: number
  /** How metadata is fetched for a chain (default: pinnedFetch, private hosts only if local). */
  metadataFetch?: (local: boolean) => typeof fetch
}

export class BadAddressError extends Error {}

interface Cached {
  at: number
  value: Promise<CollectiblesResponse>
  /** The read has not finished: later callers share it. */
  reading: boolean
}

/** What the service reads a chain through: the EVM adapter, or a REST platform's (AVATA). */
export type ReadAdapter = Pick<
  EvmAdapter,
  | 'blockNumber'
  | 'listHoldings'
  | 'balances'
  | 'tokenUris'
  | 'detect'
  | 'transfers'
  | 'discover'
  | 'counters'
  | 'destroy'
>

interface ChainReader {
  chain: TrustedChain
  adapter: ReadAdapter
  watchedTo: number
  /** Lowest block a listing was read at since the watcher's last poll (Infinity: none). */
  readFloor: number
}

export class CollectibleService {
  private readonly readers: ChainReader[]
  private readonly cache = new Lru<string, Cached>(LISTING_CACHE_MAX)
  /** Per wallet, each chain's items as last read: shown, unverified, while that chain is down. */
  private readonly lastRead = new Lru<string, Map<number, Collectible[]>>(LISTING_CACHE_MAX)
  private readonly metadata = new Lru<string, { at: number; value: Promise<MetadataOutcome> }>(
    METADATA_CACHE_MAX,
  )
  private readonly listeners = new Set<(t: TransferLog & { chainId: number }) => void>()
  private timer: ReturnType<typeof setInterval> | null = null
  private polling = false
  private readonly ttlMs: number
  private readonly log: Logger
  private readonly fetchers: { local: typeof fetch; public: typeof fetch }

  constructor(
    readonly registry: TrustRegistry,
    private readonly opts: CollectibleServiceOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000
    this.log = opts.log ?? processLog
    const makeAdapter =
      opts.makeAdapter ??
      ((chain: TrustedChain): ReadAdapter =>
        chain.rest
          ? new AvataAdapter({ chainId: chain.chainId, ...chain.rest })
          : new EvmAdapter({
              chainId: chain.chainId,
              rpcUrls: chain.rpcUrls,
              multicall3: chain.multicall3,
              ...evmCapabilities(chain),
              ...(opts.rpcTimeoutMs !== undefined && { timeoutMs: opts.rpcTimeoutMs }),
            }))
    const trustedOrigins = opts.ipfsGateways.flatMap((g) => {
      try {
        return [new URL(g).origin]
      } catch {
        return []
      }
    })
    const makeFetch =
      opts.metadataFetch ??
      ((local: boolean) => pinnedFetch({ allowPrivate: local, trustedOrigins }))
    this.fetchers = { local: makeFetch(true), public: makeFetch(false) }
    this.readers = registry.chains.map((chain) => ({
      chain,
      // (RPC metrics count JSON-RPC calls: a REST platform's requests are not those.)
      adapter:
        chain.kind === 'evm'
          ? instrumentRpc(makeAdapter(chain), chain.chainId)
          : makeAdapter(chain),
      watchedTo: -1,
      readFloor: Infinity,
    }))
  }

  /** The JSON-RPC adapter of an EVM chain of the registry (circulation reads through it). */
  evmAdapter(chainId: number): EvmAdapter | null {
    const reader = this.readers.find((r) => r.chain.chainId === chainId)
    return reader?.adapter instanceof EvmAdapter ? reader.adapter : null
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
    this.timer = setInterval(() => background(this.poll(), '[chain] transfer watch'), pollMs)
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

  /** Looks for transfers on every chain once (the watcher's timer calls this; tests too). */
  async poll() {
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
    // Transfers after the oldest block a cached listing was read at matter, even those mined
    // before this watcher's first poll or behind where it had got to.
    const floor = reader.readFloor
    reader.readFloor = Infinity
    try {
      const block = await adapter.blockNumber()
      const from = Math.min(reader.watchedTo < 0 ? Infinity : reader.watchedTo, floor)
      if (from === Infinity) {
        // Nothing listed yet and nothing watched: only transfers after now matter.
        reader.watchedTo = block
        return
      }
      if (block <= from) {
        // Nothing mined since: remember how far that is, or the floor just taken would be lost
        // and the next poll would start after a transfer mined in between.
        reader.watchedTo = Math.max(reader.watchedTo, block)
        return
      }
      const logs = await adapter.transfers({
        fromBlock: from + 1,
        toBlock: block,
        contracts: chain.issuers.map((i) => i.contract),
      })
      reader.watchedTo = Math.max(reader.watchedTo, block)
      for (const log of logs) {
        this.invalidate(log.from, log.to)
        for (const listener of this.listeners) listener({ ...log, chainId: chain.chainId })
      }
    } catch (err) {
      reader.readFloor = Math.min(reader.readFloor, floor)
      this.log.warn({ chainId: chain.chainId, error: errorField(err) }, 'transfer watch failed')
    }
  }

  /** What `address` holds on every trusted chain, verified; cached until a transfer touches it. */
  /**
   * The wallet's listing, from the cache while it is younger than the TTL, or than `maxAgeMs`
   * when the caller asks for a fresher one (a person's "Check again": at most one read per
   * FRESH_LISTING_MS per address, however many ask). A read in progress is shared.
   */
  async list(address: string, opts: { maxAgeMs?: number } = {}): Promise<CollectiblesResponse> {
    if (!isAddress(address))
      throw new BadAddressError(`"${String(address).slice(0, 60)}" is not an EVM address`)
    const owner = getAddress(address)
    const now = Date.now()
    const hit = this.cache.get(owner)
    const floor = this.opts.freshMs ?? FRESH_LISTING_MS
    const maxAge = Math.min(this.ttlMs, Math.max(opts.maxAgeMs ?? Infinity, floor))
    if (hit && (hit.reading || now - hit.at < maxAge)) return hit.value
    const value = this.read(owner)
    const entry = { at: now, value, reading: true }
    this.cache.set(owner, entry)
    value.then(
      // A chain was down: ask it again soon rather than after the whole TTL.
      (r) => {
        entry.reading = false
        if (r.chains.some((c) => c.unavailable)) entry.at = now - this.ttlMs + PARTIAL_LISTING_MS
      },
      // A failure is not cached: the next request tries again.
      () => {
        entry.reading = false
        if (this.cache.get(owner)?.value === value) this.cache.delete(owner)
      },
    )
    return value
  }

  /**
   * Every chain read side by side. A chain that cannot be read is marked unavailable in the
   * answer, its items from the last listing shown unverified (`chain_unavailable`); only when
   * no chain can be read is the whole listing an error (an empty list would say "owns nothing").
   */
  private async read(owner: string): Promise<CollectiblesResponse> {
    const settled = await Promise.allSettled(this.readers.map((r) => this.readChain(r, owner)))
    if (settled.every((s) => s.status === 'rejected')) throw settled[0]!.reason
    // With one chain there is nothing to keep: its failure fails the whole listing (above).
    const keep = this.readers.length > 1
    const last = (keep && this.lastRead.get(owner)) || new Map<number, Collectible[]>()
    const now = new Map<number, Collectible[]>()
    const perChain = settled.map((s, i) => {
      const reader = this.readers[i]!
      const chainId = reader.chain.chainId
      if (s.status === 'fulfilled') {
        now.set(chainId, s.value.items)
        return { ...s.value, unavailable: undefined }
      }
      const reason = s.reason as Error
      this.log.warn({ chainId, error: errorField(reason) }, 'chain unavailable for a listing')
      const before = last.get(chainId) ?? []
      now.set(chainId, before)
      const items = before.map((c): Collectible => ({
        ...c,
        verified: false,
        reasons: ['chain_unavailable'],
      }))
      return { reader, block: 0, items, unavailable: reason.message.slice(0, 300) }
    })
    if (keep) this.lastRead.set(owner, now)
    // Verified items come first in each chain's list, so they are the last to be cut.
    const items: Collectible[] = []
    let bytes = 0
    let truncated = false
    for (const item of perChain.flatMap((c) => c.items)) {
      bytes += JSON.stringify(item).length + 1
      if (bytes > (this.opts.maxListingBytes ?? MAX_LISTING_BYTES)) {
        truncated = true
        break
      }
      items.push(item)
    }
    return {
      address: owner,
      items,
      truncated,
      chains: perChain.map(({ reader, block, unavailable }) => ({
        chainId: reader.chain.chainId,
        name: reader.chain.name,
        local: reader.chain.local ?? false,
        block,
        ...(unavailable && { unavailable }),
      })),
      block: perChain.find((c) => !c.unavailable)?.block ?? 0,
    }
  }

  /**
   * Checks one token for `owner` now, at the latest block, bypassing the listing cache: what a
   * placement or a re-check relies on. Unknown chains come back unverified, not as errors.
   */
  async verify(owner: string, token: TokenRef & { standard?: Standard }): Promise<Collectible> {
    if (!isAddress(owner))
      throw new BadAddressError(`"${String(owner).slice(0, 60)}" is not an EVM address`)
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
    const local = reader.chain.local ?? false
    const { adapter } = reader
    try {
      const contract = getAddress(token.contract)
      const block = await adapter.blockNumber()
      const declared = rule?.standard ?? token.standard
      const kind = (
        await adapter.detect([contract], block, declared && new Map([[contract, declared]]))
      ).get(contract)
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
        // Not allowlisted: unverified whatever the metadata says, so none is fetched.
        metadata: rule
          ? await this.metadataFor(holding, uri ?? null, local)
          : { ok: false, uri: uri ?? null, reason: null },
      })
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err
      throw new ChainUnavailableError(
        token.chainId,
        `chain ${token.chainId} could not be read: ${(err as Error).message.slice(0, 300)}`,
        err,
      )
    }
  }

  /**
   * Reads a file a token's metadata names (a wearable avatar's model) through the fetchers and
   * gateways its metadata is read with: loopback and private hosts only for a local chain, every
   * redirect checked, at most `maxBytes`, `timeoutMs` per attempt. Never throws.
   */
  readFile(
    chainId: number,
    url: string,
    opts: { maxBytes: number; timeoutMs?: number; accept?: string },
  ): Promise<FetchFileResult> {
    const local = this.readers.find((r) => r.chain.chainId === chainId)?.chain.local ?? false
    return fetchFile(url, {
      ...opts,
      ipfsGateways: this.opts.ipfsGateways,
      local,
      fetch: local ? this.fetchers.local : this.fetchers.public,
    })
  }

  private async readChain(reader: ChainReader, owner: string) {
    const { chain, adapter } = reader
    try {
      const block = await adapter.blockNumber()
      reader.readFloor = Math.min(reader.readFloor, block)
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
      const kinds = await adapter.detect(
        [...new Set(holdings.map((h) => h.contract))],
        block,
        new Map(holdings.map((h) => [h.contract, h.standard])),
      )
      const uris = await adapter.tokenUris(holdings, block)
      const metadata = await mapLimited(holdings, this.opts.metadataConcurrency ?? 16, (h, i) =>
        this.metadataFor(h, uris[i] ?? null, chain.local ?? false),
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
        `chain ${chain.chainId} could not be read: ${(err as Error).message.slice(0, 300)}`,
        err,
      )
    }
  }

  private metadataFor(
    holding: Holding,
    rawUri: string | null,
    local: boolean,
  ): Promise<MetadataOutcome> {
    if (rawUri === null) {
      return Promise.resolve({ ok: false, uri: null, reason: 'metadata_unavailable' })
    }
    const uri = holding.standard === 'erc1155' ? substituteId(rawUri, holding.tokenId) : rawUri
    const now = Date.now()
    // The same URI may be allowed for a local chain and refused for another one.
    const key = `${local ? 'local' : 'public'} ${uri}`
    const hit = this.metadata.get(key)
    // data: URIs never change; fetched documents are read again after the listing TTL.
    if (hit && (uri.startsWith('data:') || now - hit.at < this.ttlMs)) return hit.value
    const value = this.fetchOne(uri, local)
    this.metadata.set(key, { at: now, value })
    return value
  }

  private async fetchOne(uri: string, local: boolean): Promise<MetadataOutcome> {
    const gateways = { ipfsGateways: this.opts.ipfsGateways, local }
    const fetchFn = local ? this.fetchers.local : this.fetchers.public
    const got = await fetchMetadata(uri, { ...gateways, fetch: fetchFn })
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
