// Words for what happens only in 3D, for screen readers: someone arrives near you, a burst of
// reactions, (announcements and points of interest have live regions of their own). One polite
// live region (src/app/Announcer.tsx) reads them, at most one every MIN_GAP_MS: a newer message of
// the same kind replaces one still waiting, so a busy square is a sentence every few seconds,
// not a stream.
import { create } from 'zustand'

export const MIN_GAP_MS = 4000

interface Announcing {
  /** What the live region says now. */
  text: string
  /** Messages waiting for their turn, by kind (one each). */
  waiting: Map<string, string>
  lastAt: number
}

export const useAnnouncer = create<Announcing>()(() => ({
  text: '',
  waiting: new Map(),
  lastAt: -Infinity,
}))

let timer: ReturnType<typeof setTimeout> | null = null

function next() {
  timer = null
  const s = useAnnouncer.getState()
  const first = s.waiting.entries().next()
  if (first.done) return
  const [kind, text] = first.value
  const waiting = new Map(s.waiting)
  waiting.delete(kind)
  useAnnouncer.setState({ text, waiting, lastAt: Date.now() })
  if (waiting.size > 0) timer = setTimeout(next, MIN_GAP_MS)
}

/** Says `text` politely, as soon as the rate allows; `kind` groups messages that replace each other. */
export function announce(kind: string, text: string) {
  const s = useAnnouncer.getState()
  const waiting = new Map(s.waiting)
  waiting.set(kind, text)
  useAnnouncer.setState({ waiting })
  if (timer) return
  const wait = Math.max(0, s.lastAt + MIN_GAP_MS - Date.now())
  timer = setTimeout(next, wait)
}
