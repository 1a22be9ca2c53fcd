// Everything inside the canvas for the open world. Each world style is its own lazily loaded
// chunk, so the directory and one style never pay for the other.
import { lazy, Suspense } from 'react'
import { useWorld } from '../state/world'
import { LocalPlayer } from '../avatar/LocalPlayer'
import { RemoteAvatars } from '../avatar/RemoteAvatars'
import { AdaptiveQuality } from './hd/AdaptiveQuality'
import { Markers } from './Markers'

const VoxelWorldView = lazy(() =>
  import('./voxel/VoxelWorldView').then((m) => ({ default: m.VoxelWorldView })),
)
const HdWorldView = lazy(() => import('./hd/HdWorldView').then((m) => ({ default: m.HdWorldView })))
// Creator spaces (src/spaces) draw in either style; their own chunk, fetched once the world stands.
const Spaces = lazy(() => import('../spaces/Spaces').then((m) => ({ default: m.Spaces })))
// Event stages (src/events): platform, synced screen and reactions; their own chunk too.
const Stages = lazy(() => import('../events/Stage').then((m) => ({ default: m.Stages })))

export function WorldScene() {
  const scene = useWorld((s) => s.scene)
  const ready = useWorld((s) => s.status === 'ready')
  if (!scene) return null
  return (
    <Suspense fallback={null}>
      {scene.style === 'voxel' ? (
        <VoxelWorldView key={scene.id} scene={scene} />
      ) : (
        <HdWorldView key={scene.id} scene={scene} />
      )}
      <Markers key={`markers-${scene.id}`} scene={scene} />
      {ready && <LocalPlayer key={`player-${scene.id}`} />}
      {ready && <RemoteAvatars key={`remotes-${scene.id}`} style={scene.style} />}
      <AdaptiveQuality />
      {ready && scene.spaces.length > 0 && (
        <Suspense fallback={null}>
          <Spaces key={`spaces-${scene.id}`} scene={scene} />
        </Suspense>
      )}
      {ready && scene.stages.length > 0 && (
        <Suspense fallback={null}>
          <Stages key={`stages-${scene.id}`} scene={scene} />
        </Suspense>
      )}
    </Suspense>
  )
}
