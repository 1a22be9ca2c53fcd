// The contract a feature (wallet, creator spaces, events; next voice, builder, tours) fulfils to
// plug into the app: what it draws in the world, the collider layers it adds, how it binds to a
// room session, and what it adds to the HUD. Every part is optional. The engine (world, avatar,
// net, state) never imports a feature: the app registers them in src/app/features.ts and hands
// the engine these parts. See docs/architecture.md.
import type { ComponentType } from 'react'
import type { Scene } from '../protocol/scene'
import type { ColliderLayer, WorldSource } from '../world/extensions'
import type { BindSession, SessionOptions } from '../net/featureBinding'

/**
 * A feature's part of the room session (messages in, actions out, state refresh, the room to
 * join, cleanup) is its folder's `binding.ts`, exporting `bind: BindSession`
 * (src/net/featureBinding.ts). src/app/session.ts picks it up for every registered feature and
 * bundles it with the network code, out of the first load.
 */
export interface FeatureBindingModule {
  bind: BindSession
}

export interface Feature {
  /** The feature's one name: its folder, its protocol prefix, its server folder. */
  name: string
  /** Drawn in the canvas once the world is ready, when `when` holds for the scene. */
  scene?: {
    when(scene: Scene): boolean
    /** A lazy component (React.lazy): its chunk is fetched only when a world needs it. */
    Component: ComponentType<{ scene: Scene }>
  }
  /** Loads the worlds this feature holds (builder worlds), by id; null for others. */
  source?: (id: string) => WorldSource | null
  /** Solid parts added to every world's collider, and ground kept clear; loaded lazily. */
  collider?: () => Promise<ColliderLayer>
  /**
   * A hook: the options this feature opens the world's session with (the event attended); the
   * session is opened again when they change.
   */
  useSessionOptions?: (world: string | null) => SessionOptions
  hud?: {
    /**
     * A button in the world's top bar; `order` places it, left to right. Where the bar is too
     * narrow, buttons move into its "More" menu, those with the lowest `stays` first (default 1;
     * settings has 2).
     */
    button?: { order: number; stays?: number; Component: ComponentType }
    /** A section of the world's places list, above its points of interest (the world's tours). */
    places?: ComponentType
    /** Panels, hosts and cards over the world, after the engine's own (registry order). */
    panels?: ComponentType[]
    /** A section of the world directory, below the worlds. */
    directory?: ComponentType
    /** Full-screen layers over everything (a deep link's loading or error screen). */
    screens?: ComponentType[]
    /** A hook: whether one of those screens holds the page now (no directory under it). */
    useHoldsScreen?: () => boolean
    /** A mark after a person's name in the people list (in voice, speaking…). */
    personMark?: ComponentType<{ id: string }>
  }
}
