// Event deep links: `/?event=<id>` loads the event (GET /api/events/:id, retried with backoff)
// and opens its world, whose session then joins the event's room. While it loads or after it
// failed, EventLinkScreen shows the tries and the reason instead of the directory. Small and in
// the first bundle; the API client loads with the first link followed.
import type { EventInfo } from '../protocol/events'
import { useEvent } from './store'
import { useEventLink } from './linkStore'
import { useWorld } from '../state/world'

const ID = /^[a-z0-9]{12}$/

export function eventFromLocation(): string | null {
  const id = new URLSearchParams(location.search).get('event')
  return id && ID.test(id) ? id : null
}

let loading: AbortController | null = null

/** Loads event `id` and opens its world; a failure stays in useEventLink for EventLinkScreen. */
export async function followEvent(id: string) {
  loading?.abort()
  const ctl = new AbortController()
  loading = ctl
  useEventLink.getState().loading(id)
  try {
    const { getWithRetry, LINK_RETRY } = await import('./api')
    const info = await getWithRetry(id, {
      ...LINK_RETRY,
      signal: ctl.signal,
      onAttempt: (attempt, attempts, previous) => {
        if (ctl.signal.aborted) return
        useEventLink.getState().attempting(attempt, attempts, previous ? previous.message : null)
      },
    })
    if (ctl.signal.aborted) return
    if (info.status === 'ended') {
      useEventLink.getState().failed({ code: 'event_ended', message: 'the event has ended' }, info)
      useWorld.getState().enterWorld(null)
      return
    }
    enter(info)
  } catch (err) {
    if (ctl.signal.aborted) return
    const e = err as { code?: string; message?: string }
    useEventLink.getState().failed({
      code: e.code ?? 'network',
      message: (e.message ?? String(err)).slice(0, 300),
    })
    useWorld.getState().enterWorld(null)
  } finally {
    if (loading === ctl) loading = null
  }
}

function enter(info: EventInfo) {
  useEvent.getState().setRemoved(null)
  useEventLink.getState().loaded(info)
  useWorld.getState().enterWorld(info.world)
}

/** Join from the events list: the address bar gets the event's link, its world opens. */
export function openEvent(info: EventInfo) {
  loading?.abort()
  const url = new URL(location.href)
  url.search = ''
  url.searchParams.set('event', info.id)
  if (url.href !== location.href) history.pushState(null, '', url)
  enter(info)
}

/** Forgets the event (the world, if one is open, stays open as an ordinary world visit). */
export function forgetEvent() {
  loading?.abort()
  loading = null
  useEventLink.getState().forget()
  const url = new URL(location.href)
  if (!url.searchParams.has('event')) return
  url.searchParams.delete('event')
  const world = useWorld.getState().worldId
  if (world) url.searchParams.set('world', world)
  history.replaceState(null, '', url)
}

/** After navigation (load, back, forward): follow the event in the address bar, if any. */
export function syncEventWithLocation(): boolean {
  const id = eventFromLocation()
  const link = useEventLink.getState()
  if (!id) {
    if (link.id) link.forget()
    return false
  }
  if (link.id === id && link.status !== 'error') {
    if (link.info) useWorld.getState().enterWorld(link.info.world)
    return true
  }
  void followEvent(id)
  return true
}
