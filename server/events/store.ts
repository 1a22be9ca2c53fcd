// Live gatherings in the database: events (who hosts them, where, when, how many per instance,
// who performs and moderates) and the addresses banned from them. Server only; the HTTP API
// and the event rooms call it after checking the session. Everything going in or coming out
// is validated (stored rows are input too).
import { randomInt } from 'node:crypto'
import { getAddress, isAddress } from 'ethers'
import { z } from 'zod'
import {
  EVENT_LIMITS,
  EventDraft,
  EventId,
  type EventInfo,
  type EventRole,
  type EventStatus,
} from '../../src/protocol/events'
import type { Database, Queryable } from '../db/database'
import { UnknownWorldError, worldRules, type WorldRules } from '../worlds'

/** Upcoming and live events one host may hold at a time. */
export const MAX_EVENTS_PER_HOST = 20
/** Ended events stay in the list this long (ms), so late visitors see what they missed. */
export const ENDED_LISTED_MS = 3600_000
/** The most events list() returns. */
export const LIST_LIMIT = 200

export type EventStoreErrorCode =
  | 'bad_input'
  | 'unknown_world'
  | 'unknown_stage'
  | 'event_limit'
  | 'unknown_event'
  | 'event_ended'
  | 'not_allowed'
  | 'too_many'
  | 'bad_data'
  | 'busy'

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    /** busy: seconds until the hourly window has room again. */
    readonly retryAfterS?: number,
  ) {
    super(message)
    this.name = 'EventStoreError'
  }
}

/** An event as stored: EventInfo without the live attendance count. */
export type StoredEvent = Omit<EventInfo, 'attendance'> & {
  liveAt: number | null
  endedAt: number | null
}

const Address = z
  .string()
  .refine((a) => isAddress(a), 'not an EVM address')
  .transform((a) => getAddress(a))

function input<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const at = issue.path.length ? `${what}.${issue.path.join('.')}` : what
  throw new EventStoreError('bad_input', `${at}: ${issue.message}`)
}

const Row = z.object({
  event_id: z.string(),
  host: z.string(),
  title_zh: z.string(),
  title_en: z.string(),
  description_zh: z.string(),
  description_en: z.string(),
  world: z.string(),
  stage: z.string(),
  starts_at: z.date(),
  ends_at: z.date(),
  capacity: z.number().int().positive(),
  performers: z.array(z.string()),
  moderators: z.array(z.string()),
  live_at: z.date().nullable(),
  ended_at: z.date().nullable(),
  created_at: z.date(),
})

/** upcoming: not live yet; live: the host went live; ended: the host ended it, or it is past. */
export function statusOf(
  e: Pick<StoredEvent, 'liveAt' | 'endedAt' | 'endsAt'>,
  now: number,
): EventStatus {
  if (e.endedAt !== null || now >= e.endsAt) return 'ended'
  return e.liveAt !== null ? 'live' : 'upcoming'
}

function toEvent(row: unknown, now: number): StoredEvent {
  const r = Row.safeParse(row)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new EventStoreError(
      'bad_data',
      `an event row is invalid in the database: ${issue.path.join('.')}: ${issue.message}`,
    )
  }
  const d = r.data
  const e = {
    id: d.event_id,
    title: { 'zh-CN': d.title_zh, en: d.title_en },
    description: { 'zh-CN': d.description_zh, en: d.description_en },
    world: d.world,
    stage: d.stage,
    startsAt: d.starts_at.getTime(),
    endsAt: d.ends_at.getTime(),
    capacity: d.capacity,
    host: d.host,
    performers: d.performers,
    moderators: d.moderators,
    createdAt: d.created_at.getTime(),
    liveAt: d.live_at?.getTime() ?? null,
    endedAt: d.ended_at?.getTime() ?? null,
  }
  return { ...e, status: statusOf(e, now) }
}

/** 12 lowercase base-36 characters from the system's CSPRNG. */
export function newEventId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'
  let id = ''
  for (let i = 0; i < 12; i++) id += alphabet[randomInt(36)]
  return id
}

/** Advisory lock class for creating events, keyed by the host (see create()). */
const CREATE_LOCK = 6_370_003
/** Advisory lock for the global create rate (one key: every creator). */
const GLOBAL_CREATE_LOCK = 6_370_004

