// Events on a world session. Attending an event joins the event's room instead of the world's (a
// world room plus the event): the `event.*` messages and the state's `event` part go into the
// event store (./store.ts), the cast standing in other instances becomes remote avatars and
// people, and the synced screen reads the server's clock (src/net/clock.ts). A moderator's
// removal, a ban or the event's end closes the session for good. Loaded with the network code.
import {
  RateLimiter,
  animIndex,
  quantizeHeading,
  quantizePos,
  unpackColor,
  type ANIMS,
  type ClientMessage,
} from '../protocol/messages'
import { stageSpawn, type Reaction } from '../protocol/events'
import type { BindSession, RoomLink } from '../net/featureBinding'
import { RemoteAvatar, remotes } from '../net/remotes'
import { Answers } from '../net/tasks'
import { cameraRig, localMotion } from '../state/player'
import { useNet, type Person } from '../state/net'
import { useWorld } from '../state/world'
import { resetMotion, standingHeight } from '../avatar/controller'
import { clearTarget, input } from '../avatar/input'
import { useEvent } from './store'
import { castToShow, eventScalars, parseAnnouncement, parseScreen, removalFor } from './wire'
import { bindStage } from './live/session'
import {
  current,
  type EventActionResult,
  type EventActionType,
  type EventsSessionApi,
} from './current'

const ACTION_TIMEOUT_MS = 20_000

/** Reactions a visitor may send: a little under the server's rate, so the bar never floods. */
const REACT_RATE = { perSecond: 3, burst: 6 }

