// Reads a "rest" chain of the trust registry: the BSN open platform AVATA (文昌链), through its
// signed HTTP API, version 3, native NFT module. The API key and secret are the server's (from
// the environment, never sent to a browser). What comes from AVATA's public documentation and
// what is assumed is listed in docs/trust-registry.md ("rest" chains).
//
// AVATA's native NFTs are unique (one owner each): they are listed like ERC-721 tokens, with the
// class id as the "contract" and the NFT id as the token id. The API has no block height, so a
// listing's "block" is the second (UNIX time) it was read at.
import { createHash } from 'node:crypto'
import { getAddress, isAddress } from 'ethers'
import {
  ChainUnavailableError,
  type ContractRef,
  type Holding,
  type HoldingQuery,
  type Standard,
} from '../../src/chain/types'
import type { ContractKind, TransferLog } from '../../src/chain/evm'

/** What a "rest" chain of the registry says about its platform. */
export interface AvataSettings {
  chainId: number
  /** The API's origin and base path, e.g. https://apis.avata.bianjie.ai */
  baseUrl: string
  apiKey: string
  apiSecret: string
  /** bech32 prefix of the chain's native addresses (文昌链: "iaa"). */
  addressPrefix: string
  /** Give up on a request after this long, ms. */
  timeoutMs?: number
  /** Most pages one listing reads (50 NFTs each). */
  maxPages?: number
  fetch?: typeof fetch
}

/** The largest page the listing allows (documented: "上限为 50"). */
export const AVATA_PAGE_LIMIT = 50

/**
 * The request signature AVATA documents: SHA256 over the request's parameters (the path as
 * `path_url`, each query parameter as `query_<name>`, each top-level body field as
 * `body_<name>`) as JSON with sorted keys, then the timestamp (ms) and the API secret; hex.
 */
export function avataSignature(
  path: string,
  query: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | null,
  timestamp: string,
  secret: string,
): string {
  const params: Record<string, unknown> = { path_url: path }
  for (const [k, v] of Object.entries(query)) params[`query_${k}`] = v
  for (const [k, v] of Object.entries(body ?? {})) params[`body_${k}`] = v
  return createHash('sha256')
    .update(sortedJson(params) + timestamp + secret)
    .digest('hex')
}

/** JSON with every object's keys in order (Go's encoding of a map, which AVATA's SDKs sign). */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

// ---- bech32 (BIP-173) -----------------------------------------------------------------------

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

function polymod(values: number[]): number {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!
  }
  return chk
}

export function bech32Encode(prefix: string, bytes: Uint8Array): string {
  const words: number[] = []
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      bits -= 5
      words.push((acc >>> bits) & 31)
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31)
  const expand = [...prefix].map((c) => c.charCodeAt(0) >>> 5)
  expand.push(0, ...[...prefix].map((c) => c.charCodeAt(0) & 31))
  const mod = polymod([...expand, ...words, 0, 0, 0, 0, 0, 0]) ^ 1
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31)
  return prefix + '1' + [...words, ...checksum].map((w) => CHARSET[w]).join('')
}

/** A wallet's 0x address as the chain's native (bech32) address of the same 20 bytes. */
export function nativeAddress(evm: string, prefix: string): string {
  const hex = getAddress(evm).slice(2)
  const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)))
  return bech32Encode(prefix, bytes)
}

// ---- the adapter ----------------------------------------------------------------------------

interface NftRow {
  id: string
  class_id: string
  uri?: string
  owner: string
  status?: number | string
}

/** Reads AVATA's native NFTs; the same surface the collectibles service uses of EvmAdapter. */
export class AvataAdapter {
  readonly chainId: number
  readonly counters = { requests: 0, calls: 0 }
  private readonly fetch: typeof fetch
  private readonly base: URL
  /** NFT details read at one "block" (second), shared by the balance and URI reads. */
  private readonly details = new Map<string, Promise<NftRow | null>>()
  private detailsAt = -1

  constructor(private readonly s: AvataSettings) {
    this.chainId = s.chainId
    this.fetch = s.fetch ?? fetch
    this.base = new URL(s.baseUrl)
  }

  /** The second it is now: AVATA's API has no block height. */
  async blockNumber(): Promise<number> {
    return Math.floor(Date.now() / 1000)
  }

