// The host's and moderators' controls: go live / end, the screen (media, play, pause, seek,
// slides), the megaphone, the raised-hands queue, the people of this room (mute, kick, ban) and
// the roles (performers, moderators). Only what the visitor's role may do is shown; the server
// decides, and every refusal is shown with its reason.
import { useEffect, useRef, useState } from 'react'
import { useT } from '../app/i18n'
import { useDialog } from '../app/useDialog'
import { current, type EventActionResult } from './current'
import {
  Address,
  CAN,
  EVENT_LIMITS,
  MediaUrl,
  screenPosition,
  type ScreenMedia,
} from '../protocol/events'
import { useEvent } from './store'
import { useNet } from '../state/net'
import { isCastId } from './wire'
import { serverNow } from './clock'
import { eventsApi } from './api'
import { MEDIA_PRESETS, mediaLabel } from './media'

const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`

type Status = { text: string; error: boolean } | null

/** Runs an event action and reports it in a status line. */
function useAction() {
  const t = useT()
  const [status, setStatus] = useState<Status>(null)
  useEffect(() => {
    if (!status || status.error) return
    const id = setTimeout(() => setStatus(null), 4000)
    return () => clearTimeout(id)
  }, [status])
  const run = async (act: () => Promise<EventActionResult> | undefined): Promise<boolean> => {
    const result = (await act()) ?? {
      ok: false as const,
      code: 'offline' as const,
      message: 'not connected',
    }
    setStatus(
      result.ok
        ? { text: t('event.done'), error: false }
        : { text: fill(t('event.refused'), { why: result.message }), error: true },
    )
    return result.ok
  }
  return { status, setStatus, run }
}

function StatusLine({ status, testId }: { status: Status; testId: string }) {
  return (
    <p
      className={`small ${status?.error ? 'events-error-text' : 'events-muted'}`}
      role={status?.error ? 'alert' : 'status'}
      data-testid={testId}
    >
      {status?.text}
    </p>
  )
}

export function HostPanel({ onClose }: { onClose: () => void }) {
  const t = useT()
  const role = useEvent((s) => s.role)
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button, input, select')?.focus()
  }, [])
  return (
    <aside
      ref={ref}
      className="host-panel"
      aria-label={CAN.screen(role) ? t('event.controls') : t('event.moderation')}
      data-testid="host-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          onClose()
        }
      }}
    >
      <header className="events-head">
        <h2>{CAN.screen(role) ? t('event.controls') : t('event.moderation')}</h2>
        <button className="btn icon-btn" aria-label={t('events.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="host-body">
        {CAN.live(role) && <LiveControls />}
        {CAN.screen(role) && <ScreenControls />}
        {CAN.announce(role) && <Megaphone />}
        {CAN.callHand(role) && <Hands />}
        {CAN.moderate(role) && <People />}
        {CAN.roles(role) && <Roles />}
      </div>
    </aside>
  )
}

function LiveControls() {
  const t = useT()
  const status = useEvent((s) => s.event?.status)
  const { status: line, run } = useAction()
  const [confirmEnd, setConfirmEnd] = useState(false)
  return (
    <section className="host-section">
      <div className="host-row">
        {status !== 'live' ? (
          <button
            className="btn primary"
            data-testid="go-live"
            onClick={() =>
              void run(() => current.session?.eventAction('event.live', { live: true }))
            }
          >
            ● {t('event.goLive')}
          </button>
        ) : (
          <span className="live-badge">{t('events.live')}</span>
        )}
        <button className="btn danger" data-testid="end-event" onClick={() => setConfirmEnd(true)}>
          {t('event.end')}
        </button>
      </div>
      <StatusLine status={line} testId="live-status" />
      {confirmEnd && (
        <Confirm
          text={t('event.endConfirm')}
          onCancel={() => setConfirmEnd(false)}
          onConfirm={() => {
            setConfirmEnd(false)
            void run(() => current.session?.eventAction('event.live', { live: false }))
          }}
        />
      )}
    </section>
  )
}

/** Seconds as m:ss or h:mm:ss. */
export function clockText(s: number): string {
  const v = Math.max(0, Math.floor(s))
  const h = Math.floor(v / 3600)
  const m = Math.floor((v % 3600) / 60)
  const sec = String(v % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

function ScreenControls() {
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

function Megaphone() {
  const t = useT()
  const [text, setText] = useState('')
  const { status, run } = useAction()
  return (
    <section className="host-section" aria-labelledby="megaphone-h">
      <h3 id="megaphone-h">{t('event.megaphone')}</h3>
      <form
        className="host-row"
        onSubmit={(e) => {
          e.preventDefault()
          const clean = text.trim()
          if (!clean) return
          void run(() => current.session?.eventAction('event.announce', { text: clean })).then(
            (ok) => ok && setText(''),
          )
        }}
      >
        <label className="visually-hidden" htmlFor="megaphone-text">
          {t('event.megaphone')}
        </label>
        <input
          id="megaphone-text"
          data-testid="megaphone-text"
          maxLength={EVENT_LIMITS.announcementChars}
          placeholder={t('event.megaphone.placeholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button className="btn primary" data-testid="megaphone-send" disabled={!text.trim()}>
          {t('event.megaphone.send')}
        </button>
      </form>
      <StatusLine status={status} testId="megaphone-status" />
    </section>
  )
}

function Hands() {
  const t = useT()
  const hands = useEvent((s) => s.hands)
  const total = useEvent((s) => s.handsTotal)
  const { status, run } = useAction()
  return (
    <section className="host-section" aria-labelledby="hands-h">
      <h3 id="hands-h">
        {t('event.hands')} · {Math.max(total, hands.length)}
      </h3>
      {hands.length === 0 ? (
        <p className="events-muted small">{t('event.hands.none')}</p>
      ) : (
        <ol className="host-list" data-testid="hands">
          {hands.map((h) => (
            <li key={h.session}>
              <span className="grow">
                {h.name}{' '}
                <small className="events-muted">
                  · {fill(t('event.hands.room'), { n: h.instance })}
                </small>
              </span>
              <button
                className="btn small"
                onClick={() =>
                  void run(() => current.session?.eventAction('event.call', { session: h.session }))
                }
              >
                {t('event.hands.call')}
              </button>
            </li>
          ))}
        </ol>
      )}
      <StatusLine status={status} testId="hands-status" />
    </section>
  )
}

type Pending =
  { kind: 'kick'; session: string; name: string } | { kind: 'ban'; address: string } | null

function People() {
  const t = useT()
  const people = useNet((s) => s.people)
  const self = useNet((s) => s.sessionId)
  const { status, setStatus, run } = useAction()
  const [minutes, setMinutes] = useState('10')
  const [pending, setPending] = useState<Pending>(null)
  const [banAddress, setBanAddress] = useState('')
  const here = people.filter((p) => !isCastId(p.id))
  const mins = Math.min(EVENT_LIMITS.muteMinutes, Math.max(1, Math.round(Number(minutes) || 10)))
  return (
    <section className="host-section" aria-labelledby="people-h">
      <h3 id="people-h">
        {t('event.people')} · {here.length}
      </h3>
      <label className="host-row small">
        {t('event.muteFor')}
        <input
          type="number"
          className="narrow"
          min={1}
          max={EVENT_LIMITS.muteMinutes}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      <ul className="host-list" data-testid="event-people">
        {here.map((p) => (
          <li key={p.id} data-testid={`person-${p.id}`}>
            <span className="swatch-dot" style={{ background: p.color }} aria-hidden="true" />
            <span className="grow">
              {p.name}{' '}
              <small className="events-muted">
                ·{' '}
                {p.id === self
                  ? t('event.people.you')
                  : p.address
                    ? short(p.address)
                    : t('event.people.guest')}
              </small>
            </span>
            {p.id !== self && (
              <>
                <button
                  className="btn small"
                  aria-label={`${t('event.mute')} ${p.name}`}
                  onClick={() =>
                    void run(() =>
                      current.session?.eventAction('event.moderate', {
                        action: 'mute',
                        session: p.id,
                        minutes: mins,
                      }),
                    )
                  }
                >
                  {t('event.mute')}
                </button>
                <button
                  className="btn small"
                  data-testid="kick"
                  aria-label={`${t('event.kick')} ${p.name}`}
                  onClick={() => setPending({ kind: 'kick', session: p.id, name: p.name })}
                >
                  {t('event.kick')}
                </button>
                {p.address && (
                  <button
                    className="btn small danger"
                    aria-label={`${t('event.ban')} ${p.name}`}
                    onClick={() => setPending({ kind: 'ban', address: p.address! })}
                  >
                    {t('event.ban')}
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      <form
        className="host-row"
        onSubmit={(e) => {
          e.preventDefault()
          const a = banAddress.trim()
          if (!Address.safeParse(a).success) {
            setStatus({ text: t('event.roles.bad'), error: true })
            return
          }
          setPending({ kind: 'ban', address: a })
        }}
      >
        <label className="visually-hidden" htmlFor="ban-address">
          {t('event.ban')}
        </label>
        <input
          id="ban-address"
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
          value={banAddress}
          onChange={(e) => setBanAddress(e.target.value)}
        />
        <button className="btn small danger" disabled={!banAddress.trim()}>
          {t('event.ban')}
        </button>
      </form>
      <StatusLine status={status} testId="people-status" />
      {pending && (
        <Confirm
          text={
            pending.kind === 'kick'
              ? fill(t('event.kickConfirm'), { name: pending.name })
              : fill(t('event.banConfirm'), { address: pending.address })
          }
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending
            setPending(null)
            void run(() =>
              p.kind === 'kick'
                ? current.session?.eventAction('event.moderate', {
                    action: 'kick',
                    session: p.session,
                  })
                : current.session?.eventAction('event.moderate', {
                    action: 'ban',
                    address: p.address,
                  }),
            )
          }}
        />
      )}
    </section>
  )
}

function Roles() {
  const t = useT()
  const event = useEvent((s) => s.event)
  const { status, setStatus, run } = useAction()
  const [address, setAddress] = useState('')
  const [role, setRole] = useState<'performer' | 'moderator' | 'audience'>('performer')
  if (!event) return null
  // The event's lists come from the API: read them again after a change.
  const reload = async () => {
    try {
      const fresh = await eventsApi.get(event.id)
      const store = useEvent.getState()
      if (store.event?.id === fresh.id)
        store.set({ event: { ...fresh, status: store.event.status } })
    } catch {
      // The lists stay as they were; the change itself was confirmed.
    }
  }
  const give = async (a: string, r: typeof role) => {
    if (!Address.safeParse(a).success) {
      setStatus({ text: t('event.roles.bad'), error: true })
      return
    }
    const ok = await run(() => current.session?.eventAction('event.role', { address: a, role: r }))
    if (ok) {
      setAddress('')
      void reload()
    }
  }
  return (
    <section className="host-section" aria-labelledby="roles-h">
      <h3 id="roles-h">{t('event.roles')}</h3>
      {(['performers', 'moderators'] as const).map((list) => (
        <div key={list}>
          <h4>
            {t(`event.roles.${list}`)} · {event[list].length}/
            {list === 'performers' ? EVENT_LIMITS.performers : EVENT_LIMITS.moderators}
          </h4>
          <ul className="host-list">
            {event[list].map((a) => (
              <li key={a}>
                <code className="grow">{short(a)}</code>
                <button
                  className="btn small"
                  aria-label={fill(t('event.roles.take'), { address: a })}
                  onClick={() => void give(a, 'audience')}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <form
        className="host-row wrap"
        onSubmit={(e) => {
          e.preventDefault()
          void give(address.trim(), role)
        }}
      >
        <label className="visually-hidden" htmlFor="role-address">
          {t('event.roles.address')}
        </label>
        <input
          id="role-address"
          data-testid="role-address"
          placeholder={`${t('event.roles.address')} 0x…`}
          spellCheck={false}
          autoComplete="off"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
        <label className="visually-hidden" htmlFor="role-choice">
          {t('event.roles')}
        </label>
        <select
          id="role-choice"
          data-testid="role-choice"
          value={role}
          onChange={(e) => setRole(e.target.value as typeof role)}
        >
          <option value="performer">{t('event.role.performer')}</option>
          <option value="moderator">{t('event.role.moderator')}</option>
          <option value="audience">{t('event.role.audience')}</option>
        </select>
        <button className="btn small" data-testid="role-give" disabled={!address.trim()}>
          {t('event.roles.give')}
        </button>
      </form>
      <StatusLine status={status} testId="roles-status" />
    </section>
  )
}

function Confirm({
  text,
  onConfirm,
  onCancel,
}: {
  text: string
  onConfirm: () => void
  onCancel: () => void
}) {
  const t = useT()
  const ref = useDialog<HTMLDivElement>(true, onCancel)
  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={ref}
        className="panel"
        role="alertdialog"
        aria-modal="true"
        aria-describedby="confirm-text"
        data-testid="confirm"
      >
        <p id="confirm-text">{text}</p>
        <div className="actions">
          <button className="btn" onClick={onCancel}>
            {t('event.cancel')}
          </button>
          <button className="btn primary danger" data-testid="confirm-ok" onClick={onConfirm}>
            {t('event.confirm')}
          </button>
        </div>
      </div>
    </div>
  )
}
