// Giving a collectible to someone nearby, in one room. The giver offers (signed in, the
// recipient within a few steps); the server checks the issuer's circulation rules against the
// chain (server/circulation.ts); the recipient accepts or declines; on acceptance the rules are
// checked again with the recipient's signed-in address, which only then goes to the giver, whose
// own wallet signs the transfer (the server holds no keys). The transfer watcher's sighting of
// that very transfer ends the offer for both. Gifts only: nothing here carries a price.
import { randomBytes } from 'node:crypto'
import { getAddress } from 'ethers'
import type { TransferLog } from '../../src/chain/evm'
import type { Collectible, LocalText } from '../../src/chain/types'
import type {
  GiftItem,
  GiftRefusal,
  GiftServerMessages,
  GiftToken,
  PreparedTransfer,
} from '../../src/protocol/gifts'
import { background } from '../background'
import type { Circulation, GiftDecision } from '../circulation'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { RelayRefusal, type GiftRelay } from './relay'

/** How close the recipient must stand, metres. */
export const GIFT_NEAR_M = 12
/** An offer waits this long for an answer, then this long for the giver's wallet. */
export const OFFER_WAIT_MS = 60_000
export const SIGN_WAIT_MS = 5 * 60_000
/** The largest picture (a data: URI's length) an offer carries; larger ones go without. */
export const GIFT_IMAGE_MAX = 64 * 1024

/** What the recipient is shown of a gift: only what was verified for the giver. */
export function giftItem(c: Collectible, collection: LocalText | null): GiftItem | null {
  if (!c.verified) return null
  const image = c.image && c.image.length <= GIFT_IMAGE_MAX ? c.image : null
  return { name: c.name, image, collection, platform: c.platform }
}

/** Offers waiting for one recipient at once. */
const WAITING_PER_RECIPIENT = 3

/** What the room reads the chain through: the rules, and the transfers the watcher sees. */
export interface GiftServices {
  circulation: Circulation
  /** Calls `listener` for every transfer of an allowlisted token; returns the unsubscribe. */
  watch(listener: (t: TransferLog & { chainId: number }) => void): () => void
  /** Prepares and relays the development wallet's transfers on local chains. */
  relay: GiftRelay
  /** The token's name, picture and collection as verified for `owner`; null if unknown. */
  describe(owner: string, token: GiftToken): Promise<GiftItem | null>
  /** Whether a wallet address is signed in here (a session that has not ended). */
  signedIn(address: string): Promise<boolean>
}

interface Offer {
  id: string
  giver: string
  giverAddress: string
  recipient: string
  token: GiftToken
  rules: GiftDecision['rules']
  state: 'pending' | 'accepted' | 'sent'
  /** The recipient's address, once they accepted. */
  to?: string
  /** The transfer prepared for the giver's development wallet, once asked for. */
  prepared?: PreparedTransfer
  /** A relay in progress: one at a time. */
  relaying?: boolean
  expires: number
}

type Update = GiftServerMessages['gift.update']

/** Refuses an offer before it began, to the giver. */
type Refuse = (code: GiftRefusal, message: string, rules?: Update['rules'], until?: number) => void

/** The giver hears why the rules refuse it (and from when, for a holding time). */
const refuseFor = (refuse: Refuse, d: GiftDecision) =>
  refuse(d.refusal!.code, d.refusal!.message, d.rules, d.refusal!.until)

export class RoomGifts implements FeaturePart {
  private readonly offers = new Map<string, Offer>()
  /** Givers whose offer is being checked on the chain. */
  private readonly checking = new Set<string>()
  private unwatch: (() => void) | null = null
  private watched: GiftServices | null = null

  constructor(
    private readonly host: RoomHost,
    private readonly services: () => GiftServices | null,
  ) {}

  start() {
    this.host.clock.setInterval(() => this.sweep(), 5_000)
  }

  dispose() {
    this.unwatch?.()
    this.offers.clear()
  }

  left(seat: Seat) {
    const id = seat.client.sessionId
    for (const offer of this.offers.values())
      if (offer.giver === id || offer.recipient === id) this.end(offer, 'expired')
  }

