// One instance of a live gathering: a world room on the event's world, with the stage closed to
// the audience, the synced screen, announcements, reactions, raised hands and moderation.
// Matchmaking filters by event id and seats `capacity` per instance, so a full instance
// overflows into a new instance of the same event.
//
// Instances share the event through Colyseus presence (Redis with several processes): every
// action is published on the event's channel and applied by each instance when it hears it,
// the acting one included, so all instances take the same path. Keys (K = event id):
//   cq:event:K            pub/sub channel (EventBus below)
//   cq:event:K:screen     the current ScreenState (JSON), for instances created later
//   cq:event:K:seq        announcement counter (INCR: gap-free across instances)
//   cq:event:K:ann        hash seq → Announcement JSON, the newest ANNOUNCEMENTS_KEPT
//   cq:event:K:count      hash roomId → {n, at}: each instance's attendance, refreshed ~1 s
//   cq:event:K:hands      hash session → RaisedHand JSON (a change is one HSET/HDEL; instances
//                         with staff read it once per debounce window, not per change)
//   cq:event:K:seats      hash session → {room, address, role}: moderation targets
//   cq:event:K:host-name  the host's display name (nobody else may look like it)
//   cq:event:K:kicked:W   set while W (an address, or ip:<client address> for a guest) may not
//                         rejoin after a kick; expires after the kick's minutes
//   cq:event:K:muted:W    W's chat is muted until this time (ms); expires with the mute
//   cq:instances:event:K  instance numbers in use
// Sign-in: the join option `token` (the bearer token of POST /api/auth/verify) is checked by
// the static onAuth in the process that matched the join; banned addresses and ended events are
// refused there, before a seat is reserved.
import { ServerError, matchMaker, type AuthContext, type Client } from '@colyseus/core'
import {
  CAN,
  EVENT_LIMITS,
  EventId,
  REACTIONS,
  ScreenState as ScreenStateSchema,
  onStage,
  roleOf,
  stageSpawn,
  screenPosition,
  type Announcement,
  type EventErrorCode,
  type EventInfo,
  type EventRole,
  type EventStatus,
  type RaisedHand,
  type Reaction,
  type ReactionCounts,
  type ScreenState,
  EMPTY_SCREEN,
} from '../../src/protocol/events'
import {
  CLOSE_CODES,
  POS_SCALE,
  animAt,
  cleanText,
  displayName,
  impersonates,
  dequantizeHeading,
  type ClientMessage,
  type ErrorCode,
  type ServerMessages,
} from '../../src/protocol/messages'
import type { Stage } from '../../src/protocol/scene'
import { AuthUnavailableError, tokenHash, type Session, type Sessions } from '../auth'
import { EventStoreError, type EventStore, type StoredEvent } from './store'
import { background } from '../background'
import { errorField, log } from '../log'
import { CastMember, EventRoomState } from './state'
import {
  PATCH_MS,
  checkJoinOptions,
  WorldRoom,
  type ParsedMessage,
  type Seat,
  type Spawn,
  type WorldJoinOptions,
  type WorldRoomSettings,
} from '../rooms/WorldRoom'

/** Announcements kept in presence for late joiners and instances that missed one. */
export const ANNOUNCEMENTS_KEPT = 20
/** Reactions are counted over this window, then sent as one message (ms). */
export const REACTION_WINDOW_MS = 250
/** The cast's poses go to other instances at this interval (ms), and in full every second. */
export const CAST_MS = 100
const CAST_FULL_MS = 1000
/** A cast member not heard of for this long is gone (its process died) (ms). */
const CAST_STALE_MS = 5000
/** Each instance reports its attendance this often (ms); a report older than 3 s is dropped. */
export const COUNT_MS = 1000
/** How often an instance checks the announcement counter for ones pub/sub lost, ms. */
const ANNOUNCEMENT_CHECK_MS = 2000
const COUNT_STALE_MS = 3500

export interface EventServices {
  store: EventStore
  /** Wallet sessions, once the chain part is up (null: nobody can sign in yet). */
  sessions: Sessions | null
}

export interface EventRoomSettings extends WorldRoomSettings {
  events: () => EventServices | null
  /** How long a kick keeps the address (or a guest's client address) out, minutes. */
  kickMinutes?: number
}

/** The default of KICK_MINUTES. */
export const KICK_MINUTES = 10

export interface EventJoinOptions extends WorldJoinOptions {
  event?: unknown
  token?: unknown
}

/** What onAuth hands the room: the signed-in address, or null for a guest. */
export interface EventAuth {
  address: string | null
  /** tokenHash of the sign-in token the seat joined with: a sign-out of it unbinds the seat. */
  tokenHash?: string | null
  /** The client's network address (what holds a guest's kick), or null when unknown. */
  ip?: string | null
}

/**
 * Whom a kick or a mute holds: the wallet address, or for a guest the client's network
 * address. Bounded, so a hostile value cannot make a long key.
 */
export function holdKey(address: string | null, ip: string | null | undefined): string | null {
  if (address) return address.toLowerCase()
  return ip ? `ip:${ip.slice(0, 64)}` : null
}

