// Voice in one room instance (world or event): its Janus VideoRoom room (created on the first
// `voice.join`, destroyed with the instance), the tickets (a one-use pass in the room's
// `allowed` list, a random feed id, a signed media token), the replicated `voice` map (who is
// which feed, who is muted), a sweep that kicks whoever is on the media server without being a
// seat's feed, and moderator mutes applied on the media server (docs/voice.md).
import { randomBytes } from 'node:crypto'
import type { ClientMessageType, ErrorCode } from '../../src/protocol/messages'
import { VOICE } from '../../src/protocol/voice'
import { JanusError } from '../../src/protocol/janus'
import { background } from '../background'
import { errorField, log } from '../log'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { VoiceSeat } from '../rooms/WorldState'
import { NO_SUCH_FEED, type MediaRoom, type MediaService } from '../media/service'

/** How often the media server's participants are checked against the seats, ms. */
export const SWEEP_MS = 3000
/**
 * The mid of the audio a client publishes: its one audio transceiver, the first m-line. The
 * server mutes that stream when a moderator mutes the seat; a muted seat publishing without it
 * is kicked.
 */
export const VOICE_AUDIO_MID = VOICE.audioMid
/** How often a muted seat's new feed is tried until its audio is muted on the media server, ms. */
const ENFORCE_MS = 250

/** A seat in voice. */
interface SeatVoice {
  seat: Seat
  feed: number
  /** The one-use pass of its ticket until used or expired. */
  pass: string | null
  passTimer: { clear(): void } | null
  /** Muted by the visitor (shown to others; the client stops sending). */
  selfMuted: boolean
  /** The moderator mute is in force on the media server. */
  modApplied: boolean
}

export class RoomVoice implements FeaturePart {
  private room: MediaRoom | null = null
  private creating: Promise<MediaRoom> | null = null
  private readonly inVoice = new Map<string, SeatVoice>()
  /** Moderator mutes by session id (ms since the epoch), whether in voice or not. */
  private readonly modMutes = new Map<string, number>()
  private readonly joining = new Set<string>()
  private sweeping = false
  private disposed = false
  private unlisten: (() => void) | null = null

  constructor(
    private readonly host: RoomHost,
    private readonly service: () => MediaService | null,
  ) {}

  start() {
    this.host.clock.setInterval(() => background(this.sweep(), '[voice] sweep'), SWEEP_MS)
    const service = this.service()
    if (service) this.unlisten = service.onLost((reason) => this.mediaLost(reason))
  }

  dispose() {
    this.disposed = true
    this.unlisten?.()
    for (const v of this.inVoice.values()) v.passTimer?.clear()
    this.inVoice.clear()
    const room = this.room
    this.room = null
    const service = this.service()
    if (room && service) background(service.destroyRoom(room), '[voice] destroy room')
  }

  // ---- seat hooks (fired by the room) ---------------------------------------------------

  /** The seat left the instance for good: its feed leaves the media server. */
  left(seat: Seat) {
    this.modMutes.delete(seat.client.sessionId)
    this.drop(seat.client.sessionId)
  }

  /**
   * A moderator muted the seat until `until`, or lifted it (0): applied on the media server and
   * told to the seat (`voice.muted`, until 0 when lifted).
   */
  muted(seat: Seat, until: number) {
    const id = seat.client.sessionId
    if (until > Date.now()) this.modMutes.set(id, until)
    else this.modMutes.delete(id)
    const v = this.inVoice.get(id)
    if (!v) return
    this.showMuted(id, v)
    // 0 when lifted: the client opens its microphone again at once, not when the mute would end.
    this.host.reply(seat.client, 'voice.muted', { until: until > Date.now() ? until : 0 })
    background(this.applyModeration(v, true), '[voice] moderate')
  }

  // ---- messages ------------------------------------------------------------------------

