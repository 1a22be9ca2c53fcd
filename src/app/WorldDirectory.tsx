// The start screen: every world in the catalogue as a card (bilingual name, style, a thumbnail
// the project rendered itself); Enter or click opens it. Below: the features' sections (live and
// upcoming events).
import { useEffect, useState } from 'react'
import type { CatalogEntry } from '../protocol/scene'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { loadCatalog } from '../world/loadScene'
import { features } from './features'
import { other, pick, useT } from '../i18n'
import { openWorld } from './router'

export function WorldDirectory() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const [worlds, setWorlds] = useState<CatalogEntry[] | null>(null)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    const ctl = new AbortController()
    loadCatalog(ctl.signal).then(setWorlds, () => !ctl.signal.aborted && setFailed(true))
    return () => ctl.abort()
  }, [])

  return (
    <main className="directory" aria-labelledby="directory-title">
      <header>
        <div className="masthead">
          <h1 id="directory-title">苍穹 Cangqiong</h1>
          <p className="tagline">{t('app.tagline')}</p>
        </div>
        <button
          className="btn icon-btn"
          aria-label={t('hud.settings')}
          onClick={() => useUi.getState().openPanel('settings')}
        >
          ⚙
        </button>
      </header>
      <h2>{t('directory.heading')}</h2>
      {failed && <p role="alert">{t('directory.failed')}</p>}
      {!worlds && !failed && <p aria-live="polite">{t('directory.loading')}</p>}
      <div className="world-grid">
        {worlds?.map((w) => (
          // The card is an article whose one control is the world's name (a screen reader
          // hears the name, then the rest as the card's text); the name's button covers the
          // whole card, so a click anywhere on it enters.
          <article key={w.id} className="world-card">
            {w.thumbnail ? (
              <img
                className={`thumb ${w.style === 'voxel' ? 'pixel' : ''}`}
                src={w.thumbnail}
                alt=""
                loading="lazy"
              />
            ) : (
              <div className="thumb-fallback" aria-hidden>
                {w.style === 'voxel' ? '▦' : '⛰'}
              </div>
            )}
            <div className="body">
              <h3 className="name">
                <button className="card-link" data-world={w.id} onClick={() => openWorld(w.id)}>
                  {pick(w.name, lang)}
                </button>
              </h3>
              <span className="sub" lang={lang === 'en' ? 'zh-CN' : 'en'}>
                {other(w.name, lang)}
              </span>
              <div className="badges">
                <span className={`badge ${w.style}`}>{t(`style.${w.style}`)}</span>
                <span className="badge">{t(`kind.${w.kind}`)}</span>
              </div>
              <p className="summary">{pick(w.summary, lang)}</p>
            </div>
          </article>
        ))}
      </div>
      {features.map((f) => {
        const Section = f.hud?.directory
        return Section ? <Section key={f.name} /> : null
      })}
    </main>
  )
}
