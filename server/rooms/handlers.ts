// Message handlers as tables keyed by the message registry (src/protocol/messages.ts). The engine
// and each feature export one table; a room composes the tables of what it hosts (the world room:
// engine + spaces; the event room: engine + spaces + events) and plugs features in through
// RoomFeature. Every registered type is handled by exactly one table (handlers.test.ts); a type
// that no table of the room handles is refused by the room, as an unknown one is.
import type { Client, Clock, Presence } from '@colyseus/core'
import {
  ClientMessages,
  type ClientMessage,
  type ClientMessageType,
  type ServerMessages,
} from '../../src/protocol/messages'
import type { Scene } from '../../src/protocol/scene'
import type { WorldRules } from '../worlds'
import type { Seat } from './seat'
import type { WorldState } from './WorldState'

/**
 * Handles one message of type T from `seat`, already validated and rate-checked by the room.
 * `ctx` is what the table's owner works on (the room, or a feature's part of it).
 */
export type Handler<C, T extends ClientMessageType> = (
  ctx: C,
  seat: Seat,
  payload: ClientMessage<T>,
  now: number,
) => void

export type HandlerTable<C> = { readonly [T in ClientMessageType]?: Handler<C, T> }

type Bound = (seat: Seat, payload: unknown, now: number) => void

/** The tables one room composed, each bound to its context. */
export class Handlers {
  private readonly byType = new Map<ClientMessageType, Bound>()
  private readonly owners = new Map<ClientMessageType, string>()

  /** Adds `owner`'s table; a type some other table already handles is a programming error. */
  add<C>(owner: string, ctx: C, table: HandlerTable<C>): void {
    for (const type of Object.keys(table) as ClientMessageType[]) {
      const before = this.owners.get(type)
      if (before) throw new Error(`"${type}" is handled by both ${before} and ${owner}`)
      // The table's type ties each handler to its own payload; the room calls it with that type's.
      const handler = table[type] as unknown as (
        ctx: C,
        seat: Seat,
        payload: unknown,
        now: number,
      ) => void
      this.owners.set(type, owner)
      this.byType.set(type, (seat, payload, now) => handler(ctx, seat, payload, now))
    }
  }

  /** Runs the handler of `message.type`; false when no table of this room handles it. */
  handle(seat: Seat, message: { type: ClientMessageType; payload: unknown }, now: number): boolean {
    const handler = this.byType.get(message.type)
    if (!handler) return false
    handler(seat, message.payload, now)
    return true
  }
}

/**
 * How a set of tables covers the registry: types no table handles, types more than one table
 * handles, and names that are not registered types at all. All three empty is a complete set.
 */
export function coverage(tables: Record<string, object>): {
  missing: string[]
  twice: string[]
  unregistered: string[]
} {
  const count = new Map<string, number>()
  for (const table of Object.values(tables)) {
    for (const type of Object.keys(table)) count.set(type, (count.get(type) ?? 0) + 1)
  }
  const registered = Object.keys(ClientMessages)
  return {
    missing: registered.filter((t) => !count.has(t)),
    twice: [...count].filter(([, n]) => n > 1).map(([t]) => t),
    unregistered: [...count.keys()].filter((t) => !Object.hasOwn(ClientMessages, t)),
  }
}

/** What a feature gets from the room it plugs into. */
export interface RoomHost {
  readonly roomId: string
  /**
   * The presence key that names the rooms this one is an instance of: a world's instances, or
   * an event's (`cq:instances:…`). A feature that spans instances keys its channel on it.
   */
  readonly family: string
  readonly state: WorldState
  readonly presence: Presence
  readonly clock: Clock
  readonly rules: WorldRules
  readonly seats: ReadonlyMap<string, Seat>
  reply<T extends keyof ServerMessages>(client: Client, type: T, body: ServerMessages[T]): void
  /** One registered message to everyone in the room. */
  broadcast<T extends keyof ServerMessages>(type: T, body: ServerMessages[T]): void
  /**
   * The world's scene changed while the room runs (a builder world's): its spawn, spaces and
   * stages become the room's rules, and every feature part hears of it (`rulesChanged`).
   */
  sceneChanged(scene: Scene): void
}

/**
 * A feature's part of one room: what it holds there, released when the room goes, and what it
 * hears about the room's seats (the room fires these; a feature never imports another).
 */
export interface FeaturePart {
  dispose(): void
  /**
   * The seat joined (after its `welcome`), or a dropped seat came back (it missed what was sent
   * to it meanwhile).
   */
  joined?(seat: Seat): void
  /** The seat signed in with a wallet (`auth`): `seat.address` is set. */
  signedIn?(seat: Seat): void
  /** The seat left the room for good (not a dropped connection that may still come back). */
  left?(seat: Seat): void
  /**
   * A moderator muted the seat until `until` (ms since the epoch), or lifted the mute (0). Fired
   * again when a mute still holds as the seat (re)joins or signs in.
   */
  muted?(seat: Seat, until: number): void
  /** The room's rules changed (RoomHost.sceneChanged): spaces or stages came or went. */
  rulesChanged?(): void
}

/** A feature of the server's rooms, registered with the room classes at the composition point. */
export interface RoomFeature {
  readonly name: string
  /** Plugs into a room being created: adds its table, subscribes, starts its timers. */
  attach(host: RoomHost, handlers: Handlers): Promise<FeaturePart>
}