export const bind: BindSession = (host, options) => {
  const event = options.event ?? null
  const reactLimiter = new RateLimiter(REACT_RATE.perSecond, REACT_RATE.burst, performance.now())
  /** Event actions waiting for `event.ok` or a refusal, oldest first. */
  const actions = new Answers<EventActionType, EventActionResult>(ACTION_TIMEOUT_MS, {
    ok: false,
    code: 'timeout',
    message: 'the server did not answer in time',
  })
  /** Cast members of other instances drawn here, as people (name tags). */
  let castPeople: Person[] = []

  const failActions = (message: string) =>
    actions.settleAll({ ok: false, code: 'offline', message })

  const api: EventsSessionApi = {
    event,
    eventAction<T extends EventActionType>(type: T, payload: ClientMessage<T>) {
      const room = host.room()
      if (!event || !room?.isOpen()) {
        return Promise.resolve<EventActionResult>({
          ok: false,
          code: 'offline',
          message: 'not connected to an event',
        })
      }
      return actions.wait(type, () => room.send(type, payload))
    },
    react(reaction: Reaction): boolean {
      const room = host.room()
      if (!event || !room?.isOpen()) return false
      if (!reactLimiter.take(performance.now())) return false
      room.send('event.react', { reaction })
      return true
    },
  }
  current.session = api
  /** The live stage (only in an event's room). */
  const stage = event ? bindStage(host) : null

  /** An event room: the event's messages and state into the event store, the cast as avatars. */
  const attend = (room: RoomLink) => {
    const ev = useEvent.getState
    room.onMessage('event.welcome', (m) => {
      ev().joined(m)
      refreshEvent()
      // Arrive where the server seated us: on the stage, or in front of it facing it.
      const { scene, collider } = useWorld.getState()
      const stage = scene?.stages.find((st) => st.id === m.event.stage)
      if (stage && collider) {
        const at = stageSpawn(stage, m.role)
        resetMotion(localMotion, at.x, standingHeight(collider, at.x, at.y, at.z), at.z, at.heading)
        clearTarget(input)
        cameraRig.yaw = localMotion.heading
      }
    })
    room.onMessage('event.role', (m) => ev().roleChanged(m.role))
    room.onMessage('event.ok', (m) => {
      actions.settle(`event.${m.op}`, { ok: true })
    })
    room.onMessage('event.announcement', (m) => {
      ev().announce(m)
    })
    room.onMessage('event.reactions', (m) => {
      ev().reacted(m)
    })
    room.onMessage('event.hands', (m) => ev().handsChanged(m.hands, m.total))
    room.onMessage('event.called', (m) => {
      ev().calledOn(m.by)
    })
    room.onMessage('event.muted', (m) => {
      ev().muted(m.until)
    })

    // The state's event part: compared as received, set only where something changed.
    let screenJson: string | null = null
    let announcementJson: string | null = null
    const castPoses = new Map<string, string>()
    const refreshEvent = () => {
      const wire = room.state.event
      if (!wire) return
      const store = ev()
      const scalars = eventScalars(wire)
      if (
        scalars.attendance !== store.attendance ||
        scalars.instances !== store.instances ||
        (store.event && store.event.status !== scalars.status)
      ) {
        store.crowdChanged(scalars)
      }
      if (wire.screen !== screenJson) {
        screenJson = wire.screen
        ev().setScreen(parseScreen(wire.screen))
      }
      stage?.refresh(wire.live ?? '')
      if (wire.announcement !== announcementJson) {
        announcementJson = wire.announcement
        const a = parseAnnouncement(wire.announcement)
        if (a) ev().announce(a)
      }
      // The cast in other instances: remote avatars fed from the mirrored poses.
      const show = castToShow(
        wire.cast?.entries() ?? [],
        ev().instance || useNet.getState().instance,
      )
      let people = false
      let visible = false
      for (const [id, m] of show) {
        const key = `${m.x},${m.y},${m.z},${m.h},${m.a}`
        let remote = remotes.get(id)
        if (!remote) {
          remote = new RemoteAvatar(id)
          remotes.set(id, remote)
          visible = true
        }
        if (castPoses.get(id) !== key) {
          castPoses.set(id, key)
          remote.push(performance.now(), {
            x: quantizePos(m.x),
            y: quantizePos(m.y),
            z: quantizePos(m.z),
            h: quantizeHeading(m.h),
            a: Math.max(0, animIndex(m.a as (typeof ANIMS)[number])),
          })
        }
      }
      for (const id of [...castPoses.keys()]) {
        if (show.has(id)) continue
        castPoses.delete(id)
        if (remotes.delete(id)) visible = true
      }
      const nowCast: Person[] = [...show].map(([id, m]) => ({
        id,
        name: m.name,
        color: unpackColor(m.color),
        address: m.address,
      }))
      if (JSON.stringify(nowCast) !== JSON.stringify(castPeople)) {
        castPeople = nowCast
        people = true
      }
      if (people) host.refreshPeople()
      if (visible) host.refreshVisible()
    }
    room.onStateChange(refreshEvent)

    // The synced screen reads the server's clock, which the session keeps (src/net/clock.ts).
    stage?.joined(room)
  }

  return {
    room: event ? { name: 'event', options: { event }, signed: true } : undefined,
    starting() {
      if (event) useEvent.getState().leaveEvent()
    },
    joined(room) {
      if (event) attend(room)
    },
    error(e) {
      if (stage?.error(e)) return true
      if (!e.type?.startsWith('event.')) return false
      // A refused reaction is only a burst too many; everything else has a waiting caller.
      if (!actions.settle(e.type, { ok: false, code: e.code, message: e.message })) {
        if (e.type !== 'event.react') host.problem(e.message)
      }
      return true
    },
    removal(code, at) {
      const removed = event ? removalFor(code) : null
      if (!removed) return null
      if (at === 'room') failActions('removed')
      useEvent.getState().setRemoved(removed)
      return `removed from the event (${removed})`
    },
    people: () => castPeople,
    roomLeft() {
      stage?.roomLeft()
    },
    leave() {
      if (current.session === api) current.session = null
      stage?.leave()
      failActions('left')
      castPeople = []
      // A removal notice outlives the session: the page shows it until the visitor moves on.
      if (event) useEvent.getState().roomLeft()
    },
  }
}
