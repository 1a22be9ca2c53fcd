// The multiplayer protocol: one typed registry of every message a client may send, with its
// shape, size and rate limits, plus what the server sends back. Client and server both import
// it; the server validates every inbound message against it. Documented in docs/protocol.md.
//
// It is one file because it is the one registry both sides import: each message's shape, size, rate
// and text rules stand together.
import { z } from 'zod'
import {
  Address,
  EVENT_LIMITS,
  REACTIONS,
  ScreenMedia,
  type Announcement,
  type EventErrorCode,
  type EventInfo,
  type EventRole,
  type RaisedHand,
  type ReactionCounts,
} from './events'
import { Placement, SpaceId, SpaceMode, TokenRef, type SpaceErrorCode } from './spaces'
import { BuilderMessages, type BuilderErrorCode, type BuilderServerMessages } from './builder'
import { TourMessages, type TourErrorCode, type TourServerMessages } from './tours'
import { GiftMessages, type GiftServerMessages } from './gifts'
import { AvatarMessages, type AvatarErrorCode, type AvatarServerMessages } from './avatar'
import { StageMessages, type StageErrorCode, type StageServerMessages } from './stage'
import { VoiceMessages, type VoiceErrorCode, type VoiceServerMessages } from './voice'

const finite = z.number().finite()

/**
 * A pose's animation state. 'sit' is a visitor sitting until they move: a state, not a one-off
 * gesture, so it travels in the poses (whoever sees the avatar later sees it sitting).
 */
export const ANIMS = ['idle', 'walk', 'run', 'jump', 'fall', 'sit'] as const
/** Gestures sent as `emote` messages: each plays for a while. */
export const EMOTES = ['wave', 'clap', 'cheer', 'dance'] as const
export type Emote = (typeof EMOTES)[number]

/** Largest message a client may send, in bytes of its encoded payload. */
export const MAX_MESSAGE_BYTES = 1024
export const CHAT_MAX_CHARS = 200
/** Client pose send rate; the server allows a little more before it counts a message as excess. */
export const POSE_HZ = 12

