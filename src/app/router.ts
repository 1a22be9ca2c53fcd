// The world in the address bar: `/?world=<id>` opens a world directly; no parameter shows the
// directory. History entries make the back button leave a world.
import { useWorld } from '../state/world'

export function worldFromLocation(): string | null {
  const id = new URLSearchParams(location.search).get('world')
  return id && id.length <= 64 ? id : null
}

export function openWorld(id: string | null) {
  const url = new URL(location.href)
  if (id) url.searchParams.set('world', id)
  else url.searchParams.delete('world')
  if (url.href !== location.href) history.pushState(null, '', url)
  useWorld.getState().set({ worldId: id, openPoi: null })
}

export function listenToHistory(): () => void {
  const onPop = () => useWorld.getState().set({ worldId: worldFromLocation(), openPoi: null })
  addEventListener('popstate', onPop)
  return () => removeEventListener('popstate', onPop)
}
