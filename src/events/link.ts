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
  useEventLink.getState().set({
    id,
    info: null,
    status: 'loading',
    error: null,
    attempt: 1,
    attempts: 0,
    lastError: null,
  })
  try {
    const { getWithRetry, LINK_RETRY } = await import('./api')
    const info = await getWithRetry(id, {
      ...LINK_RETRY,
      signal: ctl.signal,
      onAttempt: (attempt, attempts, previous) => {
        if (ctl.signal.aborted) return
        useEventLink
          .getState()
          .set({ attempt, attempts, lastError: previous ? previous.message : null })
      },
    })
    if (ctl.signal.aborted) return
    if (info.status === 'ended') {
      useEventLink.getState().set({
        info,
        status: 'error',
        error: { code: 'event_ended', message: 'the event has ended' },
      })
      useWorld.getState().set({ worldId: null, openPoi: null })
      return
    }
    enter(info)
  } catch (err) {
    if (ctl.signal.aborted) return
    const e = err as { code?: string; message?: string }
    useEventLink.getState().set({
      status: 'error',
      error: { code: e.code ?? 'network', message: (e.message ?? String(err)).slice(0, 300) },
    })
    useWorld.getState().set({ worldId: null, openPoi: null })
  } finally {
    if (loading === ctl) loading = null
  }
}

function enter(info: EventInfo) {
  useEvent.getState().set({ removed: null })
  useEventLink.getState().set({ id: info.id, info, status: 'ready', error: null })
  useWorld.getState().set({ worldId: info.world, openPoi: null })
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
  useEventLink.getState().set({ id: null, info: null, status: 'idle', error: null })
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
    if (link.id) useEventLink.getState().set({ id: null, info: null, status: 'idle', error: null })
    return false
  }
  if (link.id === id && link.status !== 'error') {
    if (link.info) useWorld.getState().set({ worldId: link.info.world, openPoi: null })
    return true
  }
  void followEvent(id)
  return true
}