  offer(seat: Seat, p: GiftToken & { to?: string; address?: string }) {
    if (p.address !== undefined) return this.offerToAddress(seat, p, p.address)
    const token = { chainId: p.chainId, contract: p.contract, tokenId: p.tokenId }
    const refuse: Refuse = (code, message, rules, until) =>
      this.refused(seat.client.sessionId, token, { code, message, until }, rules)
    if (!seat.address) return refuse('giver_not_signed_in', 'sign in with your wallet to give')
    const to = this.host.seats.get(p.to ?? '')
    if (to === seat) return refuse('self', 'a collectible is given to someone else')
    if (!to || to.kicked || !this.near(seat, to))
      return refuse('recipient_not_near', 'the recipient must stand near you in this place')
    const mine = seat.client.sessionId
    const active = [...this.offers.values()]
    if (this.busy(mine)) return refuse('busy', 'you have an offer waiting already')
    if (active.filter((o) => o.recipient === to.client.sessionId).length >= WAITING_PER_RECIPIENT)
      return refuse('busy', 'they have offers waiting already')
    const giverAddress = seat.address
    this.onChain(mine, refuse, '[gifts] offer', async (services) => {
      const decision = await services.circulation.check({
        ...token,
        giver: giverAddress,
        recipient: to.address,
      })
      if (!decision.allowed) return refuseFor(refuse, decision)
      const item = await services.describe(giverAddress, token).catch(() => null)
      const giver = this.host.seats.get(mine)
      const recipient = this.host.seats.get(to.client.sessionId)
      if (!giver || !recipient) return
      const offer: Offer = {
        id: `g${randomBytes(6).toString('hex')}`,
        giver: mine,
        giverAddress,
        recipient: to.client.sessionId,
        token,
        rules: decision.rules,
        state: 'pending',
        expires: Date.now() + OFFER_WAIT_MS,
      }
      this.offers.set(offer.id, offer)
      this.tell(mine, this.update(offer, 'pending'))
      this.host.reply(recipient.client, 'gift.offered', {
        id: offer.id,
        from: { session: mine, name: giver.player.name },
        token,
        rules: decision.rules,
        item,
      })
    })
  }

  /**
   * A gift to a wallet address: no one here to ask, so the rules are checked with that address
   * (signed in here, as the rules ask of every recipient) and the giver signs at once.
   */
  private offerToAddress(seat: Seat, token: GiftToken, address: string) {
    token = { chainId: token.chainId, contract: token.contract, tokenId: token.tokenId }
    const mine = seat.client.sessionId
    const refuse: Refuse = (code, message, rules, until) =>
      this.refused(mine, token, { code, message, until }, rules)
    if (!seat.address) return refuse('giver_not_signed_in', 'sign in with your wallet to give')
    if (this.busy(mine)) return refuse('busy', 'you have an offer waiting already')
    const giverAddress = seat.address
    this.onChain(mine, refuse, '[gifts] offer to an address', async (services) => {
      const signedIn = await services.signedIn(address)
      const decision = await services.circulation.check({
        ...token,
        giver: giverAddress,
        recipient: signedIn ? address : null,
      })
      if (!this.host.seats.get(mine)) return
      if (!decision.allowed) return refuseFor(refuse, decision)
      const offer: Offer = {
        id: `g${randomBytes(6).toString('hex')}`,
        giver: mine,
        giverAddress,
        recipient: '',
        token,
        rules: decision.rules,
        state: 'accepted',
        to: getAddress(address),
        expires: Date.now() + SIGN_WAIT_MS,
      }
      this.offers.set(offer.id, offer)
      this.tell(mine, { ...this.update(offer, 'accepted'), to: offer.to })
    })
  }

  /**
   * An offer's reads of the chain, away from the room's turn. Until they end, the giver's next
   * offer is refused as busy too; a chain that cannot be read refuses this one.
   */
  private onChain(
    giver: string,
    refuse: Refuse,
    tag: string,
    work: (services: GiftServices) => Promise<void>,
  ) {
    const services = this.services()
    if (!services) return refuse('chain_unavailable', 'the chain is starting: try again')
    this.watch(services)
    this.checking.add(giver)
    background(
      work(services)
        .catch((err: unknown) => {
          refuse('chain_unavailable', 'the chain could not be read: try again')
          throw err
        })
        .finally(() => this.checking.delete(giver)),
      tag,
    )
  }

  answer(seat: Seat, p: { id: string; accept: boolean }) {
    const offer = this.offers.get(p.id)
    if (!offer || offer.recipient !== seat.client.sessionId || offer.state !== 'pending') return
    if (!p.accept) return this.end(offer, 'declined')
    const services = this.services()
    if (!services) return this.end(offer, 'refused', 'chain_unavailable', 'the chain is starting')
    // Checked again: the recipient's address only now, and the giver may have moved it since.
    background(
      services.circulation
        .check({ ...offer.token, giver: offer.giverAddress, recipient: seat.address })
        .then((decision) => {
          if (this.offers.get(offer.id) !== offer) return
          if (!decision.allowed)
            return this.end(offer, 'refused', decision.refusal!.code, decision.refusal!.message)
          offer.state = 'accepted'
          offer.to = seat.address!
          offer.expires = Date.now() + SIGN_WAIT_MS
          this.tell(offer.giver, { ...this.update(offer, 'accepted'), to: offer.to })
          this.tell(offer.recipient, this.update(offer, 'accepted'))
        })
        .catch((err: unknown) => {
          if (this.offers.get(offer.id) === offer)
            this.end(offer, 'refused', 'chain_unavailable', 'the chain could not be read')
          throw err
        }),
      '[gifts] answer',
    )
  }

  /** The giver takes back an offer not sent yet. */
  cancel(seat: Seat, p: { id: string }) {
    const offer = this.offers.get(p.id)
    if (!offer || offer.giver !== seat.client.sessionId || offer.state === 'sent') return
    this.end(offer, 'cancelled')
  }

