// Loads the world named in the store: fetch and validate its file (first 10% of the progress
// bar), then hand the scene to its world view, which reports the rest.
import { useEffect, useState } from 'react'
import { SceneError } from '../protocol/scene'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useWallet } from '../wallet/store'
import { loadScene, withStoredGrid, WorldLoadError } from '../world/loadScene'
import { worldExtensions } from './features'
import { pick, translate } from '../i18n'

export function useWorldLoader(): () => void {
  const worldId = useWorld((s) => s.worldId)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    const world = useWorld.getState()
    if (!worldId) {
      world.unload('idle')
      document.title = '苍穹 Cangqiong'
      return
    }
    const ctl = new AbortController()
    world.unload('loading')
    world.setLoading({ progress: 0, label: 'loading.scene' })
    const progress = (f: number) =>
      useWorld.getState().setLoading({ progress: f * 0.08, label: 'loading.scene' })
    // A feature's world (a builder world) comes from its source; the rest are scene files.
    const source = worldExtensions.source(worldId)
    const loading = source
      ? source.load(progress, ctl.signal)
      : loadScene(worldId, progress, ctl.signal).then(withStoredGrid)
    loading.then(
      ({ scene, voxels }) => {
        if (ctl.signal.aborted) return
        const w = useWorld.getState()
        w.setLoading({ progress: 0.1, label: 'loading.code' })
        w.loaded(scene, voxels)
        document.title = `${pick(scene.name, useSettings.getState().language)} · 苍穹`
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return
        const lang = useSettings.getState().language
        let error
        if (err instanceof SceneError) {
          error = {
            title: translate(lang, 'error.title'),
            file: err.file,
            issues: err.issues,
            advice: 'invalid' as const,
          }
        } else if (err instanceof WorldLoadError) {
          error = {
            title: translate(lang, err.key),
            file: err.file,
            issues: [{ field: '', message: err.message }],
            advice: err.signIn
              ? ('signIn' as const)
              : err.key === 'error.notFound'
                ? ('notFound' as const)
                : ('network' as const),
            signIn: err.signIn,
          }
        } else {
          error = {
            title: translate(lang, 'error.network'),
            issues: [{ field: '', message: String(err) }],
            advice: 'network' as const,
          }
        }
        useWorld.getState().failed(error)
      },
    )
    return () => ctl.abort()
  }, [worldId, attempt])

  // A world refused to a signed-out visitor (a draft, to its builders) loads again once they
  // sign in.
  const token = useWallet((s) => s.session?.token)
  useEffect(() => {
    const w = useWorld.getState()
    if (token && w.status === 'error' && w.error?.signIn) setAttempt((a) => a + 1)
  }, [token])

  return () => setAttempt((a) => a + 1)
}
