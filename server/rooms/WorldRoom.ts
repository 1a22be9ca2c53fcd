// One instance of a world. Matchmaking filters by world id; a full instance overflows into a
// new one because Colyseus only matches rooms that still have free seats.
//
// Every inbound message goes through the protocol registry (src/protocol/messages.ts): unknown
// types, wrong shapes, oversized payloads and excess rates get an `error` to that client only;
// sustained floods close its connection. Only registered types reach Colyseus' dispatch (its
// reserved names `*` and `__no_message_handler` and numeric types are refused before it), and a
// handler that throws is logged by onUncaughtException: no message ends the room or the process.
// A message that passes goes to the one handler of its type among the tables the room composed
// (server/rooms/handlers.ts): the engine's (WorldRoom.engine) and those of the features it hosts,
// plugged in by server/features.ts; this folder imports no feature.
// Poses must also be physically possible (PoseGuard); a refused pose is answered with a
// `correction` and is never passed on.
//
// Names and looks are schema state (everyone gets them). Poses go out as binary frames
// (src/protocol/poseFrame.ts), one per visitor per patch, holding only the nearby avatars that
// moved or came into view: the cost is O(visitors × nearby), not O(visitors × movers) as when
// the schema encoder filters every change through a per-visitor StateView.
// One file (~700 lines): seats, the message gate, pose frames and interest sets all read and
// write the same Seat record on every patch; features live in their own folders.
import {
  ClientState,
  ErrorCode as MatchmakeCode,
  Protocol,
  Room,
  ServerError,
  type AuthContext,
  type Client,
  type ClientPrivate,
} from '@colyseus/core'
import { decode } from '@colyseus/schema'
import {
  CHAT_MAX_CHARS,
  CLOSE_CODES,
  ClientMessages,
  ProtocolError,
  RECONNECT_SECONDS,
  RateLimiter,
  animIndex,
  cleanName,
  cleanText,
  closeReason,
  packColor,
  parseClientMessage,
  quantizeHeading,
  quantizePos,
  rateLimiterFor,
  type ChatLine,
  type ClientMessageType,
  type ErrorCode,
  type ServerMessages,
} from '../../src/protocol/messages'
import { WorldId } from '../../src/protocol/scene'
import { AvatarLook, encodeLook } from '../../src/protocol/avatar'
import { rulesOf, worldRules, type WorldRules } from '../worlds'
import { background } from '../background'
import { errorField, log } from '../log'
import { POSE_FRAME, PoseFrameWriter } from '../../src/protocol/poseFrame'
import { metrics } from '../metrics'
import {
  AuthUnavailableError,
  SIGN_OUT_CHANNEL,
  tokenHash,
  type Session,
  type Sessions,
} from '../auth'
import {
  Handlers,
  type FeaturePart,
  type HandlerTable,
  type RoomFeature,
  type RoomHost,
} from './handlers'
import { InterestGrid, type InterestOptions } from './interest'
import { PoseGuard } from './poseGuard'
import type { Pose, Seat } from './seat'
import { broadcast, send } from './send'
import { Player, WorldState } from './WorldState'

export type ParsedMessage = ReturnType<typeof parseClientMessage>

export interface WorldRoomSettings {
  /** Folder of scene files; the room reads its world's bounds and speeds there. */
  scenesDir: string
  /**
   * Where the rules of worlds that are not scene files come from (builder worlds, from the
   * database); absent or null for an id: the scene file's.
   */
  worlds?: (id: string) => Promise<WorldRules> | null
  maxClients: number
  /** How long a dropped connection keeps its seat and avatar, seconds (RECONNECT_SECONDS). */
  reconnectS: number
  /** null: everyone receives every avatar (no interest management). */
  interest: InterestOptions | null
  /** Wallet sessions, once the chain and the database are up. */
  services?: () => RoomServices | null
  /** The features this room hosts besides the engine (server/features.ts composes them). */
  features?: readonly RoomFeature[]
}

export interface RoomServices {
  sessions: Sessions
}

