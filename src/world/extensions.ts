// What features add to the world the engine draws, as the engine sees it: scene parts drawn in
// the canvas, collider layers over the world's own collider, and ground they keep clear. The app
// fills these from its registered features (src/app/features.ts); the engine never imports a
// feature. Heavy parts stay lazy: a scene part is a lazy component, a layer a dynamic import.
import type { ComponentType } from 'react'
import type { Scene } from '../protocol/scene'
import type { WorldCollider } from './collision'

export type WorldStyle = 'hd' | 'voxel'

/** [minX, minZ, maxX, maxZ] in world metres. */
export type ClearArea = readonly [number, number, number, number]

/** A feature's solid parts and the ground it needs, added to every world built. */
export interface ColliderLayer {
  /** The collider with this feature's floors and walls over `inner` (`inner` when none). */
  collider(inner: WorldCollider, scene: Scene, style: WorldStyle): WorldCollider
  /** Ground that terrain decoration (HD vegetation) keeps clear. */
  clearAreas?(scene: Scene): ClearArea[]
}

/** A component drawn inside the canvas once the world is ready and `when` holds. */
export interface ScenePart {
  key: string
  when(scene: Scene): boolean
  /** Lazy (React.lazy), so its chunk is fetched only when a world needs it. */
  Component: ComponentType<{ scene: Scene }>
}

/** A world that is not a scene file (a builder world, from the server's API), as a feature loads it. */
export interface WorldSource {
  /** The validated scene and its stored grid (codec bytes); throws WorldLoadError or SceneError. */
  load(
    onProgress: (fraction: number) => void,
    signal: AbortSignal,
  ): Promise<{ scene: Scene; voxels: Uint8Array | null }>
}

export interface WorldExtensions {
  parts: readonly ScenePart[]
  /** The feature that loads world `id`, or null: it is a scene file. */
  source(id: string): WorldSource | null
  /** Loads the collider layers, in the order they wrap the world's collider. */
  layers(): Promise<readonly ColliderLayer[]>
  /** Goes to another world (a portal was walked through). */
  travel(world: string): void
}

/** The layers as one step: the world's collider with every layer, and all their clear areas. */
export interface SceneLayers {
  collider(inner: WorldCollider): WorldCollider
  clearAreas: ClearArea[]
}

export const NO_LAYERS: SceneLayers = { collider: (inner) => inner, clearAreas: [] }

/** Binds the loaded layers to one scene and style. */
export function sceneLayers(
  layers: readonly ColliderLayer[],
  scene: Scene,
  style: WorldStyle,
): SceneLayers {
  return {
    collider: (inner) => layers.reduce((c, layer) => layer.collider(c, scene, style), inner),
    clearAreas: layers.flatMap((layer) => layer.clearAreas?.(scene) ?? []),
  }
}
