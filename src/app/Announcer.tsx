// The one live region for what happens only in 3D (src/app/announce.ts), and the app's own
// source of it: people arriving near the visitor.
import { useEffect, useRef } from 'react'
import { useNet } from '../state/net'
import { fill } from './format'
import { useT } from '../i18n'
import { announce, useAnnouncer } from './announce'

export function Announcer() {
  const t = useT()
  const text = useAnnouncer((s) => s.text)
  const visible = useNet((s) => s.visible)
  const known = useRef<Set<string> | null>(null)

  // Arrivals near the visitor: the remote avatars the server starts sending. The first list
  // after joining is who was already there, not arrivals.
  useEffect(() => {
    const before = known.current
    known.current = new Set(visible)
    if (!before) return
    const people = useNet.getState().people
    const names = visible
      .filter((id) => !before.has(id))
      .map((id) => people.find((p) => p.id === id)?.name)
      .filter((n): n is string => !!n)
    if (names.length === 1) announce('near', fill(t('a11y.near.one'), { name: names[0]! }))
    else if (names.length > 1)
      announce('near', fill(t('a11y.near.many'), { n: names.length, name: names[0]! }))
  }, [visible, t])

  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {text}
    </div>
  )
}