  /** `voice.join`: a ticket for the media server, or voice_off / voice_refused. */
  async join(seat: Seat): Promise<void> {
    const id = seat.client.sessionId
    const service = this.service()
    if (!service?.available) {
      return this.refuse(
        seat,
        'voice.join',
        'voice_off',
        service?.status().reason ?? 'voice is off',
      )
    }
    if (seat.kicked) return this.refuse(seat, 'voice.join', 'voice_refused', 'you are leaving')
    if (this.joining.has(id)) {
      return this.refuse(seat, 'voice.join', 'voice_refused', 'already joining voice')
    }
    this.joining.add(id)
    try {
      const room = await this.mediaRoom(service)
      // A rejoin replaces the old feed: it leaves the media server.
      this.drop(id)
      const feed = this.newFeed()
      const pass = randomBytes(18).toString('base64url')
      await service.allowed(room, 'add', [pass])
      if (this.host.seats.get(id) !== seat || seat.kicked || this.disposed || room !== this.room) {
        background(service.allowed(room, 'remove', [pass]), '[voice] remove pass')
        if (room !== this.room && !seat.kicked && !this.disposed) {
          this.refuse(seat, 'voice.join', 'voice_off', 'the media server restarted: try again')
        }
        return
      }
      const v: SeatVoice = {
        seat,
        feed,
        pass,
        passTimer: null,
        selfMuted: false,
        modApplied: false,
      }
      v.passTimer = this.host.clock.setTimeout(() => this.usePass(v), VOICE.passSeconds * 1000)
      this.inVoice.set(id, v)
      const state = new VoiceSeat()
      state.feed = feed
      this.host.state.voice.set(id, state)
      this.showMuted(id, v)
      const { token, expires } = service.mediaToken()
      this.host.reply(seat.client, 'voice.ticket', {
        url: service.publicUrl,
        room: room.id,
        token,
        expires,
        pass,
        feed,
        radius: VOICE.radius,
        cap: VOICE.cap,
      })
      const until = this.modMutes.get(id) ?? 0
      if (until > Date.now()) {
        this.host.reply(seat.client, 'voice.muted', { until })
        this.enforceSoon(v)
      }
    } catch (err) {
      log.error(
        { roomId: this.host.roomId, sessionId: id, error: errorField(err) },
        'voice join failed',
      )
      this.refuse(seat, 'voice.join', 'voice_off', 'the media server did not answer: try again')
    } finally {
      this.joining.delete(id)
    }
  }

  /** `voice.leave`. */
  leave(seat: Seat) {
    if (!this.inVoice.has(seat.client.sessionId)) {
      return this.refuse(seat, 'voice.leave', 'voice_refused', 'you are not in voice')
    }
    this.drop(seat.client.sessionId)
  }

  /** `voice.mute`: the visitor's own mute, shown to everyone. */
  mute(seat: Seat, muted: boolean) {
    const id = seat.client.sessionId
    const v = this.inVoice.get(id)
    if (!v) return this.refuse(seat, 'voice.mute', 'voice_refused', 'you are not in voice')
    v.selfMuted = muted
    this.showMuted(id, v)
    const until = this.modMutes.get(id) ?? 0
    if (!muted && until > Date.now()) this.host.reply(seat.client, 'voice.muted', { until })
  }

  /** `voice.renew`: a fresh media token for a seat in voice. */
  renew(seat: Seat) {
    const service = this.service()
    if (!this.inVoice.has(seat.client.sessionId)) {
      return this.refuse(seat, 'voice.renew', 'voice_refused', 'you are not in voice')
    }
    if (!service?.available) {
      return this.refuse(
        seat,
        'voice.renew',
        'voice_off',
        service?.status().reason ?? 'voice is off',
      )
    }
    this.host.reply(seat.client, 'voice.token', service.mediaToken())
  }

  // ---- the media server ------------------------------------------------------------------

  /** The sweep: kicks strangers, retires used passes, keeps moderator mutes in force. */
  async sweep(): Promise<void> {
    const service = this.service()
    const room = this.room
    if (!service?.available || !room || room.generation !== service.generation || this.sweeping) {
      return
    }
    this.sweeping = true
    try {
      const list = await service.participants(room)
      const byFeed = new Map<number, SeatVoice>()
      for (const v of this.inVoice.values()) byFeed.set(v.feed, v)
      const present = new Map<SeatVoice, boolean>()
      for (const p of list) {
        const v = byFeed.get(p.id)
        if (!v || p.display !== v.seat.client.sessionId) {
          log.warn(
            { roomId: this.host.roomId, feed: p.id },
            'voice: kicking a participant that is no seat’s feed',
          )
          await service.kick(room, p.id)
          continue
        }
        present.set(v, p.publisher)
        if (v.pass) this.usePass(v)
      }
      for (const [id, v] of this.inVoice) this.showMuted(id, v)
      for (const [v, publishing] of present) await this.applyModeration(v, publishing)
    } finally {
      this.sweeping = false
    }
  }

