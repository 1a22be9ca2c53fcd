// The client side of a world room: joins the instance, keeps the people list and chat in the
// net store, feeds remote poses into their interpolation buffers, sends the local pose at
// POSE_HZ, and gets the seat back after a dropped connection. Loaded lazily once a world is
// ready, so the first frame never waits for the network code.
//
// Attending an event, it joins the event's room instead (a world room plus the event): the
// `event.*` messages and the state's `event` part go into the event store (src/events/store.ts),
// the cast standing in other instances becomes remote avatars, and pings keep the clock that
// the synced screen reads (src/events/clock.ts).
import type { ArraySchema, MapSchema } from '@colyseus/schema'
import { Client, ErrorCode, getStateCallbacks, type Room } from 'colyseus.js'
import {
  CHAT_MAX_CHARS,
  CLOSE_CODES,
  POSE_HZ,
  RECONNECT_SECONDS,
  RateLimiter,
  animIndex,
  quantizeHeading,
  quantizePos,
  rateLimiterFor,
  unpackColor,
  type ANIMS,
  type ClientMessage,
  type Emote,
  type ServerMessages,
} from '../protocol/messages'
import { stageSpawn, type Reaction } from '../protocol/events'
import {
  readSpace,
  type EventRoomState,
  type StateList,
  type StateMap,
  type WorldRoomState,
} from '../protocol/state'
import { clock, localNow } from '../events/clock'
import { useEvent } from '../events/store'
import { castToShow, eventScalars, parseAnnouncement, parseScreen, removalFor } from './eventWire'
import { POSE_FRAME, PoseBook } from '../protocol/poseFrame'
import { cameraRig, localMotion } from '../state/player'
import { useWorld } from '../state/world'
import { resetMotion, standingHeight } from '../avatar/controller'
import { clearTarget, input } from '../avatar/input'
import { useWallet } from '../wallet/store'
import { useSpaces } from '../spaces/store'
import type { EventActionResult, EventActionType, SpaceEditResult, SpaceEditType } from './current'
import { BUBBLE_MS, CHAT_LOG_LINES, initialNet, useNet, type Person } from '../state/net'
import { RemoteAvatar, remotes } from './remotes'

/**
 * The room state as colyseus.js decodes it: the interfaces the server's schemas implement
 * (src/protocol/state.ts), with their maps and lists as the schema collections they arrive as.
 */
type Decoded<T> =
  T extends StateMap<infer V>
    ? MapSchema<Decoded<V>>
    : T extends StateList<infer V>
      ? ArraySchema<V>
      : T extends object
        ? { [K in keyof T]: Decoded<T[K]> }
        : T
type WireState = Decoded<WorldRoomState & { event?: EventRoomState['event'] }>

const EDIT_TIMEOUT_MS = 20_000

export interface JoinProfile {
  name: string
  color: string
}

export interface SessionOptions {
  /** Attend this event: join its room instead of the world's. */
  event?: string
  endpoint?: string
}

/** Reactions a visitor may send: a little under the server's rate, so the bar never floods. */
const REACT_RATE = { perSecond: 3, burst: 6 }

const CONSENTED = 4000

/** Tries at joining a room before the session reports failure. */
const JOIN_ATTEMPTS = 3
/** Longest wait between tries at joining again after a drop, ms. */
const REJOIN_MAX_WAIT_MS = 8000

export class WorldSession {
  private client: Client
  private room: Room<WireState> | null = null
  private poseTimer: ReturnType<typeof setInterval> | null = null
  private unsubscribeWallet: (() => void) | null = null
  /** Space edits waiting for their answer, oldest first. */
  private edits: { type: SpaceEditType; done: (r: SpaceEditResult) => void }[] = []
  /** Event actions waiting for `event.ok` or a refusal, oldest first. */
  private actions: { type: EventActionType; done: (r: EventActionResult) => void }[] = []
  private pingTimer: ReturnType<typeof setTimeout> | null = null
  /** Cast members of other instances drawn here, as people (name tags). */
  private castPeople: Person[] = []
  private closed = false
  private readonly chatLimiter: RateLimiter
  private readonly emoteLimiter: RateLimiter
  private readonly reactLimiter: RateLimiter
  readonly event: string | null

