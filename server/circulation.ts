// Compliant circulation: whether a collectible may be given to someone, by its issuer's rules in
// the trust registry (docs/trust-registry.md, "circulation") and by what the chain says (the
// giver holds it, and since when; the contract does not lock it, ERC-5192), checked before the
// giver's wallet is asked to sign; and a token's history, the transfers the server saw.
// Gifts only: nothing here carries a price. The server never holds a key: the giver's wallet
// signs the transfer itself.
import { getAddress } from 'ethers'
import type { CirculationRules, TrustRegistry, TrustedIssuer } from '../src/chain/registry'
import { ChainUnavailableError, type TokenRef } from '../src/chain/types'
import type { EvmAdapter } from '../src/chain/evm'
import type { CollectibleService } from './collectibles'

export type GiftRefusalCode =
  | 'not_allowlisted'
  | 'not_transferable'
  | 'self'
  | 'recipient_not_signed_in'
  | 'recipient_other_platform'
  | 'not_owner'
  | 'locked_on_chain'
  | 'held_too_briefly'
  | 'chain_unavailable'

export interface GiftDecision {
  allowed: boolean
  /** The issuer's rules, shown to both sides (null: not an allowlisted issuer). */
  rules: CirculationRules | null
  /** Why not, in English for logs; the UI words it from `code` (and `until`). */
  refusal: { code: GiftRefusalCode; message: string; until?: number } | null
  /** When the giver received it (ms), when the rules needed to know. */
  heldSince?: number
}

export interface GiftRequest extends TokenRef {
  giver: string
  /** The person it would go to: their wallet address when signed in, else null. */
  recipient: string | null
}

export interface TransferRecord {
  /** Lowercase 0x addresses; the zero address for a mint. */
  from: string
  to: string
  block: number
  /** When the block was made, ms since the epoch. */
  at: number
}

const DAY_MS = 24 * 60 * 60 * 1000
/** Transfers of one token kept in its history, newest last. */
export const HISTORY_MAX = 50

export class Circulation {
  private readonly histories = new Map<string, { at: number; value: Promise<TransferRecord[]> }>()

  constructor(
    private readonly registry: TrustRegistry,
    private readonly collectibles: CollectibleService,
    private readonly historyTtlMs = 15_000,
  ) {}

  /** Whether `req.giver` may give the token to `req.recipient` now, and the rules either way. */
  async check(req: GiftRequest): Promise<GiftDecision> {
    const issuer = this.registry.issuer(req.chainId, req.contract)
    if (!issuer)
      return refused(null, 'not_allowlisted', 'only collectibles of trusted issuers are given here')
    const rules = issuer.circulation
    const no = (code: GiftRefusalCode, message: string, until?: number, heldSince?: number) => {
      const d = refused(rules, code, message)
      if (until !== undefined) d.refusal!.until = until
      return heldSince === undefined ? d : { ...d, heldSince }
    }
    if (!rules.transferable)
      return no(
        'not_transferable',
        `${issuer.issuer.en} does not allow its collectibles to be given`,
      )
    if (!req.recipient)
      return no('recipient_not_signed_in', 'the recipient is not signed in with a wallet')
    if (getAddress(req.recipient) === getAddress(req.giver))
      return no('self', 'a collectible is given to someone else')
    const adapter = this.collectibles.evmAdapter(req.chainId)
    if (!adapter) return no('not_transferable', 'collectibles on this chain are not given here')
    try {
      const block = await adapter.blockNumber()
      const query = { ...req, contract: issuer.contract, standard: issuer.standard }
      const [balance] = await adapter.balances(req.giver, [query], block)
      if (!balance || BigInt(balance) === 0n) return no('not_owner', 'the giver does not hold it')
      if (await adapter.lockedOnChain(issuer.contract, req.tokenId, block))
        return no('locked_on_chain', 'its contract locks it to its holder (ERC-5192)')
      let heldSince: number | undefined
      if (rules.minHoldingDays > 0) {
        const received = await this.receivedAt(adapter, issuer, req, block)
        const now = await adapter.blockTime(block)
        heldSince = received ?? now
        const until = heldSince + rules.minHoldingDays * DAY_MS
        if (now < until) {
          const from = new Date(until).toISOString()
          const since = new Date(heldSince).toISOString()
          return no(
            'held_too_briefly',
            `held since ${since}: may be given from ${from}`,
            until,
            heldSince,
          )
        }
      }
      if (rules.recipients === 'same-platform') {
        const theirs = await this.collectibles.list(req.recipient)
        const same = theirs.items.some((i) => i.verified && i.platform?.en === issuer.platform.en)
        if (!same)
          return no(
            'recipient_other_platform',
            `only to someone who holds a verified collectible of ${issuer.platform.en}`,
          )
      }
      return { allowed: true, rules, refusal: null, ...(heldSince && { heldSince }) }
    } catch (err) {
      if (!(err instanceof ChainUnavailableError)) throw err
      return no('chain_unavailable', `the chain could not be read: ${err.message.slice(0, 200)}`)
    }
  }

  /** The transfers of one allowlisted token the server saw, oldest first (at most HISTORY_MAX). */
  history(token: TokenRef): Promise<TransferRecord[]> {
    const issuer = this.registry.issuer(token.chainId, token.contract)
    const adapter = this.collectibles.evmAdapter(token.chainId)
    if (!issuer || !adapter) return Promise.resolve([])
    const key = `${token.chainId}:${issuer.contract}:${token.tokenId}`
    const now = Date.now()
    const hit = this.histories.get(key)
    if (hit && now - hit.at < this.historyTtlMs) return hit.value
    const value = (async () => {
      const block = await adapter.blockNumber()
      const logs = await adapter.transfers({
        fromBlock: issuer.fromBlock ?? 0,
        toBlock: block,
        contracts: [issuer.contract],
        // An ERC-721 token's own events only: a long-lived collection's others stay unread.
        ...(issuer.standard === 'erc721' && { erc721Token: token.tokenId }),
      })
      const mine = logs.filter((l) => l.tokenIds.includes(token.tokenId)).slice(-HISTORY_MAX)
      const times = new Map<number, number>()
      for (const b of new Set(mine.map((l) => l.block))) times.set(b, await adapter.blockTime(b))
      return mine.map((l) => ({ from: l.from, to: l.to, block: l.block, at: times.get(l.block)! }))
    })()
    // A failed read is not kept.
    value.catch(() => this.histories.delete(key))
    if (this.histories.size > 1000) this.histories.clear()
    this.histories.set(key, { at: now, value })
    return value
  }

  /** Forget what was read of these tokens (a transfer of theirs was seen). */
  forget(token: TokenRef) {
    const issuer = this.registry.issuer(token.chainId, token.contract)
    if (issuer) this.histories.delete(`${token.chainId}:${issuer.contract}:${token.tokenId}`)
  }

  /** When the giver last received the token (its block's time), or null if no log shows it. */
  private async receivedAt(
    adapter: EvmAdapter,
    issuer: TrustedIssuer,
    req: GiftRequest,
    block: number,
  ) {
    const logs = await adapter.transfers({
      fromBlock: issuer.fromBlock ?? 0,
      toBlock: block,
      to: req.giver,
      contracts: [issuer.contract],
      ...(issuer.standard === 'erc721' && { erc721Token: req.tokenId }),
    })
    const last = logs.filter((l) => l.tokenIds.includes(req.tokenId)).at(-1)
    return last ? adapter.blockTime(last.block) : null
  }
}

function refused(
  rules: CirculationRules | null,
  code: GiftRefusalCode,
  message: string,
): GiftDecision {
  return { allowed: false, rules, refusal: { code, message } }
}
