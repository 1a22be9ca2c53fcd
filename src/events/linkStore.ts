// The event the visitor asked to attend (a `/?event=<id>` link or a Join button): its id, the
// event as the API described it, and whether loading it worked. Once loaded, its world opens
// and the session joins the event's room instead of the world's (src/app/useWorldSession.ts).
import { create } from 'zustand'
import type { EventInfo } from '../protocol/events'

export interface EventLinkState {
  /** The event id from the address bar or a Join button; null when not attending one. */
  id: string | null
  info: EventInfo | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  /** Why it could not be loaded (the server's message), shown instead of the directory. */
  error: { code: string; message: string } | null
  /** While loading: which try this is (1-based) of how many, and why the last one failed. */
  attempt: number
  attempts: number
  lastError: string | null
  set: (patch: Partial<Omit<EventLinkState, 'set'>>) => void
}

export const useEventLink = create<EventLinkState>()((set) => ({
  id: null,
  info: null,
  status: 'idle',
  error: null,
  attempt: 0,
  attempts: 0,
  lastError: null,
  set: (patch) => set(patch),
}))
