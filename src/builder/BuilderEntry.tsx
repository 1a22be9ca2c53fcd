// The first-bundle side of the builder: the top bar's Build button (for the owner and builders
// of the builder world shown), the host that fetches that world's card and loads the toolbar and
// settings as lazy chunks, and the start page's "Build your world" section host.
import { Suspense, lazy, useEffect } from 'react'
import { useT } from '../i18n'
import { useWorld } from '../state/world'
import { useWallet } from '../wallet/store'
import { builderApi } from './api'
import { isBuilderWorld } from './source'
import { useBuilder } from './store'
import './strings'
import './testHooks'

const Toolbar = lazy(() => import('./Toolbar').then((m) => ({ default: m.Toolbar })))
const WorldSettings = lazy(() =>
  import('./WorldSettings').then((m) => ({ default: m.WorldSettings })),
)
const PoiDialog = lazy(() => import('./PoiDialog').then((m) => ({ default: m.PoiDialog })))
const PlotDialog = lazy(() => import('./PlotDialog').then((m) => ({ default: m.PlotDialog })))
const PortalDialog = lazy(() => import('./PortalDialog').then((m) => ({ default: m.PortalDialog })))
const BuilderSection = lazy(() =>
  import('./BuilderSection').then((m) => ({ default: m.BuilderSection })),
)

export function BuilderButton() {
  const t = useT()
  const canEdit = useBuilder((s) => s.card?.canEdit ?? false)
  const building = useBuilder((s) => s.building)
  if (!canEdit) return null
  return (
    <button
      className={building ? 'btn primary' : 'btn'}
      data-testid="builder-button"
      aria-pressed={building}
      onClick={() => useBuilder.getState().setBuilding(!building)}
    >
      <span aria-hidden="true">✎</span>{' '}
      <span className="label">{t(building ? 'builder.buttonOn' : 'builder.button')}</span>
    </button>
  )
}

/** Keeps the shown builder world's card (who may edit) and hosts the toolbar and settings. */
export function BuilderHost() {
  const worldId = useWorld((s) => s.worldId)
  const ready = useWorld((s) => s.status === 'ready')
  const token = useWallet((s) => s.session?.token)
  const building = useBuilder((s) => s.building)
  const settings = useBuilder((s) => s.settingsOpen)
  const poiDraft = useBuilder((s) => s.poiDraft)
  const portalDraft = useBuilder((s) => s.portalDraft)
  const plotDraft = useBuilder((s) => s.plotDraft)
  const canEdit = useBuilder((s) => s.card?.canEdit ?? false)

  useEffect(() => {
    useBuilder.getState().reset()
    if (!worldId || !isBuilderWorld(worldId)) return
    const ctl = new AbortController()
    builderApi.world(worldId, token, ctl.signal).then(
      (card) => !ctl.signal.aborted && useBuilder.getState().setCard(card),
      () => {},
    )
    return () => ctl.abort()
  }, [worldId, token])

  if (!ready || !canEdit) return null
  return (
    <Suspense fallback={null}>
      {building && <Toolbar />}
      {settings && <WorldSettings />}
      {building && poiDraft && <PoiDialog at={poiDraft} />}
      {building && portalDraft && <PortalDialog at={portalDraft} />}
      {building && plotDraft && <PlotDialog plot={plotDraft} />}
    </Suspense>
  )
}

export function BuilderSectionHost() {
  return (
    <Suspense fallback={null}>
      <BuilderSection />
    </Suspense>
  )
}
