// The bilingual card of a scenic spot or landmark. Opened by walking up (does not take focus,
// so walking continues) or by a click or the places list (focus moves to it); Escape closes.
import { useEffect, useRef, useState } from 'react'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useWallet } from '../wallet/store'
import { other, pick, useT } from '../i18n'

const closeCard = () => useWorld.getState().closeCard()

/**
 * The address an <img> can show `src` from. A builder world's pictures come from its API, which
 * shows a draft's only to its builders: with a sign-in they are fetched with it (an <img> sends
 * no Authorization header) and shown from a blob URL.
 */
function usePicture(src: string | undefined): string | undefined {
  const token = useWallet((s) => s.session?.token)
  const authed = !!src && !!token && src.startsWith('/api/builder/')
  const [url, setUrl] = useState<string | undefined>(undefined)
  useEffect(() => {
    if (!authed) return
    const ctl = new AbortController()
    let made: string | undefined
    fetch(src, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(
        (blob) => setUrl((made = URL.createObjectURL(blob))),
        () => setUrl(undefined),
      )
    return () => {
      ctl.abort()
      if (made) URL.revokeObjectURL(made)
      setUrl(undefined)
    }
  }, [authed, src, token])
  return authed ? url : src
}

export function InfoCard() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const openPoi = useWorld((s) => s.openPoi)
  const poi = useWorld((s) => s.scene?.pois.find((p) => p.id === s.openPoi))
  const via = useWorld((s) => s.cardVia)
  const closeRef = useRef<HTMLButtonElement>(null)
  const picture = usePicture(poi?.picture)

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
      {picture && (
        <img
          className="card-picture"
          src={picture}
          alt={pick(poi.title, lang)}
          data-testid="info-card-picture"
        />
      )}
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