/**
 * The client's network address for holds: the socket's peer. Colyseus' own `ctx.ip` prefers
 * X-Real-IP / X-Forwarded-For, which any client can write. Seam: behind a trusted proxy
 * (TRUST_PROXY, server/httpKit.ts) resolve the forwarded address here instead.
 */
export function clientIp(ctx: Pick<AuthContext, 'req'> | undefined): string | null {
  return ctx?.req?.socket.remoteAddress ?? null
}

type Holds = { get(key: string): Promise<string | null> }

export const eventChannel = (id: string) => `cq:event:${id}`
const key = (id: string, what: string) => `cq:event:${id}:${what}`

/** Attendance of an event over every instance, as the instances last reported it. */
export async function eventAttendance(
  presence: { hgetall(key: string): Promise<Record<string, string>> },
  id: string,
  now = Date.now(),
): Promise<{ attendance: number; instances: number }> {
  const all = (await presence.hgetall(key(id, 'count'))) ?? {}
  let attendance = 0
  let instances = 0
  for (const raw of Object.values(all)) {
    try {
      const c = JSON.parse(raw) as { n: number; at: number }
      if (now - c.at > COUNT_STALE_MS) continue
      attendance += c.n
      instances++
    } catch {
      // a malformed entry counts as nothing
    }
  }
  return { attendance, instances }
}

/** Matchmaking errors carry the event error code first: "banned: …". */
function joinError(code: EventErrorCode | 'bad_token', message: string) {
  const numeric =
    code === 'banned'
      ? CLOSE_CODES.banned
      : code === 'kicked'
        ? CLOSE_CODES.kicked
        : code === 'event_ended'
          ? CLOSE_CODES.ended
          : code === 'bad_token'
            ? 4215 // Colyseus' AUTH_FAILED
            : 4212 // Colyseus' MATCHMAKE_INVALID_ROOM_ID
  return new ServerError(numeric, `${code}: ${message}`)
}

/** Checks a join before a seat is reserved: the event, its status, the token, bans. */
export async function authorizeEventJoin(
  services: EventServices | null,
  options: EventJoinOptions,
  client: { ip: string | null; holds?: Holds } = { ip: null },
): Promise<EventAuth> {
  checkJoinOptions(options, 'event')
  if (!services) throw new ServerError(4213, 'events are not available yet: try again shortly')
  const id = EventId.safeParse(options.event)
  if (!id.success) throw joinError('unknown_event', 'not an event id')
  const event = await services.store.get(id.data)
  if (!event) throw joinError('unknown_event', `there is no event ${id.data}`)
  if (event.status === 'ended') throw joinError('event_ended', 'this event has ended')
  let address: string | null = null
  let signedInWith: string | null = null
  if (options.token !== undefined && options.token !== null && options.token !== '') {
    let session: Session | null
    try {
      session =
        typeof options.token === 'string'
          ? ((await services.sessions?.fromHeader(`Bearer ${options.token}`)) ?? null)
          : null
    } catch (err) {
      if (!(err instanceof AuthUnavailableError)) throw err
      throw new ServerError(4213, 'sign-in is unavailable right now: try again shortly')
    }
    if (!session) {
      throw joinError('bad_token', 'not a live sign-in session: sign in with the wallet again')
    }
    address = session.address
    signedInWith = tokenHash(options.token as string)
    if (await services.store.isBanned(event.id, address)) {
      throw joinError('banned', 'this address is banned from the event')
    }
  }
  const who = holdKey(address, client.ip)
  if (who && client.holds) {
    const until = Number(await client.holds.get(key(event.id, `kicked:${who}`)))
    if (until > Date.now()) {
      const minutes = Math.ceil((until - Date.now()) / 60_000)
      throw joinError('kicked', `a moderator removed you: you may rejoin in ${minutes} min`)
    }
  }
  return { address, ip: client.ip, tokenHash: signedInWith }
}

/** Messages on an event's channel. */
type EventBus =
  | { t: 'screen'; screen: ScreenState }
  | { t: 'status'; status: EventStatus }
  | { t: 'ann'; ann: Announcement }
  | { t: 'react'; counts: ReactionCounts }
  | { t: 'hands' }
  | { t: 'call'; session: string; by: string }
  | { t: 'mute'; session: string; who: string | null; until: number }
  | { t: 'kick'; session: string }
  | { t: 'ban'; address: string }
  | { t: 'roles'; performers: string[]; moderators: string[] }
  | { t: 'cast'; room: string; members: CastWire[] }
  | { t: 'cast-leave'; room: string; address: string }

interface CastWire {
  address: string
  name: string
  color: number
  role: EventRole
  instance: number
  x: number
  y: number
  z: number
  h: number
  a: string
}

interface SeatEvent {
  role: EventRole
  mutedUntil: number
  hand: boolean
  /** Whom kicks and mutes hold (holdKey). */
  who: string | null
  ip: string | null
}

