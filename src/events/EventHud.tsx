// The in-event HUD: the event's title, LIVE badge and attendance over every room; the reactions
// bar and the raised hand; notices (called on, muted); the host's and moderators' controls; and
// what the visitor sees when the server removed them. A lazy chunk, loaded when attending.
import { useEffect, useState, type ReactNode } from 'react'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { useDialog } from '../app/useDialog'
import { openWorld } from '../app/router'
import { announce } from '../app/announce'
import { current } from './current'
import { CAN, REACTIONS, type Reaction } from '../protocol/events'
import { useEvent } from './store'
import { useSettings } from '../state/settings'
import { forgetEvent } from './link'
import { eventTitle, formatCount } from './list'
import { HostPanel } from './HostPanel'
import './strings'
import './events.css'
import { AnnouncementBanner, TapForSound } from './StageOverlays'
import { OnStageLine } from './live/LiveControls'

/** Drawn, not emoji: a page without an emoji font would show empty boxes. */
const REACTION_ICON: Record<Reaction, ReactNode> = {
  applause: (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <g fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
        <path d="M8 21c-2.5-2-4-4.5-4-7.5V9.5a1.5 1.5 0 0 1 3 0V12" />
        <path d="M7 12V6.5a1.5 1.5 0 0 1 3 0V11m0-3.5V5a1.5 1.5 0 0 1 3 0v6m0-4.5a1.5 1.5 0 0 1 3 0V14c0 4-2.5 7-6 7" />
        <path d="M18 4l1.5-1.5M20 7h2M16.5 2.5V1" />
      </g>
    </svg>
  ),
  hearts: (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path
        d="M12 20.5s-7.5-4.6-7.5-10A4.3 4.3 0 0 1 12 7.6a4.3 4.3 0 0 1 7.5 2.9c0 5.4-7.5 10-7.5 10Z"
        fill="#ff5d73"
      />
    </svg>
  ),
  fireworks: (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <g stroke="#ffd166" strokeWidth="1.8" strokeLinecap="round">
        <path d="M12 2v4M12 18v4M2 12h4M18 12h4M4.9 4.9l2.8 2.8M16.3 16.3l2.8 2.8M4.9 19.1l2.8-2.8M16.3 7.7l2.8-2.8" />
      </g>
      <circle cx="12" cy="12" r="2" fill="#ff7b54" />
    </svg>
  ),
}

export const HandIcon = () => (
  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
    <path
      d="M8 13V5.5a1.5 1.5 0 0 1 3 0V11m0-6.5a1.5 1.5 0 0 1 3 0V11m0-5a1.5 1.5 0 0 1 3 0v6m0-3a1.5 1.5 0 0 1 3 0v5c0 4.5-3 7.5-7 7.5-3 0-4.5-1.5-6-4l-2.5-4a1.5 1.5 0 0 1 2.5-1.6L8 13"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
)

export function EventHud() {
  const event = useEvent((s) => s.event)
  const removed = useEvent((s) => s.removed)
  const role = useEvent((s) => s.role)
  const [controls, setControls] = useState(false)
  useEffect(() => {
    document.documentElement.classList.add('in-event')
    return () => document.documentElement.classList.remove('in-event')
  }, [])
  if (removed) return <RemovedDialog reason={removed} />
  if (!event) return null
  const staff = CAN.moderate(role) || CAN.screen(role) || CAN.stage(role)
  return (
    <>
      <EventBar controlsOpen={controls} onControls={staff ? () => setControls((o) => !o) : null} />
      <ReactionsBar />
      <Notices />
      <AnnouncementBanner />
      <TapForSound />
      {staff && controls && <HostPanel onClose={() => setControls(false)} />}
    </>
  )
}

function EventBar({
  controlsOpen,
  onControls,
}: {
  controlsOpen: boolean
  onControls: (() => void) | null
}) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const event = useEvent((s) => s.event)!
  const role = useEvent((s) => s.role)
  const attendance = useEvent((s) => s.attendance)
  const instances = useEvent((s) => s.instances)
  const instance = useEvent((s) => s.instance)
  const live = event.status === 'live'
  // Attendance, rooms and which room is yours (the last only with more than one).
  const count = [
    fill(t('events.here'), { n: formatCount(attendance, lang) }),
    instances > 1
      ? fill(t('events.rooms'), { n: formatCount(instances, lang) })
      : t('events.oneRoom'),
    ...(instance > 0 && instances > 1 ? [fill(t('events.room'), { n: instance })] : []),
  ]
  return (
    <section className="event-bar" aria-label={t('event.hud')} data-testid="event-bar">
      {live ? (
        <span className="live-badge" data-testid="event-live">
          {t('events.live')}
        </span>
      ) : (
        <span className="when-badge">{t(`event.status.${event.status}`)}</span>
      )}
      <strong className="event-bar-title" data-testid="event-title" title={eventTitle(event, lang)}>
        {eventTitle(event, lang)}
      </strong>
      <span
        className="event-bar-count"
        data-testid="event-attendance"
        aria-live="off"
        title={count.join(' · ')}
      >
        {count[0]} · {count[1]}
        {count[2] && <span className="event-bar-room"> · {count[2]}</span>}
      </span>
      <OnStageLine />
      {role !== 'audience' && <span className="role-badge">{t(`event.role.${role}`)}</span>}
      {onControls && (
        <button
          className="btn small"
          data-testid="host-controls"
          aria-expanded={controlsOpen}
          onClick={onControls}
        >
          ⚙{' '}
          {CAN.screen(role)
            ? t('event.controls')
            : CAN.moderate(role)
              ? t('event.moderation')
              : t('stage.title')}
        </button>
      )}
      <button
        className="btn small"
        data-testid="event-leave"
        aria-label={t('event.leaveLabel')}
        onClick={() => {
          useEvent.getState().leaveEvent()
          forgetEvent()
        }}
      >
        {t('event.leave')}
      </button>
    </section>
  )
}

