// The events list: live and upcoming events with their title, world, time (the visitor's time
// zone, relative), attendance of live ones, a Join button and a copyable deep link. Shown as a
// section of the start page and as a dialog from the HUD; polls GET /api/events while shown.
import { useCallback, useEffect, useState } from 'react'
import { fill } from '../app/format'
import { pick, useT } from '../i18n'
import { useDialog } from '../app/useDialog'
import type { EventInfo } from '../protocol/events'
import type { CatalogEntry } from '../protocol/scene'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWallet } from '../wallet/store'
import { WalletPanelHost } from '../wallet/WalletButton'
import { loadCatalog } from '../world/loadScene'
import { eventsApi } from './api'
import { openEvent } from './link'
import {
  eventLink,
  eventTitle,
  formatCount,
  relativeStart,
  sameEvents,
  sortEvents,
  timeRange,
} from './list'
import './strings'
import './events.css'

const POLL_MS = 30_000

let catalog: Promise<CatalogEntry[]> | null = null
/** The world catalogue, fetched once per page (names for the list, choices for the form). */
export function worldCatalog(): Promise<CatalogEntry[]> {
  catalog ??= loadCatalog().catch((e: unknown) => {
    catalog = null
    throw e
  })
  return catalog
}

/** Events just created here, shown before the next poll has them. */
const fresh = new Map<string, EventInfo>()
const listeners = new Set<() => void>()
export function rememberCreated(e: EventInfo) {
  fresh.set(e.id, e)
  for (const l of listeners) l()
}

function useEventsPoll() {
  const [events, setEvents] = useState<EventInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let live = true
    let ctl: AbortController | null = null
    const poll = async () => {
      ctl?.abort()
      ctl = new AbortController()
      try {
        const list = await eventsApi.list(ctl.signal)
        if (!live) return
        for (const e of list) fresh.delete(e.id)
        const merged = [...list, ...fresh.values()]
        setEvents((old) => (sameEvents(old, merged) ? old : merged))
        setError(null)
      } catch (err) {
        if (!live || ctl.signal.aborted) return
        setError((err as Error).message || String(err))
      }
      setNow(Date.now())
    }
    void poll()
    const timer = setInterval(() => void poll(), POLL_MS)
    const onCreated = () => void poll()
    listeners.add(onCreated)
    return () => {
      live = false
      ctl?.abort()
      clearInterval(timer)
      listeners.delete(onCreated)
    }
  }, [attempt])
  const retry = useCallback(() => setAttempt((n) => n + 1), [])
  return { events, error, now, retry }
}

function useWorldNames() {
  const [names, setNames] = useState<Map<string, CatalogEntry['name']>>(new Map())
  useEffect(() => {
    let live = true
    worldCatalog().then(
      (list) => live && setNames(new Map(list.map((w) => [w.id, w.name]))),
      () => {},
    )
    return () => {
      live = false
    }
  }, [])
  return names
}

function EventList({ onJoin }: { onJoin?: () => void }) {
  const t = useT()
  const { events, error, now, retry } = useEventsPoll()
  const shown = events ? sortEvents(events, now) : null
  return (
    <div className="events-list-wrap">
      {error && (
        <div className="events-error" role="alert">
          <span>{fill(t('events.failed'), { why: error })}</span>
          <button className="btn small" onClick={retry}>
            {t('events.retry')}
          </button>
        </div>
      )}
      {!events && !error && (
        <p className="events-muted" role="status">
          {t('events.loading')}
        </p>
      )}
      {shown && shown.length === 0 && !error && (
        <p className="events-muted" data-testid="events-empty">
          {t('events.empty')}
        </p>
      )}
      {shown && shown.length > 0 && (
        <ul className="events-list" data-testid="events-list">
          {shown.map((e) => (
            <EventItem key={e.id} event={e} now={now} onJoin={onJoin} />
          ))}
        </ul>
      )}
    </div>
  )
}