interface SeatRecord {
  room: string
  address: string | null
  role: EventRole
  who?: string | null
}

type EventMessage = Extract<ParsedMessage, { type: `event.${string}` }>

const noReactions = (): ReactionCounts => ({ applause: 0, hearts: 0, fireworks: 0 })
const anyReactions = (c: ReactionCounts) => REACTIONS.some((r) => c[r] > 0)

/** The megaphone's text as chat is cleaned (no control, zero-width or bidi-override tricks). */
function announcementText(raw: string): string {
  const text = cleanText(raw, EVENT_LIMITS.announcementChars)
  if (!text) throw new Refusal('bad_shape', 'an announcement needs some text')
  return text
}

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export class EventRoom extends WorldRoom {
  declare protected settings: EventRoomSettings
  declare state: EventRoomState
  private info!: StoredEvent
  private stage!: Stage
  private readonly extras = new Map<string, SeatEvent>()
  private screen: ScreenState = EMPTY_SCREEN
  private delivered = 0
  private pending = new Map<number, Announcement>()
  private catchUp: { clear(): void } | null = null
  private gapSince = 0
  private localReactions = noReactions()
  private summedReactions = noReactions()
  private readonly castSeen = new Map<string, number>()
  private readonly castSent = new Map<string, string>()
  private lastFullCast = 0
  private ended = false
  private countTimer: { clear(): void } | null = null
  private onBus: ((m: EventBus) => void) | null = null
  private handsTimer: { clear(): void } | null = null

  private get id() {
    return this.info.id
  }

  override async onCreate(options: EventJoinOptions) {
    const services = this.settings.events()
    if (!services) throw new ServerError(4213, 'events are not available yet: try again shortly')
    const id = EventId.safeParse(options.event)
    const event = id.success ? await services.store.get(id.data) : null
    if (!event) throw joinError('unknown_event', 'there is no such event')
    if (event.status === 'ended') throw joinError('event_ended', 'this event has ended')
    this.info = event
    await super.onCreate({ world: event.world })
    const stage = this.rules.stages.get(event.stage)
    if (!stage) throw joinError('unknown_event', `world ${event.world} has no stage ${event.stage}`)
    this.stage = stage
    this.maxClients = event.capacity
    this.state.capacity = event.capacity
    await this.setMetadata({ world: event.world, event: event.id, instance: this.state.instance })

    const ev = this.state.event
    ev.id = event.id
    ev.status = event.status
    const screen = await this.presence.get(key(event.id, 'screen'))
    if (typeof screen === 'string') {
      const parsed = ScreenStateSchema.safeParse(safeJson(screen))
      if (parsed.success) this.screen = parsed.data
    }
    ev.screen = JSON.stringify(this.screen)
    this.delivered = Number((await this.presence.get(key(event.id, 'seq'))) ?? 0) || 0
    const backlog = await this.backlog()
    if (backlog.length > 0) ev.announcement = JSON.stringify(backlog.at(-1))

    this.onBus = (m) => this.hear(m)
    await this.presence.subscribe(eventChannel(event.id), this.onBus)
    // A timeout re-armed after each window, not an interval: the clock's interval catches up
    // after a stall, firing on consecutive ticks, and reactions would go out more than once a window.
    const reactions = () => {
      this.clock.setTimeout(reactions, REACTION_WINDOW_MS)
      this.reactionTick()
    }
    this.clock.setTimeout(reactions, REACTION_WINDOW_MS)
    this.clock.setInterval(() => this.castTick(), CAST_MS)
    this.clock.setInterval(
      () => background(this.reportCount(), '[events] attendance report'),
      COUNT_MS,
    )
    this.clock.setInterval(
      () => background(this.checkAnnouncements(), '[events] announcement check'),
      ANNOUNCEMENT_CHECK_MS,
    )
    await this.reportCount()
  }

  protected override createState() {
    return new EventRoomState()
  }

  protected override instancesKey() {
    return `cq:instances:event:${this.info.id}`
  }

  protected override spawnFor(client: Client): Spawn {
    const auth = client.auth as EventAuth | undefined
    return stageSpawn(this.stage, roleOf(this.info, auth?.address ?? null))
  }

  protected override poseRefusal(seat: Seat, x: number, z: number): string | null {
    const role = this.extras.get(seat.client.sessionId)?.role ?? 'audience'
    if (CAN.stage(role) || !onStage(this.stage.area, x, z)) return null
    // Someone who lost a stage role while on it goes back to the audience.
    if (onStage(this.stage.area, seat.guard.x, seat.guard.z)) {
      const [ax, ay, az] = this.stage.audience.position
      seat.guard.place(ax, ay, az)
    }
    return 'the stage is for the host and performers'
  }

  override async onJoin(client: Client, options: EventJoinOptions, auth?: EventAuth) {
    super.onJoin(client, options)
    const seat = this.seats.get(client.sessionId)
    if (!seat) return
    seat.address = auth?.address ?? null
    seat.authHash = auth?.tokenHash ?? null
    const role = roleOf(this.info, seat.address)
    const ip = auth?.ip ?? null
    const who = holdKey(seat.address, ip)
    const extra: SeatEvent = { role, mutedUntil: 0, hand: false, who, ip }
    this.extras.set(client.sessionId, extra)
    await this.applyMute(seat, extra)
    await this.guardHostName(seat, role, options.name)
    this.reply(client, 'event.welcome', {
      event: this.wireInfo(),
      role,
      instance: this.state.instance,
    })
    for (const a of await this.backlog()) this.reply(client, 'event.announcement', a)
    if (CAN.callHand(role)) this.reply(client, 'event.hands', await this.handsList())
    await this.recordSeat(seat)
    this.countSoon()
  }

  override async onLeave(client: Client, consented: boolean) {
    await super.onLeave(client, consented)
    if (this.seats.has(client.sessionId)) return // came back in time
    const extra = this.extras.get(client.sessionId)
    this.extras.delete(client.sessionId)
    const id = this.info.id
    await this.presence.hdel(key(id, 'seats'), client.sessionId)
    if (extra?.hand) {
      await this.presence.hdel(key(id, 'hands'), client.sessionId)
      this.publish({ t: 'hands' })
    }
    this.countSoon()
  }

  override async onDispose() {
    const id = this.info?.id
    if (id) {
      if (this.onBus)
        background(this.presence.unsubscribe(eventChannel(id), this.onBus), '[events] unsubscribe')
      await this.presence.hdel(key(id, 'count'), this.roomId)
      for (const address of this.castSent.keys()) {
        this.publish({ t: 'cast-leave', room: this.roomId, address })
      }
    }
    this.catchUp?.clear()
    this.handsTimer?.clear()
    await super.onDispose()
  }

  // ---- actions ---------------------------------------------------------------------------

  protected override onEventMessage(seat: Seat, message: ParsedMessage, now: number) {
    const m = message as EventMessage
    const extra = this.extras.get(seat.client.sessionId)
    if (!extra) return
    this.act(seat, extra, m, now).then(
      () => {
        if (m.type !== 'event.react') this.reply(seat.client, 'event.ok', { op: m.type.slice(6) })
      },
      (err: unknown) => {
        if (err instanceof Refusal) {
          this.refuse(seat, Date.now(), err.code, err.message, m.type)
        } else if (err instanceof EventStoreError) {
          const code = err.code === 'event_ended' ? 'event_ended' : 'not_allowed'
          this.refuse(seat, Date.now(), code, err.message, m.type)
        } else {
          const at = { roomId: this.roomId, sessionId: seat.client.sessionId }
          log.error({ ...at, op: m.type, error: errorField(err) }, 'event action failed')
          this.reply(seat.client, 'error', {
            code: 'storage_unavailable',
            type: m.type,
            message: 'that could not be done now: nothing changed, try again',
          })
        }
      },
    )
  }

  private async act(seat: Seat, extra: SeatEvent, m: EventMessage, now: number): Promise<void> {
    if (this.ended) throw new Refusal('event_ended', 'this event has ended')
    const role = extra.role
    const allow = (ok: boolean, what: string) => {
      if (!ok) throw new Refusal('not_allowed', `${what} is not allowed for the ${role}`)
    }
    switch (m.type) {
      case 'event.screen':
        allow(CAN.screen(role), 'setting the screen')
        return this.setScreen(m.payload, now)
      case 'event.live':
        allow(CAN.live(role), 'going live or ending')
        return this.setLive(m.payload.live)
      case 'event.announce':
        allow(CAN.announce(role), 'announcing')
        return this.announce(seat, announcementText(m.payload.text), now)
      case 'event.react':
        this.localReactions[m.payload.reaction as Reaction]++
        return
      case 'event.hand':
        return this.raiseHand(seat, extra, m.payload.up, now)
      case 'event.call':
        allow(CAN.callHand(role), 'calling on a raised hand')
        return this.call(seat, m.payload.session)
      case 'event.moderate':
        allow(CAN.moderate(role), 'moderating')
        return this.moderate(seat, role, m.payload, now)
      case 'event.role':
        allow(CAN.roles(role), 'giving roles')
        return this.giveRole(m.payload.address, m.payload.role)
    }
  }

  private async setScreen(a: ClientMessage<'event.screen'>, now: number) {
    const cur = this.screen
    let next: ScreenState
    const video = cur.media?.kind === 'video'
    const here = () => screenPosition(cur, now)
    switch (a.action) {
      case 'load':
        next = { media: a.media, playing: false, position: 0, at: now, slide: 0 }
        break
      case 'play':
      case 'pause':
      case 'seek':
        if (!video) throw new Refusal('bad_media', `"${a.action}" needs a video on the screen`)
        next = {
          ...cur,
          playing: a.action === 'seek' ? cur.playing : a.action === 'play',
          position: a.position ?? here(),
          at: now,
        }
        break
      case 'slide': {
        const count = cur.media?.kind === 'slides' ? cur.media.urls.length : 0
        if (a.slide >= count) {
          throw new Refusal('bad_media', count ? `there are ${count} slides` : 'no slides loaded')
        }
        next = { ...cur, slide: a.slide, at: now }
        break
      }
    }
    await this.presence.set(key(this.id, 'screen'), JSON.stringify(next))
    this.publish({ t: 'screen', screen: next })
  }

  private async setLive(live: boolean) {
    const store = this.store()
    if (live) {
      await store.setLive(this.id)
      this.publish({ t: 'status', status: 'live' })
    } else {
      await store.end(this.id)
      this.publish({ t: 'status', status: 'ended' })
      // Nobody joins an ended event: its shared keys can go (counts go with their instances).
      for (const what of ['screen', 'seq', 'ann', 'hands', 'seats', 'host-name']) {
        background(this.presence.del(key(this.id, what)), '[events] clean-up of an ended event')
      }
    }
  }

  private async announce(seat: Seat, text: string, now: number) {
    const seq = Number(await this.presence.incr(key(this.id, 'seq')))
    const ann: Announcement = { seq, text, from: seat.player.name, at: now }
    await this.presence.hset(key(this.id, 'ann'), String(seq), JSON.stringify(ann))
    if (seq > ANNOUNCEMENTS_KEPT) {
      await this.presence.hdel(key(this.id, 'ann'), String(seq - ANNOUNCEMENTS_KEPT))
    }
    this.publish({ t: 'ann', ann })
  }

  private async raiseHand(seat: Seat, extra: SeatEvent, up: boolean, now: number) {
    const session = seat.client.sessionId
    // Raising a raised hand changes nothing (and keeps its place in the queue).
    if (extra.hand === up) return
    if (up) {
      const hand: RaisedHand = {
        session,
        name: seat.player.name,
        address: seat.address,
        instance: this.state.instance,
        at: now,
      }
      await this.presence.hset(key(this.id, 'hands'), session, JSON.stringify(hand))
    } else {
      await this.presence.hdel(key(this.id, 'hands'), session)
    }
    extra.hand = up
    this.publish({ t: 'hands' })
  }

  private async call(seat: Seat, session: string) {
    const raised = await this.presence.hget(key(this.id, 'hands'), session)
    if (!raised) throw new Refusal('unknown_target', 'that hand is not raised (any more)')
    await this.presence.hdel(key(this.id, 'hands'), session)
    this.publish({ t: 'call', session, by: seat.player.name })
    this.publish({ t: 'hands' })
  }

  private async moderate(
    seat: Seat,
    role: EventRole,
    a: ClientMessage<'event.moderate'>,
    now: number,
  ) {
    /** The host is above everyone; moderators may not act on each other. */
    const outranks = (target: EventRole) =>
      target !== 'host' && (role === 'host' || target !== 'moderator')
    if (a.action === 'ban' || a.action === 'unban') {
      const target = roleOf(this.info, a.address)
      if (seat.address?.toLowerCase() === a.address.toLowerCase()) {
        throw new Refusal('not_allowed', 'you cannot ban yourself')
      }
      if (!outranks(target)) throw new Refusal('not_allowed', `a ${role} cannot ban the ${target}`)
      if (a.action === 'unban') {
        await this.store().unban(this.id, a.address)
        return
      }
      await this.store().ban(this.id, a.address, seat.address!)
      this.publish({ t: 'ban', address: a.address })
      return
    }
    const raw = await this.presence.hget(key(this.id, 'seats'), a.session)
    const target = raw ? (safeJson(raw) as SeatRecord | null) : null
    if (!target) throw new Refusal('unknown_target', 'nobody with that session is here')
    if (a.session === seat.client.sessionId) {
      throw new Refusal('not_allowed', 'you cannot moderate yourself')
    }
    if (!outranks(target.role)) {
      throw new Refusal('not_allowed', `a ${role} cannot ${a.action} the ${target.role}`)
    }
    // Held by address (a guest: client address) in presence, so a rejoin does not shake it off.
    const who = target.who ?? null
    if (a.action === 'mute') {
      const until = now + a.minutes * 60_000
      if (who)
        await this.presence.setex(key(this.id, `muted:${who}`), String(until), a.minutes * 60)
      this.publish({ t: 'mute', session: a.session, who, until })
    } else if (a.action === 'unmute') {
      if (who) await this.presence.del(key(this.id, `muted:${who}`))
      this.publish({ t: 'mute', session: a.session, who, until: 0 })
    } else {
      const minutes = this.settings.kickMinutes ?? KICK_MINUTES
      if (who && minutes > 0) {
        const until = now + minutes * 60_000
        await this.presence.setex(key(this.id, `kicked:${who}`), String(until), minutes * 60)
      }
      this.publish({ t: 'kick', session: a.session })
    }
  }

  /** A mute given to this seat's address (or client address) before it (re)joined holds. */
  private async applyMute(seat: Seat, extra: SeatEvent) {
    if (!extra.who) return
    const until = Number(await this.presence.get(key(this.id, `muted:${extra.who}`)))
    if (until > Date.now()) {
      extra.mutedUntil = until
      this.reply(seat.client, 'event.muted', { until })
    }
  }

  private async giveRole(address: string, role: 'performer' | 'moderator' | 'audience') {
    const event = await this.store().setRole(this.id, address, role)
    this.publish({ t: 'roles', performers: event.performers, moderators: event.moderators })
  }

  protected override onChat(seat: Seat, raw: string, now: number) {
    const extra = this.extras.get(seat.client.sessionId)
    if (extra && extra.mutedUntil > now) {
      const minutes = Math.ceil((extra.mutedUntil - now) / 60_000)
      this.refuse(seat, now, 'muted', `a moderator muted your chat (${minutes} min left)`, 'chat')
      return
    }
    super.onChat(seat, raw, now)
  }

  /** A signed-out seat is a guest from now on: its role goes with its address. */
  protected override signedOut(hash: unknown) {
    const bound = [...this.seats.values()].filter((s) => s.authHash === hash)
    super.signedOut(hash)
    // Kicks and mutes keep holding whom they held (`who` stays): signing out frees nobody.
    for (const seat of bound) this.updateRole(seat)
  }

  protected override async onWalletAuth(seat: Seat, token: string) {
    const before = seat.address
    await super.onWalletAuth(seat, token)
    if (seat.address === before || !seat.address) return
    const address = seat.address
    this.store()
      .isBanned(this.id, address)
      .then(async (banned) => {
        if (banned) return this.remove(seat, CLOSE_CODES.banned)
        const extra = this.extras.get(seat.client.sessionId)
        if (extra) {
          extra.who = holdKey(address, extra.ip)
          await this.applyMute(seat, extra)
        }
        this.updateRole(seat)
        await this.recordSeat(seat)
      })
      .catch((err: unknown) =>
        log.error(
          { roomId: this.roomId, sessionId: seat.client.sessionId, error: errorField(err) },
          'event ban check failed',
        ),
      )
  }

  // ---- what every instance hears ---------------------------------------------------------

  private publish(m: EventBus) {
    background(this.presence.publish(eventChannel(this.id), m), '[events] publish')
  }

  private hear(m: EventBus) {
    switch (m.t) {
      case 'screen':
        this.screen = m.screen
        this.state.event.screen = JSON.stringify(m.screen)
        break
      case 'status':
        this.setStatus(m.status)
        break
      case 'ann':
        this.receiveAnnouncement(m.ann)
        break
      case 'react':
        for (const r of REACTIONS) this.summedReactions[r] += m.counts[r] ?? 0
        break
      case 'hands':
        this.handsSoon()
        break
      case 'call': {
        const seat = this.seats.get(m.session)
        const extra = this.extras.get(m.session)
        if (seat && extra) {
          extra.hand = false
          this.reply(seat.client, 'event.called', { by: m.by })
        }
        break
      }
      case 'mute': {
        // The session named, and every other seat of that wallet here (several tabs); not every
        // guest behind the same network address (a rejoin from it still finds the mute).
        const wallet = m.who && !m.who.startsWith('ip:') ? m.who : null
        for (const [session, extra] of this.extras) {
          const seat = this.seats.get(session)
          if (!seat || (session !== m.session && (!wallet || extra.who !== wallet))) continue
          extra.mutedUntil = m.until
          this.reply(seat.client, 'event.muted', { until: m.until })
        }
        break
      }
      case 'kick': {
        const seat = this.seats.get(m.session)
        if (seat) this.remove(seat, CLOSE_CODES.kicked)
        break
      }
      case 'ban':
        for (const seat of [...this.seats.values()]) {
          if (seat.address?.toLowerCase() === m.address.toLowerCase()) {
            this.remove(seat, CLOSE_CODES.banned)
          }
        }
        break
      case 'roles':
        this.info = { ...this.info, performers: m.performers, moderators: m.moderators }
        for (const seat of this.seats.values()) this.updateRole(seat)
        for (const address of [...this.state.event.cast.keys()]) {
          if (!CAN.stage(roleOf(this.info, address))) this.state.event.cast.delete(address)
        }
        break
      case 'cast':
        if (m.room !== this.roomId) this.receiveCast(m.members)
        break
      case 'cast-leave':
        if (m.room !== this.roomId) {
          this.state.event.cast.delete(m.address)
          this.castSeen.delete(m.address)
        }
        break
    }
  }

  private setStatus(status: EventStatus) {
    if (this.ended) return
    this.state.event.status = status
    if (status !== 'ended') return
    this.ended = true
    background(this.lock(), '[events] lock of an ended instance')
    // Let the patch with the status go out, then close every connection.
    this.clock.setTimeout(() => {
      for (const seat of this.seats.values()) seat.kicked = true
      background(this.disconnect(CLOSE_CODES.ended), '[events] disconnect of an ended instance')
    }, PATCH_MS * 2)
  }

  private updateRole(seat: Seat) {
    const extra = this.extras.get(seat.client.sessionId)
    if (!extra) return
    const role = roleOf(this.info, seat.address)
    if (role === extra.role) return
    extra.role = role
    this.reply(seat.client, 'event.role', { role })
    background(this.recordSeat(seat), '[events] seat record')
    if (CAN.callHand(role)) {
      background(
        this.handsList().then((list) => this.reply(seat.client, 'event.hands', list)),
        '[events] raised hands',
      )
    }
  }

  /** Removes a seat for good (no reconnection) with `code`. */
  private remove(seat: Seat, code: number) {
    if (seat.kicked) return
    seat.kicked = true
    seat.client.leave(code)
  }

  // ---- announcements: in order, no gaps --------------------------------------------------

  private receiveAnnouncement(ann: Announcement) {
    if (ann.seq <= this.delivered) return
    this.pending.set(ann.seq, ann)
    this.flushAnnouncements()
    if (this.pending.size > 0 && !this.catchUp) {
      // A gap: an earlier one is on its way or was missed; read what presence keeps.
      this.gapSince ||= Date.now()
      this.catchUp = this.clock.setTimeout(() => this.fillGapSoon(), 150)
    }
  }

  private flushAnnouncements() {
    for (;;) {
      const next = this.pending.get(this.delivered + 1)
      if (!next) break
      this.pending.delete(next.seq)
      this.delivered = next.seq
      this.state.event.announcement = JSON.stringify(next)
      this.broadcast('event.announcement', next)
    }
    if (this.pending.size === 0) this.gapSince = 0
  }

  private async fillGap() {
    this.catchUp = null
    for (const a of await this.backlog()) if (a.seq > this.delivered) this.pending.set(a.seq, a)
    this.flushAnnouncements()
    if (this.pending.size === 0) return
    if (Date.now() - this.gapSince > 2000) {
      // Lost for good (older than what presence keeps): go on from the next one held.
      this.delivered = Math.min(...this.pending.keys()) - 1
      this.flushAnnouncements()
      return
    }
    this.catchUp = this.clock.setTimeout(() => this.fillGapSoon(), 150)
  }

  /**
   * Pub/sub drops what is published while a subscriber reconnects (Redis restarting): the
   * shared counter tells whether this instance missed any, and the backlog holds them.
   */
  private async checkAnnouncements() {
    if (this.catchUp) return
    const latest = Number((await this.presence.get(key(this.id, 'seq'))) ?? 0) || 0
    if (latest <= this.delivered) return
    this.gapSince ||= Date.now()
    await this.fillGap()
  }

  private fillGapSoon() {
    background(this.fillGap(), '[events] announcement catch-up')
  }

  /** The announcements presence keeps, oldest first. */
  private async backlog(): Promise<Announcement[]> {
    const all = (await this.presence.hgetall(key(this.info.id, 'ann'))) ?? {}
    return Object.values(all)
      .map((raw) => safeJson(raw) as Announcement | null)
      .filter((a): a is Announcement => !!a && typeof a.seq === 'number')
      .sort((a, b) => a.seq - b.seq)
  }

  // ---- reactions: one message per window -------------------------------------------------

  private reactionTick() {
    if (anyReactions(this.summedReactions)) {
      this.broadcast('event.reactions', this.summedReactions)
      this.summedReactions = noReactions()
    }
    if (anyReactions(this.localReactions)) {
      this.publish({ t: 'react', counts: this.localReactions })
      this.localReactions = noReactions()
    }
  }

  /**
   * The host's display name is theirs alone in every instance: the host's seat records it, and
   * anyone else whose name looks like it (confusables included) gets a neutral one. The host and
   * moderators may carry reserved words ("Host", "主持人"): they are what those words say.
   */
  private async guardHostName(seat: Seat, role: EventRole, raw: unknown) {
    const k = key(this.id, 'host-name')
    if (CAN.moderate(role)) seat.player.name = displayName(raw) || seat.player.name
    if (role === 'host') {
      await this.presence.set(k, seat.player.name)
      return
    }
    if (CAN.moderate(role)) return
    const host = await this.presence.get(k)
    if (typeof host === 'string' && impersonates(seat.player.name, [host])) {
      seat.player.name = `Visitor ${seat.client.sessionId.slice(0, 4)}`
    }
  }

  // ---- hands -----------------------------------------------------------------------------

  private async hands(): Promise<RaisedHand[]> {
    const all = (await this.presence.hgetall(key(this.id, 'hands'))) ?? {}
    return Object.values(all)
      .map((raw) => safeJson(raw) as RaisedHand | null)
      .filter((h): h is RaisedHand => !!h && typeof h.at === 'number')
      .sort((a, b) => a.at - b.at)
  }

  /** The list for hosts and moderators: the oldest hands, capped, and the total. */
  private async handsList(): Promise<ServerMessages['event.hands']> {
    const all = await this.hands()
    return { hands: all.slice(0, EVENT_LIMITS.handsListed), total: all.length }
  }

  private staff() {
    return [...this.seats.values()].filter((s) =>
      CAN.callHand(this.extras.get(s.client.sessionId)?.role ?? 'audience'),
    )
  }

  /**
   * A hand changed somewhere: hosts and moderators here get one list after the debounce window,
   * however many changes it gathers; an instance without staff does no work at all.
   */
  private handsSoon() {
    if (this.handsTimer || this.staff().length === 0) return
    this.handsTimer = this.clock.setTimeout(() => {
      this.handsTimer = null
      this.sendHands().catch((err: unknown) =>
        log.error({ roomId: this.roomId, error: errorField(err) }, 'event hands failed'),
      )
    }, EVENT_LIMITS.handsDebounceMs)
  }

  private async sendHands() {
    const staff = this.staff()
    if (staff.length === 0) return
    const list = await this.handsList()
    for (const seat of staff) this.reply(seat.client, 'event.hands', list)
  }

  // ---- the cast, mirrored into the other instances ---------------------------------------

  private castTick() {
    const now = Date.now()
    const full = now - this.lastFullCast >= CAST_FULL_MS
    if (full) this.lastFullCast = now
    const members: CastWire[] = []
    const here = new Set<string>()
    for (const seat of this.seats.values()) {
      const role = this.extras.get(seat.client.sessionId)?.role ?? 'audience'
      if (!seat.address || !CAN.stage(role)) continue
      here.add(seat.address)
      const p = seat.pose
      const sig = `${p.x},${p.y},${p.z},${p.h},${p.a},${role}`
      if (!full && this.castSent.get(seat.address) === sig) continue
      this.castSent.set(seat.address, sig)
      members.push({
        address: seat.address,
        name: seat.player.name,
        color: seat.player.color,
        role,
        instance: this.state.instance,
        x: p.x / POS_SCALE,
        y: p.y / POS_SCALE,
        z: p.z / POS_SCALE,
        h: dequantizeHeading(p.h),
        a: animAt(p.a),
      })
    }
    for (const address of [...this.castSent.keys()]) {
      if (here.has(address)) continue
      this.castSent.delete(address)
      this.publish({ t: 'cast-leave', room: this.roomId, address })
    }
    if (members.length > 0) this.publish({ t: 'cast', room: this.roomId, members })
    if (full) {
      for (const [address, seen] of this.castSeen) {
        if (now - seen < CAST_STALE_MS) continue
        this.castSeen.delete(address)
        this.state.event.cast.delete(address)
      }
    }
  }

  private receiveCast(members: CastWire[]) {
    const now = Date.now()
    for (const w of members) {
      if (!CAN.stage(roleOf(this.info, w.address))) continue
      let m = this.state.event.cast.get(w.address)
      if (!m) {
        m = new CastMember()
        this.state.event.cast.set(w.address, m)
      }
      m.name = w.name
      m.color = w.color
      m.role = w.role
      m.instance = w.instance
      m.x = w.x
      m.y = w.y
      m.z = w.z
      m.h = w.h
      m.a = w.a
      this.castSeen.set(w.address, now)
    }
  }

  // ---- attendance ------------------------------------------------------------------------

  private countSoon() {
    if (this.countTimer) return
    this.countTimer = this.clock.setTimeout(() => {
      this.countTimer = null
      background(this.reportCount(), '[events] attendance report')
    }, 100)
  }

  private async reportCount() {
    if (!this.info) return
    const now = Date.now()
    if (!this.ended && now >= this.info.endsAt) this.setStatus('ended')
    const entry = JSON.stringify({ n: this.seats.size, instance: this.state.instance, at: now })
    await this.presence.hset(key(this.id, 'count'), this.roomId, entry)
    const { attendance, instances } = await eventAttendance(this.presence, this.id, now)
    this.state.event.attendance = attendance
    this.state.event.instances = instances
  }

  // ---- helpers ---------------------------------------------------------------------------

  private store(): EventStore {
    const services = this.settings.events()
    if (!services) throw new Refusal('storage_unavailable', 'events are not available now')
    return services.store
  }

  private async recordSeat(seat: Seat) {
    const record: SeatRecord = {
      room: this.roomId,
      address: seat.address,
      role: this.extras.get(seat.client.sessionId)?.role ?? 'audience',
      who: this.extras.get(seat.client.sessionId)?.who ?? null,
    }
    await this.presence.hset(key(this.id, 'seats'), seat.client.sessionId, JSON.stringify(record))
  }

  private wireInfo(): EventInfo {
    const { liveAt: _l, endedAt: _e, ...info } = this.info
    return {
      ...info,
      status: this.state.event.status as EventStatus,
      attendance: this.state.event.attendance,
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return null
  }
}

/** The room class for `gameServer.define('event', …)`, with its server-side settings. */
export function eventRoom(settings: EventRoomSettings): typeof EventRoom {
  return class ConfiguredEventRoom extends EventRoom {
    protected override settings = settings
    static override async onAuth(_token: string, options: EventJoinOptions, ctx: AuthContext) {
      return authorizeEventJoin(settings.events(), options, {
        ip: clientIp(ctx),
        holds: matchMaker.presence,
      })
    }
  }
}
