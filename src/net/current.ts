// The open world session, as the UI calls it. Kept apart from session.ts (and colyseus.js),
// which loads lazily once a world is ready.
import type {
  ClientMessage,
  ClientMessageType,
  Emote,
  ErrorCode,
  LayoutVersionInfo,
} from '../protocol/messages'

export type ChatResult = 'sent' | 'empty' | 'slow' | 'offline'

export type SpaceEditType = Extract<ClientMessageType, `space.${string}`>
export type SpaceEditResult =
  | { ok: true; version: number; id?: string; versions?: LayoutVersionInfo[] }
  | { ok: false; code: ErrorCode | 'offline' | 'timeout'; message: string }

export interface SessionApi {
  sendChat(text: string): ChatResult
  sendEmote(emote: Emote): boolean
  /** A creator space edit; resolves with the server's ack (after commit) or its refusal. */
  editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>): Promise<SpaceEditResult>
  /** For tests: drop the connection as a network failure would. */
  dropConnection(): void
  leave(): Promise<void>
}

export const current: { session: SessionApi | null } = { session: null }