/** Space edits: a creator working quickly, not a script. */
const SPACE_RATE = { perSecond: 4, burst: 8 }

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
  /** Binds the seat to a signed-in wallet: the bearer token from POST /api/auth/verify. */
  auth: {
    schema: z.object({ token: z.string().min(1).max(200) }),
    rate: { perSecond: 1, burst: 3 },
  },
  'space.claim': {
    schema: z.object({ space: SpaceId }),
    rate: SPACE_RATE,
  },
  /** The owner gives the space back: it is free again, its layouts are deleted. */
  'space.release': {
    schema: z.object({ space: SpaceId }),
    rate: SPACE_RATE,
  },
  /** `base` is the layout version the editor saw: a stale edit is refused, not merged. */
  'space.place': {
    schema: z.object({
      space: SpaceId,
      base: z.number().int().min(0),
      token: TokenRef,
      placement: Placement,
    }),
    rate: SPACE_RATE,
  },
  'space.move': {
    schema: z.object({
      space: SpaceId,
      base: z.number().int().min(0),
      id: z.string().min(1).max(64),
      placement: Placement,
    }),
    rate: SPACE_RATE,
  },
  'space.remove': {
    schema: z.object({
      space: SpaceId,
      base: z.number().int().min(0),
      id: z.string().min(1).max(64),
    }),
    rate: SPACE_RATE,
  },
  'space.restore': {
    schema: z.object({ space: SpaceId, version: z.number().int().min(1) }),
    rate: SPACE_RATE,
  },
  /** The newest layout versions of a space (its owner and collaborators only), for restoring. */
  'space.history': {
    schema: z.object({ space: SpaceId }),
    rate: SPACE_RATE,
  },
  'space.collaborator': {
    schema: z.object({
      space: SpaceId,
      address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
      add: z.boolean(),
    }),
    rate: SPACE_RATE,
  },
  /**
   * The owner shows the space as a gallery (frames on the walls) or as an immersive exhibition
   * (its works flow over the walls, floor and ceiling).
   */
  'space.mode': {
    schema: z.object({ space: SpaceId, mode: SpaceMode }),
    rate: SPACE_RATE,
  },
  // ---- live gatherings (event rooms only; docs/protocol.md) -----------------------------
  /** Host: load media, play, pause, seek, change slide. Positions in seconds. */
  'event.screen': {
    schema: z.discriminatedUnion('action', [
      z.object({ action: z.literal('load'), media: ScreenMedia }),
      z.object({ action: z.literal('play'), position: z.number().min(0).max(1e6).optional() }),
      z.object({ action: z.literal('pause'), position: z.number().min(0).max(1e6).optional() }),
      z.object({ action: z.literal('seek'), position: z.number().min(0).max(1e6) }),
      z.object({ action: z.literal('slide'), slide: z.number().int().min(0).max(1000) }),
    ]),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Host: go live, or end the event. */
  'event.live': {
    schema: z.object({ live: z.boolean() }),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Host or moderator: the megaphone, to every attendee in every instance. */
  'event.announce': {
    schema: z.object({ text: z.string().trim().min(1).max(EVENT_LIMITS.announcementChars) }),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Anyone: counted, never relayed one by one. */
  'event.react': {
    schema: z.object({ reaction: z.enum(REACTIONS) }),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Audience: raise or lower a hand. */
  'event.hand': {
    schema: z.object({ up: z.boolean() }),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Host or moderator: call on a raised hand (by the attendee's session id). */
  'event.call': {
    schema: z.object({ session: z.string().min(1).max(64) }),
    rate: { perSecond: 2, burst: 4 },
  },
  /** Host or moderator: mute a session's chat, kick a session, ban (or unban) an address. */
  'event.moderate': {
    schema: z.discriminatedUnion('action', [
      z.object({
        action: z.literal('mute'),
        session: z.string().min(1).max(64),
        minutes: z.number().int().min(1).max(EVENT_LIMITS.muteMinutes).default(10),
      }),
      z.object({ action: z.literal('unmute'), session: z.string().min(1).max(64) }),
      z.object({ action: z.literal('kick'), session: z.string().min(1).max(64) }),
      z.object({ action: z.literal('ban'), address: Address }),
      z.object({ action: z.literal('unban'), address: Address }),
    ]),
    rate: { perSecond: 2, burst: 6 },
  },
  /** Host: give an address a role (audience takes it away). */
  'event.role': {
    schema: z.object({ address: Address, role: z.enum(['performer', 'moderator', 'audience']) }),
    rate: { perSecond: 2, burst: 6 },
  },
  ...VoiceMessages,
  ...StageMessages,
  ...BuilderMessages,
  ...TourMessages,
  ...GiftMessages,
  ...AvatarMessages,
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
  'bad_token',
] as const
export type ErrorCode =
  | (typeof ERROR_CODES)[number]
  | SpaceErrorCode
  | EventErrorCode
  | VoiceErrorCode
  | StageErrorCode
  | BuilderErrorCode
  | TourErrorCode
  | AvatarErrorCode

/** A chat line as the server relays it (and keeps the last few for people who join later). */
export interface ChatLine {
  /** Sender's session id. */
  from: string
  name: string
  text: string
  /** Server time, ms since the epoch. */
  at: number
}

/** One committed version of a space's layout, as the history lists it. */
export interface LayoutVersionInfo {
  version: number
  /** ms since the epoch. */
  at: number
  /** The wallet that made it. */
  by: string
  /** What changed: claim, place, move, remove, restore:<n>, hide, … */
  note: string
  /** How many exhibits it holds. */
  count: number
}

/** Outbound (server → client) messages. */
export interface ServerMessages
  extends
    VoiceServerMessages,
    StageServerMessages,
    BuilderServerMessages,
    TourServerMessages,
    GiftServerMessages,
    AvatarServerMessages {
  /** Sent once after joining: which instance of the world this is, and recent chat. */
  welcome: {
    world: string
    instance: number
    capacity: number
    chat: ChatLine[]
    /** How long this room keeps the seat after a dropped connection, seconds. */
    reconnectS: number
    /** Where the room seated the visitor when not at the world's spawn (beside an inviter). */
    at?: { x: number; y: number; z: number; heading: number }
  }
  error: { code: ErrorCode; type?: string; message: string }
  chat: ChatLine
  emote: { from: string; emote: Emote }
  pong: { t: number; server: number }
  /** The server refused a pose and puts the visitor back here. */
  correction: { x: number; y: number; z: number }
  /** The seat is now bound to this wallet address (after `auth`). */
  authed: { address: string }
  /** A space edit was committed: the layout is now at `version`. */
  'space.ok': {
    op: string
    space: string
    version: number
    id?: string
    /** For `history`: the newest versions first. */
    versions?: LayoutVersionInfo[]
  }
  /** To a space's owner: an exhibit was hidden because its ownership check failed. */
  'space.hidden': { space: string; id: string; reason: string }
  /** On joining an event instance: the event and the visitor's role in it. */
  'event.welcome': { event: EventInfo; role: EventRole; instance: number }
  /** The visitor's role changed (the host gave or took one). */
  'event.role': { role: EventRole }
  /** An event action was done (`op` is the message type without "event."). */
  'event.ok': { op: string }
  'event.announcement': Announcement
  /** Reactions over the last window, summed over every instance (sent only when non-zero). */
  'event.reactions': ReactionCounts
  /**
   * To hosts and moderators: the oldest raised hands of every instance (at most
   * EVENT_LIMITS.handsListed), and how many are raised in all. Debounced: one message per
   * window however many hands change.
   */
  'event.hands': { hands: RaisedHand[]; total: number }
  /** To an attendee the host called on. */
  'event.called': { by: string }
  /** To a muted attendee: chat is refused until `until` (ms since the epoch). */
  'event.muted': { until: number }
  /**
   * This server process is shutting down: it closes the room within `seconds` (Colyseus'
   * normal close, 4000). Join again after that; another process may take the visitor sooner.
   */
  'server.shutdown': { seconds: number }
}

/** WebSocket close codes the server uses besides Colyseus' own. */
export const CLOSE_CODES = {
  /** Sustained excess messages after rate-limit warnings. */
  flood: 4290,
  /** A moderator removed the attendee from the event. */
  kicked: 4403,
  /** The attendee's address is banned from the event. */
  banned: 4404,
  /** The event ended. */
  ended: 4410,
} as const

/**
 * How long a dropped connection keeps its seat and avatar, seconds: the server's default
 * (RECONNECT_SECONDS in its environment); each room says its own in `welcome`.
 */
export const RECONNECT_SECONDS = 20

// ---- compact state encoding ------------------------------------------------------------
// Positions travel as int16 in 1/16 m (±2,047 m covers the largest 4,096 m world), heading as a
// byte (1.4° steps), animation as an index into ANIMS.

export const POS_SCALE = 16
const INT16_MAX = 32767

export function quantizePos(v: number): number {
  return Math.max(-INT16_MAX, Math.min(INT16_MAX, Math.round(v * POS_SCALE)))
}
export function dequantizePos(q: number): number {
  return q / POS_SCALE
}
export function quantizeHeading(h: number): number {
  const turns = h / (Math.PI * 2)
  return Math.round((turns - Math.floor(turns)) * 256) & 255
}
export function dequantizeHeading(q: number): number {
  const h = (q / 256) * Math.PI * 2
  return h > Math.PI ? h - Math.PI * 2 : h
}
export function animIndex(a: (typeof ANIMS)[number]): number {
  return ANIMS.indexOf(a)
}
export function animAt(i: number): (typeof ANIMS)[number] {
  return ANIMS[i] ?? 'idle'
}

/** Avatar colour "#rrggbb" ⇄ uint32 in the state. */
export function packColor(hex: string): number {
  return /^#[0-9a-f]{6}$/i.test(hex) ? parseInt(hex.slice(1), 16) : 0x4a7bd0
}
export function unpackColor(c: number): string {
  return `#${(c & 0xffffff).toString(16).padStart(6, '0')}`
}

export const NAME_MAX_CHARS = 24

/**
 * Text people type (names, chat): control, zero-width and bidi-override characters removed,
 * whitespace collapsed, trimmed, at most `max` code points. Shown as text, never as HTML.
 */
export function cleanText(raw: unknown, max: number): string {
  if (typeof raw !== 'string') return ''
  const flat = raw
    // Invisible format characters (Unicode Cf: zero-width, bidi, word joiners, BOM…) and the
    // Hangul fillers that render as blanks go without a trace; control characters become spaces.
    .replace(INVISIBLE, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return [...flat].slice(0, max).join('').trim()
}

const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u180e\u2800]/gu

/**
 * Display names nobody may take: they would pass for the host, staff or the system. Compared
 * by `nameSkeleton`, so "H0ST", "ｈｏｓｔ" and "hоst" (Cyrillic о) count too.
 */
export const RESERVED_NAMES = [
  'host',
  'moderator',
  'mod',
  'admin',
  'administrator',
  'system',
  'official',
  'staff',
  'cangqiong',
  '主持人',
  '主持',
  '管理员',
  '版主',
  '系统',
  '官方',
  '苍穹',
] as const

// Look-alikes folded onto one letter: Cyrillic and Greek letters that look Latin, digits that
// look like letters, and "rn" that reads as "m".
const CONFUSABLE_FROM = [...'авеёкмнорстухѕіїјԁӏԛԝһαβεηικνορτυχγω01345789@$|!i']
const CONFUSABLE_TO = 'abeekmhopctyxslljdlqwhabenlkvoptuxywoleastbgaslll'
const CONFUSABLE = new Map(CONFUSABLE_FROM.map((c, i) => [c, CONFUSABLE_TO[i]!]))

/** A name reduced to what it looks like: NFKC, lower case, look-alikes folded, letters only. */
export function nameSkeleton(name: string): string {
  const folded = [...name.normalize('NFKC').toLowerCase()]
    .map((c) => CONFUSABLE.get(c) ?? c)
    .join('')
  return folded.replace(/rn/g, 'm').replace(/[^\p{L}\p{N}]/gu, '')
}

const RESERVED_SKELETONS = RESERVED_NAMES.map(nameSkeleton)

/**
 * Whether `name` passes for a reserved name or for one of `taken` (e.g. the host's): the whole
 * name or any word of it looks like one; reserved CJK words count anywhere in the name.
 */
export function impersonates(name: string, taken: readonly string[] = []): boolean {
  const whole = nameSkeleton(name)
  if (!whole) return false
  const words = name
    .normalize('NFKC')
    .split(/[\s\p{P}\p{S}]+/u)
    .map(nameSkeleton)
    .filter(Boolean)
  const looks = (target: string) => !!target && (whole === target || words.includes(target))
  if (RESERVED_SKELETONS.some(looks)) return true
  // Chinese has no spaces between words: 主持人小王 is still 主持人.
  if (RESERVED_SKELETONS.some((r) => /[^\p{ASCII}]/u.test(r) && whole.includes(r))) return true
  return taken.some((t) => looks(nameSkeleton(t)))
}

/**
 * A display name as the server keeps it: NFKC-normalised and cleaned like chat; '' when it is
 * empty or impersonates a reserved name or one of `taken` (the caller then picks a neutral one).
 */
export function cleanName(raw: unknown, taken: readonly string[] = []): string {
  const name = displayName(raw)
  return impersonates(name, taken) ? '' : name
}

/** NFKC-normalised and cleaned like chat, without the impersonation check (for staff). */
export function displayName(raw: unknown): string {
  if (typeof raw !== 'string') return ''
  return cleanText(raw.slice(0, 4 * NAME_MAX_CHARS).normalize('NFKC'), NAME_MAX_CHARS)
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

/** Longest error message the server sends back about a refused message, in characters. */
export const ERROR_MESSAGE_MAX_CHARS = 200

/**
 * A message type as a short, printable label. Never calls the value's own toString or valueOf:
 * a type can be any decoded value (Colyseus hands the payload over as the type for `*`).
 */
export function describeType(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(cleanText(type, 40))
  if (typeof type === 'number') return Number.isFinite(type) ? `${type}` : 'a non-finite number'
  if (type === null) return 'null'
  return `a${/^[aeiou]/.test(typeof type) ? 'n' : ''} ${typeof type}`
}

/** Largest WebSocket close reason, in UTF-8 bytes (RFC 6455: 125 minus the code's two). */
export const CLOSE_REASON_MAX_BYTES = 123

/** A close reason cut to CLOSE_REASON_MAX_BYTES of UTF-8 at a code point boundary. */
export function closeReason(text: string): string {
  const flat = cleanText(text, CLOSE_REASON_MAX_BYTES)
  const bytes = new TextEncoder().encode(flat)
  if (bytes.length <= CLOSE_REASON_MAX_BYTES) return flat
  let end = CLOSE_REASON_MAX_BYTES
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end-- // not inside a code point
  return new TextDecoder().decode(bytes.subarray(0, end))
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
    throw new ProtocolError('unknown_type', `unknown message type ${describeType(type)}`)
  }
  const t = type as ClientMessageType
  if (encodedSize(payload) > MAX_MESSAGE_BYTES) {
    throw new ProtocolError('too_large', `"${t}" is larger than ${MAX_MESSAGE_BYTES} bytes`, t)
  }
  let result: ReturnType<(typeof ClientMessages)[ClientMessageType]['schema']['safeParse']>
  try {
    result = ClientMessages[t].schema.safeParse(payload)
  } catch {
    // Whatever a decoded payload holds, the answer is a refusal, not a thrown error.
    throw new ProtocolError('bad_shape', `"${t}": payload could not be read`, t)
  }
  if (!result.success) {
    const issue = result.error.issues[0]!
    const where = issue.path.length ? issue.path.map(String).join('.') : 'payload'
    const text = `"${t}": ${where}: ${issue.message}`
    throw new ProtocolError('bad_shape', text.slice(0, ERROR_MESSAGE_MAX_CHARS), t)
  }
  return { type: t, payload: result.data } as ReturnType<typeof parseClientMessage>
}

/** A token bucket with the registry's rate for `type`, full at `now`. */
export function rateLimiterFor(type: ClientMessageType, now: number): RateLimiter {
  const { perSecond, burst } = ClientMessages[type].rate
  return new RateLimiter(perSecond, burst, now)
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
