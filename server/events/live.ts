// The live stage in one event instance (docs/stage.md): `stage.*` messages, the replicated
// `event.live` (the same in every instance: presence key + bus), and, in the instance whose seat
// is live (the origin), the stage's VideoRoom room, its one-use pass, a sweep that kicks anyone
// else and sees the feed go on air or leave, and RTP forwarders into every registered
// mountpoint. Watchers of any instance get a mountpoint of their own process (mounts.ts).
//
// One file because the origin's parts share one publisher record and end together (a stop, a
// take-over, the feed leaving, the media server going): split, each would need all of them.
import { randomBytes } from 'node:crypto'
import type { Client, Clock, Presence } from '@colyseus/core'
import { CAN, type EventRole } from '../../src/protocol/events'
import type { ClientMessage, ClientMessageType, ServerMessages } from '../../src/protocol/messages'
import { EMPTY_LIVE, STAGE, parseLive, type LiveState } from '../../src/protocol/stage'
import { background } from '../background'
import { errorField, log } from '../log'
import { publicReason, type MediaRoom } from '../media/service'
import type { StageMedia } from '../media/stage'
import type { Seat } from '../rooms/seat'
import { eventKey, safeJson, type EventBus } from './bus'
import { Refusal } from './errors'
import { MOUNT_STALE_MS, parseMountRecord, type StageMounts } from './mounts'
import type { EventRoomState } from './state'

/** The origin checks its room this often (ms): on air, strangers, the feed leaving. */
export const STAGE_SWEEP_MS = 1000
/** A publisher record not refreshed for this long is a dead process's (ms). */
export const PUBLISHER_STALE_MS = 10_000
/** Every instance checks for a dead publisher this often (ms). */
const STALE_CHECK_MS = 5000
/** The forwarders are checked against the registered mountpoints this often (ms). */
const FORWARD_CHECK_MS = 3000
/** A feed that joined may take this long more to send media (ms). */
const PUBLISH_GRACE_MS = 30_000
/** A registration this old is removed by the origin (its process is long gone). */
const MOUNT_DEAD_MS = 60_000

export type StageMessageType = Extract<ClientMessageType, `stage.${string}`>

/** What the live stage needs of this process: the media servers and its mountpoints. */
export interface StageServices {
  media: StageMedia
  mounts: StageMounts
}

/** The event room, as the stage sees it (room.ts implements it). */
export interface StageHost {
  readonly id: string
  readonly roomId: string
  readonly presence: Presence
  readonly clock: Clock
  readonly state: EventRoomState
  readonly seats: ReadonlyMap<string, Seat>
  readonly isEnded: boolean
  roleOf(seat: Seat): EventRole
  /** Runs a stage action (room.ts): refusals and failures answered, `event.ok` when `ok`. */
  act(seat: Seat, type: StageMessageType, run: () => Promise<void> | void, ok: boolean): void
  publish(m: EventBus): void
  reply<T extends keyof ServerMessages>(client: Client, type: T, body: ServerMessages[T]): void
}

interface PublisherRecord {
  gen: number
  room: string
  session: string
  address: string
  at: number
}

/** One mountpoint's forwarders: the stream id per kind. */
type Forwards = { audio?: number; video?: number }

/** The live publisher, in its origin instance. */
interface Publisher {
  seat: Seat
  gen: number
  room: MediaRoom
  feed: number
  pass: string | null
  audio: boolean
  video: LiveState['video']
  /** Its feed was seen in the room; `on`: publishing (on air). */
  seen: boolean
  on: boolean
  passUntil: number
  publishUntil: number
  /** Forwarders by mountpoint registration (field|id|host:ports): their stream ids. */
  forwards: Map<string, Forwards>
  forwardedAt: number
  /** A check is running; `again`: another was asked for meanwhile. */
  forwarding: boolean
  again: boolean
}

export class LiveStage {
  private live: LiveState = EMPTY_LIVE
  private room: MediaRoom | null = null
  private creating: Promise<MediaRoom> | null = null
  private pub: Publisher | null = null
  private readonly going = new Set<string>()
  private readonly watching = new Set<string>()
  private sweeping = false
  private disposed = false
  private unlisten: (() => void) | null = null

