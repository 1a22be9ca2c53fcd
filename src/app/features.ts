// The one place the app registers its features. A new feature is a folder with an index.ts that
// exports its Feature (src/app/feature.ts), and one line in this list; the order is the order
// their layers wrap the collider, their sessions bind and their panels stack.
import type { ScenePart, WorldExtensions } from '../world/extensions'
import type { SessionOptions } from '../net/featureBinding'
import type { Feature } from './feature'
import { openWorld } from './router'
import { wallet } from '../wallet'
import { spaces } from '../spaces'
import { events } from '../events'
import { voice } from '../voice'
import { builder } from '../builder'
import { tours } from '../tours'
import { gifts } from '../gifts'
import { xr } from '../xr'

export const features: readonly Feature[] = [
  wallet,
  spaces,
  events,
  voice,
  builder,
  tours,
  gifts,
  xr,
]

/** What the world engine draws and collides with on the features' behalf. */
export const worldExtensions: WorldExtensions = {
  parts: features.flatMap((f): ScenePart[] => (f.scene ? [{ key: f.name, ...f.scene }] : [])),
  source: (id) => {
    for (const f of features) {
      const source = f.source?.(id)
      if (source) return source
    }
    return null
  },
  layers: () => Promise.all(features.flatMap((f) => (f.collider ? [f.collider()] : []))),
  travel: openWorld,
}

const optionHooks = features.flatMap((f) => (f.useSessionOptions ? [f.useSessionOptions] : []))
const screenHooks = features.flatMap((f) => (f.hud?.useHoldsScreen ? [f.hud.useHoldsScreen] : []))

/** Every feature's session options for `world`, merged (the list is fixed: same hooks, same order). */
export function useSessionOptions(world: string | null): SessionOptions {
  return Object.assign({}, ...optionHooks.map((hook) => hook(world))) as SessionOptions
}

/** Whether a feature's full-screen layer holds the page (the list is fixed, as above). */
export function useFeatureHoldsScreen(): boolean {
  return screenHooks.map((hook) => hook()).some(Boolean)
}

/** Sections of the places list, in registry order. */
export const placesSections = features.flatMap((f) => (f.hud?.places ? [f.hud.places] : []))

/** Marks after a person's name in the people list, in registry order. */
export const personMarks = features.flatMap((f) => (f.hud?.personMark ? [f.hud.personMark] : []))

export const topBarButtons = features
  .flatMap((f) => (f.hud?.button ? [{ name: f.name, ...f.hud.button }] : []))
  .sort((a, b) => a.order - b.order)
