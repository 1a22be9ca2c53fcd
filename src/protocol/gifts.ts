// Giving a collectible to someone nearby (issue 18): the giver offers, the recipient accepts,
// the server checks the issuer's circulation rules (server/circulation.ts) with the recipient's
// signed-in address, and the giver's own wallet signs the transfer. Gifts only: no price field
// exists anywhere in these messages.
import { z } from 'zod'

const Session = z.string().min(1).max(64)
const GiftId = z.string().regex(/^g[0-9a-f]{8,16}$/)

export const GiftMessages = {
  /**
   * Offer one of your collectibles to the visitor with this session id (nearby, signed in),
   * or give it to a wallet address (signed in here; no one to ask, so it is accepted at once).
   */
  'gift.offer': {
    schema: z
      .object({
        to: Session.optional(),
        address: z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/)
          .optional(),
        chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
        contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
        tokenId: z.string().regex(/^\d{1,78}$/),
      })
      .strict()
      .refine((o) => (o.to === undefined) !== (o.address === undefined), {
        message: 'a gift goes to one visitor (to) or one address (address)',
      }),
    // Each offer reads the chain (holding, rules): a person's pace, not a script's.
    rate: { perSecond: 1, burst: 4 },
  },
  /** The recipient's answer to an offer. */
  'gift.answer': {
    schema: z.object({ id: GiftId, accept: z.boolean() }).strict(),
    rate: { perSecond: 1, burst: 5 },
  },
  /** The giver takes an offer back (before the transfer is sent). */
  'gift.cancel': {
    schema: z.object({ id: GiftId }).strict(),
    rate: { perSecond: 1, burst: 5 },
  },
  /**
   * The giver's development wallet asks for the exact transfer to sign (accepted offers, local
   * chains only: a wallet of its own sends the transaction itself). Each reads the chain.
   */
  'gift.prepare': {
    schema: z.object({ id: GiftId }).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /** The giver's signature over that transfer, for the server to hand to the local chain. */
  'gift.send': {
    schema: z.object({ id: GiftId, raw: z.string().regex(/^0x[0-9a-fA-F]{2,2048}$/) }).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
} as const

export const GIFT_REFUSALS = [
  'not_allowlisted',
  'not_transferable',
  'self',
  'recipient_not_signed_in',
  'recipient_other_platform',
  'not_owner',
  'locked_on_chain',
  'held_too_briefly',
  'chain_unavailable',
  /** Not signed in, so no wallet to give from. */
  'giver_not_signed_in',
  /** The recipient is not in this room, or too far away. */
  'recipient_not_near',
  /** One offer at a time per giver; a few waiting per recipient. */
  'busy',
  /** The server relays only to a local development chain. */
  'not_local',
  /** A signed transfer that is not the one prepared, or one the chain refused. */
  'bad_transaction',
] as const
export type GiftRefusal = (typeof GIFT_REFUSALS)[number]

export interface GiftToken {
  chainId: number
  contract: string
  tokenId: string
}

export interface GiftRules {
  transferable: boolean
  minHoldingDays: number
  recipients: 'signed-in' | 'same-platform'
}

/** A transfer as the development wallet signs it (legacy type 0, EIP-155). */
export interface PreparedTransfer {
  chainId: number
  to: string
  data: string
  nonce: number
  /** Decimal strings: JSON has no bigints. */
  gasLimit: string
  gasPrice: string
}

/** A gift's name and picture from its verified metadata; its collection from the registry. */
export interface GiftItem {
  name: string
  /** A data: or http(s) picture URL; null when there is none or it is too large to send. */
  image: string | null
  collection: { 'zh-CN': string; en: string } | null
  platform: { 'zh-CN': string; en: string } | null
}

export interface GiftServerMessages {
  /** To the recipient: someone nearby offers a collectible, under these rules. */
  'gift.offered': {
    id: string
    from: { session: string; name: string }
    token: GiftToken
    rules: GiftRules | null
    /** What it is, as the server verified it on the chain (never the giver's say-so). */
    item: GiftItem | null
  }
  /**
   * To the giver (and to the recipient from `accepted` on): where an offer stands. `accepted`
   * tells the giver the recipient's address, for the wallet to sign the transfer to; `done`
   * comes when the server's watcher sees the transfer on the chain.
   */
  'gift.update': {
    id: string
    token: GiftToken
    state:
      'pending' | 'accepted' | 'sent' | 'declined' | 'cancelled' | 'refused' | 'expired' | 'done'
    rules: GiftRules | null
    /** With `accepted`, to the giver only. */
    to?: string
    refusal?: { code: GiftRefusal; message: string; until?: number }
    /** With `sent` (the server relayed it): the transaction's hash. */
    txHash?: string
    /** With `done`: the block of the transfer. */
    block?: number
  }
  /** To the giver: the transfer to sign (`gift.prepare`), or why it cannot be prepared or sent. */
  'gift.transaction': {
    id: string
    tx?: PreparedTransfer
    refusal?: { code: GiftRefusal; message: string }
  }
}
