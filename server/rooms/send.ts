// Sending keyed by the message registry: a server message's payload is checked against
// ServerMessages[T] (src/protocol/messages.ts) at compile time, where Colyseus' own `send` and
// `broadcast` take anything.
import type { Client, ISendOptions, Room } from '@colyseus/core'
import type { ServerMessages } from '../../src/protocol/messages'

export type ServerMessageType = keyof ServerMessages

/** One registered message to one client. */
export function send<T extends ServerMessageType>(
  client: Client,
  type: T,
  body: ServerMessages[T],
  options?: ISendOptions,
): void {
  client.send(type, body, options)
}

/** One registered message to every client of `room`. */
export function broadcast<T extends ServerMessageType>(
  room: Pick<Room, 'broadcast'>,
  type: T,
  body: ServerMessages[T],
): void {
  room.broadcast(type, body)
}
