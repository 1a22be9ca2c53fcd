// Voice: what the Colyseus server and the client agree on. Media never passes through the game
// server: each visitor talks to the Janus media server directly, but only with what the game
// server handed them (a ticket), and the game server alone creates the Janus rooms, admits
// publishers, mutes and kicks. See docs/voice.md.
import { z } from 'zod'

export const VOICE = {
  /**
   * The mid of the one audio stream a client publishes (its first m-line). Listeners subscribe
   * to this stream of a feed only, so a publisher that adds video costs them nothing; the server
   * mutes this stream when a moderator mutes the seat.
   */
  audioMid: '0',
  /** Beyond this distance (m) a voice is silent, and nobody subscribes to it. */
  radius: 20,
  /** Distance (m) up to which a voice is at full level; it fades to silence at `radius`. */
  fullLevelWithin: 2,
  /** A listener receives at most this many voices at once: the nearest speakers. */
  cap: 8,
  /** A ticket's room pass admits one join within this many seconds. */
  passSeconds: 30,
  /** The media server token lasts this long; the client renews it before then. */
  tokenSeconds: 600,
  /** The client asks for a fresh token this many seconds before the old one expires. */
  renewBeforeSeconds: 120,
} as const

export const VOICE_ERROR_CODES = [
  /** No media server: `npm start` found no Janus binary, or it is down. */
  'voice_off',
  /** The seat may not join voice here (a muted or kicked attendee, a full room). */
  'voice_refused',
] as const
export type VoiceErrorCode = (typeof VOICE_ERROR_CODES)[number]

/** What a client needs to join voice in its room on the media server. */
export interface VoiceTicket {
  /** The media server's WebSocket URL, as the browser reaches it. */
  url: string
  /** The Janus VideoRoom room of this instance. */
  room: number
  /** Signed media server token (Janus token_auth); expires at `expires`. */
  token: string
  /** ms since the epoch. */
  expires: number
  /** One-use room pass (the room's `allowed` list), valid for VOICE.passSeconds. */
  pass: string
  /** The publisher id the client joins with; the server kicks any other. */
  feed: number
  /** Hearing radius and stream cap, as this server runs them. */
  radius: number
  cap: number
}

/** Whether voice can be joined here, and why not. */
export interface VoiceStatus {
  available: boolean
  /** When unavailable: what is missing and how to get it. */
  reason?: string
}

/** A visitor in voice (WorldState.voice, keyed by session id). */
export interface VoiceSeatState {
  /** Their publisher id in the instance's Janus room. */
  feed: number
  /** Muted by themselves or by a moderator: others see the muted mark. */
  muted: boolean
}

/** Client → server voice messages (joined into the registry in messages.ts). */
export const VoiceMessages = {
  /** Asks to join voice: answered with `voice.ticket`, or `error` voice_off / voice_refused. */
  'voice.join': {
    schema: z.object({}).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Leaves voice: the seat's feed is dropped from the state and from the media server. */
  'voice.leave': {
    schema: z.object({}).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /** The visitor muted or unmuted their microphone (shown to others). */
  'voice.mute': {
    schema: z.object({ muted: z.boolean() }).strict(),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Asks for a fresh media server token before the old one expires: `voice.token`. */
  'voice.renew': {
    schema: z.object({}).strict(),
    rate: { perSecond: 0.2, burst: 2 },
  },
} as const

/** Server → client voice messages (joined into ServerMessages). */
export interface VoiceServerMessages {
  'voice.ticket': VoiceTicket
  'voice.token': { token: string; expires: number }
  /** A moderator muted this visitor's voice on the media server until `until` (ms). */
  'voice.muted': { until: number }
  /** Voice ended for this visitor (kicked, the media server went away): why. */
  'voice.ended': { reason: string }
}

/**
 * The gain of a voice at `distance` metres: full up to VOICE.fullLevelWithin, falling linearly to
 * silence at the radius (WebAudio's 'linear' distance model with these ref/max distances).
 */
export function voiceGain(distance: number, radius: number = VOICE.radius): number {
  const ref = VOICE.fullLevelWithin
  if (distance <= ref) return 1
  if (distance >= radius) return 0
  return 1 - (distance - ref) / (radius - ref)
}

/**
 * The speakers a listener should receive: those within the radius, nearest first, at most
 * `cap`. `speakers` are [id, x, z]; allocation-light (one array per call, at voice's rate).
 */
export function nearestSpeakers<T>(
  speakers: readonly { id: T; x: number; z: number }[],
  x: number,
  z: number,
  radius: number = VOICE.radius,
  cap: number = VOICE.cap,
): T[] {
  const r2 = radius * radius
  const inRange: { id: T; d2: number }[] = []
  for (const s of speakers) {
    const dx = s.x - x
    const dz = s.z - z
    const d2 = dx * dx + dz * dz
    if (d2 < r2) inRange.push({ id: s.id, d2 })
  }
  inRange.sort((a, b) => a.d2 - b.d2)
  return inRange.slice(0, cap).map((s) => s.id)
}
