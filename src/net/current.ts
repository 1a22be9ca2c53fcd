// The open world session, as the UI calls it. Kept apart from session.ts (and colyseus.js),
// which loads lazily once a world is ready. Features keep their own session calls beside them
// (src/spaces/current.ts, src/events/current.ts).
import type { EmoteName } from '../state/player'
import type { AvatarLook } from '../protocol/avatar'
import { useSettings } from '../state/settings'

export type ChatResult = 'sent' | 'empty' | 'slow' | 'offline'

export interface SessionApi {
  sendChat(text: string): ChatResult
  /** A gesture; 'sit' lasts until the visitor moves. False when refused (too fast, offline). */
  sendEmote(emote: EmoteName): boolean
  /** Everyone here sees the new look; a signed-in visitor's is kept for their address. */
  sendLook(look: AvatarLook): boolean
  /** For tests: drop the connection as a network failure would. */
  dropConnection(): void
  leave(): Promise<void>
}

export const current: { session: SessionApi | null } = { session: null }

/**
 * Puts on a look: kept in this browser, shown to everyone in the room, and kept for the
 * visitor's address when signed in. The avatar editor saves through here, and so does wearing a
 * collectible (src/wallet).
 */
export function wearLook(look: AvatarLook): void {
  useSettings.getState().set({ avatarLook: look })
  current.session?.sendLook(look)
}
