// Real loading progress: the world file's bytes, then the world's own build steps.
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { pick, useT } from '../i18n'

export function LoadingScreen() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const status = useWorld((s) => s.status)
  const loading = useWorld((s) => s.loading)
  const name = useWorld((s) => s.scene?.name)
  if (status !== 'loading') return null
  const pct = Math.round(loading.progress * 100)
  return (
    <main
      className="loading"
      data-testid="loading"
      aria-busy="true"
      aria-labelledby="loading-title"
    >
      <div className="box">
        <h2 id="loading-title">{name ? pick(name, lang) : '苍穹 Cangqiong'}</h2>
        <p className="sub">{t('app.tagline')}</p>
        <div
          className="bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={t(loading.label)}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="label" aria-live="polite">
          {t(loading.label)} · {pct}%
        </div>
      </div>
    </main>
  )
}
