// The open world session, as the UI calls it. Kept apart from session.ts (and colyseus.js),
// which loads lazily once a world is ready.
import type {
  ClientMessage,
  ClientMessageType,
  Emote,
  ErrorCode,
  LayoutVersionInfo,
} from '../protocol/messages'
import type { Reaction } from '../protocol/events'

export type ChatResult = 'sent' | 'empty' | 'slow' | 'offline'

export type SpaceEditType = Extract<ClientMessageType, `space.${string}`>
export type SpaceEditResult =
  | { ok: true; version: number; id?: string; versions?: LayoutVersionInfo[] }
  | { ok: false; code: ErrorCode | 'offline' | 'timeout'; message: string }

export type EventActionType = Exclude<Extract<ClientMessageType, `event.${string}`>, 'event.react'>
export type EventActionResult =
  { ok: true } | { ok: false; code: ErrorCode | 'offline' | 'timeout'; message: string }

export interface SessionApi {
  sendChat(text: string): ChatResult
  sendEmote(emote: Emote): boolean
  /** A creator space edit; resolves with the server's ack (after commit) or its refusal. */
  editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>): Promise<SpaceEditResult>
  /** The event attended through this session (its room), or null in an ordinary world room. */
  readonly event: string | null
  /** An event action; resolves with the server's `event.ok` or its refusal (with the reason). */
  eventAction<T extends EventActionType>(
    type: T,
    payload: ClientMessage<T>,
  ): Promise<EventActionResult>
  /** A reaction (applause, hearts, fireworks); false when sent faster than the bar allows. */
  react(reaction: Reaction): boolean
  /** For tests: drop the connection as a network failure would. */
  dropConnection(): void
  leave(): Promise<void>
}

export const current: { session: SessionApi | null } = { session: null }
