// The wallet feature: sign-in with a wallet, the visitor's verified collectibles, and the seat
// bound to that sign-in. Registered in src/app/features.ts.
import type { Feature } from '../app/feature'
import { WalletButton, WalletPanelHost } from './WalletButton'

export const wallet: Feature = {
  name: 'wallet',
  hud: {
    button: { order: 30, stays: 3, Component: WalletButton },
    panels: [WalletPanelHost],
  },
}
