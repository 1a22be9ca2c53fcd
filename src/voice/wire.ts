// What the voice binding makes of the server's messages and state, as pure functions (tested in
// Node): the ticket checked before anything connects with it, when to renew the media token,
// the room state's `voice` map read into plain seats, and voice errors into a status.
import type { ServerMessages } from '../protocol/messages'
import { VOICE, type VoiceSeatState, type VoiceTicket } from '../protocol/voice'
import { NO_JANUS } from './store'

/** Server texts are shown as they are, never longer than this. */
const TEXT_MAX = 300

const UINT32_MAX = 0xffffffff
const isFeed = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= UINT32_MAX

export const clip = (text: string) =>
  text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX)}…` : text

/** The ticket if it is one this client can use, else why not. */
export function readTicket(m: unknown): VoiceTicket | string {
  if (typeof m !== 'object' || m === null) return 'the voice ticket is malformed'
  const t = m as Record<string, unknown>
  let url: URL
  try {
    url = new URL(String(t.url))
  } catch {
    return 'the voice ticket has no media server address'
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    return 'the media server address is not a WebSocket URL'
  if (typeof t.room !== 'number' || !Number.isSafeInteger(t.room) || t.room <= 0)
    return 'the voice ticket names no room'
  if (typeof t.token !== 'string' || t.token.length === 0 || t.token.length > 1024)
    return 'the voice ticket has no media token'
  if (typeof t.pass !== 'string' || t.pass.length === 0 || t.pass.length > 256)
    return 'the voice ticket has no room pass'
  if (typeof t.expires !== 'number' || !Number.isFinite(t.expires))
    return 'the voice ticket has no expiry'
  if (!isFeed(t.feed)) return 'the voice ticket has no feed id'
  const radius = typeof t.radius === 'number' && t.radius > 0 && t.radius <= 500 ? t.radius : null
  const cap = typeof t.cap === 'number' && Number.isInteger(t.cap) && t.cap > 0 && t.cap <= 64
  if (radius === null || !cap) return 'the voice ticket has no radius or cap'
  return {
    url: url.href,
    room: t.room,
    token: t.token,
    expires: t.expires,
    pass: t.pass,
    feed: t.feed,
    radius,
    cap: t.cap as number,
  }
}

/**
 * How long to wait before asking for a fresh media token (ms): VOICE.renewBeforeSeconds before
 * it expires, at least a second from now, and never later than a token's whole life.
 */
export function renewDelay(expires: number, now: number): number {
  const due = expires - VOICE.renewBeforeSeconds * 1000 - now
  return Math.max(1000, Math.min(due, VOICE.tokenSeconds * 1000))
}

/** The room state's `voice` map (a MapSchema, by session id) as far as voice reads it. */
export interface SeatMap {
  forEach(fn: (seat: VoiceSeatState, id: string) => void): void
}

/** The room state's `voice` map as plain seats; entries that make no sense are left out. */
export function readSeats(map: SeatMap | undefined): Record<string, VoiceSeatState> {
  const seats: Record<string, VoiceSeatState> = {}
  map?.forEach((seat, id) => {
    if (!isFeed(seat.feed)) return
    seats[id] = { feed: seat.feed, muted: seat.muted === true }
  })
  return seats
}

export function sameSeats(
  a: Record<string, VoiceSeatState>,
  b: Record<string, VoiceSeatState>,
): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => b[k]?.feed === a[k]!.feed && b[k]?.muted === a[k]!.muted)
}

/** What a voice error means for the visitor, or null when it is not voice's. */
export function voiceError(
  e: ServerMessages['error'],
): { status: 'off' | 'error'; message: string } | null {
  if (e.code === 'voice_off') return { status: 'off', message: clip(e.message || NO_JANUS) }
  if (e.code === 'voice_refused') return { status: 'error', message: clip(e.message) }
  if (e.type?.startsWith('voice.')) return { status: 'error', message: clip(e.message) }
  return null
}