export class EventStore {
  constructor(
    private readonly db: Database,
    private readonly options: {
      scenesDir: string
      /**
       * The rules of a world that is not a scene file (a builder world's, from its saved
       * scene); null for the scene files'.
       */
      worlds?: (id: string) => Promise<WorldRules> | null
      now?: () => number
      /** Events all hosts together may create per hour (EVENTS_PER_HOUR); unset: no cap. */
      createPerHour?: number
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now()
  }

  /**
   * Creates an event hosted by `host`. The draft is validated; its world and stage must exist
   * in the scenes; it must not be over yet nor start more than a year ahead; a host holds at
   * most MAX_EVENTS_PER_HOST upcoming or live events (an advisory lock on the host makes the
   * count-then-insert atomic across processes). All hosts together create at most
   * `createPerHour` events an hour (by the database clock, so every process shares one window):
   * fresh wallets cannot flood the listing.
   */
  async create(host: string, draft: unknown): Promise<StoredEvent> {
    const by = input(Address, host, 'host')
    const d = input(EventDraft, draft, 'event')
    let stages: ReadonlyMap<string, unknown>
    try {
      const rules = this.options.worlds?.(d.world) ?? worldRules(this.options.scenesDir, d.world)
      stages = (await rules).stages
    } catch (err) {
      if (err instanceof UnknownWorldError) {
        throw new EventStoreError('unknown_world', `there is no world "${d.world}"`)
      }
      throw err
    }
    if (!stages.has(d.stage)) {
      throw new EventStoreError('unknown_stage', `world ${d.world} has no stage "${d.stage}"`)
    }
    const now = this.now()
    if (d.endsAt <= now) throw new EventStoreError('bad_input', 'event.endsAt: already past')
    if (d.startsAt > now + EVENT_LIMITS.maxAheadMs) {
      throw new EventStoreError('bad_input', 'event.startsAt: more than a year ahead')
    }
    const id = newEventId()
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CREATE_LOCK, by])
      const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(
        `select count(*)::int as n from events
         where host = $1 and ended_at is null and ends_at > $2`,
        [by, new Date(now)],
      )
      if (n >= MAX_EVENTS_PER_HOST) {
        throw new EventStoreError(
          'event_limit',
          `${by} already hosts ${n} upcoming or live events (limit ${MAX_EVENTS_PER_HOST})`,
        )
      }
      await this.holdGlobalRate(tx)
      await tx.query(
        `insert into events (event_id, host, title_zh, title_en, description_zh, description_en,
           world, stage, starts_at, ends_at, capacity)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          by,
          d.title['zh-CN'],
          d.title.en,
          d.description['zh-CN'],
          d.description.en,
          d.world,
          d.stage,
          new Date(d.startsAt),
          new Date(d.endsAt),
          d.capacity,
        ],
      )
      return (await this.eventIn(tx, id))!
    })
  }

  /** Refuses with `busy` when the last hour already holds `createPerHour` new events. */
  private async holdGlobalRate(tx: Queryable) {
    const cap = this.options.createPerHour
    if (cap === undefined) return
    // One creator at a time over every host, so the count cannot be raced past the cap.
    await tx.query('select pg_advisory_xact_lock($1, 0)', [GLOBAL_CREATE_LOCK])
    const [row] = await tx.query<{ n: number; wait: number | null }>(
      `select count(*)::int as n,
         ceil(extract(epoch from min(created_at) + interval '1 hour' - now()))::int as wait
       from events where created_at > now() - interval '1 hour'`,
    )
    if ((row?.n ?? 0) < cap) return
    const wait = Math.min(3600, Math.max(1, row?.wait ?? 60))
    throw new EventStoreError(
      'busy',
      `${cap} events were created in the last hour, the most this server takes: try again in ${wait} s`,
      wait,
    )
  }

  /** The event, or null when there is none with this id (or the id is malformed). */
  async get(id: string): Promise<StoredEvent | null> {
    const ok = EventId.safeParse(id)
    if (!ok.success) return null
    return this.eventIn(this.db, ok.data)
  }

  /**
   * Live events, then upcoming ones, each soonest first, then those ended within the last hour;
   * at most LIST_LIMIT. (The API ranks live events by attendance, which presence knows.)
   */
  async list(): Promise<StoredEvent[]> {
    const now = this.now()
    const rows = await this.db.query(
      `select * from events
       where (ended_at is null and ends_at > $1)
          or least(coalesce(ended_at, ends_at), ends_at) > $2
       order by (ended_at is not null or ends_at <= $1), live_at is null, starts_at, event_id
       limit $3`,
      [new Date(now), new Date(now - ENDED_LISTED_MS), LIST_LIMIT],
    )
    return rows.map((r) => toEvent(r, now))
  }

  /** The host went live. Refused once the event ended. */
  async setLive(id: string): Promise<StoredEvent> {
    return this.update(id, 'live_at = coalesce(live_at, now())')
  }

  /** The host ended the event (idempotent). */
  async end(id: string): Promise<StoredEvent> {
    const eventId = input(EventId, id, 'id')
    const rows = await this.db.query(
      `update events set ended_at = coalesce(ended_at, now()) where event_id = $1
       returning event_id`,
      [eventId],
    )
    if (rows.length === 0) throw new EventStoreError('unknown_event', `no event ${eventId}`)
    return (await this.eventIn(this.db, eventId))!
  }

  /**
   * Gives `address` a role (performer, moderator) or takes it away (audience). The host's own
   * role cannot change. Each list holds at most its EVENT_LIMITS.
   */
  async setRole(
    id: string,
    address: string,
    role: Exclude<EventRole, 'host'>,
  ): Promise<StoredEvent> {
    const eventId = input(EventId, id, 'id')
    const who = input(Address, address, 'address')
    const r = input(z.enum(['performer', 'moderator', 'audience']), role, 'role')
    return this.db.transaction(async (tx) => {
      const locked = await tx.query('select 1 from events where event_id = $1 for update', [
        eventId,
      ])
      if (locked.length === 0) throw new EventStoreError('unknown_event', `no event ${eventId}`)
      const event = (await this.eventIn(tx, eventId))!
      if (event.host === who) {
        throw new EventStoreError('not_allowed', "the host's role cannot change")
      }
      const performers = event.performers.filter((a) => a !== who)
      const moderators = event.moderators.filter((a) => a !== who)
      if (r === 'performer') performers.push(who)
      if (r === 'moderator') moderators.push(who)
      if (performers.length > EVENT_LIMITS.performers) {
        throw new EventStoreError('too_many', `at most ${EVENT_LIMITS.performers} performers`)
      }
      if (moderators.length > EVENT_LIMITS.moderators) {
        throw new EventStoreError('too_many', `at most ${EVENT_LIMITS.moderators} moderators`)
      }
      await tx.query('update events set performers = $2, moderators = $3 where event_id = $1', [
        eventId,
        pgArray(performers),
        pgArray(moderators),
      ])
      return (await this.eventIn(tx, eventId))!
    })
  }

  /** Bans an address from an event (idempotent). The host cannot be banned. */
  async ban(id: string, address: string, by: string): Promise<void> {
    const eventId = input(EventId, id, 'id')
    const who = input(Address, address, 'address')
    const actor = input(Address, by, 'by')
    const event = await this.eventIn(this.db, eventId)
    if (!event) throw new EventStoreError('unknown_event', `no event ${eventId}`)
    if (event.host === who) throw new EventStoreError('not_allowed', 'the host cannot be banned')
    await this.db.query(
      `insert into event_bans (event_id, address, banned_by) values ($1, $2, $3)
       on conflict (event_id, address) do nothing`,
      [eventId, who, actor],
    )
  }

  /** Lifts a ban; false when the address was not banned. */
  async unban(id: string, address: string): Promise<boolean> {
    const eventId = input(EventId, id, 'id')
    const who = input(Address, address, 'address')
    const rows = await this.db.query(
      'delete from event_bans where event_id = $1 and address = $2 returning address',
      [eventId, who],
    )
    return rows.length > 0
  }

  async isBanned(id: string, address: string): Promise<boolean> {
    const eventId = input(EventId, id, 'id')
    const who = Address.safeParse(address)
    if (!who.success) return false
    const rows = await this.db.query(
      'select 1 from event_bans where event_id = $1 and address = $2',
      [eventId, who.data],
    )
    return rows.length > 0
  }

  // ---- internals ----

  private async eventIn(q: Queryable, id: string): Promise<StoredEvent | null> {
    const [row] = await q.query('select * from events where event_id = $1', [id])
    return row ? toEvent(row, this.now()) : null
  }

  private async update(id: string, set: string): Promise<StoredEvent> {
    const eventId = input(EventId, id, 'id')
    const rows = await this.db.query<{ ended: boolean }>(
      `update events set ${set} where event_id = $1 and ended_at is null and ends_at > $2
       returning event_id`,
      [eventId, new Date(this.now())],
    )
    if (rows.length === 0) {
      const event = await this.eventIn(this.db, eventId)
      if (!event) throw new EventStoreError('unknown_event', `no event ${eventId}`)
      throw new EventStoreError('event_ended', `event ${eventId} has ended`)
    }
    return (await this.eventIn(this.db, eventId))!
  }
}

/** A text[] literal for a `$n` parameter (addresses only: no quoting needed, checked above). */
function pgArray(list: readonly string[]): string {
  return `{${list.join(',')}}`
}
