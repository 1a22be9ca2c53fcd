// One instance of a live gathering: a world room on the event's world, with the stage closed to
// the audience, the synced screen, announcements, reactions, raised hands and moderation.
// Matchmaking filters by event id and seats `capacity` per instance, so a full instance
// overflows into a new instance of the same event.
//
// This file is the instance's life (create, join, leave, dispose) and what it hears on the
// event's presence bus (bus.ts, with the keys); the jobs live beside it: the announcement
// sequencer (announcements.ts), cast mirroring (cast.ts), reactions and raised hands
// (audience.ts), moderation (moderation.ts), the join check (join.ts), the `event.*`
// handlers (handlers.ts) and the live stage (live.ts, stageHandlers.ts). What stays (~560
// lines) is one job: the lifecycle hooks and the bus both read and change each seat's event
// state (`extras`), which no other file touches.
import { matchMaker, type AuthContext, type Client } from '@colyseus/core'
import {
  CAN,
  EventId,
  ScreenState as ScreenStateSchema,
  onStage,
  roleOf,
  stageSpawn,
  type EventInfo,
  type EventRole,
  type EventStatus,
  type ScreenState,
  EMPTY_SCREEN,
} from '../../src/protocol/events'
import { CLOSE_CODES } from '../../src/protocol/messages'
import type { Stage } from '../../src/protocol/scene'
import { background } from '../background'
import { errorField, log } from '../log'
import { broadcast } from '../rooms/send'
import type { Seat } from '../rooms/seat'
import { PATCH_MS, WorldRoom, type Spawn, type WorldRoomSettings } from '../rooms/WorldRoom'
import { ANNOUNCEMENT_CHECK_MS, Announcements } from './announcements'
import { Hands, REACTION_WINDOW_MS, Reactions } from './audience'
import {
  COUNT_MS,
  eventAttendance,
  eventChannel,
  eventKey,
  safeJson,
  type EventBus,
  type SeatRecord,
} from './bus'
import { CAST_MS, CastMirror } from './cast'
import type { EventContext, EventMessageType, SeatEvent } from './context'
import { joinError, Refusal, unavailable } from './errors'
import { eventHandlers } from './handlers'
import { LiveStage, type StageMessageType, type StageServices } from './live'
import { stageHandlers } from './stageHandlers'
import {
  authorizeEventJoin,
  clientIp,
  holdKey,
  type EventAuth,
  type EventJoinOptions,
  type EventServices,
} from './join'
import { applyMute, guardHostName } from './moderation'
import { EventStoreError, type EventStore, type StoredEvent } from './store'
import { EventRoomState } from './state'

export interface EventRoomSettings extends WorldRoomSettings {
  events: () => EventServices | null
  /** How long a kick keeps the address (or a guest's client address) out, minutes. */
  kickMinutes?: number
  /** The live stage's media servers and mountpoints; null: the stage says stage_off. */
  stage?: () => StageServices | null
}

/** The default of KICK_MINUTES. */
export const KICK_MINUTES = 10

export class EventRoom extends WorldRoom implements EventContext {
  declare protected settings: EventRoomSettings
  declare state: EventRoomState
  private stored!: StoredEvent
  private stage!: Stage
  private readonly extras = new Map<string, SeatEvent>()
  private screen: ScreenState = EMPTY_SCREEN
  readonly reactions = new Reactions()
  private announcements: Announcements | null = null
  private cast: CastMirror | null = null
  hands!: Hands
  private ended = false
  private countTimer: { clear(): void } | null = null
  private onBus: ((m: EventBus) => void) | null = null
  private live: LiveStage | null = null

  /** The event as this instance knows it (roles change it). */
  get info(): StoredEvent {
    return this.stored
  }

  get id() {
    return this.stored.id
  }

  /** What the screen shows now. */
  get currentScreen(): ScreenState {
    return this.screen
  }

  get kickMinutes(): number {
    return this.settings.kickMinutes ?? KICK_MINUTES
  }

