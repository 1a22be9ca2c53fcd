// Cast mirroring: the host and performers standing in one instance are shown in every other
// instance of the event (state `event.cast`). Each instance publishes its cast's poses every
// CAST_MS when they changed and in full every second; a member not heard of for 5 s is gone.
import { CAN, roleOf, type EventRole } from '../../src/protocol/events'
import { POS_SCALE, animAt, dequantizeHeading } from '../../src/protocol/messages'
import type { StoredEvent } from './store'
import type { Seat } from '../rooms/seat'
import type { CastWire, EventBus } from './bus'
import { CastMember, type EventRoomState } from './state'

/** The cast's poses go to other instances at this interval (ms), and in full every second. */
export const CAST_MS = 100
const CAST_FULL_MS = 1000
/** A cast member not heard of for this long is gone (its process died) (ms). */
const CAST_STALE_MS = 5000

/** What the mirror needs from its room. */
export interface CastRoom {
  readonly roomId: string
  readonly state: EventRoomState
  info(): StoredEvent
  seats(): Iterable<Seat>
  roleOf(seat: Seat): EventRole
  publish(m: EventBus): void
}

export class CastMirror {
  private readonly seen = new Map<string, number>()
  private readonly sent = new Map<string, string>()
  private lastFull = 0

  constructor(private readonly room: CastRoom) {}

  /** Publishes this instance's cast (what changed, or all of it each second); drops stale ones. */
  tick() {
    const { room } = this
    const now = Date.now()
    const full = now - this.lastFull >= CAST_FULL_MS
    if (full) this.lastFull = now
    const members: CastWire[] = []
    const here = new Set<string>()
    for (const seat of room.seats()) {
      const role = room.roleOf(seat)
      if (!seat.address || !CAN.stage(role)) continue
      here.add(seat.address)
      const p = seat.pose
      const sig = `${p.x},${p.y},${p.z},${p.h},${p.a},${role}`
      if (!full && this.sent.get(seat.address) === sig) continue
      this.sent.set(seat.address, sig)
      members.push({
        address: seat.address,
        name: seat.player.name,
        color: seat.player.color,
        role,
        instance: room.state.instance,
        x: p.x / POS_SCALE,
        y: p.y / POS_SCALE,
        z: p.z / POS_SCALE,
        h: dequantizeHeading(p.h),
        a: animAt(p.a),
      })
    }
    for (const address of [...this.sent.keys()]) {
      if (here.has(address)) continue
      this.sent.delete(address)
      room.publish({ t: 'cast-leave', room: room.roomId, address })
    }
    if (members.length > 0) room.publish({ t: 'cast', room: room.roomId, members })
    if (full) {
      for (const [address, seen] of this.seen) {
        if (now - seen < CAST_STALE_MS) continue
        this.seen.delete(address)
        room.state.event.cast.delete(address)
      }
    }
  }

  /** Another instance's cast, into this instance's state. */
  receive(members: CastWire[]) {
    const now = Date.now()
    const cast = this.room.state.event.cast
    for (const w of members) {
      if (!CAN.stage(roleOf(this.room.info(), w.address))) continue
      let m = cast.get(w.address)
      if (!m) {
        m = new CastMember()
        cast.set(w.address, m)
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
      this.seen.set(w.address, now)
    }
  }

  /** A cast member left another instance. */
  left(address: string) {
    this.room.state.event.cast.delete(address)
    this.seen.delete(address)
  }

  /** Roles changed: whoever lost a stage role leaves the mirrored cast. */
  rolesChanged() {
    const cast = this.room.state.event.cast
    for (const address of [...cast.keys()]) {
      if (!CAN.stage(roleOf(this.room.info(), address))) cast.delete(address)
    }
  }

  /** This instance goes: the others drop the cast it showed them. */
  dispose() {
    for (const address of this.sent.keys()) {
      this.room.publish({ t: 'cast-leave', room: this.room.roomId, address })
    }
  }
}
