// Gestures: how long each plays and which one is playing now. Moving, jumping or falling ends a
// gesture, as it does in most social worlds; sitting lasts until then.
import type { EmoteName, Motion } from '../state/player'

export const EMOTE_MS: Record<EmoteName, number> = {
  wave: 2400,
  clap: 2600,
  cheer: 2400,
  dance: 6000,
  sit: Infinity,
}

/** The gestures a visitor can choose, in the emote bar's order. */
export const EMOTE_MENU: readonly EmoteName[] = ['wave', 'clap', 'cheer', 'dance', 'sit']

export function activeEmote(m: Motion, now: number): EmoteName | null {
  if (!m.emote || m.anim !== 'idle') return null
  return now - m.emoteAt < EMOTE_MS[m.emote] ? m.emote : null
}

/** Ends the gesture of a figure that moves, jumps or falls (the controller calls it each step). */
export function endEmoteOnMove(m: Motion): void {
  if (m.emote && m.anim !== 'idle') m.emote = null
}