  override async onCreate(options: EventJoinOptions) {
    const services = this.settings.events()
    if (!services) throw unavailable('events are not available yet: try again shortly')
    const id = EventId.safeParse(options.event)
    const event = id.success ? await services.store.get(id.data) : null
    if (!event) throw joinError('unknown_event', 'there is no such event')
    if (event.status === 'ended') throw joinError('event_ended', 'this event has ended')
    this.stored = event
    await super.onCreate({ world: event.world })
    this.handlers.add('events', this, eventHandlers)
    const ended = () => this.ended
    this.live = new LiveStage(
      {
        id: event.id,
        roomId: this.roomId,
        presence: this.presence,
        clock: this.clock,
        state: this.state,
        seats: this.seats,
        get isEnded() {
          return ended()
        },
        roleOf: (seat) => this.roleOf(seat),
        publish: (m) => this.publish(m),
        reply: (client, type, body) => this.reply(client, type, body),
        act: (seat, type, run, ok) => this.act(seat, type, () => run(), ok),
      },
      () => this.settings.stage?.() ?? null,
    )
    this.handlers.add('stage', this.live, stageHandlers)
    const stage = this.rules.stages.get(event.stage)
    if (!stage) throw joinError('unknown_event', `world ${event.world} has no stage ${event.stage}`)
    this.stage = stage
    this.maxClients = event.capacity
    this.state.capacity = event.capacity
    await this.setMetadata({ world: event.world, event: event.id, instance: this.state.instance })

    this.hands = new Hands(
      {
        roomId: this.roomId,
        presence: this.presence,
        clock: this.clock,
        staff: () => this.staff(),
        publish: (m) => this.publish(m),
        sendList: (seat, list) => this.reply(seat.client, 'event.hands', list),
      },
      event.id,
    )
    this.cast = new CastMirror({
      roomId: this.roomId,
      state: this.state,
      info: () => this.info,
      seats: () => this.seats.values(),
      roleOf: (seat) => this.roleOf(seat),
      publish: (m) => this.publish(m),
    })
    const ev = this.state.event
    ev.id = event.id
    ev.status = event.status
    const screen = await this.presence.get(eventKey(event.id, 'screen'))
    if (typeof screen === 'string') {
      const parsed = ScreenStateSchema.safeParse(safeJson(screen))
      if (parsed.success) this.screen = parsed.data
    }
    ev.screen = JSON.stringify(this.screen)
    this.announcements = new Announcements(event.id, this.presence, this.clock, (ann) => {
      this.state.event.announcement = JSON.stringify(ann)
      broadcast(this, 'event.announcement', ann)
    })
    await this.live.start()
    const backlog = await this.announcements.start()
    if (backlog.length > 0) ev.announcement = JSON.stringify(backlog.at(-1))

    this.onBus = (m) => this.hear(m)
    await this.presence.subscribe(eventChannel(event.id), this.onBus)
    // A timeout re-armed after each window, not an interval: the clock's interval catches up
    // after a stall, firing on consecutive ticks, and reactions would go out more than once a window.
    const reactions = () => {
      this.clock.setTimeout(reactions, REACTION_WINDOW_MS)
      this.reactions.tick(
        (counts) => broadcast(this, 'event.reactions', counts),
        (m) => this.publish(m),
      )
    }
    this.clock.setTimeout(reactions, REACTION_WINDOW_MS)
    const cast = this.cast
    this.clock.setInterval(() => cast.tick(), CAST_MS)
    this.clock.setInterval(
      () => background(this.reportCount(), '[events] attendance report'),
      COUNT_MS,
    )
    const announcements = this.announcements
    this.clock.setInterval(
      () => background(announcements.check(), '[events] announcement check'),
      ANNOUNCEMENT_CHECK_MS,
    )
    await this.reportCount()
  }

  protected override createState() {
    return new EventRoomState()
  }

  protected override instancesKey() {
    return `cq:instances:event:${this.stored.id}`
  }

  protected override spawnFor(client: Client): Spawn {
    const auth = client.auth as EventAuth | undefined
    return stageSpawn(this.stage, roleOf(this.stored, auth?.address ?? null))
  }

  protected override poseRefusal(seat: Seat, x: number, z: number): string | null {
    const role = this.roleOf(seat)
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
    const role = roleOf(this.stored, seat.address)
    const ip = auth?.ip ?? null
    const who = holdKey(seat.address, ip)
    const extra: SeatEvent = { role, mutedUntil: 0, hand: false, who, ip }
    this.extras.set(client.sessionId, extra)
    await applyMute(this, seat, extra)
    if (extra.mutedUntil > Date.now()) this.seatMuted(seat, extra.mutedUntil)
    await guardHostName(this, seat, role, options.name)
    this.reply(client, 'event.welcome', {
      event: this.wireInfo(),
      role,
      instance: this.state.instance,
    })
    for (const a of await this.announcements!.backlog()) this.reply(client, 'event.announcement', a)
    if (CAN.callHand(role)) this.reply(client, 'event.hands', await this.hands.list())
    await this.recordSeat(seat)
    this.countSoon()
  }

  override async onLeave(client: Client, consented: boolean) {
    const seat = this.seats.get(client.sessionId)
    await super.onLeave(client, consented)
    if (this.seats.has(client.sessionId)) return // came back in time
    if (seat) this.live?.left(seat)
    const extra = this.extras.get(client.sessionId)
    this.extras.delete(client.sessionId)
    const id = this.stored.id
    await this.presence.hdel(eventKey(id, 'seats'), client.sessionId)
    if (extra?.hand) await this.hands.left(client.sessionId)
    this.countSoon()
  }

