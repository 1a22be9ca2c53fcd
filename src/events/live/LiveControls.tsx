// The host panel's live stage sections: going live (host and performers: camera, screen share
// or no video, microphone on or off; "On air" with a timer, a preview and Stop; why it failed
// or ended), the host's one control for what the screen shows (file | live) and the stage's
// level; and the HUD's line that says who is on stage. The timer is written to the DOM.
import { useEffect, useRef, useState } from 'react'
import { fill } from '../../app/format'
import { useT } from '../../i18n'
import { LIVE_VIDEO, STAGE, type LiveVideo } from '../../protocol/stage'
import { serverNow } from '../../net/clock'
import { clockText } from '../HostScreen'
import { stageCurrent } from './current'
import { isPublishing, useLive } from './store'
import { onAir } from './wire'

/** A reason is a string key of ours or the server's own words. */
function useWhy() {
  const t = useT()
  return (why: string | null) => (why ? (why.startsWith('stage.') ? t(why) : why) : '')
}

export function GoLive() {
  const t = useT()
  const why = useWhy()
  const publish = useLive((s) => s.publish)
  const live = useLive((s) => s.live)
  const [video, setVideo] = useState<LiveVideo>('camera')
  const [audio, setAudio] = useState(true)
  const busy = isPublishing(publish)
  const other = !busy && live.by ? live.by.name || live.by.address : null
  return (
    <section className="host-section" aria-labelledby="stage-live-h" data-testid="stage-live">
      <h3 id="stage-live-h">{t('stage.title')}</h3>
      {!busy ? (
        <>
          <div className="host-row wrap" role="radiogroup" aria-label={t('stage.video')}>
            {LIVE_VIDEO.map((v) => (
              <label key={v} className="stage-choice">
                <input
                  type="radio"
                  name="stage-video"
                  value={v}
                  data-testid={`stage-video-${v}`}
                  checked={video === v}
                  onChange={() => setVideo(v)}
                />{' '}
                {t(`stage.video.${v}`)}
              </label>
            ))}
            <label className="stage-choice">
              <input
                type="checkbox"
                data-testid="stage-mic"
                checked={audio}
                onChange={(e) => setAudio(e.target.checked)}
              />{' '}
              {t('stage.mic')}
            </label>
          </div>
          <div className="host-row">
            <button
              className="btn primary"
              data-testid="stage-golive"
              disabled={!audio && video === 'none'}
              onClick={() => stageCurrent.session?.goLive(audio, video)}
            >
              ● {t('stage.goLive')}
            </button>
            {other && (
              <button
                className="btn danger"
                data-testid="stage-stop-other"
                onClick={() => stageCurrent.session?.stop()}
              >
                {fill(t('stage.stopOther'), { name: other })}
              </button>
            )}
          </div>
        </>
      ) : (
        <OnAir />
      )}
      <p
        className={`small ${publish.why ? 'events-error-text' : 'events-muted'}`}
        role={publish.why ? 'alert' : 'status'}
        data-testid="stage-publish-status"
      >
        {publish.phase === 'asking' && t('stage.asking')}
        {publish.phase === 'connecting' && t('stage.connecting')}
        {publish.phase === 'failed' && fill(t('stage.failed'), { why: why(publish.why) })}
        {publish.phase === 'off' &&
          publish.why &&
          fill(t('stage.endedWhy'), { why: why(publish.why) })}
      </p>
    </section>
  )
}

function OnAir() {
  const t = useT()
  const phase = useLive((s) => s.publish.phase)
  const preview = useLive((s) => s.preview)
  const video = useRef<HTMLVideoElement>(null)
  const timer = useRef<HTMLSpanElement>(null)

  useEffect(() => {
    const v = video.current
    if (!v) return
    v.srcObject = preview
    if (preview) v.play().catch(() => {})
  }, [preview])

  useEffect(() => {
    const tick = () => {
      const s = useLive.getState()
      const start =
        s.live.on && s.live.since > 0
          ? s.live.since
          : s.publish.since > 0
            ? s.publish.since + (serverNow() - Date.now())
            : 0
      if (timer.current)
        timer.current.textContent = start ? clockText((serverNow() - start) / 1000) : ''
    }
    tick()
    const id = setInterval(tick, 500)
    return () => clearInterval(id)
  }, [])

  return (
    <>
      <div className="host-row">
        {phase === 'live' && (
          <span className="live-badge" data-testid="stage-on-air">
            {t('stage.onAir')} <span ref={timer} className="screen-time" />
          </span>
        )}
        <button
          className="btn danger"
          data-testid="stage-stop"
          onClick={() => stageCurrent.session?.stop()}
        >
          ■ {t('stage.stop')}
        </button>
      </div>
      {preview && preview.getVideoTracks().length > 0 && (
        <video
          ref={video}
          className="stage-preview"
          data-testid="stage-preview"
          aria-label={t('stage.preview')}
          muted
          playsInline
          autoPlay
        />
      )}
    </>
  )
}

/** Host: what the screen shows, and the stage's level against the crowd's voices. */
export function StageScreenControls() {
  const t = useT()
  const source = useLive((s) => s.live.source)
  const levelDb = useLive((s) => s.live.levelDb)
  const [level, setLevel] = useState<number | null>(null)
  const shown = level ?? levelDb
  return (
    <section className="host-section" aria-labelledby="stage-source-h">
      <h3 id="stage-source-h">{t('stage.source')}</h3>
      <div className="host-row" role="radiogroup" aria-label={t('stage.source')}>
        {(['file', 'live'] as const).map((s) => (
          <button
            key={s}
            role="radio"
            aria-checked={source === s}
            className={`btn${source === s ? ' primary' : ''}`}
            data-testid={`stage-source-${s}`}
            onClick={() => stageCurrent.session?.setSource(s)}
          >
            {t(`stage.source.${s}`)}
          </button>
        ))}
      </div>
      <label className="seek">
        <span>
          {t('stage.level')} {shown > 0 ? `+${shown}` : shown} dB
        </span>
        <input
          type="range"
          data-testid="stage-level"
          min={STAGE.levelDb.min}
          max={STAGE.levelDb.max}
          step={1}
          value={shown}
          onChange={(e) => {
            const db = Number(e.target.value)
            setLevel(db)
            stageCurrent.session?.setLevel(db)
          }}
          onPointerUp={() => setLevel(null)}
          onBlur={() => setLevel(null)}
        />
      </label>
    </section>
  )
}

/** Everybody's HUD: who is on stage while someone is, and this visitor's watching trouble. */
export function OnStageLine() {
  const t = useT()
  const why = useWhy()
  const live = useLive((s) => s.live)
  const watch = useLive((s) => s.watch)
  const who = onAir(live)
  if (!who) return null
  return (
    <span
      className="event-bar-stage"
      data-testid="stage-on"
      aria-live="polite"
      title={fill(t('stage.onStage'), { name: who.name })}
    >
      <span className="live-dot" aria-hidden="true">
        ●
      </span>{' '}
      {/* Narrow bars clip the label, not the name (events.css); screen readers read both. */}
      <span className="event-bar-stage-label">{t('stage.onStageLabel')}</span>
      {who.name}
      {watch.phase === 'watching' && <> · {t('stage.watch.connecting')}</>}
      {watch.phase === 'failed' && (
        <span className="events-error-text" data-testid="stage-watch-failed">
          {' '}
          · {fill(t('stage.watch.failed'), { why: why(watch.why) })}
        </span>
      )}
    </span>
  )
}
