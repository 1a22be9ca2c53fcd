// The client side of a world room: joins the instance, keeps the people list and chat in the
// net store, feeds remote poses into their interpolation buffers, sends the local pose at
// POSE_HZ, binds the seat to the visitor's sign-in, and gets the seat back after a dropped
// connection. Loaded lazily once a world is ready, so the first frame never waits for the
// network code.
//
// Features bind to it (src/net/binding.ts): the app hands their session parts in, and each one
// handles its own messages and state (creator spaces, events), adds people, or picks the room to
// join (attending an event joins the event's room). This engine knows none of them.
import { useSettings } from '../state/settings'
import { parseLook, type AvatarLook } from '../protocol/avatar'
import { Client, ErrorCode, getStateCallbacks, type Room } from 'colyseus.js'
import {
  CHAT_MAX_CHARS,
  CLOSE_CODES,
  POSE_HZ,
  RECONNECT_SECONDS,
  unpackColor,
  rateLimiterFor,
  type ClientMessage,
  type ClientMessageType,
  type RateLimiter,
  type ServerMessages,
} from '../protocol/messages'
import { POSE_FRAME, PoseBook } from '../protocol/poseFrame'
import { cameraRig, localMotion, type EmoteName } from '../state/player'
import { useWorld } from '../state/world'
import { resetMotion, standingHeight } from '../avatar/controller'
import { clearTarget, input } from '../avatar/input'
import { BUBBLE_MS, useNet, type Person } from '../state/net'
import { RemoteAvatar, remotes } from './remotes'
import { oncePerTask } from './tasks'
import { clock, localNow } from './clock'
import type {
  AuthSource,
  BindSession,
  RoomLink,
  ServerMessageType,
  SessionBinding,
  SessionHost,
  SessionOptions,
  WireState,
} from './featureBinding'
import type { ChatResult, SessionApi } from './current'

export interface JoinProfile {
  name: string
  color: string
  /** What the figure wears; absent: everyday clothes in `color`. */
  look?: AvatarLook | null
}

const CONSENTED = 4000

/** Tries at joining a room before the session reports failure. */
const JOIN_ATTEMPTS = 3
/** Longest wait between tries at joining again after a drop, ms. */
const REJOIN_MAX_WAIT_MS = 8000

/** The registry-typed view of a colyseus room that features get. */
function linkTo(room: Room<WireState>): RoomLink {
  return {
    sessionId: room.sessionId,
    get state() {
      return room.state
    },
    isOpen: () => room.connection.isOpen,
    send: <T extends ClientMessageType>(type: T, payload: ClientMessage<T>) =>
      room.send(type, payload),
    onMessage: <T extends ServerMessageType>(type: T, handler: (m: ServerMessages[T]) => void) => {
      room.onMessage(type, handler)
    },
    onStateChange: (handler) => {
      room.onStateChange(handler)
    },
  }
}

export class WorldSession implements SessionApi {
  private client: Client
  private room: Room<WireState> | null = null
  private link: RoomLink | null = null
  private poseTimer: ReturnType<typeof setInterval> | null = null
  private pingTimer: ReturnType<typeof setTimeout> | null = null
  private unsubscribeAuth: (() => void) | null = null
  private closed = false
  private readonly chatLimiter: RateLimiter
  private readonly emoteLimiter: RateLimiter
  /** The features bound to this session, in the app's order. */
  private readonly bindings: readonly SessionBinding[]
  private auth: AuthSource | undefined
  private refreshPeople = () => {}
  private refreshVisible = () => {}
  private invite: { room: string; near: string | undefined } | null = null
  /** How long the room keeps this seat after a drop, seconds (its welcome says; a finite number). */
  private reconnectS = RECONNECT_SECONDS

  constructor(
    readonly world: string,
    private profile: JoinProfile,
    options: SessionOptions & { endpoint?: string } = {},
    /** The features' session parts, bound here for the session's whole life. */
    features: readonly BindSession[] = [],
  ) {
    this.client = new Client(options.endpoint ?? location.origin)
    // An invite link's room and the visitor to appear beside: tried on the first join only.
    if (options.join) this.invite = { room: options.join, near: options.near }
    const now = performance.now()
    this.chatLimiter = rateLimiterFor('chat', now)
    this.emoteLimiter = rateLimiterFor('emote', now)
    const host: SessionHost = {
      world,
      room: () => this.link,
      refreshPeople: () => this.refreshPeople(),
      refreshVisible: () => this.refreshVisible(),
      problem: (message) => useNet.getState().showProblem(message),
    }
    this.bindings = features.map((bind) => bind(host, options))
    this.auth = this.bindings.find((b) => b.auth)?.auth
  }