  constructor(
    readonly host: StageHost,
    private readonly services: () => StageServices | null,
  ) {}

  /** Reads the event's live state (an instance made later shows it at once) and starts timers. */
  async start() {
    const raw: unknown = await this.host.presence.get(eventKey(this.host.id, 'live'))
    if (typeof raw === 'string') this.show(parseLive(raw))
    this.host.clock.setInterval(() => background(this.sweep(), '[stage] sweep'), STAGE_SWEEP_MS)
    this.host.clock.setInterval(
      () => background(this.checkStale(), '[stage] stale check'),
      STALE_CHECK_MS,
    )
    const s = this.services()
    if (s) this.unlisten = s.media.main.onLost(() => this.mainLost())
  }

  dispose() {
    this.disposed = true
    this.unlisten?.()
    this.endLocal('the room closed', true, false)
    const s = this.services()
    for (const session of this.watching) s?.mounts.unwatch(this.host.id, session)
    this.watching.clear()
    const room = this.room
    this.room = null
    if (room && s) background(s.media.main.destroyRoom(room), '[stage] destroy room')
  }

  /** The seat left the instance for good. */
  left(seat: Seat) {
    const session = seat.client.sessionId
    if (this.pub?.seat === seat) this.endLocal('left', true, false)
    if (this.watching.delete(session)) this.services()?.mounts.unwatch(this.host.id, session)
  }

  /** The seat's role changed: one that may no longer be on stage stops being live. */
  roleChanged(seat: Seat, role: EventRole) {
    if (this.pub?.seat === seat && !CAN.stage(role)) {
      this.endLocal('you are no longer on the cast', true, true)
    }
  }

  /** What this instance heard on the event's bus. */
  hear(m: EventBus) {
    switch (m.t) {
      case 'live':
        this.show(m.live)
        break
      case 'stage':
        if (this.pub && this.pub.gen < m.gen) {
          const why = m.host ? 'the host took over the stage' : 'someone else went live'
          this.endLocal(why, false, true)
        }
        break
      case 'stage-stop':
        this.endLocal('the host stopped the live stage', true, true)
        break
      case 'mounts':
        if (this.pub?.on) background(this.forward(this.pub), '[stage] forward')
        break
      default:
        break
    }
  }

  // ---- messages ------------------------------------------------------------------------

  async golive(seat: Seat, p: ClientMessage<'stage.golive'>) {
    const role = this.host.roleOf(seat)
    if (!CAN.stage(role)) throw new Refusal('not_allowed', 'only the host and performers go live')
    if (!seat.address) throw new Refusal('not_allowed', 'sign in to go live')
    const s = this.services()
    if (!s?.media.main.available) {
      throw new Refusal('stage_off', s?.media.main.status().reason ?? 'live media is off here')
    }
    const session = seat.client.sessionId
    if (this.going.has(session)) throw new Refusal('stage_busy', 'already going live')
    this.going.add(session)
    try {
      const record = await this.publisher()
      const mine = record && record.room === this.host.roomId && record.session === session
      if (record && !mine && record.address.toLowerCase() !== seat.address.toLowerCase()) {
        if (role !== 'host') {
          const who = this.live.by?.name ?? 'someone'
          throw new Refusal('stage_busy', `${who.slice(0, 40)} is live: only the host takes over`)
        }
      }
      const gen = await this.host.presence.incr(eventKey(this.host.id, 'stagegen'))
      const room = await this.mediaRoom(s.media)
      const before = this.pub?.seat
      if (before) {
        const why =
          before === seat
            ? 'you went live again'
            : role === 'host'
              ? 'the host took over the stage'
              : 'someone else went live'
        this.endLocal(why, false, before !== seat)
      }
      const pass = randomBytes(18).toString('base64url')
      const feed = 1 + Math.floor(Math.random() * 0xfffffffe)
      await s.media.main.allowed(room, 'add', [pass])
      if (this.host.seats.get(session) !== seat || seat.kicked || this.disposed) {
        background(s.media.main.allowed(room, 'remove', [pass]), '[stage] remove pass')
        return
      }
      const now = Date.now()
      this.pub = {
        seat,
        gen,
        room,
        feed,
        pass,
        audio: p.audio,
        video: p.video,
        seen: false,
        on: false,
        passUntil: now + STAGE.passSeconds * 1000,
        publishUntil: now + STAGE.passSeconds * 1000 + PUBLISH_GRACE_MS,
        forwards: new Map(),
        forwardedAt: 0,
        forwarding: false,
        again: false,
      }
      await this.writeRecord(this.pub)
      this.host.publish({ t: 'stage', gen, host: role === 'host' })
      const by = { address: seat.address, name: seat.player.name }
      await this.writeLive((l) => ({
        ...l,
        on: false,
        since: 0,
        by,
        audio: p.audio,
        video: p.video,
      }))
      const { token, expires } = s.media.token('publish')
      this.host.reply(seat.client, 'stage.publish', {
        url: s.media.main.publicUrl,
        room: room.id,
        token,
        expires,
        pass,
        feed,
      })
    } finally {
      this.going.delete(session)
    }
  }

