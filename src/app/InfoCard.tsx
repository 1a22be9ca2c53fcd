// The bilingual card of a scenic spot or landmark. Opened by walking up (does not take focus,
// so walking continues) or by a click or the places list (focus moves to it); Escape closes.
import { useEffect, useRef } from 'react'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { other, pick, useT } from '../i18n'

const closeCard = () => useWorld.getState().closeCard()

export function InfoCard() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const openPoi = useWorld((s) => s.openPoi)
  const poi = useWorld((s) => s.scene?.pois.find((p) => p.id === s.openPoi))
  const via = useWorld((s) => s.cardVia)
  const closeRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (openPoi && via === 'click') closeRef.current?.focus()
  }, [openPoi, via])

  useEffect(() => {
    if (!openPoi) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeCard()
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [openPoi])

  if (!poi) return null
  return (
    <section
      className="info-card"
      role="dialog"
      aria-labelledby="card-title"
      aria-live="polite"
      data-testid="info-card"
      data-poi={poi.id}
    >
      <span className="badge">{t(`poi.${poi.kind}`)}</span>
      <h2 id="card-title">{pick(poi.title, lang)}</h2>
      <div className="sub">{other(poi.title, lang)}</div>
      <p>{pick(poi.body, lang)}</p>
      <button
        ref={closeRef}
        className="btn icon-btn close"
        aria-label={t('card.close')}
        onClick={closeCard}
      >
        ✕
      </button>
    </section>
  )
}
