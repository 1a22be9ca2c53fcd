// Live gatherings on the wire: what an event is, who does what in it, what the synced screen
// shows, and the limits the server holds everyone to. Isomorphic (client, server, bench); the
// room messages that carry these are registered in messages.ts, the HTTP API in docs/api.md.
//
// An event takes place on a stage of a world (scenes declare stages). Attendees join the
// event's room ("event", filtered by event id); when an instance is full the next attendee gets
// another instance of the same event. The host's actions (screen, announcements) and the cast's
// avatars (host and performers) are mirrored into every instance through Colyseus presence, so
// this works across processes sharing Redis.
import { z } from 'zod'
import { WorldId } from './scene'

/** Server-made event ids: 12 lowercase base-36 characters. */
export const EventId = z.string().regex(/^[a-z0-9]{12}$/, 'an event id is 12 letters or digits')
export type EventId = z.infer<typeof EventId>

export const StageId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a stage id is lowercase letters, digits, "-"')

export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x and 40 hex digits')

/**
 * host: the wallet that created the event; runs the screen, goes live, sets roles.
 * performer: on stage with the host (mirrored into every instance), may raise the screen's
 *   slides too. moderator: mutes, kicks and bans. audience: everyone else; the stage is closed
 *   to them.
 */
export const EVENT_ROLES = ['host', 'performer', 'moderator', 'audience'] as const
export type EventRole = (typeof EVENT_ROLES)[number]

export const REACTIONS = ['applause', 'hearts', 'fireworks'] as const
export type Reaction = (typeof REACTIONS)[number]

export const EVENT_LIMITS = {
  /** People per instance of an event, as a host may set it. */
  capacity: { min: 2, max: 500, default: 100 },
  titleChars: 80,
  descriptionChars: 1000,
  announcementChars: 280,
  /** An event lasts at most this long (ms). */
  maxDurationMs: 24 * 3600_000,
  /** How far ahead an event may be scheduled (ms). */
  maxAheadMs: 366 * 24 * 3600_000,
  performers: 16,
  moderators: 16,
  slides: 50,
  /** Longest chat mute a moderator can give (minutes). */
  muteMinutes: 24 * 60,
  /** Raised hands the host's list shows (the oldest; `total` counts them all). */
  handsListed: 20,
  /** Hand changes are gathered this long before hosts and moderators get one list (ms). */
  handsDebounceMs: 300,
} as const

/** Media a screen may load: a file of this site under /assets/, or an http(s) URL. */
export const MediaUrl = z
  .string()
  .max(2048)
  .refine((u) => {
    if (/^\/assets\/[A-Za-z0-9._\-/]+$/.test(u)) return !u.includes('..')
    try {
      const url = new URL(u)
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username
    } catch {
      return false
    }
  }, 'media is a /assets/… path or an http(s) URL')

export const ScreenMedia = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('video'), url: MediaUrl }),
  z.object({
    kind: z.literal('slides'),
    urls: z.array(MediaUrl).min(1).max(EVENT_LIMITS.slides),
  }),
])
export type ScreenMedia = z.infer<typeof ScreenMedia>

/**
 * What every screen shows. A playing video is at `position + (serverNow - at) / 1000` seconds;
 * a paused one at `position`. Clients turn their own clock into server time with an offset
 * estimated from pings (src/net/clock.ts), so late joiners land on the same frame.
 */
export const ScreenState = z.object({
  media: ScreenMedia.nullable(),
  playing: z.boolean(),
  /** Seconds into the video at server time `at`. */
  position: z.number().min(0).finite(),
  /** Server time (ms since the epoch) that `position` refers to. */
  at: z.number().int().nonnegative(),
  /** The slide shown (slides only). */
  slide: z.number().int().min(0),
})
export type ScreenState = z.infer<typeof ScreenState>

export const EMPTY_SCREEN: ScreenState = {
  media: null,
  playing: false,
  position: 0,
  at: 0,
  slide: 0,
}

/** Where a screen's video should be at server time `serverNow`, in seconds. */
export function screenPosition(s: ScreenState, serverNow: number): number {
  if (!s.playing) return s.position
  return s.position + Math.max(0, serverNow - s.at) / 1000
}

