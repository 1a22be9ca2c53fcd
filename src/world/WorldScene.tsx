// Everything inside the canvas for the open world. Each world style is its own lazily loaded
// chunk, so the directory and one style never pay for the other. Features (creator spaces, event
// stages…) come in as `extensions` from the app: their scene parts are lazy chunks too, fetched
// once the world stands.
import { lazy, Suspense } from 'react'
import { useWorld } from '../state/world'
import { LocalPlayer } from '../avatar/LocalPlayer'
import { RemoteAvatars } from '../avatar/RemoteAvatars'
import { ContactShadows } from '../avatar/ContactShadows'
import { AdaptiveQuality } from './hd/AdaptiveQuality'
import { Markers } from './Markers'
import type { WorldExtensions } from './extensions'

const VoxelWorldView = lazy(() =>
  import('./voxel/VoxelWorldView').then((m) => ({ default: m.VoxelWorldView })),
)
const HdWorldView = lazy(() => import('./hd/HdWorldView').then((m) => ({ default: m.HdWorldView })))

export function WorldScene({ extensions }: { extensions: WorldExtensions }) {
  const scene = useWorld((s) => s.scene)
  const voxels = useWorld((s) => s.voxels)
  const ready = useWorld((s) => s.status === 'ready')
  if (!scene) return null
  return (
    <Suspense fallback={null}>
      {scene.style === 'voxel' ? (
        <VoxelWorldView key={scene.id} scene={scene} voxels={voxels} layers={extensions.layers} />
      ) : (
        <HdWorldView key={scene.id} scene={scene} layers={extensions.layers} />
      )}
      <Markers key={`markers-${scene.id}`} scene={scene} travel={extensions.travel} />
      {ready && <LocalPlayer key={`player-${scene.id}`} />}
      {ready && <RemoteAvatars key={`remotes-${scene.id}`} style={scene.style} />}
      {ready && <ContactShadows key={`shadows-${scene.id}`} />}
      <AdaptiveQuality />
      {ready &&
        extensions.parts.map(
          ({ key, when, Component }) =>
            when(scene) && (
              <Suspense key={key} fallback={null}>
                <Component key={`${key}-${scene.id}`} scene={scene} />
              </Suspense>
            ),
        )}
    </Suspense>
  )
}
