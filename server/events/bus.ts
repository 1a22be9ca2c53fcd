// The presence bus that ties an event's instances together (Colyseus presence: Redis with several
// processes). Every action is published on the event's channel and applied by each instance when
// it hears it, the acting one included, so all instances take the same path. Keys (K = event id):
//   cq:event:K            pub/sub channel (EventBus below)
//   cq:event:K:screen     the current ScreenState (JSON), for instances created later
//   cq:event:K:seq        announcement counter (INCR: gap-free across instances)
//   cq:event:K:ann        hash seq → Announcement JSON, the newest ANNOUNCEMENTS_KEPT
//   cq:event:K:count      hash roomId → {n, at}: each instance's attendance, refreshed ~1 s
//   cq:event:K:hands      hash session → RaisedHand JSON (a change is one HSET/HDEL; instances
//                         with staff read it once per debounce window, not per change)
//   cq:event:K:seats      hash session → {room, address, role}: moderation targets
//   cq:event:K:host-name  the host's display name (nobody else may look like it)
//   cq:event:K:kicked:W   set while W (an address, or ip:<client address> for a guest) may not
//                         rejoin after a kick; expires after the kick's minutes
//   cq:event:K:muted:W    W's chat is muted until this time (ms); expires with the mute
//   cq:event:K:live       the live stage's LiveState (JSON), for instances created later
//   cq:event:K:publisher  the live publisher {gen, room, session, address, at}: its instance
//                         refreshes `at` every second; stale after 10 s (a dead process)
//   cq:event:K:stagegen   go-live counter (INCR): the newest publisher wins a race
//   cq:event:K:mounts     hash `<process>:<janus>` → MountRecord: where forwarders send
//                         (mounts.ts), refreshed every 5 s, stale after 15 s
//   cq:instances:event:K  instance numbers in use
import type {
  Announcement,
  EventRole,
  EventStatus,
  ReactionCounts,
  ScreenState,
} from '../../src/protocol/events'
import type { LiveState } from '../../src/protocol/stage'
import type { CastMemberState } from '../../src/protocol/state'

export const eventChannel = (id: string) => `cq:event:${id}`
export const eventKey = (id: string, what: string) => `cq:event:${id}:${what}`

/** Each instance reports its attendance this often (ms); a report older than 3 s is dropped. */
export const COUNT_MS = 1000
const COUNT_STALE_MS = 3500

/** Messages on an event's channel. */
export type EventBus =
  | { t: 'screen'; screen: ScreenState }
  | { t: 'status'; status: EventStatus }
  | { t: 'ann'; ann: Announcement }
  | { t: 'react'; counts: ReactionCounts }
  | { t: 'hands' }
  | { t: 'call'; session: string; by: string }
  | { t: 'mute'; session: string; who: string | null; until: number }
  | { t: 'kick'; session: string }
  | { t: 'ban'; address: string }
  | { t: 'roles'; performers: string[]; moderators: string[] }
  | { t: 'cast'; room: string; members: CastWire[] }
  | { t: 'cast-leave'; room: string; address: string }
  /** The live stage's state changed (live.ts). */
  | { t: 'live'; live: LiveState }
  /** Go-live number `gen` took the stage: an older publisher ends (a take-over, a race). */
  | { t: 'stage'; gen: number; host: boolean }
  /** The host stopped whoever is live. */
  | { t: 'stage-stop' }
  /** A mountpoint was registered (mounts.ts): the publisher's instance forwards into it. */
  | { t: 'mounts' }

/** A cast member (host or performer) as one instance tells the others: its state, by address. */
export interface CastWire extends Omit<CastMemberState, 'role'> {
  address: string
  role: EventRole
}

/** A seat as moderators in any instance find it (cq:event:K:seats). */
export interface SeatRecord {
  room: string
  address: string | null
  role: EventRole
  who?: string | null
}

/** Attendance of an event over every instance, as the instances last reported it. */
export async function eventAttendance(
  presence: { hgetall(key: string): Promise<Record<string, string>> },
  id: string,
  now = Date.now(),
): Promise<{ attendance: number; instances: number }> {
  const all = (await presence.hgetall(eventKey(id, 'count'))) ?? {}
  let attendance = 0
  let instances = 0
  for (const raw of Object.values(all)) {
    try {
      const c = JSON.parse(raw) as { n: number; at: number }
      if (now - c.at > COUNT_STALE_MS) continue
      attendance += c.n
      instances++
    } catch {
      // a malformed entry counts as nothing
    }
  }
  return { attendance, instances }
}

export function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return null
  }
}