/** What a host sends to create an event (POST /api/events). */
export const EventDraft = z
  .object({
    /** Both languages are asked for; one may be empty (the other is shown instead). */
    title: z
      .object({
        'zh-CN': z.string().trim().max(EVENT_LIMITS.titleChars),
        en: z.string().trim().max(EVENT_LIMITS.titleChars),
      })
      .refine((t) => t['zh-CN'] || t.en, 'a title in at least one language'),
    description: z.object({
      'zh-CN': z.string().max(EVENT_LIMITS.descriptionChars),
      en: z.string().max(EVENT_LIMITS.descriptionChars),
    }),
    world: WorldId,
    stage: StageId,
    /** ms since the epoch. */
    startsAt: z.number().int().positive(),
    endsAt: z.number().int().positive(),
    capacity: z
      .number()
      .int()
      .min(EVENT_LIMITS.capacity.min)
      .max(EVENT_LIMITS.capacity.max)
      .default(EVENT_LIMITS.capacity.default),
  })
  .superRefine((e, ctx) => {
    if (e.endsAt <= e.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'an event ends after it starts' })
    if (e.endsAt - e.startsAt > EVENT_LIMITS.maxDurationMs)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'an event lasts at most a day' })
  })
export type EventDraft = z.infer<typeof EventDraft>

/** upcoming: before startsAt and not live; live: the host went live; ended: ended or past. */
export const EVENT_STATUSES = ['upcoming', 'live', 'ended'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

/** An event as the API and the room describe it. */
export interface EventInfo {
  id: EventId
  title: { 'zh-CN': string; en: string }
  description: { 'zh-CN': string; en: string }
  world: string
  stage: string
  startsAt: number
  endsAt: number
  capacity: number
  host: string
  performers: string[]
  moderators: string[]
  status: EventStatus
  /** People in all instances now (live events), as last counted. */
  attendance: number
  createdAt: number
}

/** The role of `address` (null: not signed in) in an event. */
export function roleOf(
  event: Pick<EventInfo, 'host' | 'performers' | 'moderators'>,
  address: string | null,
): EventRole {
  if (!address) return 'audience'
  const a = address.toLowerCase()
  if (event.host.toLowerCase() === a) return 'host'
  if (event.performers.some((p) => p.toLowerCase() === a)) return 'performer'
  if (event.moderators.some((m) => m.toLowerCase() === a)) return 'moderator'
  return 'audience'
}

/** Who may do what. The server decides with this; the client only hides what would be refused. */
export const CAN = {
  screen: (r: EventRole) => r === 'host',
  live: (r: EventRole) => r === 'host',
  roles: (r: EventRole) => r === 'host',
  announce: (r: EventRole) => r === 'host' || r === 'moderator',
  callHand: (r: EventRole) => r === 'host' || r === 'moderator',
  moderate: (r: EventRole) => r === 'host' || r === 'moderator',
  stage: (r: EventRole) => r === 'host' || r === 'performer',
} as const

/**
 * Where someone arrives at an event: the host and performers in the middle of the stage, facing
 * the audience; everyone else at the stage's audience spot, facing the stage. The server places
 * the seat there and the client puts its avatar there, so the two agree from the first pose.
 */
export function stageSpawn(
  stage: {
    area: readonly [number, number, number, number]
    floorY: number
    audience: { position: readonly [number, number, number]; heading: number }
  },
  role: EventRole,
): { x: number; y: number; z: number; heading: number } {
  const [ax, ay, az] = stage.audience.position
  if (!CAN.stage(role)) return { x: ax, y: ay, z: az, heading: stage.audience.heading }
  const [x0, z0, x1, z1] = stage.area
  const x = (x0 + x1) / 2
  const z = (z0 + z1) / 2
  // Facing the audience spot (heading 0 faces -z, as the avatar controller turns).
  return { x, y: stage.floorY, z, heading: Math.atan2(x - ax, z - az) }
}

/** A point inside a stage's closed area ([minX, minZ, maxX, maxZ])? */
export function onStage(area: readonly [number, number, number, number], x: number, z: number) {
  return x >= area[0] && x <= area[2] && z >= area[1] && z <= area[3]
}

export const EVENT_ERROR_CODES = [
  'unknown_event',
  'event_ended',
  'not_allowed',
  'banned',
  'muted',
  'bad_media',
  'unknown_target',
  'event_full',
  'kicked',
] as const
export type EventErrorCode = (typeof EVENT_ERROR_CODES)[number]

/** A raised hand, as the host's queue lists it (oldest first). */
export interface RaisedHand {
  /** Session id of the attendee (in whichever instance). */
  session: string
  name: string
  address: string | null
  instance: number
  at: number
}

/** An announcement from the megaphone; `seq` counts up per event from 1, with no gaps. */
export interface Announcement {
  seq: number
  text: string
  from: string
  at: number
}

/** Reaction counts over the last aggregation window, summed over every instance. */
export type ReactionCounts = Record<Reaction, number>