  /** The giver's development wallet asks for the transfer to sign. */
  prepare(seat: Seat, p: { id: string }) {
    const offer = this.giversAccepted(seat, p.id)
    if (!offer) return
    const services = this.services()
    if (!services)
      return this.transactionRefused(offer, 'chain_unavailable', 'the chain is starting')
    background(
      services.relay
        .prepare(offer.token, offer.giverAddress, offer.to!)
        .then((tx) => {
          if (this.offers.get(offer.id) !== offer) return
          offer.prepared = tx
          this.host.reply(seat.client, 'gift.transaction', { id: offer.id, tx })
        })
        .catch((err: unknown) => this.relayFailed(offer, err)),
      '[gifts] prepare',
    )
  }

  /** The giver's signature over the prepared transfer: handed to the chain if it is that. */
  send(seat: Seat, p: { id: string; raw: string }) {
    const offer = this.giversAccepted(seat, p.id)
    if (!offer?.prepared || offer.relaying) return
    const services = this.services()
    if (!services)
      return this.transactionRefused(offer, 'chain_unavailable', 'the chain is starting')
    offer.relaying = true
    background(
      services.relay
        .send(p.raw, offer.prepared, offer.giverAddress)
        .then((txHash) => {
          offer.relaying = false
          if (this.offers.get(offer.id) !== offer) return
          offer.state = 'sent'
          const sent = { ...this.update(offer, 'sent'), txHash }
          this.tell(offer.giver, sent)
          this.tell(offer.recipient, sent)
        })
        .catch((err: unknown) => {
          offer.relaying = false
          this.relayFailed(offer, err)
        }),
      '[gifts] send',
    )
  }

  /** One offer at a time per giver, counting one still being checked on the chain. */
  private busy(giver: string): boolean {
    if (this.checking.has(giver)) return true
    for (const o of this.offers.values()) if (o.giver === giver) return true
    return false
  }

  /** An offer refused before it began: to the giver only. */
  private refused(
    giver: string,
    token: GiftToken,
    r: { code: GiftRefusal; message: string; until?: number | undefined },
    rules: Update['rules'] = null,
  ) {
    const refusal = {
      code: r.code,
      message: r.message,
      ...(r.until !== undefined && { until: r.until }),
    }
    this.tell(giver, { id: '', token, state: 'refused', rules, refusal })
  }

  private giversAccepted(seat: Seat, id: string): Offer | null {
    const offer = this.offers.get(id)
    return offer && offer.giver === seat.client.sessionId && offer.state === 'accepted'
      ? offer
      : null
  }

  private relayFailed(offer: Offer, err: unknown) {
    if (err instanceof RelayRefusal) return this.transactionRefused(offer, err.code, err.message)
    this.transactionRefused(offer, 'chain_unavailable', 'the chain could not be read: try again')
    throw err
  }

  private transactionRefused(offer: Offer, code: GiftRefusal, message: string) {
    const seat = this.host.seats.get(offer.giver)
    if (seat)
      this.host.reply(seat.client, 'gift.transaction', { id: offer.id, refusal: { code, message } })
  }

  /** The watcher saw a transfer: an accepted offer it completes ends, for both. */
  private seen(t: TransferLog & { chainId: number }) {
    for (const offer of this.offers.values()) {
      if (offer.state === 'pending' || offer.token.chainId !== t.chainId) continue
      if (offer.token.contract.toLowerCase() !== t.contract.toLowerCase()) continue
      if (!t.tokenIds.includes(offer.token.tokenId)) continue
      if (t.from.toLowerCase() !== offer.giverAddress.toLowerCase()) continue
      if (t.to.toLowerCase() !== offer.to!.toLowerCase()) continue
      this.offers.delete(offer.id)
      const done = { ...this.update(offer, 'done'), block: t.block }
      this.tell(offer.giver, done)
      this.tell(offer.recipient, done)
    }
  }

  private watch(services: GiftServices) {
    if (this.watched === services) return
    this.unwatch?.()
    this.watched = services
    this.unwatch = services.watch((t) => this.seen(t))
  }

  private sweep() {
    const now = Date.now()
    for (const offer of this.offers.values()) if (now > offer.expires) this.end(offer, 'expired')
  }

  private end(
    offer: Offer,
    state: 'declined' | 'cancelled' | 'refused' | 'expired',
    code?: GiftRefusal,
    message?: string,
  ) {
    this.offers.delete(offer.id)
    const update: Update = {
      ...this.update(offer, state),
      ...(code && { refusal: { code, message: message ?? '' } }),
    }
    this.tell(offer.giver, update)
    this.tell(offer.recipient, update)
  }

  private update(offer: Offer, state: Update['state']): Update {
    return { id: offer.id, token: offer.token, state, rules: offer.rules }
  }

  private tell(session: string, update: Update) {
    const seat = this.host.seats.get(session)
    if (seat) this.host.reply(seat.client, 'gift.update', update)
  }

  private near(a: Seat, b: Seat) {
    return Math.hypot(a.guard.x - b.guard.x, a.guard.z - b.guard.z) <= GIFT_NEAR_M
  }
}
