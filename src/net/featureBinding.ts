// What the world session (src/net/session.ts) offers the features bound to it, and what a
// feature's binding gives back: typed messages in and out of the joined room, state refresh,
// people it adds, the room it wants joined, and cleanup. Types only: a feature's binding module
// imports these without pulling in colyseus.js.
import type { ArraySchema, MapSchema } from '@colyseus/schema'
import type { ClientMessage, ClientMessageType, ServerMessages } from '../protocol/messages'
import type { EventRoomState, StateList, StateMap, WorldRoomState } from '../protocol/state'
import type { Person } from '../state/net'

/**
 * The room state as colyseus.js decodes it: the interfaces the server's schemas implement
 * (src/protocol/state.ts), with their maps and lists as the schema collections they arrive as.
 */
export type Decoded<T> =
  T extends StateMap<infer V>
    ? MapSchema<Decoded<V>>
    : T extends StateList<infer V>
      ? ArraySchema<V>
      : T extends object
        ? { [K in keyof T]: Decoded<T[K]> }
        : T
export type WireState = Decoded<WorldRoomState & { event?: EventRoomState['event'] }>

export type ServerMessageType = keyof ServerMessages

/** One joined room (the first join, a reconnection or a fresh join after a shutdown). */
export interface RoomLink {
  readonly sessionId: string
  readonly state: WireState
  isOpen(): boolean
  send<T extends ClientMessageType>(type: T, payload: ClientMessage<T>): void
  onMessage<T extends ServerMessageType>(type: T, handler: (m: ServerMessages[T]) => void): void
  /** After every state patch. */
  onStateChange(handler: () => void): void
}

/** The session's side, for the feature's whole session. */
export interface SessionHost {
  readonly world: string
  /** The room joined now; null before the first join, between rooms and after leaving. */
  room(): RoomLink | null
  /** Rebuild the people list (at the end of this task): a binding's `people()` changed. */
  refreshPeople(): void
  /** Rebuild the list of remote avatars in view (a binding added or removed some). */
  refreshVisible(): void
  /** Shows a problem on the HUD's status line. */
  problem(message: string): void
}

/** A room a feature asks to join instead of the world's. */
export interface RoomChoice {
  name: string
  options: Record<string, string>
  /** Join with the signed-in session's token (the room checks who joins). */
  signed?: boolean
}

/** Where the session's sign-in token comes from (a wallet). */
export interface AuthSource {
  token(): string | undefined
  /** Calls `changed` whenever the token changes; returns the unsubscribe. */
  subscribe(changed: (token: string | undefined) => void): () => void
}

/** Options the app opens a session with; features read theirs (e.g. `event`). */
export type SessionOptions = Readonly<Record<string, string | undefined>>

/** A feature bound to one session. Every part is optional. */
export interface SessionBinding {
  /** Join this room instead of the world's. */
  room?: RoomChoice
  /** The sign-in the session binds its seat to (sent as `auth` on every join). */
  auth?: AuthSource
  /** Before the first try at joining, and before joining afresh after a shutdown or drop. */
  starting?(): void
  /** A room was joined: register its handlers, start its timers. */
  joined?(room: RoomLink): void
  /** An `error` from the server; true when this feature took care of it. */
  error?(e: ServerMessages['error']): boolean
  /**
   * A refused join (`at: 'join'`) or a closed room (`'room'`) with `code`: the problem to show
   * when the code removes the visitor for good (no retry, no reconnection), else null.
   */
  removal?(code: number, at: 'join' | 'room'): string | null
  /** People this feature adds to the people list. */
  people?(): readonly Person[]
  /** The room closed (a rejoin may follow): stop what runs per room. */
  roomLeft?(): void
  /** The session ends: reset the feature's stores, answer whatever still waits. */
  leave?(): void
}

/** A feature's session part: binds it to a session once, when the session opens. */
export type BindSession = (host: SessionHost, options: SessionOptions) => SessionBinding