  /** The publisher stops; the host stops whoever is live, anywhere. */
  async stop(seat: Seat) {
    if (this.pub?.seat === seat) return this.endLocal('you stopped', true, false)
    if (this.host.roleOf(seat) !== 'host') {
      throw new Refusal('not_allowed', 'only the host stops someone else’s live stage')
    }
    this.host.publish({ t: 'stage-stop' })
    // Nobody alive to clear it (a dead process's publisher): the host's stop does.
    const record = await this.publisher()
    if (!record) await this.writeLive(offAir)
  }

  async source(seat: Seat, source: LiveState['source']) {
    if (this.host.roleOf(seat) !== 'host') throw new Refusal('not_allowed', 'only the host does')
    await this.writeLive((l) => ({ ...l, source }))
  }

  async level(seat: Seat, db: number) {
    if (this.host.roleOf(seat) !== 'host') throw new Refusal('not_allowed', 'only the host does')
    await this.writeLive((l) => ({ ...l, levelDb: db }))
  }

  /** A ticket for a mountpoint of this process, or stage_off. */
  async watch(seat: Seat) {
    const s = this.services()
    if (!s?.mounts.available) {
      throw new Refusal('stage_off', s?.media.main.status().reason ?? 'live media is off here')
    }
    if (!this.live.on) throw new Refusal('stage_off', 'nobody is live on the stage now')
    const session = seat.client.sessionId
    this.watching.add(session)
    try {
      const { mount, url } = await s.mounts.watch(this.host.id, session, (reason) => {
        this.watching.delete(session)
        const here = this.host.seats.get(session)
        if (here) this.host.reply(here.client, 'stage.ended', { reason })
      })
      if (this.host.seats.get(session) !== seat || seat.kicked) {
        this.watching.delete(session)
        s.mounts.unwatch(this.host.id, session)
        return
      }
      const { token, expires } = s.media.token('watch', mount.janus)
      this.host.reply(seat.client, 'stage.watch', {
        url,
        mountpoint: mount.id,
        pin: mount.pin,
        token,
        expires,
      })
    } catch (err) {
      this.watching.delete(session)
      s.mounts.unwatch(this.host.id, session)
      throw err
    }
  }

  renew(seat: Seat) {
    const s = this.services()
    const session = seat.client.sessionId
    if (!s) throw new Refusal('stage_off', 'live media is off here')
    if (this.pub?.seat === seat) {
      if (!s.media.main.available) throw new Refusal('stage_off', s.media.main.status().reason!)
      return this.host.reply(seat.client, 'stage.token', s.media.token('publish'))
    }
    const janus = this.watching.has(session) ? s.mounts.janusOf(this.host.id, session) : null
    if (janus === null) throw new Refusal('stage_off', 'you neither publish nor watch the stage')
    if (!s.media.all[janus]?.available) throw new Refusal('stage_off', publicReason('gone'))
    this.host.reply(seat.client, 'stage.token', s.media.token('watch', janus))
  }

  // ---- the origin ----------------------------------------------------------------------

