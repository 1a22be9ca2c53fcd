// The multiplayer protocol: one typed registry of every message a client may send, with its
// shape, size and rate limits, plus what the server sends back. Client and server both import
// it; the server validates every inbound message against it. Documented in docs/protocol.md.
import { z } from 'zod'

const finite = z.number().finite()

export const ANIMS = ['idle', 'walk', 'run', 'jump', 'fall'] as const
export const EMOTES = ['wave', 'clap', 'cheer', 'dance'] as const
export type Emote = (typeof EMOTES)[number]

/** Largest message a client may send, in bytes of its encoded payload. */
export const MAX_MESSAGE_BYTES = 1024
export const CHAT_MAX_CHARS = 200
/** Client pose send rate; the server allows a little more before it counts a message as excess. */
export const POSE_HZ = 12

/** Inbound (client → server) messages: shape and token-bucket rate (per second, burst). */
export const ClientMessages = {
  pose: {
    schema: z.object({
      x: finite,
      y: finite,
      z: finite,
      /** Heading, radians. */
      h: finite,
      a: z.enum(ANIMS),
    }),
    rate: { perSecond: POSE_HZ * 1.5, burst: 6 },
  },
  chat: {
    schema: z.object({ text: z.string().trim().min(1).max(CHAT_MAX_CHARS) }),
    rate: { perSecond: 1, burst: 3 },
  },
  emote: {
    schema: z.object({ emote: z.enum(EMOTES) }),
    rate: { perSecond: 1, burst: 2 },
  },
  ping: {
    schema: z.object({ t: finite }),
    rate: { perSecond: 2, burst: 4 },
  },
} as const

export type ClientMessageType = keyof typeof ClientMessages
export type ClientMessage<T extends ClientMessageType> = z.infer<
  (typeof ClientMessages)[T]['schema']
>

export const ERROR_CODES = [
  'unknown_type',
  'bad_shape',
  'too_large',
  'rate_limited',
  'out_of_bounds',
  'too_fast',
  'flood',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Outbound (server → client) messages. */
export interface ServerMessages {
  error: { code: ErrorCode; type?: string; message: string }
  chat: { from: string; name: string; text: string; at: number }
  emote: { from: string; emote: Emote }
  pong: { t: number; server: number }
  /** The server refused a pose and puts the visitor back here. */
  correction: { x: number; y: number; z: number }
}

export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly type?: string,
  ) {
    super(message)
    this.name = 'ProtocolError'
  }
}

function encodedSize(payload: unknown): number {
  try {
    return JSON.stringify(payload)?.length ?? 0
  } catch {
    return Infinity
  }
}

/**
 * Validates an inbound message. Returns the typed payload or throws ProtocolError with a code and
 * a message fit to show the sender. Never throws anything else, whatever the input.
 */
export function parseClientMessage(
  type: unknown,
  payload: unknown,
): { [T in ClientMessageType]: { type: T; payload: ClientMessage<T> } }[ClientMessageType] {
  if (typeof type !== 'string' || !Object.hasOwn(ClientMessages, type)) {
    throw new ProtocolError(
      'unknown_type',
      `unknown message type ${JSON.stringify(String(type)).slice(0, 40)}`,
    )
  }
  const t = type as ClientMessageType
  if (encodedSize(payload) > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('too_large', `"${t}" is larger than ${MAX_MESSAGE_BYTES} bytes`, t)
  }
  const result = ClientMessages[t].schema.safeParse(payload)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const where = issue.path.length ? issue.path.join('.') : 'payload'
    throw new ProtocolError('bad_shape', `"${t}": ${where}: ${issue.message}`, t)
  }
  return { type: t, payload: result.data } as ReturnType<typeof parseClientMessage>
}

/** A token bucket: `take()` is false when the sender is over its rate. */
export class RateLimiter {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst
    this.last = now
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
