// The voice panel (lazy chunk): join or leave, mute, push-to-talk, and the people in voice with
// a volume slider and a block button each (kept per browser); plus push-to-talk itself while in
// voice: hold T (not while typing), or hold the on-screen button on a touch screen.
import { useEffect } from 'react'
import { useNet } from '../state/net'
import { useUi } from '../state/ui'
import { focusOwnsKey } from '../avatar/input'
import { fill } from '../app/format'
import { useDialog } from '../app/useDialog'
import { useT } from '../i18n'
import { current } from './current'
import { VOLUME_MAX, useVoice } from './store'
import './voice.css'

/** The push-to-talk key (V already switches to first person). */
export const TALK_KEY = 'KeyT'

function People() {
  const t = useT()
  const seats = useVoice((s) => s.seats)
  const volumes = useVoice((s) => s.volumes)
  const blocked = useVoice((s) => s.blocked)
  const speaking = useVoice((s) => s.speaking)
  const subscribed = useVoice((s) => s.subscribed)
  const people = useNet((s) => s.people)
  const self = useNet((s) => s.sessionId)
  const names = new Map(people.map((p) => [p.id, p.name]))
  const ids = Object.keys(seats)
    .filter((id) => id !== self)
    .sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b))
  if (ids.length === 0) return <p className="voice-note">{t('voice.nobody')}</p>
  return (
    <ul className="voice-people" data-testid="voice-people">
      {ids.map((id) => {
        const name = names.get(id) ?? '…'
        const isBlocked = blocked[id] === true
        const marks = [
          seats[id]!.muted && t('voice.muted'),
          speaking.includes(id) && t('voice.speaking'),
          subscribed.includes(id) && t('voice.heard'),
        ].filter(Boolean)
        return (
          <li key={id} data-session={id}>
            <div className="voice-who">
              <span className={speaking.includes(id) ? 'voice-dot on' : 'voice-dot'} />
              {name}
              {marks.length > 0 && <small> · {marks.join(' · ')}</small>}
            </div>
            <div className="voice-row">
              <input
                type="range"
                min={0}
                max={VOLUME_MAX}
                step={0.05}
                value={volumes[id] ?? 1}
                disabled={isBlocked}
                aria-label={fill(t('voice.volume'), { name })}
                onChange={(e) => useVoice.getState().setVolume(id, Number(e.target.value))}
              />
              <button
                className="btn"
                aria-pressed={isBlocked}
                aria-label={fill(t(isBlocked ? 'voice.unblockLabel' : 'voice.blockLabel'), {
                  name,
                })}
                onClick={() => useVoice.getState().setBlocked(id, !isBlocked)}
              >
                {t(isBlocked ? 'voice.unblock' : 'voice.block')}
              </button>
            </div>
          </li>
        )
      })}
    </ul>
  )
}

export function VoicePanel() {
  const t = useT()
  const status = useVoice((s) => s.status)
  const message = useVoice((s) => s.message)
  const muted = useVoice((s) => s.muted)
  const mutedUntil = useVoice((s) => s.mutedUntil)
  const pushToTalk = useVoice((s) => s.pushToTalk)
  const online = useNet((s) => s.status === 'online')
  const close = () => useVoice.getState().closePanel()
  const ref = useDialog<HTMLElement>(true, close)
  // Another list opened where this panel stands: it gives way.
  const other = useUi((s) => s.peopleOpen || s.placesOpen || s.eventsOpen || s.spacesOpen)
  useEffect(() => {
    if (other) useVoice.getState().closePanel()
  }, [other])
  const modMuted = mutedUntil > Date.now()
  return (
    <section
      ref={ref}
      className="places voice-panel"
      aria-label={t('voice.title')}
      data-testid="voice-panel"
      data-status={status}
    >
      <header>
        <h3>{t('voice.title')}</h3>
        <button className="btn icon-btn" aria-label={t('voice.close')} onClick={close}>
          ✕
        </button>
      </header>
      {message && (
        <p className="voice-note" role={status === 'error' ? 'alert' : 'status'}>
          {t(message)}
        </p>
      )}
      {(status === 'idle' || status === 'error') &&
        (online ? (
          <button className="btn primary" onClick={() => current.session?.join()}>
            {t('voice.join')}
          </button>
        ) : (
          <p className="voice-note">{t('voice.offline')}</p>
        ))}
      {status === 'joining' && <p className="voice-note">{t('voice.joining')}</p>}
      {status === 'live' && (
        <>
          <div className="voice-row">
            <button
              className="btn"
              data-testid="voice-mute"
              aria-pressed={muted}
              onClick={() => current.session?.setMuted(!muted)}
            >
              {t(muted ? 'voice.unmute' : 'voice.mute')}
            </button>
            <button
              className="btn"
              data-testid="voice-leave"
              onClick={() => current.session?.leave()}
            >
              {t('voice.leave')}
            </button>
          </div>
          <label className="voice-check">
            <input
              type="checkbox"
              checked={pushToTalk}
              onChange={(e) => useVoice.getState().setPushToTalk(e.target.checked)}
            />{' '}
            {t('voice.ptt')}
          </label>
          {modMuted && (
            <p className="voice-note" role="status">
              {fill(t('voice.modMuted'), { time: new Date(mutedUntil).toLocaleTimeString() })}
            </p>
          )}
        </>
      )}
      {status !== 'off' && (
        <>
          <h4>{t('voice.people')}</h4>
          <People />
        </>
      )}
    </section>
  )
}

/** Push-to-talk while in voice: the T key, and a hold button when push-to-talk is on. */
export function VoiceControls() {
  const t = useT()
  const pushToTalk = useVoice((s) => s.pushToTalk)
  const talking = useVoice((s) => s.talking)
  useEffect(() => {
    if (!pushToTalk) return
    const talk = (down: boolean) => current.session?.talk(down)
    const onDown = (e: KeyboardEvent) => {
      if (e.code !== TALK_KEY || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return
      if (focusOwnsKey(document.activeElement, e.code)) return
      talk(true)
    }
    const onUp = (e: KeyboardEvent) => {
      if (e.code === TALK_KEY) talk(false)
    }
    const release = () => talk(false)
    window.addEventListener('keydown', onDown)
    window.addEventListener('keyup', onUp)
    window.addEventListener('blur', release)
    return () => {
      window.removeEventListener('keydown', onDown)
      window.removeEventListener('keyup', onUp)
      window.removeEventListener('blur', release)
      release()
    }
  }, [pushToTalk])
  if (!pushToTalk) return null
  const hold = (down: boolean) => current.session?.talk(down)
  return (
    <button
      className={talking ? 'btn voice-hold on' : 'btn voice-hold'}
      data-testid="voice-hold"
      aria-pressed={talking}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId)
        hold(true)
      }}
      onPointerUp={() => hold(false)}
      onPointerCancel={() => hold(false)}
      onKeyDown={(e) => {
        if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) hold(true)
      }}
      onKeyUp={(e) => {
        if (e.key === ' ' || e.key === 'Enter') hold(false)
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      ● {t('voice.hold')}
    </button>
  )
}
