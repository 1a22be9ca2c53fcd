// A world room's part of the tours: when each stop's staged scene started in this room. A
// visitor who reaches a stop says so (`tour.arrive`); a scene that is not playing starts then,
// for everyone in the room (they all get `tour.scene` with 0 elapsed), and a visitor who arrives
// while it plays is told how far it has got, so everyone at the stop sees the same moment
// (src/tours/timeline.ts poses the actors from that). Only a visitor standing at the stop may
// start its scene.
import type { ClientMessageType, ErrorCode } from '../../src/protocol/messages'
import type { TourGroup } from '../../src/protocol/tours'
import type { Tour, TourStop } from '../../src/protocol/scene'
import { compileScene, type SceneTimeline } from '../../src/tours/timeline'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'

/** Group tours one room holds at once. */
export const MAX_GROUPS = 8

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
  /** Group tours by their guide's session id. */
  private readonly groups = new Map<string, TourGroup>()

  constructor(
    private readonly host: RoomHost,
    private readonly now: () => number = Date.now,
  ) {}

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
      })
      return
    }
    this.playing.set(key, { startedAt: now, timeline: compileScene(stop.scene) })
    this.host.broadcast('tour.scene', { tour: tourId, stop: stopId, elapsed: 0 })
  }

  /**
   * `tour.lead`: a signed-in visitor leads their group to stop `stop` of `tourId` (null: the
   * group tour ends). Everyone in the room hears of it, to follow.
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
    const group: TourGroup = { guide, name: seat.player.name, tour: tourId, stop }
    this.groups.set(guide, group)
    this.host.broadcast('tour.group', group)
  }

  /** A visitor who joins hears of every group tour under way. */
  joined(seat: Seat): void {
    for (const group of this.groups.values()) this.host.reply(seat.client, 'tour.group', group)
  }

  left(seat: Seat): void {
    this.endGroup(seat.client.sessionId)
  }

  private endGroup(guide: string) {
    const group = this.groups.get(guide)
    if (!group) return
    this.groups.delete(guide)
    this.host.broadcast('tour.group', { ...group, tour: null })
  }

  private stillPlaying(p: Playing, now: number): boolean {
    if (p.timeline.loop) return true
    return now - p.startedAt < p.timeline.length * 1000 + AFTERGLOW_MS
  }

  /** A builder world's scene changed: its tours may have. */
  rulesChanged(): void {
    this.playing.clear()
    for (const guide of [...this.groups.keys()]) this.endGroup(guide)
  }

  dispose(): void {
    this.playing.clear()
    this.groups.clear()
  }

  private refuse(seat: Seat, type: ClientMessageType, message: string) {
    const code: ErrorCode = 'tour_refused'
    this.host.reply(seat.client, 'error', { code, type, message })
  }
}