  override async onDispose() {
    const id = this.stored?.id
    if (id) {
      if (this.onBus)
        background(this.presence.unsubscribe(eventChannel(id), this.onBus), '[events] unsubscribe')
      await this.presence.hdel(eventKey(id, 'count'), this.roomId)
      this.cast?.dispose()
    }
    this.announcements?.dispose()
    this.live?.dispose()
    this.hands?.dispose() // unset when onCreate failed early
    await super.onDispose()
  }

  // ---- actions ---------------------------------------------------------------------------

  /**
   * Runs an `event.*` action of `seat` (handlers.ts): refused once the event ended; when done,
   * `event.ok` (reactions excepted); a Refusal or a store refusal is an `error`, anything else
   * is logged and the sender told to try again.
   */
  act(
    seat: Seat,
    type: EventMessageType | StageMessageType,
    run: (extra: SeatEvent) => Promise<void> | void,
    ok = type !== 'event.react',
  ): void {
    const extra = this.extras.get(seat.client.sessionId)
    if (!extra) return
    const go = async () => {
      if (this.ended) throw new Refusal('event_ended', 'this event has ended')
      await run(extra)
    }
    go().then(
      () => {
        if (ok) this.reply(seat.client, 'event.ok', { op: type.slice(6) })
      },
      (err: unknown) => {
        if (err instanceof Refusal) {
          this.refuse(seat, Date.now(), err.code, err.message, type)
        } else if (err instanceof EventStoreError) {
          const code = err.code === 'event_ended' ? 'event_ended' : 'not_allowed'
          this.refuse(seat, Date.now(), code, err.message, type)
        } else {
          const at = { roomId: this.roomId, sessionId: seat.client.sessionId }
          log.error({ ...at, op: type, error: errorField(err) }, 'event action failed')
          const stage = type.startsWith('stage.')
          this.reply(seat.client, 'error', {
            code: stage ? 'stage_off' : 'storage_unavailable',
            type,
            message: stage
              ? 'the media server did not answer: try again'
              : 'that could not be done now: nothing changed, try again',
          })
        }
      },
    )
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
          await applyMute(this, seat, extra)
          if (extra.mutedUntil > Date.now()) this.seatMuted(seat, extra.mutedUntil)
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

  publish(m: EventBus) {
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
        this.announcements?.receive(m.ann)
        break
      case 'react':
        this.reactions.heard(m.counts)
        break
      case 'hands':
        this.hands.soon()
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
          this.seatMuted(seat, m.until)
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
        this.stored = { ...this.stored, performers: m.performers, moderators: m.moderators }
        for (const seat of this.seats.values()) this.updateRole(seat)
        this.cast?.rolesChanged()
        break
      case 'cast':
        if (m.room !== this.roomId) this.cast?.receive(m.members)
        break
      case 'cast-leave':
        if (m.room !== this.roomId) this.cast?.left(m.address)
        break
      case 'live':
      case 'stage':
      case 'stage-stop':
      case 'mounts':
        this.live?.hear(m)
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
    const role = roleOf(this.stored, seat.address)
    if (role === extra.role) return
    extra.role = role
    this.reply(seat.client, 'event.role', { role })
    this.live?.roleChanged(seat, role)
    background(this.recordSeat(seat), '[events] seat record')
    if (CAN.callHand(role)) {
      background(
        this.hands.list().then((list) => this.reply(seat.client, 'event.hands', list)),
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

  private roleOf(seat: Seat): EventRole {
    return this.extras.get(seat.client.sessionId)?.role ?? 'audience'
  }

  /** Hosts and moderators here. */
  private staff() {
    return [...this.seats.values()].filter((s) => CAN.callHand(this.roleOf(s)))
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
    if (!this.stored) return
    const now = Date.now()
    if (!this.ended && now >= this.stored.endsAt) this.setStatus('ended')
    const entry = JSON.stringify({ n: this.seats.size, instance: this.state.instance, at: now })
    await this.presence.hset(eventKey(this.id, 'count'), this.roomId, entry)
    const { attendance, instances } = await eventAttendance(this.presence, this.id, now)
    this.state.event.attendance = attendance
    this.state.event.instances = instances
  }

  // ---- helpers ---------------------------------------------------------------------------

  store(): EventStore {
    const services = this.settings.events()
    if (!services) throw new Refusal('storage_unavailable', 'events are not available now')
    return services.store
  }

  private async recordSeat(seat: Seat) {
    const record: SeatRecord = {
      room: this.roomId,
      address: seat.address,
      role: this.roleOf(seat),
      who: this.extras.get(seat.client.sessionId)?.who ?? null,
    }
    await this.presence.hset(
      eventKey(this.id, 'seats'),
      seat.client.sessionId,
      JSON.stringify(record),
    )
  }

  private wireInfo(): EventInfo {
    const { liveAt: _l, endedAt: _e, ...info } = this.stored
    return {
      ...info,
      status: this.state.event.status as EventStatus,
      attendance: this.state.event.attendance,
    }
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
