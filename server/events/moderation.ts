// Moderation: who may mute, kick or ban whom (the host is above everyone; moderators may not act
// on each other), holds that outlive a rejoin (kept by address, a guest's by client address, in
// presence), and display names nobody else may pass for (the host's).
import { CAN, roleOf, type EventRole } from '../../src/protocol/events'
import { displayName, impersonates, type ClientMessage } from '../../src/protocol/messages'
import type { Seat } from '../rooms/seat'
import { eventKey, safeJson, type SeatRecord } from './bus'
import { Refusal } from './errors'
import type { EventContext, SeatEvent } from './context'

export async function moderate(
  room: EventContext,
  seat: Seat,
  role: EventRole,
  a: ClientMessage<'event.moderate'>,
  now: number,
) {
  const { id, presence } = room
  /** The host is above everyone; moderators may not act on each other. */
  const outranks = (target: EventRole) =>
    target !== 'host' && (role === 'host' || target !== 'moderator')
  if (a.action === 'ban' || a.action === 'unban') {
    const target = roleOf(room.info, a.address)
    if (seat.address?.toLowerCase() === a.address.toLowerCase()) {
      throw new Refusal('not_allowed', 'you cannot ban yourself')
    }
    if (!outranks(target)) throw new Refusal('not_allowed', `a ${role} cannot ban the ${target}`)
    if (a.action === 'unban') {
      await room.store().unban(id, a.address)
      return
    }
    await room.store().ban(id, a.address, seat.address!)
    room.publish({ t: 'ban', address: a.address })
    return
  }
  const raw = await presence.hget(eventKey(id, 'seats'), a.session)
  const target = raw ? (safeJson(raw) as SeatRecord | null) : null
  if (!target) throw new Refusal('unknown_target', 'nobody with that session is here')
  if (a.session === seat.client.sessionId) {
    throw new Refusal('not_allowed', 'you cannot moderate yourself')
  }
  if (!outranks(target.role)) {
    throw new Refusal('not_allowed', `a ${role} cannot ${a.action} the ${target.role}`)
  }
  // Held by address (a guest: client address) in presence, so a rejoin does not shake it off.
  const who = target.who ?? null
  if (a.action === 'mute') {
    const until = now + a.minutes * 60_000
    if (who) await presence.setex(eventKey(id, `muted:${who}`), String(until), a.minutes * 60)
    room.publish({ t: 'mute', session: a.session, who, until })
  } else if (a.action === 'unmute') {
    if (who) await presence.del(eventKey(id, `muted:${who}`))
    room.publish({ t: 'mute', session: a.session, who, until: 0 })
  } else {
    const minutes = room.kickMinutes
    if (who && minutes > 0) {
      const until = now + minutes * 60_000
      await presence.setex(eventKey(id, `kicked:${who}`), String(until), minutes * 60)
    }
    room.publish({ t: 'kick', session: a.session })
  }
}

/** A mute given to this seat's address (or client address) before it (re)joined holds. */
export async function applyMute(room: EventContext, seat: Seat, extra: SeatEvent) {
  if (!extra.who) return
  const until = Number(await room.presence.get(eventKey(room.id, `muted:${extra.who}`)))
  if (until > Date.now()) {
    extra.mutedUntil = until
    room.reply(seat.client, 'event.muted', { until })
  }
}

/**
 * The host's display name is theirs alone in every instance: the host's seat records it, and
 * anyone else whose name looks like it (confusables included) gets a neutral one. The host and
 * moderators may carry reserved words ("Host", "主持人"): they are what those words say.
 */
export async function guardHostName(room: EventContext, seat: Seat, role: EventRole, raw: unknown) {
  const k = eventKey(room.id, 'host-name')
  if (CAN.moderate(role)) seat.player.name = displayName(raw) || seat.player.name
  if (role === 'host') {
    await room.presence.set(k, seat.player.name)
    return
  }
  if (CAN.moderate(role)) return
  const host = await room.presence.get(k)
  if (typeof host === 'string' && impersonates(seat.player.name, [host])) {
    seat.player.name = `Visitor ${seat.client.sessionId.slice(0, 4)}`
  }
}