  constructor(
    readonly world: string,
    private profile: JoinProfile,
    options: SessionOptions = {},
  ) {
    this.client = new Client(options.endpoint ?? location.origin)
    this.event = options.event ?? null
    const now = performance.now()
    this.chatLimiter = rateLimiterFor('chat', now)
    this.emoteLimiter = rateLimiterFor('emote', now)
    this.reactLimiter = new RateLimiter(REACT_RATE.perSecond, REACT_RATE.burst, now)
  }

  /** `afterDrop`: joining again once a dropped seat is gone, so the network may still be down. */
  async start(attempt = 1, afterDrop = false): Promise<void> {
    if (attempt === 1) {
      // Joining again after a shutdown keeps saying so until the session is back.
      const restart = afterDrop ? useNet.getState().restart : null
      useNet.getState().set({ ...initialNet, status: 'connecting', restart })
      if (this.event) useEvent.getState().reset()
    }
    try {
      const profile = { name: this.profile.name, color: this.profile.color }
      const token = useWallet.getState().session?.token
      const room = this.event
        ? await this.client.joinOrCreate<WireState>('event', {
            event: this.event,
            ...profile,
            ...(token ? { token } : {}),
          })
        : await this.client.joinOrCreate<WireState>('world', { world: this.world, ...profile })
      if (this.closed) {
        void room.leave()
        return
      }
      this.bind(room)
    } catch (err) {
      if (this.closed) return
      // A refused seat (banned, ended, full) says why in its code or message.
      const code = (err as { code?: unknown }).code
      const removed = this.event && typeof code === 'number' ? removalFor(code) : null
      if (removed) useEvent.getState().set({ removed })
      // Anything else may pass (a seat that expired while the page was busy, a process that
      // was starting): try again a couple of times before saying so.
      // After a drop, the network may be back only after the seat: a try that got no answer
      // from the matchmaker (no 42xx code) is made again for as long as the page stays.
      const unanswered = typeof code !== 'number' || code < 4000
      if (!removed && (attempt < JOIN_ATTEMPTS || (afterDrop && unanswered))) {
        await new Promise((r) => setTimeout(r, Math.min(1500 * attempt, REJOIN_MAX_WAIT_MS)))
        if (!this.closed) return this.start(attempt + 1, afterDrop)
        return
      }
      useNet.getState().set({ status: 'failed', problem: describe(err) })
    }
  }

