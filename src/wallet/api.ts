// The browser side of the chain, auth and collectibles HTTP API (same origin as the page).
// Every answer is checked at run time; failures become an ApiError (src/net/api.ts) with the
// server's code.
import { z } from 'zod'
import type { Collectible, UnverifiedReason } from '../chain/types'
import { apiRequest } from '../net/api'
import { VrmId } from '../protocol/avatar'

const LocalText = z.object({ 'zh-CN': z.string(), en: z.string() })

const ChainInfo = z.object({
  chainId: z.number().int().nonnegative(),
  name: LocalText,
  local: z.boolean(),
  /** In a listing: why this chain could not be read now (its items show unverified). */
  unavailable: z.string().max(400).optional(),
})
export type ChainInfo = z.infer<typeof ChainInfo>

const ChainConfig = z.object({
  chains: z.array(ChainInfo),
  devWallet: z.boolean(),
  siwe: z.object({
    domain: z.string().min(1),
    uri: z.string().min(1),
    chainId: z.number().int().positive(),
    statement: z.string(),
    // The origins the server signs in for (older servers leave it out).
    origins: z.array(z.string()).optional(),
  }),
})
export type ChainConfig = z.infer<typeof ChainConfig>

const Nonce = z.object({
  nonce: z.string().min(1),
  issuedAt: z.string(),
  expiresAt: z.string(),
  // The longest session the server opens (older servers leave it out).
  sessionExpiresAt: z.string().optional(),
})
export type Nonce = z.infer<typeof Nonce>

const Session = z.object({ address: z.string(), expiresAt: z.string() })
const Verified = Session.extend({ token: z.string().min(1) })
export type Verified = z.infer<typeof Verified>

const REASONS: readonly UnverifiedReason[] = [
  'chain_not_trusted',
  'issuer_not_allowlisted',
  'standard_mismatch',
  'not_owner',
  'metadata_unavailable',
  'metadata_invalid',
  'metadata_hash_mismatch',
  'metadata_outside_base',
  'chain_unavailable',
]
const isReason = (r: string): r is UnverifiedReason => (REASONS as readonly string[]).includes(r)

const CollectibleSchema = z
  .object({
    chainId: z.number().int(),
    contract: z.string(),
    tokenId: z.string(),
    standard: z.enum(['erc721', 'erc1155']),
    balance: z.string(),
    name: z.string(),
    description: z.string(),
    image: z.string().nullable(),
    // Older servers do not send it.
    model: z.string().nullable().optional(),
    // Older servers do not send it: then nothing is wearable.
    avatar: z.boolean().catch(false),
    verified: z.boolean(),
    // A reason this client does not know yet must not break the list: it is dropped here, and
    // an unverified item without a known reason still shows as unverified.
    reasons: z.array(z.string()),
    checkedAtBlock: z.number(),
    checkedAt: z.number(),
    issuer: LocalText.nullable(),
    platform: LocalText.nullable(),
    // Older servers do not send it: then it cannot be given.
    circulation: z
      .object({
        transferable: z.boolean(),
        minHoldingDays: z.number().min(0),
        recipients: z.enum(['signed-in', 'same-platform']),
      })
      .nullable()
      .catch(null),
    metadataSha256: z.string().nullable(),
    metadataPinned: z.boolean(),
  })
  .transform((c): Collectible => {
    const reasons = c.reasons.filter(isReason)
    // Verified means verified with nothing against it; contradictory answers count as unverified.
    const verified = c.verified && c.reasons.length === 0
    return {
      ...c,
      reasons,
      verified,
      image: safeImageUrl(c.image),
      model: safeModelUrl(c.model ?? null),
      // Wearable only with a model the loader may fetch (the server fetches it, not the page).
      avatar: c.avatar && safeModelUrl(c.model ?? null) !== null,
    }
  })

const Collectibles = z.object({
  address: z.string(),
  items: z.array(CollectibleSchema),
  block: z.number(),
  chains: z.array(ChainInfo).catch([]),
  /** The server left items out to keep the listing bounded (docs/api.md). */
  truncated: z.boolean().catch(false),
})
export type Collectibles = z.infer<typeof Collectibles>

/** A collectible worn as one's avatar: the stored file's id (POST /api/avatars/collectible). */
const Worn = z.object({ id: VrmId, name: z.string().catch('') })
export type Worn = z.infer<typeof Worn>

const TransferRecord = z.object({
  from: z.string(),
  to: z.string(),
  block: z.number().int().nonnegative(),
  at: z.number(),
})
export type TransferRecord = z.infer<typeof TransferRecord>
const History = z.object({ transfers: z.array(TransferRecord).max(200) })

/** Only images a plain <img> may load: http(s) and data:image/ URLs (the server resolves ipfs). */
export function safeImageUrl(url: string | null): string | null {
  if (!url) return null
  return /^(https?:\/\/|data:image\/)/i.test(url) ? url : null
}

/** Only models the model loader may fetch: http(s) and data:model/gltf… URLs. */
export function safeModelUrl(url: string | null): string | null {
  if (!url) return null
  return /^(https?:\/\/|data:model\/gltf(-binary|\+json)[;,])/i.test(url) ? url : null
}

export const api = {
  chain: () => apiRequest(ChainConfig, '/api/chain'),
  nonce: () => apiRequest(Nonce, '/api/auth/nonce', { method: 'POST', body: {} }),
  verify: (message: string, signature: string) =>
    apiRequest(Verified, '/api/auth/verify', { method: 'POST', body: { message, signature } }),
  session: (token: string) => apiRequest(Session, '/api/auth/session', { token }),
  logout: (token: string) =>
    apiRequest(z.unknown(), '/api/auth/logout', { method: 'POST', body: {}, token }),
  /** The transfers the server saw of one allowlisted token, oldest first. */
  history: (t: { chainId: number; contract: string; tokenId: string }) =>
    apiRequest(
      History,
      `/api/collectibles/${t.chainId}/${encodeURIComponent(t.contract)}/${t.tokenId}/history`,
    ),
  /** Wears a verified collectible whose model is a VRM: the server checks and stores it. */
  wear: (token: string, t: { chainId: number; contract: string; tokenId: string }) =>
    apiRequest(Worn, '/api/avatars/collectible', {
      method: 'POST',
      token,
      body: { chainId: t.chainId, contract: t.contract, tokenId: t.tokenId },
      timeoutMs: 60_000,
    }),
  /** `fresh`: read the chains again unless the server read them in the last few seconds. */
  collectibles: (address: string, token?: string, fresh = false) =>
    apiRequest(
      Collectibles,
      `/api/collectibles/${encodeURIComponent(address)}${fresh ? '?fresh=1' : ''}`,
      {
        token,
        timeoutMs: 60_000,
      },
    ),
}
