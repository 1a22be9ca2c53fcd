// A world room's part of the tours: when each stop's staged scene started in this room, and the
// group tours its family of rooms (a world's instances, or an event's) is on.
//
// Staged scenes: a visitor who reaches a stop says so (`tour.arrive`); a scene that is not
// playing starts then, for everyone in the room (they all get `tour.scene` with 0 elapsed), and
// a visitor who arrives while it plays is told how far it has got, so everyone at the stop sees
// the same moment (src/tours/timeline.ts poses the actors from that). Only a visitor standing at
// the stop may start its scene. Each instance plays its own: its visitors stand there together.
//
// Group tours: a signed-in guide's stops (`tour.lead`) go to every instance of the family over
// presence, as the live stage does, so a follower in another instance of an event moves with
// the host's tour. Keys (F = the family's key, RoomHost.family):
//   cq:tours:F          pub/sub channel: a group's new stop, or its end
//   cq:tours:F:groups   hash guide session → GroupRecord JSON, for instances created later; the
//                       guide's instance refreshes `at` every REFRESH_MS, and a record older
//                       than STALE_MS (its process died) is dropped by whoever sees it
import type { ClientMessageType, ErrorCode } from '../../src/protocol/messages'
import type { TourGroup } from '../../src/protocol/tours'
import type { Tour, TourStop } from '../../src/protocol/scene'
import { compileScene, type SceneTimeline } from '../../src/tours/timeline'
import { background } from '../background'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'

/** Group tours a family of rooms holds at once. */
export const MAX_GROUPS = 8
/** How often a guide's instance confirms its groups, and when an unconfirmed one is gone, ms. */
export const REFRESH_MS = 5_000
export const STALE_MS = 20_000

export const toursChannel = (family: string) => `cq:tours:${family}`
const groupsKey = (family: string) => `cq:tours:${family}:groups`

/** A group tour as the instances tell each other: which room its guide is in, when confirmed. */
interface GroupRecord {
  group: TourGroup
  room: string
  at: number
}

/** What the channel carries: a group's stop (its record), or its end. */
type ToursBus = { t: 'group'; record: GroupRecord } | { t: 'end'; guide: string; room: string }

/** A record read back from presence, or null when it is not one (presence is input too). */
function readRecord(json: string | undefined): GroupRecord | null {
  try {
    const r = JSON.parse(json ?? '') as GroupRecord
    const g = r?.group
    return typeof r.room === 'string' &&
      typeof r.at === 'number' &&
      typeof g?.guide === 'string' &&
      typeof g.name === 'string' &&
      typeof g.tour === 'string' &&
      Number.isInteger(g.stop)
      ? r
      : null
  } catch {
    return null
  }
}

/** How far beyond a stop's radius an arrival is still believed, metres (poses lag a little). */
const ARRIVE_SLACK = 4
/** A scene that plays once counts as playing this long after its last cue, ms. */
const AFTERGLOW_MS = 5_000

interface Playing {
  startedAt: number
  timeline: SceneTimeline
}

export class RoomTours implements FeaturePart {
  /** By `tour/stop`: when the scene started here (ms since the epoch). */
  private readonly playing = new Map<string, Playing>()
  /** The family's group tours by their guide's session id (this room's and the others'). */
  private readonly groups = new Map<string, GroupRecord>()
  private onBus: ((m: ToursBus) => void) | null = null
  private disposed = false

  constructor(
    private readonly host: RoomHost,
    private readonly now: () => number = Date.now,
  ) {}

  /** Listens to the family's channel and takes in the group tours already under way. */
  async start(): Promise<void> {
    const { host } = this
    this.onBus = (m) => this.heard(m)
    await host.presence.subscribe(toursChannel(host.family), this.onBus)
    await this.sync()
    host.clock.setInterval(() => background(this.sync(), '[tours] sync'), REFRESH_MS)
  }

  /**
   * Confirms this room's groups in presence, and reconciles with what presence holds: groups
   * started while this room was not listening come in, and those whose guide's process is gone
   * (unconfirmed for STALE_MS) end here and leave presence.
   */
  private async sync(): Promise<void> {
    if (this.disposed) return
    const { presence, family, roomId } = this.host
    const now = this.now()
    for (const r of this.groups.values()) {
      if (r.room !== roomId) continue
      r.at = now
      await presence.hset(groupsKey(family), r.group.guide, JSON.stringify(r))
    }
    const stored = (await presence.hgetall(groupsKey(family))) ?? {}
    if (this.disposed) return
    for (const [guide, json] of Object.entries(stored)) {
      const r = readRecord(json)
      if (!r || r.group.guide !== guide || now - r.at > STALE_MS) {
        await presence.hdel(groupsKey(family), guide)
        continue
      }
      if (r.room !== roomId) this.apply(r)
    }
    // Unconfirmed for too long: its process is gone (an `end` on the channel ends it at once).
    for (const [guide, r] of [...this.groups])
      if (r.room !== roomId && now - r.at > STALE_MS) this.ended(guide)
  }

  /** Another instance's news (this room's own is applied when it happens). */
  private heard(m: ToursBus) {
    if (this.disposed) return
    if (m.t === 'group') {
      if (m.record.room !== this.host.roomId) this.apply(m.record)
    } else if (m.room !== this.host.roomId) this.ended(m.guide)
  }

