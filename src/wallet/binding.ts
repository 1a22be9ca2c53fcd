// The wallet on a world session: its sign-in token binds the seat to the visitor's address
// (space editing and event roles need it), sent again after every sign-in and reconnection.
import type { BindSession } from '../net/featureBinding'
import { useWallet } from './store'

export const bind: BindSession = () => ({
  auth: {
    token: () => useWallet.getState().session?.token,
    subscribe: (changed) =>
      useWallet.subscribe((now, before) => {
        if (now.session?.token !== before.session?.token) changed(now.session?.token)
      }),
  },
})
