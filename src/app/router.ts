// The world in the address bar: `/?world=<id>` opens a world directly, `/?event=<id>` the
// event's world (src/events/link.ts); no parameter shows the directory. History entries make the
// back button leave a world.
import { syncEventWithLocation } from '../events/link'
import { useEventLink } from '../events/linkStore'
import { useWorld } from '../state/world'

export function worldFromLocation(): string | null {
  const id = new URLSearchParams(location.search).get('world')
  return id && id.length <= 64 ? id : null
}

export function openWorld(id: string | null) {
  const url = new URL(location.href)
  // Opening a world (or the directory) leaves any event.
  url.searchParams.delete('event')
  useEventLink.getState().forget()
  if (id) url.searchParams.set('world', id)
  else url.searchParams.delete('world')
  if (url.href !== location.href) history.pushState(null, '', url)
  useWorld.getState().enterWorld(id)
}

/** The address bar's world or event, as the page loads or history moves. */
export function followLocation() {
  if (syncEventWithLocation()) return
  useWorld.getState().enterWorld(worldFromLocation())
}

export function listenToHistory(): () => void {
  const onPop = () => followLocation()
  addEventListener('popstate', onPop)
  return () => removeEventListener('popstate', onPop)
}
