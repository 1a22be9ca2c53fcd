// Event actions on the open session, as the event HUD and host panel call them. Filled by the
// events binding (./binding.ts) while a session is open; kept apart from it, which loads with
// the network code.
import type { ClientMessage, ClientMessageType, ErrorCode } from '../protocol/messages'
import type { Reaction } from '../protocol/events'

export type EventActionType = Exclude<Extract<ClientMessageType, `event.${string}`>, 'event.react'>
export type EventActionResult =
  { ok: true } | { ok: false; code: ErrorCode | 'offline' | 'timeout'; message: string }

export interface EventsSessionApi {
  /** The event attended through this session (its room), or null in an ordinary world room. */
  readonly event: string | null
  /** An event action; resolves with the server's `event.ok` or its refusal (with the reason). */
  eventAction<T extends EventActionType>(
    type: T,
    payload: ClientMessage<T>,
  ): Promise<EventActionResult>
  /** A reaction (applause, hearts, fireworks); false when sent faster than the bar allows. */
  react(reaction: Reaction): boolean
}

export const current: { session: EventsSessionApi | null } = { session: null }
