// Which voices a listener receives: the nearest speakers within the hearing radius, at most the
// cap (nearestSpeakers), with a little hysteresis so that people at the edge do not flicker in
// and out (each change costs a renegotiation with the media server). Pure: tested in Node.
import { nearestSpeakers } from '../protocol/voice'

/** A voice already received is kept until it is this much beyond the radius. */
export const KEEP_MARGIN = 1.1

export interface SpeakerAt {
  id: string
  x: number
  z: number
}

export interface VoicePick {
  /** Everyone to receive now, nearest first. */
  keep: string[]
  /** Newly picked: subscribe to these. */
  subscribe: string[]
  /** Received but no longer picked: unsubscribe from these. */
  unsubscribe: string[]
}

/**
 * Picks the voices to receive at listener (x, z). A voice in `current` counts as KEEP_MARGIN
 * times nearer than it is, so it stays until it is 10 % beyond the radius and keeps its place
 * in the cap against a newcomer at nearly the same distance.
 */
export function pickVoices(
  speakers: readonly SpeakerAt[],
  x: number,
  z: number,
  current: ReadonlySet<string>,
  radius: number,
  cap: number,
): VoicePick {
  const seen = speakers.map((s) =>
    current.has(s.id)
      ? { id: s.id, x: x + (s.x - x) / KEEP_MARGIN, z: z + (s.z - z) / KEEP_MARGIN }
      : s,
  )
  const keep = nearestSpeakers(seen, x, z, radius, Math.max(0, Math.floor(cap)))
  const picked = new Set(keep)
  return {
    keep,
    subscribe: keep.filter((id) => !current.has(id)),
    unsubscribe: [...current].filter((id) => !picked.has(id)),
  }
}
