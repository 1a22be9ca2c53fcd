// What the live stage's session part makes of the server's messages, as pure functions (tested in
// Node): tickets checked before anything connects with them, when to renew a media token, stage
// errors sorted by what they answer, what a device refusal means for the visitor, the capture
// constraints, and the watcher's state machine (ask, connect, live, fail, retry with backoff).
import type { ServerMessages } from '../../protocol/messages'
import {
  STAGE,
  type LiveState,
  type LiveVideo,
  type StagePublishTicket,
  type StageWatchTicket,
} from '../../protocol/stage'

/** Server texts are shown as they are, never longer than this. */
const TEXT_MAX = 300
const UINT32_MAX = 0xffffffff

export const clip = (text: string) =>
  text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX)}…` : text

const isId = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= Number.MAX_SAFE_INTEGER
const isToken = (s: unknown): s is string =>
  typeof s === 'string' && s.length > 0 && s.length <= 1024

function readUrl(raw: unknown): string | null {
  try {
    const url = new URL(String(raw))
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.href : null
  } catch {
    return null
  }
}

/** A publish ticket this client can use, else why not. */
export function readPublishTicket(m: unknown): StagePublishTicket | string {
  if (typeof m !== 'object' || m === null) return 'the stage ticket is malformed'
  const t = m as Record<string, unknown>
  const url = readUrl(t.url)
  if (!url) return 'the stage ticket has no media server address'
  if (!isId(t.room)) return 'the stage ticket names no room'
  if (!isToken(t.token)) return 'the stage ticket has no media token'
  if (typeof t.pass !== 'string' || t.pass.length === 0 || t.pass.length > 256)
    return 'the stage ticket has no room pass'
  if (typeof t.expires !== 'number' || !Number.isFinite(t.expires))
    return 'the stage ticket has no expiry'
  if (!isId(t.feed) || t.feed > UINT32_MAX) return 'the stage ticket has no feed id'
  return { url, room: t.room, token: t.token, expires: t.expires, pass: t.pass, feed: t.feed }
}

/** A watch ticket this client can use, else why not. */
export function readWatchTicket(m: unknown): StageWatchTicket | string {
  if (typeof m !== 'object' || m === null) return 'the watch ticket is malformed'
  const t = m as Record<string, unknown>
  const url = readUrl(t.url)
  if (!url) return 'the watch ticket has no media server address'
  if (!isId(t.mountpoint)) return 'the watch ticket names no mountpoint'
  if (typeof t.pin !== 'string' || t.pin.length > 256) return 'the watch ticket has no pin'
  if (!isToken(t.token)) return 'the watch ticket has no media token'
  if (typeof t.expires !== 'number' || !Number.isFinite(t.expires))
    return 'the watch ticket has no expiry'
  return { url, mountpoint: t.mountpoint, pin: t.pin, token: t.token, expires: t.expires }
}

/** How long to wait before asking for a fresh stage token (ms), like voice does. */
export function renewDelay(expires: number, now: number): number {
  const due = expires - STAGE.renewBeforeSeconds * 1000 - now
  return Math.max(1000, Math.min(due, STAGE.tokenSeconds * 1000))
}

/** Which of the stage's requests an error answers, and what to say; null: not the stage's. */
export function stageError(
  e: ServerMessages['error'],
): { to: 'publish' | 'watch' | 'control'; code: string; message: string } | null {
  const type = e.type ?? ''
  if (!type.startsWith('stage.') && e.code !== 'stage_off' && e.code !== 'stage_busy') return null
  const message = clip(e.message || e.code)
  if (type === 'stage.watch') return { to: 'watch', code: e.code, message }
  if (type === 'stage.golive' || type === 'stage.renew' || type === 'stage.stop')
    return { to: 'publish', code: e.code, message }
  if (type === 'stage.source' || type === 'stage.level')
    return { to: 'control', code: e.code, message }
  // A stage code without a type: the publisher is the one waiting for an answer most often.
  return { to: 'publish', code: e.code, message }
}

/** What to tell the visitor when a camera, screen or microphone could not be opened. */
export function deviceProblem(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'stage.err.denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'stage.err.missing'
  if (name === 'NotReadableError' || name === 'AbortError') return 'stage.err.busy'
  if (err instanceof Error && err.message.startsWith('stage.')) return err.message
  return clip(err instanceof Error ? err.message : String(err))
}

/** The camera's capture constraints: at most what a publisher may send (STAGE.video). */
export function cameraConstraints(): MediaTrackConstraints {
  const v = STAGE.video
  return {
    width: { ideal: v.width, max: v.width },
    height: { ideal: v.height, max: v.height },
    frameRate: { ideal: v.fps, max: v.fps },
  }
}

/** The microphone's: a performer's sound, so no voice processing that would flatten music. */
export function micConstraints(): MediaTrackConstraints {
  return { echoCancellation: true, noiseSuppression: false, autoGainControl: false }
}

/** Whether this visitor should watch the stage now. */
export function wantsToWatch(w: {
  inEvent: boolean
  live: LiveState
  publishing: boolean
  roomOpen: boolean
}): boolean {
  return w.inEvent && w.roomOpen && w.live.on && !w.publishing
}

/** Who is on the stage, for the HUD: null while nobody is on air. */
export function onAir(live: LiveState): { name: string; video: LiveVideo; audio: boolean } | null {
  if (!live.on || !live.by) return null
  return { name: clip(live.by.name || live.by.address), video: live.video, audio: live.audio }
}

// ---- the watcher -------------------------------------------------------------------------

export type WatchPhase = 'off' | 'watching' | 'live' | 'failed'

export interface WatchState {
  phase: WatchPhase
  /** Why it failed (the last reason), or null. */
  why: string | null
  /** Failures in a row (reset when media arrives or watching is no longer wanted). */
  tries: number
  /** Where a try stands: asking the server, connecting to the media server, or connected. */
  step: 'idle' | 'asking' | 'connecting' | 'connected'
  /** The `since` of the broadcast watched: a new one is watched afresh. */
  since: number
}

export const WATCH_OFF: WatchState = { phase: 'off', why: null, tries: 0, step: 'idle', since: 0 }

/** Retries after failures in a row before giving up until the broadcast changes. */
export const WATCH_MAX_TRIES = 12

export type WatchEvent =
  /** What the visitor should do now (wantsToWatch) and the broadcast's `since`. */
  | { type: 'want'; on: boolean; since: number }
  /** A usable watch ticket arrived. */
  | { type: 'ticket' }
  /** Media arrives. */
  | { type: 'media' }
  /** The try failed or the watch was lost (refused, ended, connection lost), and why. */
  | { type: 'lost'; why: string }
  /** The backoff timer fired. */
  | { type: 'retry' }

export type WatchEffect =
  { do: 'ask' } | { do: 'connect' } | { do: 'stop' } | { do: 'retry'; inMs: number }

/** Backoff after `tries` failures: 0.5 s doubling to 30 s, spread by `rand` (0…1) ±25 %. */
export function backoffMs(tries: number, rand: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, tries - 1))
  return Math.round(base * (0.75 + 0.5 * Math.min(1, Math.max(0, rand))))
}

/** One step of the watcher: its next state and what to do. */
export function watchStep(
  s: WatchState,
  ev: WatchEvent,
  rand = 0.5,
): { next: WatchState; effects: WatchEffect[] } {
  const stay = { next: s, effects: [] as WatchEffect[] }
  switch (ev.type) {
    case 'want': {
      if (!ev.on) {
        if (s.phase === 'off') return stay
        return { next: WATCH_OFF, effects: [{ do: 'stop' }] }
      }
      const fresh = ev.since !== s.since
      if (s.phase === 'off' || (fresh && s.phase === 'failed')) {
        return {
          next: { phase: 'watching', why: null, tries: 0, step: 'asking', since: ev.since },
          effects: [{ do: 'stop' }, { do: 'ask' }],
        }
      }
      return fresh ? { next: { ...s, since: ev.since }, effects: [] } : stay
    }
    case 'ticket':
      if (s.phase !== 'watching' || s.step !== 'asking') return stay
      return { next: { ...s, step: 'connecting' }, effects: [{ do: 'connect' }] }
    case 'media':
      if (s.phase !== 'watching' && s.phase !== 'live') return stay
      return { next: { ...s, phase: 'live', step: 'connected', tries: 0, why: null }, effects: [] }
    case 'lost': {
      if (s.phase === 'off' || s.phase === 'failed') return stay
      const tries = s.tries + 1
      const next: WatchState = { ...s, phase: 'failed', why: ev.why, tries, step: 'idle' }
      if (tries > WATCH_MAX_TRIES) return { next, effects: [{ do: 'stop' }] }
      return { next, effects: [{ do: 'stop' }, { do: 'retry', inMs: backoffMs(tries, rand) }] }
    }
    case 'retry':
      if (s.phase !== 'failed' || s.tries > WATCH_MAX_TRIES) return stay
      return { next: { ...s, phase: 'watching', step: 'asking' }, effects: [{ do: 'ask' }] }
  }
}