function ReactionsBar() {
  const t = useT()
  const role = useEvent((s) => s.role)
  const handUp = useEvent((s) => s.handUp)
  // A burst over the stage is only visible: say it too (rate-limited by the announcer).
  const burst = useEvent((s) => s.reactions)
  const lang = useSettings((s) => s.language)
  useEffect(() => {
    if (!burst) return
    const parts = REACTIONS.filter((r) => burst.counts[r] > 0).map(
      (r) => `${t(`event.react.${r}`)} ${formatCount(burst.counts[r], lang)}`,
    )
    if (parts.length > 0) announce('reactions', `${t('event.react.burst')}: ${parts.join(', ')}`)
  }, [burst, t, lang])
  const [hint, setHint] = useState<string | null>(null)
  useEffect(() => {
    if (!hint) return
    const id = setTimeout(() => setHint(null), 2500)
    return () => clearTimeout(id)
  }, [hint])
  const react = (r: Reaction) => {
    if (!current.session?.react(r)) setHint(t('event.react.slow'))
  }
  const hand = async () => {
    const up = !handUp
    const result = await current.session?.eventAction('event.hand', { up })
    if (result?.ok) useEvent.getState().handRaised(up)
    else if (result) setHint(fill(t('event.refused'), { why: result.message }))
  }
  return (
    <section className="reactions" aria-label={t('event.react')}>
      {REACTIONS.map((r) => (
        <button
          key={r}
          className="btn reaction"
          data-testid={`react-${r}`}
          aria-label={t(`event.react.${r}`)}
          title={t(`event.react.${r}`)}
          onClick={() => react(r)}
        >
          <span aria-hidden="true">{REACTION_ICON[r]}</span>
        </button>
      ))}
      {role === 'audience' && (
        <button
          className={`btn hand${handUp ? ' up' : ''}`}
          data-testid="hand"
          aria-pressed={handUp}
          onClick={() => void hand()}
        >
          <HandIcon />{' '}
          <span className="label">{handUp ? t('event.hand.lower') : t('event.hand.raise')}</span>
        </button>
      )}
      {hint && (
        <span className="reaction-hint" role="status">
          {hint}
        </span>
      )}
    </section>
  )
}

function Notices() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const called = useEvent((s) => s.called)
  const mutedUntil = useEvent((s) => s.mutedUntil)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!mutedUntil) return
    const id = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(id)
  }, [mutedUntil])
  const [calledShown, setCalledShown] = useState<number | null>(null)
  useEffect(() => {
    if (!called) return
    setCalledShown(called.at)
    const id = setTimeout(() => setCalledShown(null), 10_000)
    return () => clearTimeout(id)
  }, [called])
  const muted = mutedUntil > now
  return (
    <div className="event-notices" aria-live="polite">
      {called && calledShown === called.at && (
        <p className="event-notice called" role="status" data-testid="event-called">
          <HandIcon /> {fill(t('event.called'), { by: called.by })}
        </p>
      )}
      {muted && (
        <p className="event-notice muted" data-testid="event-muted">
          {fill(t('event.muted'), {
            time: new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(mutedUntil),
          })}
        </p>
      )}
    </div>
  )
}

function RemovedDialog({ reason }: { reason: 'kicked' | 'banned' | 'ended' }) {
  const t = useT()
  const stay = () => {
    useEvent.getState().leaveEvent()
    forgetEvent()
  }
  const ref = useDialog<HTMLDivElement>(true, stay)
  return (
    <div className="backdrop">
      <div
        ref={ref}
        className="panel"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="removed-title"
        aria-describedby="removed-text"
        data-testid="event-removed"
        data-reason={reason}
      >
        <h2 id="removed-title">{t('event.removed.title')}</h2>
        <p id="removed-text">{t(`event.removed.${reason}`)}</p>
        <div className="actions">
          <button className="btn" onClick={stay}>
            {t('event.removed.stay')}
          </button>
          <button
            className="btn primary"
            onClick={() => {
              useEvent.getState().leaveEvent()
              openWorld(null)
            }}
          >
            {t('event.removed.back')}
          </button>
        </div>
      </div>
    </div>
  )
}
