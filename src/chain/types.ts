// Shared types of the chain layer. Isomorphic: nothing here imports React, three or Colyseus.
//
// Token ids are decimal strings (uint256 does not fit a JS number). EVM addresses are EIP-55
// checksummed strings; other adapters normalise their own address forms. Chain ids are numbers.

export type Standard = 'erc721' | 'erc1155'

/** Text in both UI languages (the registry and the UI use the same shape). */
export interface LocalText {
  'zh-CN': string
  en: string
}

export interface TokenRef {
  chainId: number
  /** Contract address (EVM: checksummed) or class id on a non-EVM chain. */
  contract: string
  /** Decimal string. */
  tokenId: string
}

/** A token a wallet holds, as an adapter lists it (not yet verified). */
export interface Holding extends TokenRef {
  standard: Standard
  /** How many the owner holds: "1" for ERC-721, the balance for ERC-1155. */
  balance: string
}

/** Why a token is not verified. A verified token has none. */
export type UnverifiedReason =
  | 'chain_not_trusted'
  | 'issuer_not_allowlisted'
  | 'standard_mismatch'
  | 'not_owner'
  | 'metadata_unavailable'
  | 'metadata_invalid'
  | 'metadata_hash_mismatch'
  | 'metadata_outside_base'
  /** Its chain could not be read just now: shown from the last listing, not verified. */
  | 'chain_unavailable'

/** Metadata after resolution and sanitising: plain text and a safe image URL, never HTML. */
export interface TokenMetadata {
  /** The URI as the contract returned it (after `{id}` substitution). */
  uri: string
  name: string
  description: string
  /** http(s), ipfs (resolved through a gateway) or data:image/ URL; null if none is safe. */
  image: string | null
  /** A glTF 2.0 model (.glb/.gltf/.vrm): http(s), gateway or data:model/gltf… URL; null if none. */
  model: string | null
  /** The model is a VRM avatar by its URL (path ending in .vrm). */
  avatar: boolean
  /** sha256 of the raw metadata bytes, lowercase hex. */
  sha256: string
}

/**
 * An issuer's rules for giving its collectibles to someone else in the world (the registry's
 * `circulation`). Gifts only: the product never carries a price with a transfer. Checked by the
 * server before a wallet is asked to sign, and shown to both sides.
 */
export interface Circulation {
  /** Whether its collectibles may be given at all. Default false: the issuer must say so. */
  transferable: boolean
  /** Days the giver must have held one (since it reached their wallet). Default 0. */
  minHoldingDays: number
  /**
   * Who may receive one: "signed-in" (a visitor signed in with their wallet), or
   * "same-platform" (one who also holds a verified collectible from the same platform).
   */
  recipients: 'signed-in' | 'same-platform'
}

/** A collectible as the API returns it (GET /api/collectibles/:address, docs/api.md). */
export interface Collectible extends TokenRef {
  standard: Standard
  balance: string
  name: string
  description: string
  image: string | null
  /** A glTF 2.0 model to show on a pedestal (http(s), gateway or data:model/gltf… URL), or null. */
  model: string | null
  /**
   * The model is a VRM avatar (its URL's path ends in .vrm): when verified, its owner may wear
   * it (POST /api/avatars/collectible, docs/api.md).
   */
  avatar: boolean
  verified: boolean
  reasons: UnverifiedReason[]
  /** The block at which ownership was read. */
  checkedAtBlock: number
  /** When it was checked, ms since the epoch. */
  checkedAt: number
  /** Present for allowlisted contracts: who issued it, on which platform. */
  issuer: LocalText | null
  platform: LocalText | null
  /** How its issuer lets it be given on (docs/trust-registry.md); null: it cannot be. */
  circulation: Circulation | null
  /** The metadata hash the server computed, and whether the registry pinned it. */
  metadataSha256: string | null
  metadataPinned: boolean
}

/**
 * Reads one chain. The EVM adapter speaks JSON-RPC through ethers; a REST-based consortium chain
 * adapter implements the same interface (listings page through an opaque cursor there).
 */
export interface ChainAdapter {
  readonly chainId: number
  /** The latest block (or the chain's equivalent height). */
  blockNumber(): Promise<number>
  /** Tokens `owner` holds in these contracts, read at `block`. */
  listHoldings(owner: string, contracts: readonly ContractRef[], block: number): Promise<Holding[]>
  /** Whether `owner` holds the tokens at `block`: the balance per token ("0" when not). */
  balances(owner: string, tokens: readonly HoldingQuery[], block: number): Promise<string[]>
  /** The metadata URI of each token (ERC-1155 `{id}` not yet substituted), null when it fails. */
  tokenUris(tokens: readonly HoldingQuery[], block: number): Promise<(string | null)[]>
}

export interface ContractRef {
  address: string
  standard: Standard
  /** First block worth scanning for logs (deployment block), when known. */
  fromBlock?: number
}

export interface HoldingQuery extends TokenRef {
  standard: Standard
}

/** The chain could not be read (RPC down, timeout, malformed answers): retry later. */
export class ChainUnavailableError extends Error {
  constructor(
    readonly chainId: number,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message)
    this.name = 'ChainUnavailableError'
  }
}