  private bind(room: Room<WireState>) {
    this.room = room
    remotes.clear()
    const net = useNet.getState()
    net.set({
      status: 'online',
      problem: null,
      sessionId: room.sessionId,
      visible: [],
      restart: null,
    })
    const $ = getStateCallbacks(room)
    const state = $(room.state)

    // Many joins arrive in one patch: rebuild each list once per task.
    const refreshPeople = oncePerTask(() => {
      // Left: a patch still on its way (state callbacks outlive removeAllListeners) changes nothing.
      if (this.room !== room) return
      const people: Person[] = []
      room.state.players.forEach((p, id) => {
        people.push({ id, name: p.name, color: unpackColor(p.color) })
      })
      people.push(...this.castPeople)
      people.sort((a, b) =>
        a.id === room.sessionId ? -1 : b.id === room.sessionId ? 1 : a.name.localeCompare(b.name),
      )
      useNet.getState().set({ people })
    })
    const refreshVisible = oncePerTask(() => {
      useNet.getState().set({ visible: [...remotes.keys()] })
    })
    // Pose frames name avatars by number (Player.n); the patch that adds a player always comes
    // before the first frame that names it.
    const book = new PoseBook(room.sessionId, {
      enter: (id, pose) => {
        const remote = new RemoteAvatar(id)
        remote.push(performance.now(), pose)
        remotes.set(id, remote)
        refreshVisible()
      },
      move: (id, pose) => remotes.get(id)?.push(performance.now(), pose),
      leave: (id) => {
        if (remotes.delete(id)) refreshVisible()
      },
    })
    state.players.onAdd((player, id) => {
      book.addPlayer(id, player.n)
      refreshPeople()
      $(player).onChange(refreshPeople)
    })
    state.players.onRemove((player, id) => {
      book.removePlayer(id, player.n)
      refreshPeople()
    })
    room.onMessage(POSE_FRAME, (bytes: Uint8Array) => {
      try {
        book.apply(bytes)
      } catch (err) {
        console.warn('[net] dropped a pose frame:', describe(err))
      }
    })

    // The process is going away: once it closes the room, join afresh (another process, or
    // this one restarted) rather than take the seat back, which goes with it.
    let serverLeaving = false
    room.onMessage('server.shutdown', (m: ServerMessages['server.shutdown']) => {
      serverLeaving = true
      const seconds = Number.isFinite(m?.seconds) ? Math.max(0, Math.min(m.seconds, 600)) : 0
      useNet.getState().set({ restart: { at: Date.now() + seconds * 1000 } })
    })
    room.onMessage('welcome', (m: ServerMessages['welcome']) => {
      useNet.getState().set({ instance: m.instance, capacity: m.capacity, chat: m.chat })
    })
    room.onMessage('chat', (line: ServerMessages['chat']) => {
      const { chat, bubbles } = useNet.getState()
      useNet.getState().set({
        chat: [...chat, line].slice(-CHAT_LOG_LINES),
        bubbles: { ...bubbles, [line.from]: { text: line.text, at: performance.now() } },
      })
      setTimeout(() => {
        const b = useNet.getState().bubbles
        const mine = b[line.from]
        if (mine && performance.now() - mine.at >= BUBBLE_MS - 50) {
          const rest = { ...b }
          delete rest[line.from]
          useNet.getState().set({ bubbles: rest })
        }
      }, BUBBLE_MS)
    })
    room.onMessage('emote', (m: ServerMessages['emote']) => {
      const motion = m.from === room.sessionId ? localMotion : remotes.get(m.from)?.motion
      if (motion) {
        motion.emote = m.emote
        motion.emoteAt = performance.now()
      }
    })
    room.onMessage('correction', (c: ServerMessages['correction']) => {
      localMotion.x = c.x
      localMotion.y = c.y
      localMotion.z = c.z
      localMotion.vy = 0
    })
    room.onMessage('error', (e: ServerMessages['error']) => {
      if (e.type?.startsWith('space.')) {
        this.settleEdit(e.type, { ok: false, code: e.code, message: e.message })
        return
      }
      if (e.type?.startsWith('event.')) {
        // A refused reaction is only a burst too many; everything else has a waiting caller.
        if (!this.settleAction(e.type, { ok: false, code: e.code, message: e.message })) {
          if (e.type !== 'event.react') useNet.getState().set({ problem: e.message })
        }
        return
      }
      // Signed out in this tab: the seat lost its wallet as the visitor asked, nothing to report.
      if (e.type === 'auth' && !useWallet.getState().session) return
      useNet.getState().set({ problem: e.message })
    })
    room.onMessage('pong', (m: ServerMessages['pong']) => {
      clock.observe(m.t, localNow(), m.server)
    })
    room.onMessage('authed', () => {})
    room.onMessage('space.ok', (m: ServerMessages['space.ok']) => {
      this.settleEdit(`space.${m.op}`, {
        ok: true,
        version: m.version,
        id: m.id,
        versions: m.versions,
      })
    })
    room.onMessage('space.hidden', (m: ServerMessages['space.hidden']) => {
      useNet.getState().set({ problem: `An exhibit in ${m.space} was hidden: ${m.reason}` })
    })

    // Spaces: rebuilt once per task after a patch, set only where something changed.
    useSpaces.getState().reset()
    const shown = new Map<string, string>()
    const refreshSpaces = oncePerTask(() => {
      const seen = new Set<string>()
      room.state.spaces?.forEach((space, id) => {
        seen.add(id)
        const view = readSpace(space)
        const json = JSON.stringify(view)
        if (shown.get(id) === json) return
        shown.set(id, json)
        useSpaces.getState().set(id, view)
      })
      for (const id of [...shown.keys()]) {
        if (seen.has(id)) continue
        shown.delete(id)
        useSpaces.getState().set(id, null)
      }
    })
    room.onStateChange(refreshSpaces)

    if (this.event) this.bindEvent(room, refreshPeople, refreshVisible)

    room.onLeave((code) => {
      this.stopPoses()
      this.stopPings()
      if (this.closed) return
      if (serverLeaving) {
        void this.rejoinAfterShutdown()
        return
      }
      if (code === CONSENTED) return
      if (code === CLOSE_CODES.flood) {
        useNet.getState().set({ status: 'failed', problem: 'disconnected: too many messages' })
        return
      }
      const removed = this.event ? removalFor(code) : null
      if (removed) {
        // Removed by a moderator, banned, or the event is over: no way back in by reconnecting.
        this.closed = true
        this.failActions('removed')
        useEvent.getState().set({ removed })
        useNet.getState().set({ status: 'failed', problem: `removed from the event (${removed})` })
        return
      }
      void this.reconnect(room.reconnectionToken)
    })

    this.poseTimer = setInterval(() => this.sendPose(), 1000 / POSE_HZ)

    // A signed-in wallet binds this seat to its address (space editing needs it); again after
    // every sign-in and every reconnection.
    const auth = (token: string | undefined) => {
      if (token && room.connection.isOpen) room.send('auth', { token })
    }
    auth(useWallet.getState().session?.token)
    this.unsubscribeWallet?.()
    this.unsubscribeWallet = useWallet.subscribe((now, before) => {
      if (now.session?.token !== before.session?.token) auth(now.session?.token)
    })
  }