export interface WorldJoinOptions {
  world?: unknown
  name?: unknown
  color?: unknown
  /** The avatar look the visitor arrives in (src/protocol/avatar.ts); anything else is ignored. */
  look?: unknown
  /** An invite: the session id of the visitor to appear beside (in this room). */
  near?: unknown
}

/** How far from the one who invited them an invited visitor appears, metres. */
const BESIDE_M = 1.5

/** Where a visitor appears when joining. */
export interface Spawn {
  x: number
  y: number
  z: number
  heading: number
}

/** Server patch interval, ms (20 Hz; clients send poses at 12 Hz). */
export const PATCH_MS = 50
/** Each visitor's interest set is recomputed this often, ms (spread over the ticks). */
export const INTEREST_PERIOD_MS = 500
const INTEREST_TICK_MS = 100
const CHAT_HISTORY = 30
/** How long a reserved seat waits for its client to connect, seconds. */
export const SEAT_RESERVATION_S = 45
/** Any message at all: a client sending more than this is flooding, whatever the type. */
const ALL_MESSAGES = { perSecond: 40, burst: 60 }
/** Refused messages a client may send before it is disconnected (refills per second, burst). */
const PATIENCE = { perSecond: 3, burst: 30 }
/** Error replies per client (a flood must not turn into a flood of replies). */
const ERROR_REPLIES = { perSecond: 4, burst: 8 }
/** Lines a room logs about handlers that threw (an attacker must not flood the log either). */
const FAULT_LOGS = { perSecond: 1, burst: 10 }
/** Longest text of a thrown error that goes into a log line. */
const LOG_TEXT_MAX = 200

/** Matchmaking refusal of join options that are not an object naming a `key` (world, event). */
export function checkJoinOptions(options: unknown, key: 'world' | 'event'): void {
  const value =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? (options as Record<string, unknown>)[key]
      : undefined
  if (typeof value !== 'string' || value === '') {
    throw new ServerError(
      MatchmakeCode.MATCHMAKE_INVALID_CRITERIA,
      `bad_options: join options must be an object with a "${key}" id`,
    )
  }
}

export class WorldRoom extends Room<WorldState> {
  protected settings: WorldRoomSettings = {
    scenesDir: 'scenes',
    maxClients: 100,
    reconnectS: RECONNECT_SECONDS,
    interest: { radius: 40, max: 32 },
  }
  protected rules!: WorldRules
  protected readonly seats = new Map<string, Seat>()
  private grid: InterestGrid<Seat> | null = null
  private readonly chat: ChatLine[] = []
  private instanceKey = ''
  private interestCursor = 0
  private readonly numbers = new Set<number>()
  private lastNumber = 0
  private readonly frame = new PoseFrameWriter()
  /** The message handlers of the engine and of every feature this room hosts. */
  protected readonly handlers = new Handlers()
  private readonly parts: FeaturePart[] = []
  private readonly faultLogs = new RateLimiter(FAULT_LOGS.perSecond, FAULT_LOGS.burst, Date.now())
  private faultsUnlogged = 0
  private onSignOut: ((hash: unknown) => void) | null = null

  /** Runs before a room is picked: a join must name a world (else it matched any world room). */
  static override async onAuth(
    _token: string,
    options: unknown,
    _context: AuthContext,
  ): Promise<unknown> {
    checkJoinOptions(options, 'world')
    const world = (options as { world: string }).world
    if (!WorldId.safeParse(world).success) {
      throw new ServerError(
        MatchmakeCode.MATCHMAKE_INVALID_CRITERIA,
        'bad_options: invalid world id (1–64 lowercase letters, digits or dashes)',
      )
    }
    return { world }
  }