  /** Ids of the seats in voice with their feeds (tests, the stage later). */
  feeds(): Map<string, number> {
    return new Map([...this.inVoice].map(([id, v]) => [id, v.feed]))
  }

  get mediaRoomId(): number | null {
    return this.room?.id ?? null
  }

  private async mediaRoom(service: MediaService): Promise<MediaRoom> {
    if (this.room && this.room.generation === service.generation) return this.room
    this.creating ??= service
      .createRoom(Math.max(1, this.host.state.capacity), this.host.roomId)
      .then(
        (room) => {
          this.creating = null
          if (this.disposed) {
            background(service.destroyRoom(room), '[voice] destroy room')
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

  /**
   * Puts a moderator mute (or its end) in force on the media server. A stream that is not
   * there yet is muted by the next sweep once published; a muted seat that publishes without
   * the audio stream the server knows is kicked.
   */
  private async applyModeration(v: SeatVoice, publishing: boolean) {
    const service = this.service()
    const room = this.room
    const id = v.seat.client.sessionId
    if (!service || !room || this.inVoice.get(id) !== v) return
    const want = (this.modMutes.get(id) ?? 0) > Date.now()
    this.showMuted(id, v)
    if (!want && !v.modApplied) return
    try {
      await service.moderate(room, v.feed, VOICE_AUDIO_MID, want)
      v.modApplied = want
    } catch (err) {
      if (!(err instanceof JanusError) || err.code !== NO_SUCH_FEED) throw err
      v.modApplied = false
      if (want && publishing) {
        log.warn(
          { roomId: this.host.roomId, sessionId: id },
          'voice: a muted seat publishes no known audio stream: kicked',
        )
        await service.kick(room, v.feed)
      }
    }
  }

  /**
   * A muted seat that (re)joins voice: its stream is muted as soon as it is published, not
   * only at the next sweep (tries every ENFORCE_MS while its pass is valid).
   */
  private enforceSoon(v: SeatVoice) {
    const deadline = Date.now() + VOICE.passSeconds * 1000
    const attempt = () => {
      if (v.modApplied || this.inVoice.get(v.seat.client.sessionId) !== v) return
      if (Date.now() > deadline) return
      background(
        this.applyModeration(v, false).finally(() => {
          if (!this.disposed && !v.modApplied) this.host.clock.setTimeout(attempt, ENFORCE_MS)
        }),
        '[voice] moderate',
      )
    }
    this.host.clock.setTimeout(attempt, ENFORCE_MS)
  }

  /** The pass was used (the feed is on the media server) or expired: it admits nobody now. */
  private usePass(v: SeatVoice) {
    v.passTimer?.clear()
    v.passTimer = null
    const pass = v.pass
    v.pass = null
    const service = this.service()
    const room = this.room
    if (pass && service && room) {
      background(service.allowed(room, 'remove', [pass]), '[voice] remove pass')
    }
  }

  /** Takes a seat out of voice: state, pass, and its feed off the media server. */
  private drop(id: string) {
    const v = this.inVoice.get(id)
    if (!v) return
    this.inVoice.delete(id)
    this.host.state.voice.delete(id)
    this.usePass(v)
    const service = this.service()
    const room = this.room
    if (service && room) background(service.kick(room, v.feed), '[voice] kick')
  }

  /** The media server went away: every room on it is gone, so voice ends for everyone here. */
  private mediaLost(reason: string) {
    this.room = null
    for (const [id, v] of this.inVoice) {
      v.passTimer?.clear()
      this.host.state.voice.delete(id)
      this.host.reply(v.seat.client, 'voice.ended', { reason: reason.slice(0, 200) })
    }
    this.inVoice.clear()
  }

  private showMuted(id: string, v: SeatVoice) {
    const state = this.host.state.voice.get(id)
    if (state) state.muted = v.selfMuted || (this.modMutes.get(id) ?? 0) > Date.now()
  }

  private newFeed(): number {
    const used = new Set([...this.inVoice.values()].map((v) => v.feed))
    let feed: number
    do feed = 1 + Math.floor(Math.random() * 0xfffffffe)
    while (used.has(feed))
    return feed
  }

  private refuse(seat: Seat, type: ClientMessageType, code: ErrorCode, message: string) {
    this.host.reply(seat.client, 'error', { code, type, message })
  }
}