  /** Event rooms: the event's messages and state into the event store, the cast as avatars. */
  private bindEvent(room: Room<WireState>, refreshPeople: () => void, refreshVisible: () => void) {
    const ev = useEvent.getState
    room.onMessage('event.welcome', (m: ServerMessages['event.welcome']) => {
      ev().set({ event: m.event, role: m.role, instance: m.instance, removed: null })
      refreshEvent()
      // Arrive where the server seated us: on the stage, or in front of it facing it.
      const { scene, collider } = useWorld.getState()
      const stage = scene?.stages.find((st) => st.id === m.event.stage)
      if (stage && collider) {
        const at = stageSpawn(stage, m.role)
        resetMotion(localMotion, at.x, standingHeight(collider, at.x, at.y, at.z), at.z, at.heading)
        clearTarget(input)
        cameraRig.yaw = localMotion.heading
      }
    })
    room.onMessage('event.role', (m: ServerMessages['event.role']) => ev().set({ role: m.role }))
    room.onMessage('event.ok', (m: ServerMessages['event.ok']) => {
      this.settleAction(`event.${m.op}`, { ok: true })
    })
    room.onMessage('event.announcement', (m: ServerMessages['event.announcement']) => {
      ev().announce(m)
    })
    room.onMessage('event.reactions', (m: ServerMessages['event.reactions']) => {
      ev().set({ reactions: { counts: m, at: performance.now() } })
    })
    room.onMessage('event.hands', (m: ServerMessages['event.hands']) =>
      ev().set({ hands: m.hands, handsTotal: m.total }),
    )
    room.onMessage('event.called', (m: ServerMessages['event.called']) => {
      ev().set({ called: { by: m.by, at: performance.now() }, handUp: false })
    })
    room.onMessage('event.muted', (m: ServerMessages['event.muted']) => {
      ev().set({ mutedUntil: m.until })
    })

    // The state's event part: compared as received, set only where something changed.
    let screenJson: string | null = null
    let announcementJson: string | null = null
    const castPoses = new Map<string, string>()
    const refreshEvent = () => {
      const wire = room.state.event
      if (!wire) return
      const store = ev()
      const scalars = eventScalars(wire)
      if (
        scalars.attendance !== store.attendance ||
        scalars.instances !== store.instances ||
        (store.event && store.event.status !== scalars.status)
      ) {
        store.set({
          attendance: scalars.attendance,
          instances: scalars.instances,
          event: store.event ? { ...store.event, status: scalars.status } : null,
        })
      }
      if (wire.screen !== screenJson) {
        screenJson = wire.screen
        ev().set({ screen: parseScreen(wire.screen) })
      }
      if (wire.announcement !== announcementJson) {
        announcementJson = wire.announcement
        const a = parseAnnouncement(wire.announcement)
        if (a) ev().announce(a)
      }
      // The cast in other instances: remote avatars fed from the mirrored poses.
      const show = castToShow(
        wire.cast?.entries() ?? [],
        ev().instance || useNet.getState().instance,
      )
      let people = false
      let visible = false
      for (const [id, m] of show) {
        const key = `${m.x},${m.y},${m.z},${m.h},${m.a}`
        let remote = remotes.get(id)
        if (!remote) {
          remote = new RemoteAvatar(id)
          remotes.set(id, remote)
          visible = true
        }
        if (castPoses.get(id) !== key) {
          castPoses.set(id, key)
          remote.push(performance.now(), {
            x: quantizePos(m.x),
            y: quantizePos(m.y),
            z: quantizePos(m.z),
            h: quantizeHeading(m.h),
            a: Math.max(0, animIndex(m.a as (typeof ANIMS)[number])),
          })
        }
      }
      for (const id of [...castPoses.keys()]) {
        if (show.has(id)) continue
        castPoses.delete(id)
        if (remotes.delete(id)) visible = true
      }
      const castPeople: Person[] = [...show].map(([id, m]) => ({
        id,
        name: m.name,
        color: unpackColor(m.color),
        address: m.address,
      }))
      if (JSON.stringify(castPeople) !== JSON.stringify(this.castPeople)) {
        this.castPeople = castPeople
        people = true
      }
      if (people) refreshPeople()
      if (visible) refreshVisible()
    }
    room.onStateChange(refreshEvent)

    // The clock behind the synced screen: a burst of pings on joining, then one every 5 s.
    clock.reset()
    this.stopPings()
    const tick = () => {
      if (!room.connection.isOpen) return
      room.send('ping', { t: localNow() } satisfies ClientMessage<'ping'>)
      this.pingTimer = setTimeout(tick, clock.nextPingDelay())
    }
    tick()
  }

