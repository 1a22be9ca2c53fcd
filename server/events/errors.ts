// The two ways an event says no: a refused action (an `error` to the sender) and a refused join
// (a matchmaking error whose message starts with the event error code, docs/protocol.md).
import { ErrorCode as MatchmakeCode, ServerError } from '@colyseus/core'
import type { EventErrorCode } from '../../src/protocol/events'
import { CLOSE_CODES, type ErrorCode } from '../../src/protocol/messages'

/** An action the sender may not do, or that makes no sense now: a code and a sentence. */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Matchmaking errors carry the event error code first: "banned: …". The numbers are ours where
 * docs/protocol.md fixes them (banned, kicked, ended: the close codes), else Colyseus' own.
 */
export function joinError(code: EventErrorCode | 'bad_token', message: string) {
  const numeric =
    code === 'banned'
      ? CLOSE_CODES.banned
      : code === 'kicked'
        ? CLOSE_CODES.kicked
        : code === 'event_ended'
          ? CLOSE_CODES.ended
          : code === 'bad_token'
            ? MatchmakeCode.AUTH_FAILED
            : MatchmakeCode.MATCHMAKE_INVALID_ROOM_ID
  return new ServerError(numeric, `${code}: ${message}`)
}

/** Events (or sign-in's store) cannot be reached yet: Colyseus' generic matchmaking failure. */
export function unavailable(message: string) {
  return new ServerError(MatchmakeCode.MATCHMAKE_UNHANDLED, message)
}
