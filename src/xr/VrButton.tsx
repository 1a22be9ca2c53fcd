// The first-bundle side of VR: the top bar's Enter VR / Leave VR button, shown only where the
// browser offers an immersive-vr session, and the scene host that mounts the VR chunk once the
// button was pressed. Nothing of @react-three/xr is fetched or run before that.
import { Suspense, lazy, useEffect, type ComponentType } from 'react'
import { useT } from '../i18n'
import { fill } from '../app/format'
import { useXr, vrSupported } from './store'
import './strings'
import './testHooks'

const loadSession = () => import('./XrSession')
const XrSession = lazy(() =>
  loadSession().then(
    (m): { default: ComponentType } => ({ default: m.XrSession }),
    // A chunk that did not come (offline, a new deployment): say so on the button, draw nothing.
    (e: unknown): { default: ComponentType } => {
      useXr.getState().failed(e instanceof Error ? e.message : String(e))
      return { default: () => null }
    },
  ),
)

/** Fetches the VR chunk ahead of a likely press (pointer over the button, or focus on it). */
function prefetch() {
  loadSession().catch(() => {}) // a failed fetch is reported when the button is pressed
}

export function VrButton() {
  const t = useT()
  const supported = useXr((s) => s.supported)
  const phase = useXr((s) => s.phase)
  const problem = useXr((s) => s.problem)

  // Asked when a world opens, and again when a headset comes or goes.
  useEffect(() => {
    let live = true
    const check = () => {
      vrSupported().then(
        (ok) => live && useXr.getState().checked(ok),
        () => {},
      )
    }
    check()
    navigator.xr?.addEventListener('devicechange', check)
    return () => {
      live = false
      navigator.xr?.removeEventListener('devicechange', check)
    }
  }, [])

  if (!supported && phase === 'off') return null
  const busy = phase === 'loading' || phase === 'entering' || phase === 'leaving'
  const inVr = phase === 'in'
  const label = inVr ? t('xr.leave') : busy ? t('xr.entering') : t('xr.enter')
  const onClick = () => {
    if (inVr) {
      loadSession().then(
        (m) => m.leaveVr(),
        () => {},
      )
    } else if (!busy) useXr.getState().request()
  }
  return (
    <button
      className={inVr ? 'btn primary vr-button' : 'btn vr-button'}
      data-testid="vr-button"
      data-phase={phase}
      aria-busy={busy}
      title={problem ? fill(t('xr.failed'), { reason: problem }) : label}
      onPointerEnter={prefetch}
      onFocus={prefetch}
      onClick={onClick}
    >
      <span aria-hidden="true">◎</span> <span className="label">{label}</span>
    </button>
  )
}

/** In the canvas: nothing until VR is first asked for, then the VR chunk (kept from then on). */
export function XrHost() {
  const used = useXr((s) => s.used)
  if (!used) return null
  return (
    <Suspense fallback={null}>
      <XrSession />
    </Suspense>
  )
}
