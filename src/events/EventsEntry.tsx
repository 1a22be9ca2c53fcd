// The first-bundle side of live gatherings: the HUD's Events button and the hosts that load the
// events list, the create form and the in-event HUD as lazy chunks when they are first needed.
import { Suspense, lazy } from 'react'
import { useT } from '../i18n'
import { useEvent } from './store'
import { useEventLink } from './linkStore'
import { useUi } from '../state/ui'
import './testHooks'

const EventsPanel = lazy(() => import('./EventsPanel').then((m) => ({ default: m.EventsPanel })))
const EventsSection = lazy(() =>
  import('./EventsPanel').then((m) => ({ default: m.EventsSection })),
)
const CreateEventDialog = lazy(() =>
  import('./CreateEvent').then((m) => ({ default: m.CreateEventDialog })),
)
const EventHud = lazy(() => import('./EventHud').then((m) => ({ default: m.EventHud })))

const preload = () => void import('./EventsPanel').catch(() => {})

export function EventsButton() {
  const t = useT()
  const open = useUi((s) => s.eventsOpen)
  return (
    <button
      className="btn"
      data-testid="events-button"
      aria-haspopup="dialog"
      aria-expanded={open}
      onPointerEnter={preload}
      onFocus={preload}
      onClick={() => useUi.getState().togglePanel('events', 'places', 'people', 'spaces')}
    >
      <span aria-hidden="true">◉</span> <span className="label">{t('events.title')}</span>
    </button>
  )
}

/** The events list dialog (HUD) and the create form, while open. */
export function EventsPanelHost() {
  const open = useUi((s) => s.eventsOpen)
  const creating = useUi((s) => s.createEventOpen)
  return (
    <Suspense fallback={null}>
      {open && <EventsPanel />}
      {creating && <CreateEventDialog />}
    </Suspense>
  )
}

/** The start page's "Live & upcoming events" section (and the create form it opens). */
export function EventsSectionHost() {
  const creating = useUi((s) => s.createEventOpen)
  return (
    <Suspense fallback={null}>
      <EventsSection />
      {creating && <CreateEventDialog />}
    </Suspense>
  )
}

/** The in-event HUD while the visitor attends an event (or was just removed from one). */
export function EventHudHost() {
  const attending = useEventLink((s) => s.status === 'ready')
  const inRoom = useEvent((s) => s.event !== null || s.removed !== null)
  if (!attending && !inRoom) return null
  return (
    <Suspense fallback={null}>
      <EventHud />
    </Suspense>
  )
}