  /** The origin's sweep: strangers kicked, pass retired, on air, left, never published. */
  async sweep(): Promise<void> {
    const pub = this.pub
    const s = this.services()
    if (!pub || !s || this.sweeping) return
    if (!s.media.main.isCurrent(pub.room.generation)) {
      return this.endLocal('the media server went away: go live again', true, true)
    }
    this.sweeping = true
    try {
      const list = await s.media.main.participants(pub.room)
      if (this.pub !== pub) return
      let mine: boolean | null = null
      let strangers = 0
      for (const p of list) {
        if (p.id === pub.feed && p.display === pub.seat.client.sessionId) {
          mine = p.publisher
          continue
        }
        strangers++
        log.warn({ roomId: this.host.roomId, feed: p.id }, 'stage: kicking a stranger')
        await s.media.main.kick(pub.room, p.id)
      }
      // Only the pass admits anyone: a stranger before the publisher's own feed spent it.
      if (strangers > 0 && !pub.seen && mine === null) {
        return this.endLocal('your pass was used by someone else: go live again', true, true)
      }
      const now = Date.now()
      if (mine === null) {
        if (pub.seen) return this.endLocal('your media left the stage', true, true)
        if (now > pub.passUntil) {
          return this.endLocal('no media arrived in time: go live again', true, true)
        }
      } else {
        pub.seen = true
        this.retirePass(pub)
        if (mine && !pub.on) await this.onAir(pub)
        else if (!mine && !pub.on && now > pub.publishUntil) {
          return this.endLocal('no media arrived in time: go live again', true, true)
        }
      }
      const record = await this.publisher(true)
      if (this.pub !== pub) return
      if (record && record.gen > pub.gen)
        return this.endLocal('someone else went live', false, true)
      await this.writeRecord(pub)
      if (pub.on && now - pub.forwardedAt > FORWARD_CHECK_MS) await this.forward(pub)
    } finally {
      this.sweeping = false
    }
  }

  private async onAir(pub: Publisher) {
    pub.on = true
    log.info({ roomId: this.host.roomId, event: this.host.id }, 'stage: on air')
    await this.writeLive((l) => ({ ...l, on: true, since: Date.now(), source: 'live' }))
    await this.forward(pub)
  }

  /** The forwarders match the fresh registrations (one check at a time per publisher). */
  private async forward(pub: Publisher) {
    if (pub.forwarding) {
      pub.again = true
      return
    }
    pub.forwarding = true
    try {
      do {
        pub.again = false
        await this.forwardOnce(pub)
      } while (pub.again && this.pub === pub)
    } finally {
      pub.forwarding = false
    }
  }

  /** New registrations get forwarders, gone ones lose theirs; a missing stream is retried. */
  private async forwardOnce(pub: Publisher) {
    const s = this.services()
    if (!s || this.pub !== pub || !pub.on) return
    pub.forwardedAt = Date.now()
    const key = eventKey(this.host.id, 'mounts')
    const all = (await this.host.presence.hgetall(key)) ?? {}
    const now = Date.now()
    const want = new Map<string, { host: string; audio: number; video: number }>()
    for (const [field, raw] of Object.entries(all)) {
      const r = parseMountRecord(raw)
      if (!r || now - r.at > MOUNT_DEAD_MS) {
        background(this.host.presence.hdel(key, field), '[stage] dead mountpoint')
        continue
      }
      if (now - r.at > MOUNT_STALE_MS) continue
      want.set(`${field}|${r.id}|${r.host}:${r.audio}:${r.video}`, r)
    }
    for (const [target, streams] of pub.forwards) {
      if (want.has(target)) continue
      pub.forwards.delete(target)
      for (const id of Object.values(streams)) await s.media.stopForward(pub.room, pub.feed, id)
    }
    const kinds: ('audio' | 'video')[] = []
    if (pub.audio) kinds.push('audio')
    if (pub.video !== 'none') kinds.push('video')
    for (const [target, r] of want) {
      const streams = pub.forwards.get(target) ?? {}
      pub.forwards.set(target, streams)
      for (const kind of kinds) {
        if (streams[kind] !== undefined || this.pub !== pub) continue
        try {
          streams[kind] = await s.media.forward(pub.room, pub.feed, kind, r.host, r[kind])
        } catch (err) {
          // A stream the publisher does not send (yet): tried again with the next check.
          log.warn({ event: this.host.id, kind, error: errorField(err) }, 'stage: no forwarder')
        }
      }
    }
  }