  /** A group's new stop: everyone here hears of it, unless it is what they already know. */
  private apply(r: GroupRecord) {
    const known = this.groups.get(r.group.guide)
    this.groups.set(r.group.guide, r)
    if (known && known.group.tour === r.group.tour && known.group.stop === r.group.stop) return
    this.host.broadcast('tour.group', r.group)
  }

  /** A group is over: everyone here hears of it. */
  private ended(guide: string) {
    const r = this.groups.get(guide)
    if (!r) return
    this.groups.delete(guide)
    this.host.broadcast('tour.group', { ...r.group, tour: null })
  }

  private publish(m: ToursBus) {
    background(this.host.presence.publish(toursChannel(this.host.family), m), '[tours] publish')
  }

  /** `tour.arrive`: start the stop's scene, or say how far the running one has got. */
  arrive(seat: Seat, tourId: string, stopId: string): void {
    const tour: Tour | undefined = this.host.rules.tours.get(tourId)
    const stop: TourStop | undefined = tour?.stops.find((s) => s.id === stopId)
    if (!stop) return this.refuse(seat, 'tour.arrive', 'there is no such tour stop in this world')
    if (!stop.scene) return this.refuse(seat, 'tour.arrive', 'that stop has no staged scene')
    const [x, , z] = stop.position
    // Where the room last accepted the visitor (the pose guard's, in metres; seat.pose is the
    // quantized wire form).
    if (Math.hypot(seat.guard.x - x, seat.guard.z - z) > stop.radius + ARRIVE_SLACK)
      return this.refuse(seat, 'tour.arrive', 'you are not at that stop')
    const key = `${tourId}/${stopId}`
    const now = this.now()
    const running = this.playing.get(key)
    if (running && this.stillPlaying(running, now)) {
      this.host.reply(seat.client, 'tour.scene', {
        tour: tourId,
        stop: stopId,
        elapsed: now - running.startedAt,
        startedAt: running.startedAt,
      })
      return
    }
    this.playing.set(key, { startedAt: now, timeline: compileScene(stop.scene) })
    this.host.broadcast('tour.scene', { tour: tourId, stop: stopId, elapsed: 0, startedAt: now })
  }

  /**
   * `tour.lead`: a signed-in visitor leads their group to stop `stop` of `tourId` (null: the
   * group tour ends). Everyone in every instance of the family hears of it, to follow.
   */
  lead(seat: Seat, tourId: string | null, stop: number): void {
    const guide = seat.client.sessionId
    if (tourId === null) return this.endGroup(guide)
    if (!seat.address) return this.refuse(seat, 'tour.lead', 'sign in to lead a group tour')
    const tour = this.host.rules.tours.get(tourId)
    if (!tour || stop >= tour.stops.length)
      return this.refuse(seat, 'tour.lead', 'there is no such tour stop in this world')
    if (!this.groups.has(guide) && this.groups.size >= MAX_GROUPS)
      return this.refuse(seat, 'tour.lead', `${MAX_GROUPS} group tours are under way here already`)
    const record: GroupRecord = {
      group: { guide, name: seat.player.name, tour: tourId, stop },
      room: this.host.roomId,
      at: this.now(),
    }
    this.apply(record)
    const { presence, family } = this.host
    background(
      presence.hset(groupsKey(family), guide, JSON.stringify(record)),
      '[tours] keep group',
    )
    this.publish({ t: 'group', record })
  }

  /** A visitor who joins hears of every group tour under way. */
  joined(seat: Seat): void {
    for (const r of this.groups.values()) this.host.reply(seat.client, 'tour.group', r.group)
  }

  left(seat: Seat): void {
    this.endGroup(seat.client.sessionId)
  }

  /** Ends a group whose guide is in this room, here and in every other instance. */
  private endGroup(guide: string) {
    if (this.groups.get(guide)?.room !== this.host.roomId) return
    this.ended(guide)
    background(this.host.presence.hdel(groupsKey(this.host.family), guide), '[tours] end group')
    this.publish({ t: 'end', guide, room: this.host.roomId })
  }

  private stillPlaying(p: Playing, now: number): boolean {
    if (p.timeline.loop) return true
    return now - p.startedAt < p.timeline.length * 1000 + AFTERGLOW_MS
  }

  /** A builder world's scene changed: its tours may have (each instance ends its own). */
  rulesChanged(): void {
    this.playing.clear()
    for (const guide of [...this.groups.keys()]) this.endGroup(guide)
  }

  /** The room goes: its guides' groups end everywhere. */
  dispose(): void {
    for (const guide of [...this.groups.keys()]) this.endGroup(guide)
    this.disposed = true
    this.playing.clear()
    this.groups.clear()
    if (this.onBus)
      background(
        this.host.presence.unsubscribe(toursChannel(this.host.family), this.onBus),
        '[tours] unsubscribe',
      )
  }

  private refuse(seat: Seat, type: ClientMessageType, message: string) {
    const code: ErrorCode = 'tour_refused'
    this.host.reply(seat.client, 'error', { code, type, message })
  }
}