  /** Every active NFT `owner` holds in these classes, page after page. */
  async listHoldings(owner: string, classes: readonly ContractRef[]): Promise<Holding[]> {
    const native = this.owner(owner)
    const out: Holding[] = []
    for (const c of classes) {
      let pageKey = ''
      for (let page = 0; ; page++) {
        if (page >= (this.s.maxPages ?? 20))
          throw new ChainUnavailableError(
            this.chainId,
            `more than ${page} pages of NFTs in ${c.address}`,
          )
        const query: Record<string, string> = {
          class_id: c.address,
          owner: native,
          limit: String(AVATA_PAGE_LIMIT),
          status: 'active',
        }
        if (pageKey) query.page_key = pageKey
        const data = (await this.get('/v3/native/nft/nfts', query)) as {
          next_page_key?: string
          nfts?: NftRow[]
        }
        for (const n of data.nfts ?? []) {
          if (typeof n.id !== 'string' || n.class_id !== c.address || n.owner !== native) continue
          out.push({
            chainId: this.chainId,
            contract: c.address,
            tokenId: n.id,
            standard: 'erc721',
            balance: '1',
          })
        }
        pageKey = typeof data.next_page_key === 'string' ? data.next_page_key : ''
        if (!pageKey || (data.nfts ?? []).length === 0) break
      }
    }
    return out
  }

  /** Whether `owner` holds each NFT now ("1" or "0"), from its detail. */
  async balances(owner: string, tokens: readonly HoldingQuery[], block: number): Promise<string[]> {
    const native = this.owner(owner)
    const rows = await Promise.all(tokens.map((t) => this.detail(t.contract, t.tokenId, block)))
    return rows.map((r) => (r && r.owner === native && isActive(r) ? '1' : '0'))
  }

  /** Each NFT's off-chain metadata link (`uri`), null when it has none or cannot be read. */
  async tokenUris(tokens: readonly HoldingQuery[], block: number): Promise<(string | null)[]> {
    const rows = await Promise.all(
      tokens.map((t) => this.detail(t.contract, t.tokenId, block).catch(() => null)),
    )
    return rows.map((r) => (r && typeof r.uri === 'string' && r.uri ? r.uri : null))
  }

  /** The registry's word for each class: AVATA's native NFTs are unique. */
  async detect(
    contracts: readonly string[],
    _block: number,
    declared?: ReadonlyMap<string, Standard>,
  ): Promise<Map<string, ContractKind>> {
    return new Map(
      contracts.map((c) => [c, { standard: declared?.get(c) ?? 'erc721', enumerable: false }]),
    )
  }

  /** No transfer feed is read from AVATA: listings are read again when their time is up. */
  async transfers(): Promise<TransferLog[]> {
    return []
  }

  /** Classes outside the registry are not looked for on a "rest" chain. */
  async discover(): Promise<ContractRef[]> {
    return []
  }

  destroy() {}

  private owner(address: string): string {
    if (!isAddress(address))
      throw new Error(`not a wallet address: ${String(address).slice(0, 60)}`)
    return nativeAddress(address, this.s.addressPrefix)
  }

  private detail(classId: string, nftId: string, block: number): Promise<NftRow | null> {
    if (block !== this.detailsAt) {
      this.details.clear()
      this.detailsAt = block
    }
    const key = `${classId}/${nftId}`
    let hit = this.details.get(key)
    if (!hit) {
      const path = `/v3/native/nft/nfts/${encodeURIComponent(classId)}/${encodeURIComponent(nftId)}`
      hit = this.get(path, {}).then(
        (d) => d as NftRow,
        (err: unknown) => {
          if (err instanceof AvataNotFound) return null
          throw err
        },
      )
      this.details.set(key, hit)
    }
    return hit
  }

  /** A signed GET; the answer's `data`. Errors name AVATA's code and message. */
  private async get(path: string, query: Record<string, string>): Promise<unknown> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    const timestamp = String(Date.now())
    this.counters.requests++
    this.counters.calls++
    let res: Response
    try {
      res = await this.fetch(url, {
        headers: {
          'Content-Type': 'application/json',
          'X-Api-Key': this.s.apiKey,
          'X-Timestamp': timestamp,
          'X-Signature': avataSignature(url.pathname, query, null, timestamp, this.s.apiSecret),
        },
        signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      })
    } catch (err) {
      throw new ChainUnavailableError(
        this.chainId,
        `AVATA could not be reached: ${(err as Error).message.slice(0, 200)}`,
        err,
      )
    }
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new ChainUnavailableError(this.chainId, `AVATA answered ${res.status} without JSON`)
    }
    const error = (json as { error?: { code?: unknown; message?: unknown } }).error
    if (!res.ok || error) {
      const said = error?.message
      const code = typeof error?.code === 'string' ? error.code : `HTTP ${res.status}`
      const message = typeof said === 'string' ? said.slice(0, 200) : ''
      if (res.status === 404) throw new AvataNotFound(code)
      throw new ChainUnavailableError(this.chainId, `AVATA refused: ${code} ${message}`.trim())
    }
    const data = (json as { data?: unknown }).data
    if (!data || typeof data !== 'object')
      throw new ChainUnavailableError(this.chainId, 'AVATA answered without data')
    return data
  }
}

class AvataNotFound extends Error {}

const isActive = (r: NftRow) => r.status === undefined || r.status === 1 || r.status === 'active'