function EventItem({ event, now, onJoin }: { event: EventInfo; now: number; onJoin?: () => void }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const names = useWorldNames()
  const [copy, setCopy] = useState<'idle' | 'done' | 'failed'>('idle')
  const title = eventTitle(event, lang)
  const when = relativeStart(event, now, lang)
  const world = names.get(event.world)
  const link = eventLink(event.id, location.origin)
  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(link)
      setCopy('done')
    } catch {
      setCopy('failed')
    }
  }
  const id = `event-${event.id}-title`
  return (
    <li className="event-item" data-testid={`event-${event.id}`} aria-labelledby={id}>
      <div className="event-when">
        {when.kind === 'live' ? (
          <span className="live-badge">{t('events.live')}</span>
        ) : (
          <span className={`when-badge ${when.kind}`}>
            {when.kind === 'waiting' ? t('events.waiting') : when.text}
          </span>
        )}
        <time dateTime={new Date(event.startsAt).toISOString()}>{timeRange(event, lang)}</time>
      </div>
      <h3 id={id}>{title}</h3>
      <p className="event-sub">
        {world ? pick(world, lang) : event.world}
        {event.status === 'live' && (
          <> · {fill(t('events.here'), { n: formatCount(event.attendance, lang) })}</>
        )}
      </p>
      <div className="event-actions">
        <button
          className="btn primary"
          data-testid="event-join"
          aria-label={fill(t('events.joinLabel'), { title })}
          onClick={() => {
            onJoin?.()
            openEvent(event)
          }}
        >
          {t('events.join')}
        </button>
        <a
          className="btn"
          href={link}
          data-testid="event-copy"
          aria-label={fill(t('events.copyLabel'), { title })}
          onClick={(e) => {
            e.preventDefault()
            void copyLink()
          }}
        >
          {t('events.copy')}
        </a>
        <span role="status" className="events-muted small">
          {copy === 'done' && t('events.copied')}
        </span>
      </div>
      {copy === 'failed' && (
        <label className="events-muted small copy-fallback">
          {t('events.copyFailed')}
          <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
    </li>
  )
}

/** "Create event", or how to sign in first. */
function HostLine({ onSignIn }: { onSignIn: () => void }) {
  const t = useT()
  const signedIn = useWallet((s) => s.session !== null)
  if (signedIn) {
    return (
      <button
        className="btn"
        data-testid="event-create"
        aria-haspopup="dialog"
        onClick={() => useUi.getState().openPanel('createEvent', 'events')}
      >
        ＋ {t('events.create')}
      </button>
    )
  }
  return (
    <span className="events-muted small host-line">
      {t('events.signInToHost')}{' '}
      <button className="btn small" onClick={onSignIn}>
        {t('events.signIn')}
      </button>
    </span>
  )
}

/** The HUD's events dialog. */
export function EventsPanel() {
  const t = useT()
  const close = () => useUi.getState().closePanel('events')
  const ref = useDialog<HTMLDivElement>(true, close)
  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && close()}>
      <div
        ref={ref}
        className="panel events-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="events-title"
        data-testid="events-panel"
      >
        <header className="events-head">
          <h2 id="events-title">{t('events.heading')}</h2>
          <button className="btn icon-btn" aria-label={t('events.close')} onClick={close}>
            ×
          </button>
        </header>
        <div className="events-body">
          <HostLine
            onSignIn={() => {
              close()
              useWallet.getState().openWallet()
            }}
          />
          <EventList onJoin={close} />
        </div>
      </div>
    </div>
  )
}

/** The start page's section (a followed link's state has its own screen: EventLinkScreen). */
export function EventsSection() {
  const t = useT()
  const [walletHere, setWalletHere] = useState(false)
  return (
    <section className="events-section" aria-labelledby="events-section-title">
      <div className="events-section-head">
        <h2 id="events-section-title">{t('events.heading')}</h2>
        <HostLine
          onSignIn={() => {
            setWalletHere(true)
            useWallet.getState().openWallet()
          }}
        />
      </div>
      <EventList />
      {walletHere && <WalletPanelHost />}
    </section>
  )
}
