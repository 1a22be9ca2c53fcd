// The host panel's screen section: choose the media (a preset or a video URL), play, pause and
// seek a video, step through slides. The position shown moves on its own, written to the DOM.
import { useEffect, useRef, useState } from 'react'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { current } from './current'
import { MediaUrl, screenPosition, type ScreenMedia } from '../protocol/events'
import { useEvent } from './store'
import { serverNow } from '../net/clock'
import { MEDIA_PRESETS, mediaLabel } from './media'
import { StatusLine, useAction } from './hostAction'

/** Seconds as m:ss or h:mm:ss. */
export function clockText(s: number): string {
  const v = Math.max(0, Math.floor(s))
  const h = Math.floor(v / 3600)
  const m = Math.floor((v % 3600) / 60)
  const sec = String(v % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

export function ScreenControls() {
  const t = useT()
  const screen = useEvent((s) => s.screen)
  const { status, setStatus, run } = useAction()
  const [choice, setChoice] = useState('')
  const [url, setUrl] = useState('')
  const [duration, setDuration] = useState<number | null>(null)
  const slider = useRef<HTMLInputElement>(null)
  const readout = useRef<HTMLSpanElement>(null)
  const dragging = useRef(false)
  const media = screen.media
  const videoUrl = media?.kind === 'video' ? media.url : null

  // The file's length, for the slider: its metadata only.
  useEffect(() => {
    setDuration(null)
    if (!videoUrl) return
    const probe = document.createElement('video')
    probe.preload = 'metadata'
    probe.muted = true
    const done = () => Number.isFinite(probe.duration) && setDuration(probe.duration)
    probe.addEventListener('loadedmetadata', done)
    probe.src = videoUrl
    return () => {
      probe.removeEventListener('loadedmetadata', done)
      probe.removeAttribute('src')
      probe.load()
    }
  }, [videoUrl])

  // The position moves on its own while playing: written to the DOM a few times a second.
  useEffect(() => {
    const tick = () => {
      const s = useEvent.getState().screen
      const pos = screenPosition(s, serverNow())
      if (slider.current && !dragging.current) slider.current.value = String(pos)
      if (readout.current) readout.current.textContent = clockText(pos)
    }
    tick()
    const id = setInterval(tick, 250)
    return () => clearInterval(id)
  }, [screen])

  const load = (m: ScreenMedia) =>
    run(() => current.session?.eventAction('event.screen', { action: 'load', media: m }))
  const loadChoice = () => {
    const preset = MEDIA_PRESETS.find((p) => p.id === choice)
    if (preset) return void load(preset.media)
    const u = url.trim()
    if (!u) return
    if (!MediaUrl.safeParse(u).success) {
      setStatus({ text: t('event.media.bad'), error: true })
      return
    }
    void load({ kind: 'video', url: u })
  }
  const position = () => screenPosition(useEvent.getState().screen, serverNow())
  const slides = media?.kind === 'slides' ? media.urls.length : 0

  return (
    <section className="host-section" aria-labelledby="screen-h">
      <h3 id="screen-h">{t('event.screen')}</h3>
      <p className="events-muted small" data-testid="screen-media">
        {media ? mediaLabel(media) : t('event.media.none')}
      </p>
      <div className="host-row wrap">
        <label className="visually-hidden" htmlFor="media-choice">
          {t('event.media')}
        </label>
        <select
          id="media-choice"
          data-testid="media-choice"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
        >
          <option value="">{t('event.media')}…</option>
          {MEDIA_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.media.kind === 'video' ? t('event.media.video') : t('event.media.slides')} ·{' '}
              {p.label}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="media-url">
          {t('event.media.url')}
        </label>
        <input
          id="media-url"
          data-testid="media-url"
          type="url"
          inputMode="url"
          placeholder={t('event.media.url')}
          value={url}
          onChange={(e) => {
            setUrl(e.target.value)
            if (e.target.value) setChoice('')
          }}
        />
        <button
          className="btn"
          data-testid="media-load"
          disabled={!choice && !url.trim()}
          onClick={loadChoice}
        >
          {t('event.media.load')}
        </button>
      </div>
      {media?.kind === 'video' && (
        <>
          <div className="host-row">
            {screen.playing ? (
              <button
                className="btn"
                data-testid="screen-pause"
                onClick={() =>
                  void run(() =>
                    current.session?.eventAction('event.screen', {
                      action: 'pause',
                      position: position(),
                    }),
                  )
                }
              >
                ❚❚ {t('event.pause')}
              </button>
            ) : (
              <button
                className="btn primary"
                data-testid="screen-play"
                onClick={() =>
                  void run(() =>
                    current.session?.eventAction('event.screen', {
                      action: 'play',
                      position: position(),
                    }),
                  )
                }
              >
                ▶ {t('event.play')}
              </button>
            )}
            <span ref={readout} className="screen-time" aria-hidden="true" />
          </div>
          <label className="seek">
            <span className="visually-hidden">{t('event.seek')}</span>
            <input
              ref={slider}
              type="range"
              data-testid="screen-seek"
              min={0}
              max={duration ?? Math.max(60, Math.ceil(position() + 60))}
              step={0.5}
              defaultValue={0}
              onPointerDown={() => (dragging.current = true)}
              onPointerUp={() => (dragging.current = false)}
              onBlur={() => (dragging.current = false)}
              onChange={(e) => {
                const p = Number(e.target.value)
                void run(() =>
                  current.session?.eventAction('event.screen', { action: 'seek', position: p }),
                )
              }}
            />
          </label>
        </>
      )}
      {slides > 0 && (
        <div className="host-row">
          <button
            className="btn"
            data-testid="slide-prev"
            disabled={screen.slide <= 0}
            onClick={() =>
              void run(() =>
                current.session?.eventAction('event.screen', {
                  action: 'slide',
                  slide: screen.slide - 1,
                }),
              )
            }
          >
            ◀ <span className="visually-hidden">{t('event.prev')}</span>
          </button>
          <span aria-live="polite">
            {fill(t('event.slideOf'), { n: screen.slide + 1, total: slides })}
          </span>
          <button
            className="btn"
            data-testid="slide-next"
            disabled={screen.slide >= slides - 1}
            onClick={() =>
              void run(() =>
                current.session?.eventAction('event.screen', {
                  action: 'slide',
                  slide: screen.slide + 1,
                }),
              )
            }
          >
            ▶ <span className="visually-hidden">{t('event.next')}</span>
          </button>
        </div>
      )}
      <StatusLine status={status} testId="screen-status" />
    </section>
  )
}