  /** `afterDrop`: joining again once a dropped seat is gone, so the network may still be down. */
  async start(attempt = 1, afterDrop = false): Promise<void> {
    if (attempt === 1) {
      // Joining again after a shutdown keeps saying so until the session is back.
      useNet.getState().connecting(afterDrop)
      for (const b of this.bindings) b.starting?.()
    }
    try {
      const { name, color, look } = this.profile
      const profile = { name, color, ...(look && { look }) }
      const choice = this.bindings.find((b) => b.room)?.room
      const token = choice?.signed ? this.auth?.token() : undefined
      const room = choice
        ? await this.client.joinOrCreate<WireState>(choice.name, {
            ...choice.options,
            ...profile,
            ...(token ? { token } : {}),
          })
        : await this.joinWorld(profile)
      if (this.closed) {
        void room.leave()
        return
      }
      this.bind(room)
    } catch (err) {
      if (this.closed) return
      // A refused seat (banned, ended, full) says why in its code or message.
      const code = (err as { code?: unknown }).code
      const removed = typeof code === 'number' && this.removal(code, 'join') !== null
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
      useNet.getState().failed(describe(err))
    }
  }

  /** The first feature's reason why `code` removes the visitor for good, or null. */
  private removal(code: number, at: 'join' | 'room'): string | null {
    for (const b of this.bindings) {
      const removed = b.removal?.(code, at)
      if (removed) return removed
    }
    return null
  }

  /**
   * The world's room: the invite's instance when there is one and it has room (beside the one
   * who invited), else any instance with room.
   */
  private async joinWorld(profile: JoinProfile): Promise<Room<WireState>> {
    const invite = this.invite
    this.invite = null
    if (invite) {
      try {
        return await this.client.joinById<WireState>(invite.room, {
          world: this.world,
          ...profile,
          ...(invite.near && { near: invite.near }),
        })
      } catch {
        // Full, gone, or another world's: any instance of this world will do.
      }
    }
    return this.client.joinOrCreate<WireState>('world', { world: this.world, ...profile })
  }

  private bind(room: Room<WireState>) {
    this.room = room
    const link = linkTo(room)
    this.link = link
    remotes.clear()
    useNet.getState().online(room.sessionId, room.roomId)
    const $ = getStateCallbacks(room)
    const state = $(room.state)

    // Many joins arrive in one patch: rebuild each list once per task.
    this.refreshPeople = oncePerTask(() => {
      // Left: a patch still on its way (state callbacks outlive removeAllListeners) changes nothing.
      if (this.room !== room) return
      const people: Person[] = []
      room.state.players.forEach((p, id) => {
        people.push({ id, name: p.name, color: unpackColor(p.color), look: parseLook(p.look) })
      })
      for (const b of this.bindings) if (b.people) people.push(...b.people())
      people.sort((a, b) =>
        a.id === room.sessionId ? -1 : b.id === room.sessionId ? 1 : a.name.localeCompare(b.name),
      )
      useNet.getState().setPeople(people)
    })
    this.refreshVisible = oncePerTask(() => {
      useNet.getState().setVisible([...remotes.keys()])
    })
    const { refreshPeople, refreshVisible } = this
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
    link.onMessage('server.shutdown', (m) => {
      serverLeaving = true
      const seconds = Number.isFinite(m?.seconds) ? Math.max(0, Math.min(m.seconds, 600)) : 0
      useNet.getState().restartIn(seconds)
    })
    link.onMessage('welcome', (m) => {
      useNet.getState().welcomed(m)
      if (Number.isFinite(m?.reconnectS) && m.reconnectS > 0)
        this.reconnectS = Math.min(m.reconnectS, 3600)
      // Seated beside the one who invited us: arrive there, facing them.
      const collider = useWorld.getState().collider
      if (m.at && collider) {
        const { x, y, z, heading } = m.at
        resetMotion(localMotion, x, standingHeight(collider, x, y, z), z, heading)
        clearTarget(input)
        cameraRig.yaw = heading
      }
    })
    link.onMessage('chat', (line) => {
      useNet.getState().chatReceived(line)
      setTimeout(() => useNet.getState().expireBubble(line.from), BUBBLE_MS)
    })
    link.onMessage('emote', (m) => {
      const motion = m.from === room.sessionId ? localMotion : remotes.get(m.from)?.motion
      if (motion) {
        motion.emote = m.emote
        motion.emoteAt = performance.now()
      }
    })
    link.onMessage('correction', (c) => {
      localMotion.x = c.x
      localMotion.y = c.y
      localMotion.z = c.z
      localMotion.vy = 0
    })
    link.onMessage('error', (e) => {
      for (const b of this.bindings) if (b.error?.(e)) return
      // Signed out in this tab: the seat lost its wallet as the visitor asked, nothing to report.
      if (e.type === 'auth' && !this.auth?.token()) return
      useNet.getState().showProblem(e.message)
    })
    link.onMessage('authed', (m) => useNet.setState({ address: m.address }))
    // The look kept for the address signed in with: this device wears it from now on.
    link.onMessage('avatar.saved', (m) => {
      this.profile = { ...this.profile, look: m.look }
      useSettings.getState().set({ avatarLook: m.look })
    })

    // The server's clock (src/net/clock.ts), for what every visitor must see at the same moment:
    // synced screens, staged scenes, immersive halls. A burst of pings on joining, then one
    // every 5 s; a new connection may be another server, so the estimate starts over.
    clock.reset()
    link.onMessage('pong', (m) => clock.observe(m.t, localNow(), m.server))
    if (this.pingTimer) clearTimeout(this.pingTimer)
    const ping = () => {
      if (!room.connection.isOpen) return
      room.send('ping', { t: localNow() })
      this.pingTimer = setTimeout(ping, clock.nextPingDelay())
    }
    ping()

    for (const b of this.bindings) b.joined?.(link)

    room.onLeave((code) => {
      this.stopTimers()
      for (const b of this.bindings) b.roomLeft?.()
      if (this.closed) return
      if (serverLeaving) {
        void this.rejoinAfterShutdown()
        return
      }
      if (code === CONSENTED) return
      if (code === CLOSE_CODES.flood) {
        useNet.getState().failed('disconnected: too many messages')
        return
      }
      const removed = this.removal(code, 'room')
      if (removed) {
        // Removed by a moderator, banned, or the event is over: no way back in by reconnecting.
        this.closed = true
        useNet.getState().failed(removed)
        return
      }
      void this.reconnect(room.reconnectionToken)
    })

    this.poseTimer = setInterval(() => this.sendPose(), 1000 / POSE_HZ)

    // A signed-in wallet binds this seat to its address (space editing needs it); again after
    // every sign-in and every reconnection.
    const auth = (token: string | undefined) => {
      // Signed out: the room unbinds the seat (its sign-out notice); the HUD stops showing it.
      if (!token) useNet.setState({ address: null })
      if (token && room.connection.isOpen) link.send('auth', { token })
    }
    auth(this.auth?.token())
    this.unsubscribeAuth?.()
    this.unsubscribeAuth = this.auth?.subscribe(auth) ?? null
  }