  /**
   * Ends this instance's publisher: its feed kicked (its forwarders go with it), told why
   * unless it left; with `clear`, the event's live state goes off air (unless a newer publisher
   * holds the stage).
   */
  private endLocal(reason: string, clear: boolean, tell: boolean) {
    const pub = this.pub
    if (!pub) return
    this.pub = null
    const s = this.services()
    this.retirePass(pub)
    if (s) background(s.media.main.kick(pub.room, pub.feed), '[stage] kick')
    if (tell && this.host.seats.get(pub.seat.client.sessionId) === pub.seat) {
      this.host.reply(pub.seat.client, 'stage.ended', { reason })
    }
    if (!clear) return
    const done = async () => {
      const record = await this.publisher(true)
      if (record && record.gen !== pub.gen) return
      await this.host.presence.del(eventKey(this.host.id, 'publisher'))
      await this.writeLive(offAir)
    }
    background(done(), '[stage] off air')
  }

  private retirePass(pub: Publisher) {
    const pass = pub.pass
    pub.pass = null
    const s = this.services()
    if (pass && s) background(s.media.main.allowed(pub.room, 'remove', [pass]), '[stage] pass')
  }

  private mainLost() {
    this.room = null
    this.endLocal('the media server went away: go live again', true, true)
  }

  private async mediaRoom(media: StageMedia): Promise<MediaRoom> {
    if (this.room && media.main.isCurrent(this.room.generation)) return this.room
    this.creating ??= media.createRoom(this.host.roomId).then(
      (room) => {
        this.creating = null
        if (this.disposed) {
          background(media.main.destroyRoom(room), '[stage] destroy room')
          throw new Error('the room closed')
        }
        this.room = room
        return room
      },
      (err: unknown) => {
        this.creating = null
        throw err
      },
    )
    return this.creating
  }

  // ---- the shared state ----------------------------------------------------------------

  private show(live: LiveState) {
    this.live = live
    this.host.state.event.live = JSON.stringify(live)
  }

  /** Changes the event's live state in presence and tells every instance. */
  private async writeLive(change: (l: LiveState) => LiveState) {
    const key = eventKey(this.host.id, 'live')
    const raw: unknown = await this.host.presence.get(key)
    const next = change(typeof raw === 'string' ? parseLive(raw) : this.live)
    await this.host.presence.set(key, JSON.stringify(next))
    this.host.publish({ t: 'live', live: next })
  }

  /** The live publisher's record; a stale one (a dead process) counts as none unless `any`. */
  private async publisher(any = false): Promise<PublisherRecord | null> {
    const raw: unknown = await this.host.presence.get(eventKey(this.host.id, 'publisher'))
    const v = typeof raw === 'string' ? (safeJson(raw) as PublisherRecord | null) : null
    if (!v || typeof v.gen !== 'number' || typeof v.at !== 'number') return null
    if (!any && Date.now() - v.at > PUBLISHER_STALE_MS) return null
    return v
  }

  private async writeRecord(pub: Publisher) {
    const record: PublisherRecord = {
      gen: pub.gen,
      room: this.host.roomId,
      session: pub.seat.client.sessionId,
      address: pub.seat.address ?? '',
      at: Date.now(),
    }
    await this.host.presence.set(eventKey(this.host.id, 'publisher'), JSON.stringify(record))
  }

  /** Someone shown as live whose instance stopped refreshing its record: off air. */
  private async checkStale() {
    if (this.pub || !this.live.by || this.host.isEnded) return
    if (await this.publisher()) return
    log.warn({ event: this.host.id }, 'stage: the live publisher’s process is gone: off air')
    await this.host.presence.del(eventKey(this.host.id, 'publisher'))
    await this.writeLive(offAir)
  }
}

const offAir = (l: LiveState): LiveState => ({
  ...l,
  on: false,
  since: 0,
  by: null,
  audio: false,
  video: 'none',
})
