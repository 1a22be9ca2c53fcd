// The verification rule, in one place: a token is verified only when its chain is trusted, its
// contract is an allowlisted issuer of the standard the registry names, the wallet owns it at
// the block the server read, and its metadata is intact (the pinned sha256 matches, and the URI
// lies under the issuer's metadata base when one is set). Anything else comes back with
// `verified: false` and every reason that applies, so the UI can say why.
import { uriUnderBase } from './metadata'
import type {
  Circulation,
  Collectible,
  Holding,
  LocalText,
  Standard,
  UnverifiedReason,
} from './types'

/** What the registry says about a contract (structurally, an issuer entry of the registry). */
export interface IssuerRule {
  standard: Standard
  issuer: LocalText
  platform: LocalText
  metadata?: { sha256?: Readonly<Record<string, string>>; base?: string }
  /** The issuer's circulation rules (absent: cannot be given). */
  circulation?: Circulation
}

export type MetadataOutcome =
  | {
      ok: true
      uri: string
      sha256: string
      name: string
      description: string
      image: string | null
      model: string | null
      avatar: boolean
    }
  | {
      ok: false
      uri: string | null
      /** null: not read at all (the contract is not allowlisted, so it cannot verify anyway). */
      reason: 'metadata_unavailable' | 'metadata_invalid' | null
    }

export interface VerifyInput {
  holding: Holding
  /** Whether the chain is in the registry at all. */
  chainTrusted: boolean
  /** The registry's entry for the contract; null when it is not allowlisted. */
  rule: IssuerRule | null
  /** The standard the contract reports through ERC-165 (null: neither). */
  detected: Standard | null
  /** The owner's balance at `block` ("0": does not own it). */
  balance: string
  block: number
  checkedAt: number
  metadata: MetadataOutcome
}

export function verifyHolding(input: VerifyInput): Collectible {
  const { holding, rule, metadata } = input
  const reasons: UnverifiedReason[] = []
  if (!input.chainTrusted) reasons.push('chain_not_trusted')
  else if (!rule) reasons.push('issuer_not_allowlisted')
  else if (rule.standard !== holding.standard || input.detected !== rule.standard) {
    reasons.push('standard_mismatch')
  }
  if (input.balance === '0') reasons.push('not_owner')
  const pinned = rule?.metadata?.sha256?.[holding.tokenId]
  if (!metadata.ok) {
    if (metadata.reason) reasons.push(metadata.reason)
  } else if (rule) {
    if (pinned !== undefined && pinned.toLowerCase() !== metadata.sha256) {
      reasons.push('metadata_hash_mismatch')
    }
    const base = rule.metadata?.base
    if (base !== undefined && !uriUnderBase(metadata.uri, base))
      reasons.push('metadata_outside_base')
  }
  return {
    chainId: holding.chainId,
    contract: holding.contract,
    tokenId: holding.tokenId,
    standard: holding.standard,
    balance: input.balance,
    name: metadata.ok ? metadata.name : '',
    description: metadata.ok ? metadata.description : '',
    image: metadata.ok ? metadata.image : null,
    model: metadata.ok ? metadata.model : null,
    avatar: metadata.ok ? metadata.avatar : false,
    verified: reasons.length === 0,
    reasons,
    checkedAtBlock: input.block,
    checkedAt: input.checkedAt,
    issuer: rule?.issuer ?? null,
    platform: rule?.platform ?? null,
    circulation: rule?.circulation ?? null,
    metadataSha256: metadata.ok ? metadata.sha256 : null,
    metadataPinned: pinned !== undefined,
  }
}
