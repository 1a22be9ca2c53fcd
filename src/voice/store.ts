// Voice as the HUD sees it: whether the visitor is in voice and why not, their microphone
// (muted, push-to-talk), the people in voice with the volume and block this visitor chose for
// them (kept per browser), who is speaking, and whom this visitor receives now. Human-speed
// changes only: levels and positions live in plain objects (src/voice/frame.ts).
import { create } from 'zustand'
import { VOICE, type VoiceSeatState } from '../protocol/voice'

/**
 * off: no voice here (the server said so, with the reason); idle: may join; joining: asking the
 * microphone, the server and the media server; live: publishing and receiving; error: a join or
 * the connection failed (the message says what to do).
 */
export type VoiceStatusName = 'off' | 'idle' | 'joining' | 'live' | 'error'

/** Why voice is off when the server gives no reason of its own. */
export const NO_JANUS = 'Voice needs the Janus media server: apt-get install janus'

export const VOLUME_MAX = 1.5
/** Where the volumes and blocks are kept, and how many people at most (the oldest go first). */
export const PREFS_KEY = 'cq.voice.people'
export const PREFS_MAX = 200

export interface VoicePrefs {
  /** By session id: 0–VOLUME_MAX (1 when absent). */
  volumes: Record<string, number>
  /** Session ids this visitor does not want to hear. */
  blocked: Record<string, true>
  pushToTalk: boolean
}

export interface VoiceState extends VoicePrefs {
  status: VoiceStatusName
  /** Why voice is off, or what went wrong (shown as it is). */
  message: string | null
  /** The visitor's own mute (sent to the server, shown to others). */
  muted: boolean
  /** A moderator muted this visitor's voice until then (ms since the epoch); 0 when not. */
  mutedUntil: number
  /** Push-to-talk: the key or the hold button is down. */
  talking: boolean
  /** The room's people in voice, by session id (the room state's `voice` map). */
  seats: Record<string, VoiceSeatState>
  /** Session ids received now (at most `cap`). */
  subscribed: string[]
  /** Session ids speaking now (the visitor's own included), sorted. */
  speaking: string[]
  /** Hearing radius and stream cap, from the ticket (the protocol's until one arrives). */
  radius: number
  cap: number
  panelOpen: boolean

  /** The server has no voice here: `reason` says why and what to install. */
  voiceOff: (reason: string) => void
  /** Voice can be joined (the status check said so, or a session ended). */
  available: () => void
  joining: () => void
  live: (ticket: { radius: number; cap: number }) => void
  /** A join or the media connection failed: back to joinable, with the message. */
  failed: (message: string) => void
  /** Left voice (by choice, or the room closed); `message` says why when it was not a choice. */
  left: (message?: string | null) => void
  setMuted: (muted: boolean) => void
  mutedByModerator: (until: number) => void
  setPushToTalk: (on: boolean) => void
  setTalking: (down: boolean) => void
  setVolume: (id: string, volume: number) => void
  setBlocked: (id: string, blocked: boolean) => void
  setSeats: (seats: Record<string, VoiceSeatState>) => void
  setSubscribed: (ids: string[]) => void
  setSpeaking: (ids: string[]) => void
  togglePanel: () => void
  closePanel: () => void
  /** The world session ended: voice back to joinable (or still off), the preferences kept. */
  sessionEnded: () => void
}

/** Keeps at most PREFS_MAX people, dropping the first-inserted (oldest) ones. */
function bounded<T>(record: Record<string, T>): Record<string, T> {
  const keys = Object.keys(record)
  if (keys.length <= PREFS_MAX) return record
  const out: Record<string, T> = {}
  for (const k of keys.slice(keys.length - PREFS_MAX)) out[k] = record[k]!
  return out
}

/** Reads what this browser kept; anything malformed is dropped, never trusted. */
export function parsePrefs(raw: string | null): VoicePrefs {
  const prefs: VoicePrefs = { volumes: {}, blocked: {}, pushToTalk: false }
  if (!raw) return prefs
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return prefs
  }
  if (typeof data !== 'object' || data === null) return prefs
  const d = data as Record<string, unknown>
  if (typeof d.volumes === 'object' && d.volumes !== null) {
    for (const [id, v] of Object.entries(d.volumes)) {
      if (id.length <= 64 && typeof v === 'number' && v >= 0 && v <= VOLUME_MAX)
        prefs.volumes[id] = v
    }
  }
  if (Array.isArray(d.blocked)) {
    for (const id of d.blocked)
      if (typeof id === 'string' && id.length <= 64) prefs.blocked[id] = true
  }
  prefs.pushToTalk = d.pushToTalk === true
  prefs.volumes = bounded(prefs.volumes)
  prefs.blocked = bounded(prefs.blocked)
  return prefs
}

