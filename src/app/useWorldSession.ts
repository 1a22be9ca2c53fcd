// Joins the open world's room once the world is ready and leaves it when the visitor goes
// elsewhere; the features' options pick the room (following an event in this world joins the
// event's room instead). The network code is a lazy chunk: it never delays the first frame.
import { useEffect } from 'react'
import { current } from '../net/current'
import { useSessionOptions } from './features'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import type { SessionOptions } from '../net/featureBinding'

function guestName(lang: string): string {
  const n = Math.floor(1000 + Math.random() * 9000)
  return lang === 'en' ? `Guest ${n}` : `游客${n}`
}

/**
 * An invite link's instance (`join`) and the visitor to appear beside (`near`), read from the
 * address for this world once, then dropped from it (a reload joins as usual).
 */
function takeInvite(worldId: string): SessionOptions {
  const q = new URLSearchParams(location.search)
  const join = q.get('join')
  const near = q.get('near')
  if (!join || q.get('world') !== worldId) return {}
  q.delete('join')
  q.delete('near')
  history.replaceState(history.state, '', `${location.pathname}?${q.toString()}`)
  const id = /^[A-Za-z0-9_-]{1,32}$/
  if (!id.test(join)) return {}
  return { join, ...(near && id.test(near) && { near }) }
}

export function useWorldSession(enabled: boolean) {
  const worldId = useWorld((s) => s.worldId)
  const ready = useWorld((s) => s.status === 'ready')
  // Compared as text: the hooks build a new object every render.
  const options = JSON.stringify(useSessionOptions(worldId))
  useEffect(() => {
    if (!enabled || !worldId || !ready) return
    let cancelled = false
    let leave: (() => Promise<void>) | null = null
    void import('./session').then(({ WorldSession }) => {
      if (cancelled) return
      const settings = useSettings.getState()
      // A guest name once, kept in settings where the visitor can change it.
      if (!settings.displayName.trim()) settings.set({ displayName: guestName(settings.language) })
      const { displayName, avatarColor, avatarLook } = useSettings.getState()
      const session = new WorldSession(
        worldId,
        { name: displayName, color: avatarColor, look: avatarLook },
        { ...(JSON.parse(options) as SessionOptions), ...takeInvite(worldId) },
      )
      current.session = session
      leave = () => session.leave()
      void session.start()
    })
    return () => {
      cancelled = true
      current.session = null
      void leave?.()
    }
  }, [enabled, worldId, ready, options])
}
