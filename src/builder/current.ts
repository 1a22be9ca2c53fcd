// The builder's side of the joined room, for the tools: sends `build.*` messages (null while no
// builder world's room is joined). Set by binding.ts.
import type { ClientMessage, ClientMessageType } from '../protocol/messages'

export type BuildType = Extract<ClientMessageType, `build.${string}`>

export interface BuilderSession {
  send<T extends BuildType>(type: T, payload: ClientMessage<T>): boolean
  /** The next `ref` for an edit. */
  nextRef(): number
}

export const current: { session: BuilderSession | null } = { session: null }
