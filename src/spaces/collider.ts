// Creator spaces in the avatar's collision: their floor slabs carry visitors and their walls and
// pedestals stop them, on top of whatever the world's own collider answers. Pure; allocates
// nothing per query.
import type { Space } from '../protocol/scene'
import type { WorldCollider } from '../world/collision'
import type { ColliderLayer } from '../world/extensions'
import { BoxCollider } from '../world/boxes'
import { colliderBoxes, layoutSpace, type SpaceStyle } from './layout'

/** The world's collider with the scene's creator spaces added (itself when there are none). */
export function withSpaces(
  inner: WorldCollider,
  spaces: readonly Space[],
  style: SpaceStyle,
): WorldCollider {
  if (spaces.length === 0) return inner
  return new BoxCollider(
    inner,
    spaces.flatMap((s) => colliderBoxes(layoutSpace(s, style))),
  )
}

/** Creator spaces as a layer of every world (src/world/extensions.ts): vegetation keeps out. */
export const spacesLayer: ColliderLayer = {
  collider: (inner, scene, style) => withSpaces(inner, scene.spaces, style),
  clearAreas: (scene) => scene.spaces.map((s) => s.area),
}
