// Gestures: how long each plays and which one is playing now. Moving, jumping or falling ends a
// gesture, as it does in most social worlds.
import type { EmoteName, Motion } from '../state/player'

export const EMOTE_MS: Record<EmoteName, number> = {
  wave: 2400,
  clap: 2600,
  cheer: 2400,
  dance: 6000,
}

export function activeEmote(m: Motion, now: number): EmoteName | null {
  if (!m.emote || m.anim !== 'idle') return null
  return now - m.emoteAt < EMOTE_MS[m.emote] ? m.emote : null
}
