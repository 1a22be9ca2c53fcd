// Who may join an event instance, checked before a seat is reserved (the room class's static
// onAuth, in the process that matched the join): the event, its status, the sign-in token,
// bans and kicks. What it returns is the seat's `auth`.
import type { AuthContext } from '@colyseus/core'
import { EventId } from '../../src/protocol/events'
import { AuthUnavailableError, tokenHash, type Session, type Sessions } from '../auth'
import { checkJoinOptions, type WorldJoinOptions } from '../rooms/WorldRoom'
import { eventKey } from './bus'
import { joinError, unavailable } from './errors'
import type { EventStore } from './store'

export interface EventServices {
  store: EventStore
  /** Wallet sessions, once the chain part is up (null: nobody can sign in yet). */
  sessions: Sessions | null
}

export interface EventJoinOptions extends WorldJoinOptions {
  event?: unknown
  token?: unknown
}

/** What onAuth hands the room: the signed-in address, or null for a guest. */
export interface EventAuth {
  address: string | null
  /** tokenHash of the sign-in token the seat joined with: a sign-out of it unbinds the seat. */
  tokenHash?: string | null
  /** The client's network address (what holds a guest's kick), or null when unknown. */
  ip?: string | null
}

/**
 * Whom a kick or a mute holds: the wallet address, or for a guest the client's network
 * address. Bounded, so a hostile value cannot make a long key.
 */
export function holdKey(address: string | null, ip: string | null | undefined): string | null {
  if (address) return address.toLowerCase()
  return ip ? `ip:${ip.slice(0, 64)}` : null
}

/**
 * The client's network address for holds: the socket's peer. Colyseus' own `ctx.ip` prefers
 * X-Real-IP / X-Forwarded-For, which any client can write. Seam: behind a trusted proxy
 * (TRUST_PROXY, server/httpKit.ts) resolve the forwarded address here instead.
 */
export function clientIp(ctx: Pick<AuthContext, 'req'> | undefined): string | null {
  return ctx?.req?.socket.remoteAddress ?? null
}

type Holds = { get(key: string): Promise<string | null> }

/** Checks a join before a seat is reserved: the event, its status, the token, bans. */
export async function authorizeEventJoin(
  services: EventServices | null,
  options: EventJoinOptions,
  client: { ip: string | null; holds?: Holds } = { ip: null },
): Promise<EventAuth> {
  checkJoinOptions(options, 'event')
  if (!services) throw unavailable('events are not available yet: try again shortly')
  const id = EventId.safeParse(options.event)
  if (!id.success) throw joinError('unknown_event', 'not an event id')
  const event = await services.store.get(id.data)
  if (!event) throw joinError('unknown_event', `there is no event ${id.data}`)
  if (event.status === 'ended') throw joinError('event_ended', 'this event has ended')
  let address: string | null = null
  let signedInWith: string | null = null
  if (options.token !== undefined && options.token !== null && options.token !== '') {
    let session: Session | null
    try {
      session =
        typeof options.token === 'string'
          ? ((await services.sessions?.fromHeader(`Bearer ${options.token}`)) ?? null)
          : null
    } catch (err) {
      if (!(err instanceof AuthUnavailableError)) throw err
      throw unavailable('sign-in is unavailable right now: try again shortly')
    }
    if (!session) {
      throw joinError('bad_token', 'not a live sign-in session: sign in with the wallet again')
    }
    address = session.address
    signedInWith = tokenHash(options.token as string)
    if (await services.store.isBanned(event.id, address)) {
      throw joinError('banned', 'this address is banned from the event')
    }
  }
  const who = holdKey(address, client.ip)
  if (who && client.holds) {
    const until = Number(await client.holds.get(eventKey(event.id, `kicked:${who}`)))
    if (until > Date.now()) {
      const minutes = Math.ceil((until - Date.now()) / 60_000)
      throw joinError('kicked', `a moderator removed you: you may rejoin in ${minutes} min`)
    }
  }
  return { address, ip: client.ip, tokenHash: signedInWith }
}