export function serializePrefs(p: VoicePrefs): string {
  return JSON.stringify({
    volumes: p.volumes,
    blocked: Object.keys(p.blocked),
    pushToTalk: p.pushToTalk,
  })
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null // storage denied (privacy settings): preferences last for the page
  }
}

function save(p: VoicePrefs) {
  try {
    storage()?.setItem(PREFS_KEY, serializePrefs(p))
  } catch {
    // Full or denied: the choice still holds for this page.
  }
}

const prefs = parsePrefs(storage()?.getItem(PREFS_KEY) ?? null)

/** The session part of the state, back to this when a session ends. */
const initialSession = {
  status: 'idle' as VoiceStatusName,
  message: null,
  muted: false,
  mutedUntil: 0,
  talking: false,
  seats: {},
  subscribed: [],
  speaking: [],
  radius: VOICE.radius,
  cap: VOICE.cap,
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

export const useVoice = create<VoiceState>()((set, get) => ({
  ...initialSession,
  ...prefs,
  panelOpen: false,
  voiceOff: (reason) => set({ status: 'off', message: reason, subscribed: [], speaking: [] }),
  available: () =>
    set((s) => (s.status === 'off' || s.status === 'idle' ? { status: 'idle', message: null } : s)),
  joining: () => set({ status: 'joining', message: null }),
  live: ({ radius, cap }) => set({ status: 'live', message: null, radius, cap }),
  failed: (message) =>
    set({ status: 'error', message, subscribed: [], speaking: [], talking: false }),
  left: (message = null) =>
    set((s) => ({
      status: s.status === 'off' ? 'off' : message ? 'error' : 'idle',
      message: s.status === 'off' ? s.message : message,
      subscribed: [],
      speaking: [],
      talking: false,
      mutedUntil: 0,
    })),
  setMuted: (muted) => set({ muted }),
  mutedByModerator: (until) => set({ mutedUntil: until }),
  setPushToTalk: (pushToTalk) => {
    set({ pushToTalk, talking: false })
    save(get())
  },
  setTalking: (talking) => set((s) => (s.talking === talking ? s : { talking })),
  setVolume: (id, volume) => {
    const v = Number.isFinite(volume) ? Math.max(0, Math.min(VOLUME_MAX, volume)) : 1
    set((s) => ({ volumes: bounded({ ...s.volumes, [id]: v }) }))
    save(get())
  },
  setBlocked: (id, blocked) => {
    set((s) => {
      const next = { ...s.blocked }
      if (blocked) next[id] = true
      else delete next[id]
      return { blocked: bounded(next) }
    })
    save(get())
  },
  setSeats: (seats) => set({ seats }),
  setSubscribed: (ids) => set((s) => (sameList(s.subscribed, ids) ? s : { subscribed: ids })),
  setSpeaking: (ids) => set((s) => (sameList(s.speaking, ids) ? s : { speaking: ids })),
  togglePanel: () => set((s) => ({ panelOpen: !s.panelOpen })),
  closePanel: () => set({ panelOpen: false }),
  sessionEnded: () =>
    set((s) => ({
      ...initialSession,
      // Whether the server has voice at all does not change with the session.
      status: s.status === 'off' ? 'off' : 'idle',
      message: s.status === 'off' ? s.message : null,
    })),
}))

/** The gain this visitor gives `id`: 0 when blocked, else their volume (1 by default). */
export function volumeOf(s: Pick<VoicePrefs, 'volumes' | 'blocked'>, id: string): number {
  if (s.blocked[id]) return 0
  return s.volumes[id] ?? 1
}

/** Whether the microphone should send now: in voice, not muted (by self or a moderator), and
 * with push-to-talk, only while held. */
export function micOpen(
  s: Pick<VoiceState, 'status' | 'muted' | 'mutedUntil' | 'pushToTalk' | 'talking'>,
  now: number,
): boolean {
  if (s.status !== 'live' || s.muted || s.mutedUntil > now) return false
  return !s.pushToTalk || s.talking
}
