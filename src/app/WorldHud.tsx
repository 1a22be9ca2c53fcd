// The in-world HUD: world name, back to the directory, the places list (keyboard access to
// every info card), settings, a controls hint and the minimap, and the registered features'
// buttons and panels (spaces, events, the wallet: src/app/features.ts).
import { lazy, Suspense } from 'react'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import { other, pick, useT } from '../i18n'
import { Minimap } from './Minimap'
import { ChatPanel, EmoteBar, NetChip, PeoplePanel, RestartNotice } from './Social'
import { openWorld } from './router'
import { useDialog } from './useDialog'
import { features, placesSections, topBarButtons } from './features'
import { HudBar } from './HudBar'
import { ControlsHint } from './ControlsHint'
import { Announcer } from './Announcer'

function Places() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const pois = useWorld((s) => s.scene?.pois ?? [])
  const open = useUi((s) => s.placesOpen)
  const close = () => useUi.getState().closePanel('places')
  const ref = useDialog<HTMLElement>(open, close)
  if (!open) return null
  return (
    <nav ref={ref} className="places" aria-label={t('poi.scenic')} data-testid="places">
      {placesSections.map((Section, i) => (
        <Section key={i} />
      ))}
      {pois.map((p) => (
        <button
          key={p.id}
          onClick={() => {
            useUi.getState().closePanel('places')
            useWorld.getState().openCard(p.id, 'click')
          }}
        >
          {pick(p.title, lang)} <small style={{ opacity: 0.7 }}>· {t(`poi.${p.kind}`)}</small>
        </button>
      ))}
    </nav>
  )
}

function PlacesButton() {
  const t = useT()
  const open = useUi((s) => s.placesOpen)
  return (
    <button
      className="btn"
      aria-expanded={open}
      onClick={() => useUi.getState().togglePanel('places')}
    >
      <span aria-hidden="true">☰</span> <span className="label">{t('poi.scenic')}</span>
    </button>
  )
}

const AvatarEditor = lazy(() => import('./AvatarEditor'))

function AvatarButton() {
  const t = useT()
  return (
    <button
      className="btn"
      aria-haspopup="dialog"
      data-testid="avatar-button"
      onClick={() => useUi.getState().openPanel('avatar', 'more')}
    >
      <span aria-hidden="true">☺</span> <span className="label">{t('avatar.button')}</span>
    </button>
  )
}

/** The editor's chunk (its preview has a renderer of its own) loads when it is first opened. */
function AvatarPanel() {
  const open = useUi((s) => s.avatarOpen)
  if (!open) return null
  return (
    <Suspense fallback={null}>
      <AvatarEditor />
    </Suspense>
  )
}

function SettingsButton() {
  const t = useT()
  return (
    <button
      className="btn settings-btn"
      aria-haspopup="dialog"
      onClick={() => useUi.getState().openPanel('settings', 'more')}
    >
      <span aria-hidden="true">⚙</span> <span className="label">{t('hud.settings')}</span>
    </button>
  )
}

export function WorldHud() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const scene = useWorld((s) => s.scene)
  const status = useWorld((s) => s.status)
  if (!scene || status !== 'ready') return null
  return (
    <>
      <HudBar
        start={
          <>
            <button className="btn" onClick={() => openWorld(null)} aria-label={t('hud.worlds')}>
              ← <span className="label">{t('hud.worlds')}</span>
            </button>
            <div className="hud-title" data-testid="world-title">
              {pick(scene.name, lang)}
              <small lang={lang === 'en' ? 'zh-CN' : 'en'}>{other(scene.name, lang)}</small>
            </div>
            <NetChip />
          </>
        }
        items={[
          { key: 'places', stays: 0, node: <PlacesButton /> },
          ...topBarButtons.map(({ name, stays, Component }) => ({
            key: name,
            stays: stays ?? 1,
            node: <Component />,
          })),
          { key: 'avatar', stays: 1, node: <AvatarButton /> },
          { key: 'settings', stays: 2, node: <SettingsButton /> },
        ]}
      />
      <RestartNotice />
      <Places />
      <PeoplePanel />
      <AvatarPanel />
      <ChatPanel />
      <EmoteBar />
      <ControlsHint />
      <Announcer />
      <Minimap />
      {features.flatMap((f) =>
        (f.hud?.panels ?? []).map((Panel, i) => <Panel key={`${f.name}-${i}`} />),
      )}
    </>
  )
}
