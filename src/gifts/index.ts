// The gifts feature: giving one of your verified collectibles to someone standing near you,
// under its issuer's circulation rules, signed by your own wallet (issue 18). Its "Give…"
// joins the wallet's card of an item (src/wallet/slots.ts); its cards sit over the world.
// Registered in src/app/features.ts.
import type { Feature } from '../app/feature'
import { addCollectibleAction } from '../wallet/slots'
import { GiftCards, GiveAction } from './GiftsHud'

addCollectibleAction(GiveAction)

export const gifts: Feature = {
  name: 'gifts',
  hud: { panels: [GiftCards] },
}
