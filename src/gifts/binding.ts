// Gifts on a world session: the room's gift messages into the store, the room's send out of it.
// A finished gift reads the wallet again (the giver's item left, the recipient's arrived).
// Loaded with the network code.
import type { BindSession } from '../net/featureBinding'
import { loadCollectibles } from '../wallet/actions'
import { clearWaiting, transactionArrived } from './sign'
import { useGifts } from './store'

export const bind: BindSession = () => ({
  joined(room) {
    const gifts = useGifts.getState()
    // The server ends a seat's offers when it leaves: another seat starts with none (a
    // reconnection takes the same seat back, and its offers go on).
    if (gifts.me !== room.sessionId) gifts.reset()
    gifts.linked((type, payload) => room.isOpen() && room.send(type, payload), room.sessionId)
    room.onMessage('gift.offered', (m) => useGifts.getState().offered(m))
    room.onMessage('gift.update', (m) => {
      useGifts.getState().updated(m)
      if (m.state === 'done') void loadCollectibles(0, true)
    })
    room.onMessage('gift.transaction', transactionArrived)
  },
  roomLeft() {
    clearWaiting()
    useGifts.getState().linked(null, useGifts.getState().me)
  },
  leave() {
    clearWaiting()
    useGifts.getState().reset()
  },
})
