// The giver's wallet at work: the development wallet asks the server for the exact transfer
// (gift.prepare → gift.transaction), signs it and hands it back (gift.send); a wallet of one's
// own sends the transfer itself. Either way the room's watcher says when it is done.
import type { GiftServerMessages, PreparedTransfer } from '../protocol/gifts'
import { giveWithWallet } from '../wallet/actions'
import { useGifts } from './store'

/** How long the server has to prepare a transfer. */
const PREPARE_WAIT_MS = 30_000

const waiting = new Map<
  string,
  { resolve: (tx: PreparedTransfer) => void; reject: (e: Error) => void }
>()

/** A `gift.transaction` arrived: the transfer asked for, or why it cannot be (or was not) sent. */
export function transactionArrived(m: GiftServerMessages['gift.transaction']) {
  const w = waiting.get(m.id)
  if (w) {
    waiting.delete(m.id)
    if (m.tx) w.resolve(m.tx)
    else w.reject(new Error(m.refusal?.message ?? 'the server prepared no transfer'))
    return
  }
  // After gift.send: the relay refused it.
  if (m.refusal && useGifts.getState().outgoing?.id === m.id)
    useGifts.getState().signing(m.refusal.message)
}

function prepare(id: string): Promise<PreparedTransfer> {
  const send = useGifts.getState().send
  if (!send) return Promise.reject(new Error('not connected to the world'))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id)
      reject(new Error('the server did not answer'))
    }, PREPARE_WAIT_MS)
    waiting.set(id, {
      resolve: (tx) => {
        clearTimeout(timer)
        resolve(tx)
      },
      reject: (e) => {
        clearTimeout(timer)
        reject(e)
      },
    })
    send('gift.prepare', { id })
  })
}

const message = (e: unknown) =>
  (e as { shortMessage?: string } | null)?.shortMessage ??
  (e instanceof Error ? e.message : String(e))

/** Signs and sends the accepted offer's transfer with the connected wallet. */
export async function signAndGive(): Promise<void> {
  const gifts = useGifts.getState()
  const out = gifts.outgoing
  if (!out?.id || !out.address) return
  const id = out.id
  gifts.signing()
  try {
    const result = await giveWithWallet({
      token: out.token,
      to: out.address,
      prepare: () => prepare(id),
    })
    const now = useGifts.getState()
    if (now.outgoing?.id !== id) return
    if ('signed' in result) {
      if (!now.send) throw new Error('not connected to the world')
      now.send('gift.send', { id, raw: result.signed })
    } else {
      useGifts.setState({ outgoing: { ...now.outgoing, state: 'sent', txHash: result.sent } })
    }
  } catch (e) {
    if (useGifts.getState().outgoing?.id === id)
      useGifts.getState().signing(message(e).slice(0, 200))
  }
}

export function clearWaiting() {
  for (const w of waiting.values()) w.reject(new Error('left the room'))
  waiting.clear()
}
