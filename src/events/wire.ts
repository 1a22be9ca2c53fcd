// How an event room's state and close codes turn into what the event store holds: the screen
// JSON into a ScreenState, the latest announcement, attendance, and which cast members (host and
// performers in other instances) to show as avatars. Pure functions, tested without a server.
import { EMPTY_SCREEN, ScreenState, type Announcement, type EventStatus } from '../protocol/events'
import type { CastMemberState } from '../protocol/state'
import { CLOSE_CODES } from '../protocol/messages'

/** The screen as the state carries it (JSON); anything malformed shows an empty screen. */
export function parseScreen(json: string): ScreenState {
  if (!json) return EMPTY_SCREEN
  try {
    const parsed = ScreenState.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : EMPTY_SCREEN
  } catch {
    return EMPTY_SCREEN
  }
}

/** The latest announcement from the state ('' before the first), or null. */
export function parseAnnouncement(json: string): Announcement | null {
  if (!json) return null
  try {
    const a = JSON.parse(json) as Partial<Announcement>
    if (
      typeof a.seq !== 'number' ||
      typeof a.text !== 'string' ||
      typeof a.from !== 'string' ||
      typeof a.at !== 'number'
    )
      return null
    return { seq: a.seq, text: a.text, from: a.from, at: a.at }
  } catch {
    return null
  }
}

/** The scalar part of the event state, as the store takes it. */
export interface EventStatePatch {
  status: EventStatus
  attendance: number
  instances: number
}

const STATUSES: readonly string[] = ['upcoming', 'live', 'ended']

export function eventScalars(wire: {
  status: string
  attendance: number
  instances: number
}): EventStatePatch {
  return {
    status: (STATUSES.includes(wire.status) ? wire.status : 'upcoming') as EventStatus,
    attendance: Math.max(0, wire.attendance | 0),
    instances: Math.max(0, wire.instances | 0),
  }
}

/** Remote-avatar id of a cast member shown from another instance. */
export const castId = (address: string) => `cast:${address.toLowerCase()}`
export const isCastId = (id: string) => id.startsWith('cast:')

/**
 * The cast members this instance should draw itself: the ones standing in another instance
 * (in this one they are ordinary players already). Keyed by remote-avatar id.
 */
export function castToShow(
  cast: Iterable<[string, CastMemberState]>,
  myInstance: number,
): Map<string, CastMemberState & { address: string }> {
  const out = new Map<string, CastMemberState & { address: string }>()
  for (const [address, m] of cast) {
    if (!m || m.instance === myInstance || myInstance === 0) continue
    out.set(castId(address), { ...m, address })
  }
  return out
}

/** Why the server closed an event connection, or null for an ordinary drop. */
export function removalFor(code: number): 'kicked' | 'banned' | 'ended' | null {
  if (code === CLOSE_CODES.kicked) return 'kicked'
  if (code === CLOSE_CODES.banned) return 'banned'
  if (code === CLOSE_CODES.ended) return 'ended'
  return null
}
