// What the event table (handlers.ts) and moderation act on: the event room, as they see it.
// room.ts implements it and composes them, so they need not import the room.
import type { Client, Presence } from '@colyseus/core'
import type { EventRole, ScreenState } from '../../src/protocol/events'
import type { ClientMessageType, ServerMessages } from '../../src/protocol/messages'
import type { Seat } from '../rooms/seat'
import type { Hands, Reactions } from './audience'
import type { EventBus } from './bus'
import type { EventRoomState } from './state'
import type { EventStore, StoredEvent } from './store'

export type EventMessageType = Extract<ClientMessageType, `event.${string}`>

/** A seat's part in the event. */
export interface SeatEvent {
  role: EventRole
  mutedUntil: number
  hand: boolean
  /** Whom kicks and mutes hold (holdKey). */
  who: string | null
  ip: string | null
}

export interface EventContext {
  /** The event's id. */
  readonly id: string
  /** The event as this instance knows it (roles change it). */
  readonly info: StoredEvent
  /** What the screen shows now. */
  readonly currentScreen: ScreenState
  /** How long a kick keeps someone out, minutes. */
  readonly kickMinutes: number
  readonly presence: Presence
  readonly state: EventRoomState
  readonly reactions: Reactions
  readonly hands: Hands
  /** Runs a seat's event action: its part in the event checked, a refusal answered. */
  act(seat: Seat, type: EventMessageType, run: (extra: SeatEvent) => Promise<void> | void): void
  /** Sends a message to every instance of the event (and applies it here). */
  publish(m: EventBus): void
  store(): EventStore
  reply<T extends keyof ServerMessages>(client: Client, type: T, body: ServerMessages[T]): void
}