  /**
   * Joins again after the server shut down, spread over a few seconds so not all at once, and
   * for as long as it takes the service to come back (a restart may take a minute).
   */
  private async rejoinAfterShutdown() {
    useNet.getState().reconnecting()
    await new Promise((r) => setTimeout(r, 1000 + Math.random() * 3000))
    if (!this.closed) await this.start(1, true)
  }

  /** Tries to take the same seat back for as long as the server keeps it. */
  private async reconnect(token: string) {
    useNet.getState().reconnecting()
    const deadline = performance.now() + this.reconnectS * 1000
    let wait = 500
    while (!this.closed && performance.now() < deadline) {
      try {
        const room = await this.client.reconnect<WireState>(token)
        if (this.closed) {
          void room.leave()
          return
        }
        useNet.getState().reconnected()
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
    // Sitting travels in the pose, so whoever sees this avatar later sees it sitting.
    const a = m.emote === 'sit' && m.anim === 'idle' ? 'sit' : m.anim
    room.send('pose', { x: m.x, y: m.y, z: m.z, h: m.heading, a })
  }

  private stopTimers() {
    if (this.poseTimer) clearInterval(this.poseTimer)
    this.poseTimer = null
    if (this.pingTimer) clearTimeout(this.pingTimer)
    this.pingTimer = null
  }

  /** Sends a chat line; false when it is empty or the visitor is typing faster than allowed. */
  sendChat(text: string): ChatResult {
    const clean = text.trim().slice(0, CHAT_MAX_CHARS)
    if (!clean) return 'empty'
    if (!this.room?.connection.isOpen) return 'offline'
    if (!this.chatLimiter.take(performance.now())) return 'slow'
    this.room.send('chat', { text: clean } satisfies ClientMessage<'chat'>)
    return 'sent'
  }

  sendEmote(emote: EmoteName): boolean {
    if (emote === 'sit') {
      // Sitting lasts until the visitor moves, so it travels in the poses (sendPose), which
      // others and late arrivals see in step with the avatar's movement: no message of its own.
      if (localMotion.anim !== 'idle') return false
      localMotion.emote = 'sit'
      localMotion.emoteAt = performance.now()
      return true
    }
    if (!this.room?.connection.isOpen || !this.emoteLimiter.take(performance.now())) return false
    // Play it at once; the server's echo only restarts it.
    localMotion.emote = emote
    localMotion.emoteAt = performance.now()
    this.room.send('emote', { emote } satisfies ClientMessage<'emote'>)
    return true
  }

  sendLook(look: AvatarLook): boolean {
    // A rejoin arrives in it too.
    this.profile = { ...this.profile, look }
    if (!this.room?.connection.isOpen) return false
    this.room.send('avatar.look', { look } satisfies ClientMessage<'avatar.look'>)
    return true
  }

  /** For tests: drop the connection as a network failure would. */
  dropConnection() {
    this.room?.connection.close(4100, 'simulated network loss')
  }

  async leave() {
    this.closed = true
    this.stopTimers()
    this.unsubscribeAuth?.()
    this.unsubscribeAuth = null
    for (const b of this.bindings) b.leave?.()
    remotes.clear()
    const room = this.room
    this.room = null
    this.link = null
    useNet.getState().left()
    // Frames, chat and patches still on their way must not bring this room back into the stores.
    room?.removeAllListeners()
    room?.onMessage('*', () => {})
    if (room?.connection.isOpen) await room.leave(true).catch(() => {})
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'object' && err && 'message' in err) return String(err.message)
  return String(err)
}
