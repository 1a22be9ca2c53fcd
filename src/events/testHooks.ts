// `window.__cq.events` (see src/app/frameStats.ts for the rest of `__cq`): what the events UI and
// the event session hold, for end-to-end tests and developers. Small: it rides in the first
// bundle with the HUD's Events button.
import { screenPosition } from '../protocol/events'
import { useEvent } from './store'
import { useEventLink } from './linkStore'
import { serverNow } from '../net/clock'

export interface EventsHooks {
  state: () => {
    link: { id: string | null; status: string; error: string | null; attempt: number }
    event: string | null
    status: string | null
    role: string
    instance: number
    instances: number
    attendance: number
    announcements: string[]
    removed: string | null
    /** Where the screen's video belongs now (seconds), by the server clock estimate. */
    screen: { media: string | null; playing: boolean; position: number; wall: number }
  }
}

export const eventsHooks: EventsHooks = {
  state: () => {
    const e = useEvent.getState()
    const l = useEventLink.getState()
    const m = e.screen.media
    return {
      link: { id: l.id, status: l.status, error: l.error?.code ?? null, attempt: l.attempt },
      event: e.event?.id ?? null,
      status: e.event?.status ?? null,
      role: e.role,
      instance: e.instance,
      instances: e.instances,
      attendance: e.attendance,
      announcements: e.announcements.map((a) => a.text),
      removed: e.removed,
      screen: {
        media: m ? (m.kind === 'video' ? m.url : m.urls[0]!) : null,
        playing: e.screen.playing,
        position: screenPosition(e.screen, serverNow()),
        wall: Date.now(),
      },
    }
  },
}

if (typeof window !== 'undefined') {
  const w = window as unknown as { __cq?: Record<string, unknown> }
  w.__cq = { ...w.__cq, events: eventsHooks }
}