  override async onCreate(options: WorldJoinOptions) {
    const world = typeof options.world === 'string' ? options.world : ''
    // Rejects malformed and unknown ids with a message the joining client sees.
    this.rules =
      (await this.settings.worlds?.(world)) ?? (await worldRules(this.settings.scenesDir, world))
    this.maxClients = this.settings.maxClients
    // A browser joins right after its world is ready, while it may still be compiling shaders
    // (seconds on a phone, more on a CPU renderer): Colyseus' 15 s to connect after the seat is
    // reserved was missed in the event tests. An unused seat is held a little longer instead.
    this.setSeatReservationTime(SEAT_RESERVATION_S)
    if (this.settings.interest) this.grid = new InterestGrid(this.settings.interest)

    const state = this.createState()
    state.world = world
    state.capacity = this.maxClients
    state.instance = await this.allocateInstance(this.instancesKey(world))
    this.state = state
    await this.setMetadata({ world, instance: state.instance })

    this.patchRate = PATCH_MS
    this.onMessage('*', (client, type, payload) => this.receive(client, type, payload))
    this.clock.setInterval(() => this.refreshInterest(), INTEREST_TICK_MS)
    // A sign-out on any process unbinds the seats here that used that token.
    this.onSignOut = (hash) => this.signedOut(hash)
    await this.presence.subscribe(SIGN_OUT_CHANNEL, this.onSignOut)
    this.handlers.add('engine', this, WorldRoom.engine)
    const rulesNow = () => this.rules
    const host: RoomHost = {
      roomId: this.roomId,
      family: this.instancesKey(world),
      state: this.state,
      presence: this.presence,
      clock: this.clock,
      // The rules now: sceneChanged replaces them.
      get rules() {
        return rulesNow()
      },
      seats: this.seats,
      reply: this.reply.bind(this),
      broadcast: (type, body) => broadcast(this, type, body),
      sceneChanged: (scene) => {
        // A new object, never a change to the old one: a scene file's rules are shared by every
        // room of that world in the process (server/worlds.ts caches them).
        const { spawn, spaces, stages, tours } = rulesOf(scene)
        this.rules = { ...this.rules, spawn, spaces, stages, tours }
        for (const part of this.parts) part.rulesChanged?.()
      },
    }
    for (const feature of this.settings.features ?? []) {
      this.parts.push(await feature.attach(host, this.handlers))
    }
  }

  /** The state schema of an instance (event rooms extend it). */
  protected createState(): WorldState {
    return new WorldState()
  }

  /** Presence set of the instance numbers in use among the rooms this one is numbered with. */
  protected instancesKey(world: string): string {
    return `cq:instances:${world}`
  }

  /** Where a joining visitor appears. */
  /**
   * Where an invited visitor appears: beside the visitor whose session id the invite names,
   * facing them, when they are in this room (else null: the usual spawn).
   */
  private besideOf(near: unknown): Spawn | null {
    if (typeof near !== 'string' || near.length > 64) return null
    const host = this.seats.get(near)
    if (!host || host.kicked) return null
    const { min, max } = this.rules.bounds
    const x = Math.min(max[0], Math.max(min[0], host.guard.x + BESIDE_M))
    return { x, y: host.guard.y, z: host.guard.z, heading: Math.PI / 2 }
  }

  protected spawnFor(_client: Client): Spawn {
    return this.rules.spawn
  }

  /** Why a pose the guard accepted is refused here, or null (event rooms close the stage). */
  protected poseRefusal(_seat: Seat, _x: number, _z: number): string | null {
    return null
  }

  protected services(): RoomServices | null {
    return this.settings.services?.() ?? null
  }

  /** The smallest instance number no other instance of this world holds (across processes). */
  private async allocateInstance(key: string): Promise<number> {
    this.instanceKey = key
    const used = new Set(((await this.presence.smembers(this.instanceKey)) ?? []).map(Number))
    let n = 1
    while (used.has(n)) n++
    await this.presence.sadd(this.instanceKey, n)
    return n
  }

  /** A small number for the avatar in pose frames, not reused soon after its owner leaves. */
  private allocateNumber(): number {
    do this.lastNumber = (this.lastNumber % 65535) + 1
    while (this.numbers.has(this.lastNumber))
    this.numbers.add(this.lastNumber)
    return this.lastNumber
  }

