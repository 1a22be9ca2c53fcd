// The tours' HUD: the world's tours at the top of its places list, and the panel of the tour
// being taken: the stop, its narration (always as text; read aloud when the visitor turns that
// on and the device has a voice for the language), its pictures, previous / next, "walk me
// there" (click-to-move towards the stop) and, at the end, the tour completed.
import { useEffect, useState } from 'react'
import { fill } from '../app/format'
import { pick, useT } from '../i18n'
import { input, setTarget } from '../avatar/input'
import { localMotion } from '../state/player'
import { useNet } from '../state/net'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import type { TourStop } from '../protocol/scene'
import { speak, stopSpeaking, voiceFor } from './speech'
import { useTour } from './state'
import './strings'
import './tours.css'

/** The world's tours, first in its places list. */
export function ToursSection() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const tours = useWorld((s) => s.scene?.tours ?? [])
  const groups = useTour((s) => s.groups)
  const self = useNet((s) => s.sessionId)
  if (tours.length === 0) return null
  const others = [...groups.values()].filter((g) => g.guide !== self)
  return (
    <div className="tours-section" data-testid="tours-section">
      {others.length > 0 && <h2 className="tours-heading">{t('tour.groups')}</h2>}
      {others.map((g) => {
        const tour = tours.find((x) => x.id === g.tour)
        if (!tour) return null
        return (
          <button
            key={g.guide}
            data-testid="tour-follow"
            onClick={() => {
              useUi.getState().closePanel('places')
              useTour.getState().follow(g.guide, tours)
            }}
          >
            <span aria-hidden="true">🚩</span>{' '}
            {fill(t('tour.follow'), { name: g.name, title: pick(tour.title, lang) })}
          </button>
        )
      })}
      <h2 className="tours-heading">{t('tour.section')}</h2>
      {tours.map((tour) => (
        <button
          key={tour.id}
          data-testid="tour-start"
          onClick={() => {
            useUi.getState().closePanel('places')
            useTour.getState().start(tour)
          }}
        >
          <span aria-hidden="true">🧭</span> {pick(tour.title, lang)}{' '}
          <small style={{ opacity: 0.7 }}>
            · {fill(t('tour.stops'), { n: tour.stops.length })}
          </small>
        </button>
      ))}
    </div>
  )
}

/** Metres from the visitor to the stop, looked at twice a second. */
function useDistance(stop: TourStop | undefined): number | null {
  const [d, setD] = useState<number | null>(null)
  useEffect(() => {
    if (!stop) return
    const look = () =>
      setD(
        Math.round(Math.hypot(localMotion.x - stop.position[0], localMotion.z - stop.position[2])),
      )
    look()
    const timer = setInterval(look, 500)
    return () => clearInterval(timer)
  }, [stop])
  return d
}

