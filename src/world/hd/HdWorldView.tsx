// Cangqiong (苍穹), the HD landscape world: builds terrain, water, landmarks and vegetation from
// the scene, reports loading progress and its collider to useWorld, and renders at the quality
// in force (shadows, post-processing and vegetation density follow the level). The app mounts
// AdaptiveQuality beside it, which picks that level when the setting is 'auto'.
import { lazy, Suspense, useEffect, useState } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { FRAME } from '../frameOrder'
import type { HdWorld, Scene } from '../../protocol/scene'
import { effectiveQuality, useSettings } from '../../state/settings'
import { useWorld } from '../../state/world'
import { useQualityLevel } from './AdaptiveQuality'
import type { HdWorldObjects } from './buildWorld'
import type { Environment } from './lighting'
import { BuildCancelled, buildHdWorld } from './buildWorld'
import { HdAtmosphere } from './HdAtmosphere'
import { HD_PRESETS } from './quality'
import { sceneLayers, type ColliderLayer } from '../extensions'
import { translate } from '../../i18n'

// Its own chunk: postprocessing is fetched only when medium/high quality first asks for it.
const PostFx = lazy(() => import('./PostFx'))

export function HdWorldView({
  scene,
  layers,
}: {
  scene: Scene
  /** The features' collider layers (creator spaces, stages), loaded before the build. */
  layers: () => Promise<readonly ColliderLayer[]>
}) {
  const hd = scene.hd
  // Validation already demands the section for style "hd"; this guards direct use.
  useEffect(() => {
    if (hd) return
    useWorld.getState().failed({
      title: translate(useSettings.getState().language, 'error.build'),
      issues: [{ field: 'hd', message: `scene "${scene.id}" has no "hd" section` }],
      advice: 'invalid',
    })
  }, [hd, scene.id])
  return hd ? (
    <HdWorldContent hd={hd} env={scene.environment} scene={scene} layers={layers} />
  ) : null
}

/** Lets the page paint (progress bar) between build steps; falls back to a timer when hidden. */
function pause(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50)
    requestAnimationFrame(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

function HdWorldContent({
  hd,
  env,
  scene,
  layers,
}: {
  hd: HdWorld
  env: Environment
  scene: Scene
  layers: () => Promise<readonly ColliderLayer[]>
}) {
  const level = useQualityLevel()
  const preset = HD_PRESETS[level]
  const reducedMotion = useSettings((s) => s.reducedMotion)
  const [world, setWorld] = useState<HdWorldObjects | null>(null)

  useEffect(() => {
    let cancelled = false
    let built: HdWorldObjects | null = null
    // Built for the level in force now; later changes go through applyQuality, not a rebuild.
    layers()
      .then((loaded) =>
        buildHdWorld(
          hd,
          env,
          () => HD_PRESETS[effectiveQuality()],
          {
            progress: (progress, label) => useWorld.getState().setLoading({ progress, label }),
            pause,
            cancelled: () => cancelled,
          },
          sceneLayers(loaded, scene, 'hd'),
        ),
      )
      .then(
        (w) => {
          if (cancelled) return w.dispose()
          built = w
          setWorld(w)
        },
        (err: unknown) => {
          if (err instanceof BuildCancelled || cancelled) return
          console.error('[cangqiong] building the world failed', err)
          useWorld.getState().failed({
            title: translate(useSettings.getState().language, 'error.build'),
            issues: [{ field: '', message: err instanceof Error ? err.message : String(err) }],
            advice: 'build',
          })
        },
      )
    return () => {
      cancelled = true
      built?.dispose()
      setWorld(null)
    }
  }, [hd, env, scene, layers])

  useEffect(() => {
    world?.applyQuality(preset, reducedMotion)
  }, [world, preset, reducedMotion])

  // Exposed to end-to-end tests and benchmarks next to frameStats (window.__cq.hd).
  useEffect(() => {
    const hooks = typeof window === 'undefined' ? undefined : window.__cq
    if (!world || !hooks) return
    hooks.hd = world
    return () => {
      if (hooks.hd === world) delete hooks.hd
    }
  }, [world])

  useFrame(({ camera }, delta) => {
    // Clamped so a stalled tab does not make the wind jump.
    world?.update(Math.min(delta, 0.1), camera.position)
  }, FRAME.scene)

  return (
    <>
      <HdAtmosphere
        hd={hd}
        env={env}
        shadowMapSize={preset.shadowMapSize}
        skyResolution={preset.skyResolution}
        imageLight={!preset.bakedLighting}
      />
      {world && <primitive object={world.root} />}
      {world && <ReportReady world={world} />}
      {world && preset.post !== 'none' && (
        <Suspense fallback={null}>
          <PostFx mode={preset.post} />
        </Suspense>
      )}
    </>
  )
}

/** Compiles the shaders before declaring the world ready, so the first frames do not stall. */
function ReportReady({ world }: { world: HdWorldObjects }) {
  const get = useThree((s) => s.get)
  useEffect(() => {
    let live = true
    const { gl, scene, camera } = get()
    const ready = () => {
      if (!live) return
      const store = useWorld.getState()
      store.setLoading({ progress: 1, label: 'loading.ready' })
      store.ready(world.collider)
    }
    gl.compileAsync(scene, camera).then(ready, ready)
    return () => {
      live = false
      useWorld.getState().dropCollider(world.collider)
    }
  }, [world, get])
  return null
}
