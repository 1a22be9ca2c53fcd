// The `event.*` messages: who may send each (by role) and what it does. Each runs through the
// room's `act` (room.ts), which refuses actions once the event ended and answers `event.ok`, a
// refusal or an error. Actions are published on the event's bus (bus.ts) and applied by every
// instance when it hears them.
import {
  CAN,
  screenPosition,
  type EventRole,
  type RaisedHand,
  type ScreenState,
} from '../../src/protocol/events'
import type { ClientMessage } from '../../src/protocol/messages'
import { background } from '../background'
import type { Handler, HandlerTable } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { announcementText, postAnnouncement } from './announcements'
import { eventKey } from './bus'
import { Refusal } from './errors'
import { moderate } from './moderation'
import type { EventMessageType, EventContext, SeatEvent } from './context'

type Action<T extends EventMessageType> = (
  room: EventContext,
  seat: Seat,
  extra: SeatEvent,
  payload: ClientMessage<T>,
  now: number,
) => Promise<void> | void

function action<T extends EventMessageType>(type: T, run: Action<T>): Handler<EventContext, T> {
  return (room, seat, payload, now) =>
    room.act(seat, type, (extra) => run(room, seat, extra, payload, now))
}

/** Refuses the action unless the sender's role may do it. */
function allow(role: EventRole, may: (role: EventRole) => boolean, what: string) {
  if (!may(role)) throw new Refusal('not_allowed', `${what} is not allowed for the ${role}`)
}

export const eventHandlers: HandlerTable<EventContext> = {
  'event.screen': action('event.screen', (room, _seat, { role }, p, now) => {
    allow(role, CAN.screen, 'setting the screen')
    return setScreen(room, p, now)
  }),
  'event.live': action('event.live', (room, _seat, { role }, p) => {
    allow(role, CAN.live, 'going live or ending')
    return setLive(room, p.live)
  }),
  'event.announce': action('event.announce', async (room, seat, { role }, p, now) => {
    allow(role, CAN.announce, 'announcing')
    const text = announcementText(p.text)
    const ann = await postAnnouncement(room.presence, room.id, seat.player.name, text, now)
    room.publish({ t: 'ann', ann })
  }),
  'event.react': action('event.react', (room, _seat, _extra, p) => {
    room.reactions.add(p.reaction)
  }),
  'event.hand': action('event.hand', async (room, seat, extra, p, now) => {
    const session = seat.client.sessionId
    // Raising a raised hand changes nothing (and keeps its place in the queue).
    if (extra.hand === p.up) return
    const hand: RaisedHand | null = p.up
      ? {
          session,
          name: seat.player.name,
          address: seat.address,
          instance: room.state.instance,
          at: now,
        }
      : null
    await room.hands.set(session, hand)
    extra.hand = p.up
    room.publish({ t: 'hands' })
  }),
  'event.call': action('event.call', (room, seat, { role }, p) => {
    allow(role, CAN.callHand, 'calling on a raised hand')
    return room.hands.call(p.session, seat.player.name)
  }),
  'event.moderate': action('event.moderate', (room, seat, { role }, p, now) => {
    allow(role, CAN.moderate, 'moderating')
    return moderate(room, seat, role, p, now)
  }),
  'event.role': action('event.role', async (room, _seat, { role }, p) => {
    allow(role, CAN.roles, 'giving roles')
    const event = await room.store().setRole(room.id, p.address, p.role)
    room.publish({ t: 'roles', performers: event.performers, moderators: event.moderators })
  }),
}

async function setScreen(room: EventContext, a: ClientMessage<'event.screen'>, now: number) {
  const cur = room.currentScreen
  let next: ScreenState
  const video = cur.media?.kind === 'video'
  const here = () => screenPosition(cur, now)
  switch (a.action) {
    case 'load':
      next = { media: a.media, playing: false, position: 0, at: now, slide: 0 }
      break
    case 'play':
    case 'pause':
    case 'seek':
      if (!video) throw new Refusal('bad_media', `"${a.action}" needs a video on the screen`)
      next = {
        ...cur,
        playing: a.action === 'seek' ? cur.playing : a.action === 'play',
        position: a.position ?? here(),
        at: now,
      }
      break
    case 'slide': {
      const count = cur.media?.kind === 'slides' ? cur.media.urls.length : 0
      if (a.slide >= count) {
        throw new Refusal('bad_media', count ? `there are ${count} slides` : 'no slides loaded')
      }
      next = { ...cur, slide: a.slide, at: now }
      break
    }
  }
  await room.presence.set(eventKey(room.id, 'screen'), JSON.stringify(next))
  room.publish({ t: 'screen', screen: next })
}

async function setLive(room: EventContext, live: boolean) {
  const store = room.store()
  if (live) {
    await store.setLive(room.id)
    room.publish({ t: 'status', status: 'live' })
  } else {
    await store.end(room.id)
    room.publish({ t: 'status', status: 'ended' })
    // Nobody joins an ended event: its shared keys can go (counts go with their instances).
    const keys = ['screen', 'seq', 'ann', 'hands', 'seats', 'host-name', 'publisher', 'stagegen']
    for (const what of keys) {
      background(room.presence.del(eventKey(room.id, what)), '[events] clean-up of an ended event')
    }
  }
}
