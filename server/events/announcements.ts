// The megaphone's sequencer: announcements are numbered by one shared counter (INCR, gap-free
// across instances) and every instance delivers them in that order, with no gaps: one that
// arrives early waits for the ones before it, a gap is filled from the backlog presence keeps,
// and one lost for good (older than the backlog) is skipped after 2 s.
import type { Clock, Presence } from '@colyseus/core'
import { EVENT_LIMITS, type Announcement } from '../../src/protocol/events'
import { cleanText } from '../../src/protocol/messages'
import { background } from '../background'
import { eventKey, safeJson } from './bus'
import { Refusal } from './errors'

/** Announcements kept in presence for late joiners and instances that missed one. */
export const ANNOUNCEMENTS_KEPT = 20
/** How often an instance checks the announcement counter for ones pub/sub lost, ms. */
export const ANNOUNCEMENT_CHECK_MS = 2000

/** The megaphone's text as chat is cleaned (no control, zero-width or bidi-override tricks). */
export function announcementText(raw: string): string {
  const text = cleanText(raw, EVENT_LIMITS.announcementChars)
  if (!text) throw new Refusal('bad_shape', 'an announcement needs some text')
  return text
}

/** Numbers an announcement and keeps it in the backlog; the caller publishes it. */
export async function postAnnouncement(
  presence: Presence,
  id: string,
  from: string,
  text: string,
  now: number,
): Promise<Announcement> {
  const seq = Number(await presence.incr(eventKey(id, 'seq')))
  const ann: Announcement = { seq, text, from, at: now }
  await presence.hset(eventKey(id, 'ann'), String(seq), JSON.stringify(ann))
  if (seq > ANNOUNCEMENTS_KEPT) {
    await presence.hdel(eventKey(id, 'ann'), String(seq - ANNOUNCEMENTS_KEPT))
  }
  return ann
}

/** One instance's delivery of an event's announcements, in order. */
export class Announcements {
  private delivered = 0
  private readonly pending = new Map<number, Announcement>()
  private catchUp: { clear(): void } | null = null
  private gapSince = 0

  constructor(
    private readonly id: string,
    private readonly presence: Presence,
    private readonly clock: Clock,
    /** Shows one announcement to everyone here. */
    private readonly deliver: (ann: Announcement) => void,
  ) {}

  /** Starts after what was already announced; returns the backlog, oldest first. */
  async start(): Promise<Announcement[]> {
    this.delivered = Number((await this.presence.get(eventKey(this.id, 'seq'))) ?? 0) || 0
    return this.backlog()
  }

  dispose() {
    this.catchUp?.clear()
  }

  receive(ann: Announcement) {
    if (ann.seq <= this.delivered) return
    this.pending.set(ann.seq, ann)
    this.flush()
    if (this.pending.size > 0 && !this.catchUp) {
      // A gap: an earlier one is on its way or was missed; read what presence keeps.
      this.gapSince ||= Date.now()
      this.catchUp = this.clock.setTimeout(() => this.fillGapSoon(), 150)
    }
  }

  private flush() {
    for (;;) {
      const next = this.pending.get(this.delivered + 1)
      if (!next) break
      this.pending.delete(next.seq)
      this.delivered = next.seq
      this.deliver(next)
    }
    if (this.pending.size === 0) this.gapSince = 0
  }

  private async fillGap() {
    this.catchUp = null
    for (const a of await this.backlog()) if (a.seq > this.delivered) this.pending.set(a.seq, a)
    this.flush()
    if (this.pending.size === 0) return
    if (Date.now() - this.gapSince > 2000) {
      // Lost for good (older than what presence keeps): go on from the next one held.
      this.delivered = Math.min(...this.pending.keys()) - 1
      this.flush()
      return
    }
    this.catchUp = this.clock.setTimeout(() => this.fillGapSoon(), 150)
  }

  /**
   * Pub/sub drops what is published while a subscriber reconnects (Redis restarting): the
   * shared counter tells whether this instance missed any, and the backlog holds them.
   */
  async check() {
    if (this.catchUp) return
    const latest = Number((await this.presence.get(eventKey(this.id, 'seq'))) ?? 0) || 0
    if (latest <= this.delivered) return
    this.gapSince ||= Date.now()
    await this.fillGap()
  }

  private fillGapSoon() {
    background(this.fillGap(), '[events] announcement catch-up')
  }

  /** The announcements presence keeps, oldest first. */
  async backlog(): Promise<Announcement[]> {
    const all = (await this.presence.hgetall(eventKey(this.id, 'ann'))) ?? {}
    return Object.values(all)
      .map((raw) => safeJson(raw) as Announcement | null)
      .filter((a): a is Announcement => !!a && typeof a.seq === 'number')
      .sort((a, b) => a.seq - b.seq)
  }
}
