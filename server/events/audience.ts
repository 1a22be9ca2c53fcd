// What the audience sends up, gathered so that it costs the same however many send it:
// reactions are counted per window and summed over every instance (one message per window), and
// raised hands live in one presence hash that hosts and moderators get as one debounced list.
import type { Clock, Presence } from '@colyseus/core'
import {
  EVENT_LIMITS,
  REACTIONS,
  type RaisedHand,
  type Reaction,
  type ReactionCounts,
} from '../../src/protocol/events'
import type { ServerMessages } from '../../src/protocol/messages'
import { errorField, log } from '../log'
import type { Seat } from '../rooms/seat'
import { eventKey, safeJson, type EventBus } from './bus'
import { Refusal } from './errors'

/** Reactions are counted over this window, then sent as one message (ms). */
export const REACTION_WINDOW_MS = 250

const noReactions = (): ReactionCounts => ({ applause: 0, hearts: 0, fireworks: 0 })
const anyReactions = (c: ReactionCounts) => REACTIONS.some((r) => c[r] > 0)

/** Reactions of one instance: its own go out on the bus, everyone's come back summed. */
export class Reactions {
  private local = noReactions()
  private summed = noReactions()

  add(reaction: Reaction) {
    this.local[reaction]++
  }

  /** Counts some instance published (this one's included). */
  heard(counts: ReactionCounts) {
    for (const r of REACTIONS) this.summed[r] += counts[r] ?? 0
  }

  /** Once per window: the sums to everyone here, this instance's counts to the bus. */
  tick(broadcast: (counts: ReactionCounts) => void, publish: (m: EventBus) => void) {
    if (anyReactions(this.summed)) {
      broadcast(this.summed)
      this.summed = noReactions()
    }
    if (anyReactions(this.local)) {
      publish({ t: 'react', counts: this.local })
      this.local = noReactions()
    }
  }
}

/** What the raised hands need from their room. */
export interface HandsRoom {
  readonly roomId: string
  readonly presence: Presence
  readonly clock: Clock
  /** Hosts and moderators here. */
  staff(): Seat[]
  publish(m: EventBus): void
  sendList(seat: Seat, list: ServerMessages['event.hands']): void
}

/** The event's raised hands, as one instance sees and changes them. */
export class Hands {
  private timer: { clear(): void } | null = null

  constructor(
    private readonly room: HandsRoom,
    private readonly id: string,
  ) {}

  private async all(): Promise<RaisedHand[]> {
    const all = (await this.room.presence.hgetall(eventKey(this.id, 'hands'))) ?? {}
    return Object.values(all)
      .map((raw) => safeJson(raw) as RaisedHand | null)
      .filter((h): h is RaisedHand => !!h && typeof h.at === 'number')
      .sort((a, b) => a.at - b.at)
  }

  /** The list for hosts and moderators: the oldest hands, capped, and the total. */
  async list(): Promise<ServerMessages['event.hands']> {
    const all = await this.all()
    return { hands: all.slice(0, EVENT_LIMITS.handsListed), total: all.length }
  }

  /**
   * A hand changed somewhere: hosts and moderators here get one list after the debounce window,
   * however many changes it gathers; an instance without staff does no work at all.
   */
  soon() {
    if (this.timer || this.room.staff().length === 0) return
    this.timer = this.room.clock.setTimeout(() => {
      this.timer = null
      this.send().catch((err: unknown) =>
        log.error({ roomId: this.room.roomId, error: errorField(err) }, 'event hands failed'),
      )
    }, EVENT_LIMITS.handsDebounceMs)
  }

  private async send() {
    const staff = this.room.staff()
    if (staff.length === 0) return
    const list = await this.list()
    for (const seat of staff) this.room.sendList(seat, list)
  }

  /** Raises `session`'s hand (`hand`) or lowers it (null); the caller tells every instance. */
  async set(session: string, hand: RaisedHand | null): Promise<void> {
    const k = eventKey(this.id, 'hands')
    if (hand) await this.room.presence.hset(k, session, JSON.stringify(hand))
    else await this.room.presence.hdel(k, session)
  }

  /** Takes a raised hand down because staff called on it. */
  async call(session: string, by: string) {
    const raised = await this.room.presence.hget(eventKey(this.id, 'hands'), session)
    if (!raised) throw new Refusal('unknown_target', 'that hand is not raised (any more)')
    await this.room.presence.hdel(eventKey(this.id, 'hands'), session)
    this.room.publish({ t: 'call', session, by })
    this.room.publish({ t: 'hands' })
  }

  /** A seat with a raised hand left: its hand goes. */
  async left(session: string) {
    await this.room.presence.hdel(eventKey(this.id, 'hands'), session)
    this.room.publish({ t: 'hands' })
  }

  dispose() {
    this.timer?.clear()
  }
}
