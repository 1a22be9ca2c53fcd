// Creator space edits on the open session, as the panels call them. Filled by the spaces binding
// (./binding.ts) while a session is open; kept apart from it, which loads with the network code.
import type {
  ClientMessage,
  ClientMessageType,
  ErrorCode,
  LayoutVersionInfo,
} from '../protocol/messages'

export type SpaceEditType = Extract<ClientMessageType, `space.${string}`>
export type SpaceEditResult =
  | { ok: true; version: number; id?: string; versions?: LayoutVersionInfo[] }
  | { ok: false; code: ErrorCode | 'offline' | 'timeout'; message: string }

export interface SpacesSessionApi {
  /** A creator space edit; resolves with the server's ack (after commit) or its refusal. */
  editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>): Promise<SpaceEditResult>
}

export const current: { session: SpacesSessionApi | null } = { session: null }