  override async onDispose() {
    if (this.onSignOut) this.presence.unsubscribe(SIGN_OUT_CHANNEL, this.onSignOut)
    for (const part of this.parts) part.dispose()
    if (this.instanceKey) await this.presence.srem(this.instanceKey, this.state.instance)
  }

  override onJoin(client: Client, options: WorldJoinOptions) {
    // A join by room id skips the world filter: it must still be for this room's world.
    if (typeof options.world === 'string' && options.world !== this.state.world) {
      throw new ServerError(
        MatchmakeCode.MATCHMAKE_INVALID_CRITERIA,
        `bad_options: this room is world "${this.state.world}"`,
      )
    }
    const now = Date.now()
    const player = new Player()
    // A name that passes for the host, staff or the system becomes a neutral one.
    player.name = cleanName(options.name) || `Visitor ${client.sessionId.slice(0, 4)}`
    player.color = packColor(typeof options.color === 'string' ? options.color : '')
    const look = AvatarLook.safeParse(options.look)
    player.look = look.success ? encodeLook(look.data) : ''
    player.n = this.allocateNumber()
    const beside = this.besideOf(options.near)
    const spawn = beside ?? this.spawnFor(client)
    const pose: Pose = {
      x: quantizePos(spawn.x),
      y: quantizePos(spawn.y),
      z: quantizePos(spawn.z),
      h: quantizeHeading(spawn.heading),
      a: 0,
    }

    const limits = {} as Record<ClientMessageType, RateLimiter>
    for (const type of Object.keys(ClientMessages) as ClientMessageType[]) {
      limits[type] = rateLimiterFor(type, now)
    }
    const seat: Seat = {
      client,
      player,
      pose,
      moved: true,
      guard: new PoseGuard(this.rules, now, spawn),
      member: null,
      visible: new Set(),
      fresh: new Set(),
      left: [],
      all: new RateLimiter(ALL_MESSAGES.perSecond, ALL_MESSAGES.burst, now),
      limits,
      patience: new RateLimiter(PATIENCE.perSecond, PATIENCE.burst, now),
      replies: new RateLimiter(ERROR_REPLIES.perSecond, ERROR_REPLIES.burst, now),
      kicked: false,
      address: null,
      authHash: null,
    }
    this.seats.set(client.sessionId, seat)
    this.state.players.set(client.sessionId, player)

    if (this.grid) {
      seat.member = this.grid.insert(seat, spawn.x, spawn.z)
      this.updateInterest(seat)
    } else {
      for (const other of this.seats.values()) if (other !== seat) seat.fresh.add(other)
    }
    this.reply(client, 'welcome', {
      world: this.state.world,
      instance: this.state.instance,
      capacity: this.maxClients,
      reconnectS: this.settings.reconnectS,
      ...(beside && { at: beside }),
      chat: this.chat.slice(-CHAT_HISTORY),
    })
    for (const part of this.parts) part.joined?.(seat)
  }

  override async onLeave(client: Client, consented: boolean) {
    const seat = this.seats.get(client.sessionId)
    if (!seat) return
    if (!consented && !seat.kicked) {
      // The avatar stays where it was while the visitor may come back to the same seat.
      try {
        const back = await this.allowReconnection(client, this.settings.reconnectS)
        seat.client = back
        // The client starts over: everything it sees comes again in full.
        seat.left = []
        seat.fresh.clear()
        if (seat.member) for (const m of seat.visible) seat.fresh.add(m.item)
        else for (const other of this.seats.values()) if (other !== seat) seat.fresh.add(other)
        for (const part of this.parts) part.joined?.(seat)
        return
      } catch {
        // Not back in time: remove the avatar below.
      }
    }
    this.seats.delete(client.sessionId)
    this.numbers.delete(seat.player.n)
    if (seat.member && this.grid) this.grid.delete(seat.member)
    // Clients drop the avatar with its player entry; frames need not say so.
    for (const other of this.seats.values()) {
      if (seat.member) other.visible.delete(seat.member)
      other.fresh.delete(seat)
    }
    this.state.players.delete(client.sessionId)
    for (const part of this.parts) part.left?.(seat)
  }