export function TourPanel() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const {
    tour,
    stop,
    here,
    done,
    speak: reading,
    leading,
    following,
    guideGone,
    groups,
  } = useTour()
  const online = useNet((s) => s.status === 'online')
  const signedIn = useNet((s) => s.address !== null)
  const guide = following ? groups.get(following) : undefined
  // The places and people lists open where the panel stands: it steps aside while they are open.
  const covered = useUi((s) => s.placesOpen || s.peopleOpen)
  const current = tour?.stops[stop]
  const distance = useDistance(current)
  const [voiceless, setVoiceless] = useState(false)

  // Arriving reads the stop aloud, when the visitor asked for that.
  useEffect(() => {
    if (!here || !reading || !current) return
    setVoiceless(!speak(`${pick(current.title, lang)}。${pick(current.narration, lang)}`, lang))
  }, [here, reading, current, lang])
  useEffect(() => () => stopSpeaking(), [])

  if (!tour || !current || covered) return null
  const last = stop === tour.stops.length - 1
  const close = () => {
    stopSpeaking()
    useTour.getState().end()
  }
  if (done) {
    return (
      <section className="tour-panel" aria-label={t('tour.panel')} data-testid="tour-panel">
        <div role="status">
          <h2>{fill(t('tour.done'), { title: pick(tour.title, lang) })}</h2>
          <p>{fill(t('tour.doneBody'), { m: tour.stops.length })}</p>
        </div>
        <div className="tour-actions">
          <button className="btn" onClick={() => useTour.getState().start(tour)}>
            {t('tour.again')}
          </button>
          <button className="btn primary" data-testid="tour-close" onClick={close}>
            {t('tour.close')}
          </button>
        </div>
      </section>
    )
  }
  return (
    <section className="tour-panel" aria-label={t('tour.panel')} data-testid="tour-panel">
      <header className="tour-head">
        <small>
          {pick(tour.title, lang)} ·{' '}
          <span data-testid="tour-progress">
            {fill(t('tour.stopOf'), { n: stop + 1, m: tour.stops.length })}
          </span>
        </small>
        <button className="tour-x" aria-label={t('tour.end')} onClick={close}>
          ✕
        </button>
      </header>
      {guide && (
        <p className="tour-group" data-testid="tour-following">
          🚩 {fill(t('tour.following'), { name: guide.name })}
        </p>
      )}
      {leading && (
        <p className="tour-group" data-testid="tour-leading">
          🚩 {t('tour.leading')}
        </p>
      )}
      {guideGone && <p className="tour-group">{t('tour.guideGone')}</p>}
      <h2 data-testid="tour-stop-title">{pick(current.title, lang)}</h2>
      <p className="tour-where" role="status" data-testid="tour-where">
        {here ? t('tour.here') : distance !== null && fill(t('tour.away'), { d: distance })}
      </p>
      <p className="tour-narration" data-testid="tour-narration">
        {pick(current.narration, lang)}
      </p>
      {current.pictures.map((src) => (
        <img key={src} className="tour-picture" src={src} alt="" />
      ))}
      <div className="tour-actions">
        {!following && (
          <button
            className="btn"
            disabled={stop === 0}
            onClick={() => useTour.getState().go(stop - 1)}
          >
            ← {t('tour.previous')}
          </button>
        )}
        {!here && (
          <button
            className="btn"
            data-testid="tour-walk"
            onClick={() =>
              setTarget(input, current.position[0], current.position[1], current.position[2])
            }
          >
            {following ? t('tour.followWalk') : t('tour.walk')}
          </button>
        )}
        {following ? (
          <button className="btn" onClick={() => useTour.getState().follow(null)}>
            {t('tour.unfollow')}
          </button>
        ) : (
          <button
            className="btn primary"
            data-testid="tour-next"
            onClick={() => (last ? useTour.getState().finish() : useTour.getState().go(stop + 1))}
          >
            {last ? t('tour.finish') : `${t('tour.next')} →`}
          </button>
        )}
      </div>
      {online && !following && (
        <div className="tour-actions">
          {leading ? (
            <button className="btn" onClick={() => useTour.getState().lead(false)}>
              {t('tour.stopLeading')}
            </button>
          ) : signedIn ? (
            <button
              className="btn"
              data-testid="tour-lead"
              onClick={() => useTour.getState().lead(true)}
            >
              🚩 {t('tour.lead')}
            </button>
          ) : (
            <p className="tour-note">{t('tour.leadSignIn')}</p>
          )}
        </div>
      )}
      <label className="tour-speak">
        <input
          type="checkbox"
          checked={reading}
          onChange={(e) => {
            useTour.getState().setSpeak(e.target.checked)
            if (!e.target.checked) stopSpeaking()
            else setVoiceless(voiceFor(lang) === null)
          }}
        />{' '}
        {t('tour.speak')}
      </label>
      {reading && voiceless && <p className="tour-note">{t('tour.noVoice')}</p>}
    </section>
  )
}