  private stopPings() {
    if (this.pingTimer) clearTimeout(this.pingTimer)
    this.pingTimer = null
  }

  /**
   * Joins again after the server shut down, spread over a few seconds so not all at once, and
   * for as long as it takes the service to come back (a restart may take a minute).
   */
  private async rejoinAfterShutdown() {
    useNet.getState().set({ status: 'reconnecting' })
    await new Promise((r) => setTimeout(r, 1000 + Math.random() * 3000))
    if (!this.closed) await this.start(1, true)
  }

  /** Tries to take the same seat back for as long as the server keeps it. */
  private async reconnect(token: string) {
    useNet.getState().set({ status: 'reconnecting' })
    const deadline = performance.now() + RECONNECT_SECONDS * 1000
    let wait = 500
    while (!this.closed && performance.now() < deadline) {
      try {
        const room = await this.client.reconnect<WireState>(token)
        if (this.closed) {
          void room.leave()
          return
        }
        useNet.getState().set({ reconnects: useNet.getState().reconnects + 1 })
        this.bind(room)
        return
      } catch (err) {
        // The room is gone (its last seat expired, or its process ended): no seat to wait for.
        // An expired token is no proof: the server may not have seen the drop yet.
        if ((err as { code?: unknown }).code === ErrorCode.MATCHMAKE_INVALID_ROOM_ID) break
        await new Promise((r) => setTimeout(r, wait))
        wait = Math.min(wait * 2, 4000)
      }
    }
    // The seat is gone: join afresh.
    if (!this.closed) await this.start(1, true)
  }

  private sendPose() {
    const room = this.room
    if (!room?.connection.isOpen) return
    const m = localMotion
    room.send('pose', { x: m.x, y: m.y, z: m.z, h: m.heading, a: m.anim })
  }

  private stopPoses() {
    if (this.poseTimer) clearInterval(this.poseTimer)
    this.poseTimer = null
  }

  /** Sends a chat line; false when it is empty or the visitor is typing faster than allowed. */
  sendChat(text: string): 'sent' | 'empty' | 'slow' | 'offline' {
    const clean = text.trim().slice(0, CHAT_MAX_CHARS)
    if (!clean) return 'empty'
    if (!this.room?.connection.isOpen) return 'offline'
    if (!this.chatLimiter.take(performance.now())) return 'slow'
    this.room.send('chat', { text: clean } satisfies ClientMessage<'chat'>)
    return 'sent'
  }

