// Gifts as this page sees them: the one offer the visitor is making (the server allows one at a
// time) and the offers made to them, each where the server says it stands (gift.update). The
// room link is the session's (binding.ts); without one nothing can be offered.
import { create } from 'zustand'
import type { ClientMessage, ClientMessageType } from '../protocol/messages'
import type {
  GiftItem,
  GiftRefusal,
  GiftRules,
  GiftServerMessages,
  GiftToken,
} from '../protocol/gifts'

type Update = GiftServerMessages['gift.update']

export interface Refusal {
  code: GiftRefusal
  message: string
  until?: number
}

/** The visitor's own offer. `signing`: their wallet is at work; `failed`: it did not sign. */
export interface Outgoing {
  /** The server's id; null until it accepted the offer. */
  id: string | null
  token: GiftToken & { standard: 'erc721' | 'erc1155' }
  name: string
  image: string | null
  /** A visitor near (their session) or a wallet address; `name` is what the cards call them. */
  to: { session?: string; address?: string; name: string }
  state: Update['state'] | 'offering' | 'signing' | 'failed'
  rules: GiftRules | null
  /** The recipient's address, once they accepted. */
  address?: string
  refusal?: Refusal
  /** What went wrong in this page (the wallet refused, no connection). */
  error?: string
  txHash?: string
  block?: number
}

/** An offer made to this visitor. */
export interface Incoming {
  id: string
  from: { session: string; name: string }
  token: GiftToken
  item: GiftItem | null
  rules: GiftRules | null
  state: Update['state'] | 'answering'
  refusal?: Refusal
  block?: number
}

/** The room's send, as the binding hands it over. */
export type Send = <T extends ClientMessageType>(type: T, payload: ClientMessage<T>) => void

export interface GiftsState {
  send: Send | null
  /** This seat's session id in the room. */
  me: string | null
  outgoing: Outgoing | null
  incoming: Incoming[]
  linked: (send: Send | null, me: string | null) => void
  offer: (o: Omit<Outgoing, 'id' | 'state' | 'rules'>) => boolean
  cancel: () => void
  /** This page's wallet is signing, or failed to. */
  signing: (error?: string) => void
  answer: (id: string, accept: boolean) => void
  dismiss: (id: string | null) => void
  offered: (m: GiftServerMessages['gift.offered']) => void
  updated: (m: Update) => void
  reset: () => void
}

const sameToken = (a: GiftToken, b: GiftToken) =>
  a.chainId === b.chainId &&
  a.contract.toLowerCase() === b.contract.toLowerCase() &&
  a.tokenId === b.tokenId

/** States after which nothing more happens to an offer. */
export const FINISHED = new Set<string>(['declined', 'cancelled', 'refused', 'expired', 'done'])

export const useGifts = create<GiftsState>()((set, get) => ({
  send: null,
  me: null,
  outgoing: null,
  incoming: [],
  linked: (send, me) => set({ send, me }),
  offer: (o) => {
    const { send, outgoing } = get()
    if (!send || (outgoing && !FINISHED.has(outgoing.state) && outgoing.state !== 'failed'))
      return false
    send('gift.offer', {
      ...(o.to.address !== undefined ? { address: o.to.address } : { to: o.to.session ?? '' }),
      chainId: o.token.chainId,
      contract: o.token.contract,
      tokenId: o.token.tokenId,
    })
    set({ outgoing: { ...o, id: null, state: 'offering', rules: null } })
    return true
  },
  cancel: () => {
    const { send, outgoing } = get()
    if (!outgoing) return
    if (outgoing.id && send) send('gift.cancel', { id: outgoing.id })
    if (!outgoing.id) set({ outgoing: null })
  },
  signing: (error) =>
    set((s) =>
      s.outgoing
        ? {
            outgoing: {
              ...s.outgoing,
              state: error === undefined ? 'signing' : 'failed',
              ...(error !== undefined ? { error } : { error: undefined }),
            },
          }
        : {},
    ),
  answer: (id, accept) => {
    const { send } = get()
    if (!send) return
    send('gift.answer', { id, accept })
    set((s) => ({
      incoming: s.incoming.map((o) => (o.id === id ? { ...o, state: 'answering' } : o)),
    }))
  },
  dismiss: (id) =>
    set((s) =>
      id === null ? { outgoing: null } : { incoming: s.incoming.filter((o) => o.id !== id) },
    ),
  offered: (m) =>
    set((s) => ({
      incoming: [
        ...s.incoming.filter((o) => o.id !== m.id),
        { id: m.id, from: m.from, token: m.token, item: m.item, rules: m.rules, state: 'pending' },
      ],
    })),
  updated: (m) =>
    set((s) => {
      const out = s.outgoing
      // The giver's own offer: by id, or (before it had one) the token it offered.
      if (out && (out.id === m.id || (out.id === null && sameToken(out.token, m.token)))) {
        const keep = m.state === 'accepted' && (out.state === 'signing' || out.state === 'failed')
        return {
          outgoing: {
            ...out,
            id: m.id || out.id,
            state: keep ? out.state : m.state,
            rules: m.rules ?? out.rules,
            ...(m.to && { address: m.to }),
            ...(m.refusal && { refusal: m.refusal }),
            ...(m.txHash && { txHash: m.txHash }),
            ...(m.block !== undefined && { block: m.block }),
          },
        }
      }
      if (!s.incoming.some((o) => o.id === m.id)) return {}
      return {
        incoming: s.incoming.map((o) =>
          o.id === m.id
            ? {
                ...o,
                state: m.state,
                ...(m.refusal && { refusal: m.refusal }),
                ...(m.block !== undefined && { block: m.block }),
              }
            : o,
        ),
      }
    }),
  reset: () => set({ send: null, me: null, outgoing: null, incoming: [] }),
}))