  /** Tells the features a moderator muted `seat` until `until`, or lifted it (0). */
  protected seatMuted(seat: Seat, until: number) {
    for (const part of this.parts) part.muted?.(seat, until)
  }

  // ---- pose frames -----------------------------------------------------------------------

  /** Runs before every patch: queues each visitor's frame to follow that patch. */
  override onBeforePatch() {
    const w = this.frame
    const after = { afterNextPatch: true }
    if (!this.grid) {
      // Everyone sees everyone: one frame of the movers for all, plus full poses for newcomers.
      w.reset()
      for (const seat of this.seats.values()) if (seat.moved) writePose(w, seat)
      const movers = w.empty ? null : w.finish()
      for (const seat of this.seats.values()) {
        if (seat.client.state !== ClientState.JOINED) continue
        if (seat.fresh.size > 0) {
          w.reset()
          for (const other of seat.fresh) writePose(w, other)
          seat.fresh.clear()
          seat.client.sendBytes(POSE_FRAME, counted(w.finish()), after)
        }
        if (movers) seat.client.sendBytes(POSE_FRAME, counted(movers), after)
      }
    } else {
      for (const seat of this.seats.values()) {
        // A joining client gets its frames once it has the state they refer to.
        if (seat.client.state !== ClientState.JOINED) continue
        w.reset()
        for (const n of seat.left) w.leave(n)
        for (const m of seat.visible) {
          if (m.item.moved || seat.fresh.has(m.item)) writePose(w, m.item)
        }
        seat.left.length = 0
        seat.fresh.clear()
        if (!w.empty) seat.client.sendBytes(POSE_FRAME, counted(w.finish()), after)
      }
    }
    for (const seat of this.seats.values()) seat.moved = false
  }

  // ---- messages ------------------------------------------------------------------------

  /** Sends one registered server message; its payload is checked against the registry. */
  reply<T extends keyof ServerMessages>(client: Client, type: T, body: ServerMessages[T]) {
    send(client, type, body)
  }

  /**
   * Every frame from a joined client comes through here. Colyseus looks its handler up by the
   * frame's type, so a client naming `__no_message_handler` or `*` reached Colyseus' own
   * handlers (one closes the socket with an over-long reason, which throws in `ws`). Only types
   * in the registry go on to Colyseus; everything else is refused here, before it decodes the
   * payload. Whatever still throws is logged, and the socket's 'message' event never throws.
   */
  protected override _onMessage(client: Client & ClientPrivate, buffer: Buffer): void {
    if (client.state === ClientState.LEAVING) return
    try {
      const code = buffer?.[0]
      if (code === Protocol.ROOM_DATA || code === Protocol.ROOM_DATA_BYTES) {
        const it = { offset: 1 }
        const type: unknown = decode.stringCheck(buffer, it)
          ? decode.string(buffer, it)
          : decode.number(buffer, it)
        if (typeof type !== 'string' || !Object.hasOwn(ClientMessages, type)) {
          this.receive(client, type, undefined)
          return
        }
      }
      super._onMessage(client, buffer)
    } catch (err) {
      this.logFault('_onMessage', err)
    }
  }

  /** Colyseus calls this for whatever a handler, timer or lifecycle method threw: log it, go on. */
  override onUncaughtException(error: Error, methodName: string): void {
    const cause = (error as Error & { cause?: unknown }).cause ?? error
    if (cause instanceof ServerError) return // a refusal we threw on purpose (onJoin, onAuth)
    this.logFault(methodName, cause)
  }

