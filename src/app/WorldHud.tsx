// The in-world HUD: world name, back to the directory, the places list (keyboard access to
// every info card), settings, a controls hint and the minimap, and the registered features'
// buttons and panels (spaces, events, the wallet: src/app/features.ts).
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import { other, pick, useT } from '../i18n'
import { Minimap } from './Minimap'
import { ChatPanel, EmoteBar, NetChip, PeoplePanel, RestartNotice } from './Social'
import { openWorld } from './router'
import { useDialog } from './useDialog'
import { features, topBarButtons } from './features'

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

export function WorldHud() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const scene = useWorld((s) => s.scene)
  const status = useWorld((s) => s.status)
  if (!scene || status !== 'ready') return null
  return (
    <>
      <div className="hud-top">
        <button className="btn" onClick={() => openWorld(null)} aria-label={t('hud.worlds')}>
          ← <span className="label">{t('hud.worlds')}</span>
        </button>
        <div className="hud-title" data-testid="world-title">
          {pick(scene.name, lang)}
          <small>{other(scene.name, lang)}</small>
        </div>
        <div className="hud-spacer" />
        <NetChip />
        <button
          className="btn"
          aria-label={t('poi.scenic')}
          aria-expanded={useUi.getState().placesOpen}
          onClick={() => useUi.getState().togglePanel('places')}
        >
          ☰ <span className="label">{t('poi.scenic')}</span>
        </button>
        {topBarButtons.map(({ Component }, i) => (
          <Component key={i} />
        ))}
        <button
          className="btn icon-btn"
          aria-label={t('hud.settings')}
          onClick={() => useUi.getState().openPanel('settings')}
        >
          ⚙
        </button>
      </div>
      <RestartNotice />
      <Places />
      <PeoplePanel />
      <ChatPanel />
      <EmoteBar />
      <div className="hud-help">{t('hud.help')}</div>
      <Minimap />
      {features.flatMap((f) =>
        (f.hud?.panels ?? []).map((Panel, i) => <Panel key={`${f.name}-${i}`} />),
      )}
    </>
  )
}
