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
  /** Starts loading event `id` (first try). */
  loading: (id: string) => void
  /** Try `attempt` of `attempts` begins; `lastError` says why the one before failed. */
  attempting: (attempt: number, attempts: number, lastError: string | null) => void
  /** Loaded: its world opens next. */
  loaded: (info: EventInfo) => void
  /** It could not be loaded, or it has ended (`info` then says which event it was). */
  failed: (error: { code: string; message: string }, info?: EventInfo) => void
  /** Not attending an event (any more). */
  forget: () => void
}

const FORGOTTEN = { id: null, info: null, status: 'idle', error: null } as const

export const useEventLink = create<EventLinkState>()((set) => ({
  ...FORGOTTEN,
  attempt: 0,
  attempts: 0,
  lastError: null,
  loading: (id) =>
    set({
      id,
      info: null,
      status: 'loading',
      error: null,
      attempt: 1,
      attempts: 0,
      lastError: null,
    }),
  attempting: (attempt, attempts, lastError) => set({ attempt, attempts, lastError }),
  loaded: (info) => set({ id: info.id, info, status: 'ready', error: null }),
  failed: (error, info) =>
    set(info ? { info, status: 'error', error } : { status: 'error', error }),
  forget: () => set(FORGOTTEN),
}))