  sendEmote(emote: Emote): boolean {
    if (!this.room?.connection.isOpen || !this.emoteLimiter.take(performance.now())) return false
    // Play it at once; the server's echo only restarts it.
    localMotion.emote = emote
    localMotion.emoteAt = performance.now()
    this.room.send('emote', { emote } satisfies ClientMessage<'emote'>)
    return true
  }

  editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>): Promise<SpaceEditResult> {
    const room = this.room
    if (!room?.connection.isOpen) {
      return Promise.resolve({ ok: false, code: 'offline', message: 'not connected' })
    }
    return new Promise((resolve) => {
      const entry = { type, done: resolve }
      this.edits.push(entry)
      setTimeout(() => {
        const i = this.edits.indexOf(entry)
        if (i < 0) return
        this.edits.splice(i, 1)
        resolve({ ok: false, code: 'timeout', message: 'the server did not answer in time' })
      }, EDIT_TIMEOUT_MS)
      room.send(type, payload)
    })
  }

  /** Answers are in order per type: the oldest waiting edit of that type gets this one. */
  private settleEdit(type: string, result: SpaceEditResult) {
    const i = this.edits.findIndex((e) => e.type === type)
    if (i < 0) return
    const [entry] = this.edits.splice(i, 1)
    entry!.done(result)
  }

  /**
   * An event action (screen, live, announce, hand, call, moderate, role); resolves with the
   * server's `event.ok` or its refusal.
   */
  eventAction<T extends EventActionType>(
    type: T,
    payload: ClientMessage<T>,
  ): Promise<EventActionResult> {
    const room = this.room
    if (!this.event || !room?.connection.isOpen) {
      return Promise.resolve({ ok: false, code: 'offline', message: 'not connected to an event' })
    }
    return new Promise((resolve) => {
      const entry = { type, done: resolve }
      this.actions.push(entry)
      setTimeout(() => {
        const i = this.actions.indexOf(entry)
        if (i < 0) return
        this.actions.splice(i, 1)
        resolve({ ok: false, code: 'timeout', message: 'the server did not answer in time' })
      }, EDIT_TIMEOUT_MS)
      room.send(type, payload)
    })
  }

  /** A reaction: counted by the server, never answered; false when sent too fast. */
  react(reaction: Reaction): boolean {
    const room = this.room
    if (!this.event || !room?.connection.isOpen) return false
    if (!this.reactLimiter.take(performance.now())) return false
    room.send('event.react', { reaction } satisfies ClientMessage<'event.react'>)
    return true
  }

  /** The oldest waiting action of `type` gets this answer; false when none was waiting. */
  private settleAction(type: string, result: EventActionResult): boolean {
    const i = this.actions.findIndex((e) => e.type === type)
    if (i < 0) return false
    const [entry] = this.actions.splice(i, 1)
    entry!.done(result)
    return true
  }

  private failActions(message: string) {
    for (const a of this.actions.splice(0)) a.done({ ok: false, code: 'offline', message })
  }

  /** For tests: drop the connection as a network failure would. */
  dropConnection() {
    this.room?.connection.close(4100, 'simulated network loss')
  }

  async leave() {
    this.closed = true
    this.stopPoses()
    this.stopPings()
    this.unsubscribeWallet?.()
    this.unsubscribeWallet = null
    useSpaces.getState().reset()
    for (const e of this.edits.splice(0)) e.done({ ok: false, code: 'offline', message: 'left' })
    this.failActions('left')
    this.castPeople = []
    // A removal notice outlives the session: the page shows it until the visitor moves on.
    if (this.event) {
      const { removed } = useEvent.getState()
      useEvent.getState().reset()
      useEvent.getState().set({ removed })
    }
    remotes.clear()
    const room = this.room
    this.room = null
    useNet.getState().set({ ...initialNet })
    // Frames, chat and patches still on their way must not bring this room back into the stores.
    room?.removeAllListeners()
    room?.onMessage('*', () => {})
    if (room?.connection.isOpen) await room.leave(true).catch(() => {})
  }
}

/** A function that runs `fn` once at the end of the current task, however often it is called. */
function oncePerTask(fn: () => void): () => void {
  let queued = false
  return () => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      fn()
    })
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'object' && err && 'message' in err) return String(err.message)
  return String(err)
}