  private logFault(where: string, err: unknown) {
    if (!this.faultLogs.take(Date.now())) {
      this.faultsUnlogged++
      return
    }
    const text = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${typeof err}`
    const skipped = this.faultsUnlogged
    this.faultsUnlogged = 0
    log.error(
      {
        room: this.roomName,
        roomId: this.roomId,
        where,
        error: cleanText(text, LOG_TEXT_MAX),
        ...(skipped > 0 && { notLogged: skipped }),
      },
      'room handler threw',
    )
  }

  private receive(client: Client, type: unknown, payload: unknown) {
    const seat = this.seats.get(client.sessionId)
    if (!seat || seat.kicked) return
    const now = Date.now()
    metrics.message(type)
    if (!seat.all.take(now)) {
      const known = typeof type === 'string' && Object.hasOwn(ClientMessages, type)
      this.refuse(seat, now, 'rate_limited', 'too many messages', known ? type : undefined)
      return
    }
    let message: ReturnType<typeof parseClientMessage>
    try {
      message = parseClientMessage(type, payload)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      this.refuse(seat, now, err.code, err.message, err.type)
      return
    }
    if (!seat.limits[message.type].take(now)) {
      const { perSecond } = ClientMessages[message.type].rate
      this.refuse(
        seat,
        now,
        'rate_limited',
        `"${message.type}" is limited to ${perSecond} per second`,
        message.type,
      )
      return
    }
    if (!this.handlers.handle(seat, message, now)) {
      // Registered, but for a feature this room does not host (the wording is on the wire).
      const why = message.type.startsWith('event.')
        ? 'this is not an event room'
        : `"${message.type}" is not handled in this room`
      this.refuse(seat, now, 'unknown_type', why, message.type)
    }
  }

  /** The engine's messages: poses, chat, emotes, clock pings and signing in. */
  static readonly engine: HandlerTable<WorldRoom> = {
    pose: (room, seat, p, now) => room.onPose(seat, p, now),
    chat: (room, seat, p, now) => room.onChat(seat, p.text, now),
    emote: (room, seat, p) => room.onEmote(seat, p.emote),
    ping: (room, seat, p, now) => room.reply(seat.client, 'pong', { t: p.t, server: now }),
    auth: (room, seat, p) => background(room.onWalletAuth(seat, p.token), '[world] sign-in'),
  }

  /** Tells the client why its message was dropped; a client that keeps at it is disconnected. */
  protected refuse(seat: Seat, now: number, code: ErrorCode, message: string, type?: string) {
    metrics.refusal(code)
    if (!seat.patience.take(now)) {
      seat.kicked = true
      this.reply(seat.client, 'error', {
        code: 'flood',
        message: 'too many refused messages: disconnected',
      })
      seat.client.leave(CLOSE_CODES.flood, closeReason('too many refused messages'))
      return
    }
    if (seat.replies.take(now)) this.reply(seat.client, 'error', { code, type, message })
  }

  private onPose(
    seat: Seat,
    p: { x: number; y: number; z: number; h: number; a: Parameters<typeof animIndex>[0] },
    now: number,
  ) {
    const closed = this.poseRefusal(seat, p.x, p.z)
    const verdict = closed ? 'out_of_bounds' : seat.guard.check(p.x, p.y, p.z, now)
    if (verdict !== 'ok') {
      const { x, y, z } = seat.guard
      const why =
        closed ??
        (verdict === 'out_of_bounds'
          ? 'pose is outside the world'
          : `pose moved faster than this world allows (${this.rules.movement.runSpeed} m/s)`)
      this.refuse(seat, now, verdict, why, 'pose')
      if (!seat.kicked) this.reply(seat.client, 'correction', { x, y, z })
      return
    }
    const pose = seat.pose
    pose.x = quantizePos(p.x)
    pose.y = quantizePos(p.y)
    pose.z = quantizePos(p.z)
    pose.h = quantizeHeading(p.h)
    pose.a = animIndex(p.a)
    seat.moved = true
    if (seat.member) this.grid!.move(seat.member, p.x, p.z)
  }

  /** Binds the seat to a session's address; sessions may be shared through Redis (await). */
  protected async onWalletAuth(seat: Seat, token: string): Promise<void> {
    let session: Session | null
    try {
      session = (await this.services()?.sessions.fromHeader(`Bearer ${token}`)) ?? null
    } catch (err) {
      if (!(err instanceof AuthUnavailableError)) {
        const at = { roomId: this.roomId, sessionId: seat.client.sessionId }
        log.error({ ...at, error: errorField(err) }, 'room sign-in failed')
      }
      if (this.seats.get(seat.client.sessionId) !== seat) return
      this.reply(seat.client, 'error', {
        code: 'storage_unavailable',
        type: 'auth',
        message: 'sign-in is unavailable right now: try again shortly',
      })
      return
    }
    if (this.seats.get(seat.client.sessionId) !== seat) return // left while the store answered
    if (!session) {
      this.reply(seat.client, 'error', {
        code: 'bad_token',
        type: 'auth',
        message: 'not a live sign-in session: sign in with the wallet again',
      })
      return
    }
    seat.address = session.address
    seat.authHash = tokenHash(token)
    this.reply(seat.client, 'authed', { address: session.address })
    for (const part of this.parts) part.signedIn?.(seat)
  }

  /** A session was signed out: the seats bound with its token lose their address. */
  protected signedOut(hash: unknown) {
    if (typeof hash !== 'string') return
    for (const seat of this.seats.values()) {
      if (seat.authHash !== hash) continue
      seat.address = null
      seat.authHash = null
      this.reply(seat.client, 'error', {
        code: 'bad_token',
        type: 'auth',
        message: 'signed out: sign in with the wallet again to edit spaces',
      })
    }
  }

  protected onChat(seat: Seat, raw: string, now: number) {
    const text = cleanText(raw, CHAT_MAX_CHARS)
    if (!text) {
      this.refuse(seat, now, 'bad_shape', '"chat": text is empty', 'chat')
      return
    }
    const line: ChatLine = { from: seat.client.sessionId, name: seat.player.name, text, at: now }
    this.chat.push(line)
    if (this.chat.length > CHAT_HISTORY) this.chat.shift()
    broadcast(this, 'chat', line)
  }

  private onEmote(seat: Seat, emote: ServerMessages['emote']['emote']) {
    const body: ServerMessages['emote'] = { from: seat.client.sessionId, emote }
    if (!seat.member) {
      broadcast(this, 'emote', body)
      return
    }
    // Only those who can see the avatar (and the sender) need the gesture.
    for (const other of this.seats.values()) {
      if (other === seat || other.visible.has(seat.member)) this.reply(other.client, 'emote', body)
    }
  }

  // ---- interest management -------------------------------------------------------------

  /** Recomputes a slice of the visitors' interest sets, so each one is fresh every period. */
  private refreshInterest() {
    if (!this.grid || this.seats.size === 0) return
    const seats = [...this.seats.values()]
    const slices = INTEREST_PERIOD_MS / INTEREST_TICK_MS
    const count = Math.ceil(seats.length / slices)
    for (let i = 0; i < count; i++) {
      this.interestCursor = (this.interestCursor + 1) % seats.length
      this.updateInterest(seats[this.interestCursor]!)
    }
  }

  private updateInterest(seat: Seat) {
    if (!seat.member) return
    const next = this.grid!.select(seat.member, seat.visible)
    const keep = new Set(next)
    for (const m of seat.visible) {
      if (keep.has(m)) continue
      seat.visible.delete(m)
      // Not sent yet (it came into view in this interval): nothing to take back.
      if (!seat.fresh.delete(m.item) && !m.gone) seat.left.push(m.item.player.n)
    }
    for (const m of next) {
      if (seat.visible.has(m)) continue
      seat.visible.add(m)
      seat.fresh.add(m.item)
    }
  }
}

/** A pose frame on its way to one visitor, counted for /metrics. */
function counted(frame: Uint8Array): Uint8Array {
  metrics.poseBytes(frame.byteLength)
  return frame
}

function writePose(w: PoseFrameWriter, seat: Seat) {
  const p = seat.pose
  w.pose(seat.player.n, p.x, p.y, p.z, p.h, p.a)
}

/** The room class for `gameServer.define`, with server-side settings clients cannot override. */
export function worldRoom(settings: WorldRoomSettings): typeof WorldRoom {
  return class ConfiguredWorldRoom extends WorldRoom {
    protected override settings = settings
  }
}
