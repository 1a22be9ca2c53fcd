// What other features add to the wallet panel without the wallet importing them: controls under
// one of the visitor's own collectibles (the gifts feature's "Give"). A feature that depends on
// the wallet (FEATURE_DEPENDS in eslint.config.js) adds its control as its index module loads.
import type { ComponentType } from 'react'
import type { Collectible } from '../chain/types'

export interface CollectibleActionProps {
  item: Collectible
  /** Closes the wallet panel (an action that goes on in the world). */
  closePanel: () => void
}

const actions: ComponentType<CollectibleActionProps>[] = []

export function addCollectibleAction(action: ComponentType<CollectibleActionProps>) {
  if (!actions.includes(action)) actions.push(action)
}

export const collectibleActions = (): readonly ComponentType<CollectibleActionProps>[] => actions
