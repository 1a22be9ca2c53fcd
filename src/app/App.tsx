// App shell: the 3D canvas holds only scene components; the directory, HUD, panels, cards and
// loading/error screens are DOM siblings of it.
import { useEffect, useState } from 'react'
import { Canvas } from '@react-three/fiber'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useT } from '../i18n'
import { StartScene } from '../world/StartScene'
import { WorldScene } from '../world/WorldScene'
import { TouchControls } from '../avatar/TouchControls'
import { ErrorPanel } from './ErrorPanel'
import { features, useFeatureHoldsScreen, worldExtensions } from './features'
import { FrameProbe } from './FrameProbe'
import { InfoCard } from './InfoCard'
import { LoadingScreen } from './LoadingScreen'
import { followLocation, listenToHistory } from './router'
import { SettingsPanel } from './SettingsPanel'
import { ViewBoundary } from './ViewBoundary'
import { useWorldLoader } from './useWorldLoader'
import { useWorldSession } from './useWorldSession'
import { resumeSession } from '../wallet/resume'
import { cameraRig } from '../state/player'
import { WorldDirectory } from './WorldDirectory'
import { WorldHud } from './WorldHud'
import './app.css'

// `?thumbnail=1` renders the world alone, for scripts/thumbnails.ts; `?thumbnail=aerial` from
// high above the spawn point, for the server's pictures of builder worlds (their directory cards).
const THUMBNAIL = new URLSearchParams(location.search).has('thumbnail')
if (new URLSearchParams(location.search).get('thumbnail') === 'aerial')
  Object.assign(cameraRig, { pitch: 0.62, distance: 38 })
// `?solo=1` explores without joining the world's room (no other people, nothing sent).
const SOLO = new URLSearchParams(location.search).has('solo')
if (THUMBNAIL) document.documentElement.classList.add('thumbnail')

export function App() {
  const t = useT()
  const worldId = useWorld((s) => s.worldId)
  const ready = useWorld((s) => s.status === 'ready')
  // A feature's full-screen layer (an event deep link loading or failed) shows that, never the
  // directory in its place.
  const screenHeld = useFeatureHoldsScreen()
  const retry = useWorldLoader()
  useWorldSession(!THUMBNAIL && !SOLO)

  useEffect(() => {
    void resumeSession()
    followLocation()
    return listenToHistory()
  }, [])

  // The page's language is the visitor's: a screen reader reads English text with an English voice.
  const language = useSettings((s) => s.language)
  useEffect(() => {
    document.documentElement.lang = language
  }, [language])

  // Multisampling costs a software renderer about a quarter of its frame (Cangqiong at low,
  // 960×600 on SwiftShader: 3.3 fps with it, 4.5 without); the low level, for weak devices,
  // draws without it. Read once: a context's antialias is fixed when it is made, so a change of
  // quality reaches it on the next load.
  const [antialias] = useState(() => useSettings.getState().quality !== 'low')

  return (
    <>
      {/* In a world, the 3D view is a region of its own (its labels are text a screen reader can
          reach); on the start page it is a backdrop behind the directory. */}
      <section
        className="view3d"
        aria-label={t('app.view')}
        aria-hidden={worldId ? undefined : true}
      >
        <ViewBoundary>
          <Canvas
            shadows
            dpr={[1, 1.5]}
            camera={{ position: [15, 6, 15], fov: 55, near: 0.1, far: 2000 }}
            gl={{ antialias, powerPreference: 'high-performance' }}
            style={{ position: 'absolute', inset: 0, touchAction: 'none' }}
          >
            {worldId ? <WorldScene extensions={worldExtensions} /> : <StartScene />}
            <FrameProbe />
          </Canvas>
        </ViewBoundary>
      </section>
      {THUMBNAIL ? null : worldId ? <WorldHud /> : screenHeld ? null : <WorldDirectory />}
      {worldId && ready && !THUMBNAIL && <TouchControls />}
      {!THUMBNAIL && <InfoCard />}
      <LoadingScreen />
      {!THUMBNAIL &&
        features.flatMap((f) =>
          (f.hud?.screens ?? []).map((Screen, i) => <Screen key={`${f.name}-${i}`} />),
        )}
      <ErrorPanel onRetry={retry} />
      <SettingsPanel />
    </>
  )
}
