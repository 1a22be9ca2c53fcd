// The live stage on an event session (loaded with the network code, like ../binding.ts which
// plugs it in): the state's `event.live` into the live store; going live (devices, then
// `stage.golive`, then the `stage.publish` ticket, publishing, `stage.renew`, `stage.stop`,
// `stage.ended`); watching whenever someone else is on air (`stage.watch`, the ticket, the
// watcher, renewals, backoff after a loss: the state machine in ./wire.ts); and the host's
// source and level. The media parts (./publisher.ts, ./watcher.ts) are lazy chunks.
import type { RoomLink, SessionHost } from '../../net/featureBinding'
import type { ServerMessages } from '../../protocol/messages'
import { STAGE, parseLive, type LiveVideo } from '../../protocol/stage'
import { stageCurrent, type StageSessionApi } from './current'
import type { StagePublisher } from './publisher'
import { isPublishing, useLive } from './store'
import type { StageWatcher } from './watcher'
import {
  WATCH_OFF,
  clip,
  deviceProblem,
  readPublishTicket,
  readWatchTicket,
  renewDelay,
  stageError,
  wantsToWatch,
  watchStep,
  type WatchEffect,
  type WatchEvent,
  type WatchState,
} from './wire'

/** The least time between two `stage.level` messages while the slider moves (ms). */
const LEVEL_EVERY_MS = 300

export interface StagePart {
  joined(room: RoomLink): void
  /** The state's `event.live` JSON (after every patch). */
  refresh(liveJson: string): void
  /** An error for the stage: true when taken care of. */
  error(e: ServerMessages['error']): boolean
  roomLeft(): void
  leave(): void
}

export function bindStage(host: SessionHost): StagePart {
  let room: RoomLink | null = null
  let liveJson: string | null = null
  const store = () => useLive.getState()

  // ---- publishing --------------------------------------------------------------------------
  let publisher: StagePublisher | null = null
  /** Bumped by every go-live and stop: an older try's results are dropped. */
  let pubAttempt = 0
  let pubRenew: ReturnType<typeof setTimeout> | null = null

  const endPublishing = (why: string | null, phase: 'off' | 'failed' = 'off') => {
    pubAttempt++
    if (pubRenew) clearTimeout(pubRenew)
    pubRenew = null
    publisher?.stop()
    publisher = null
    store().setPreview(null)
    store().setPublish({ phase, why, since: 0 })
  }

  const onPublishTicket = async (m: unknown) => {
    const r = room
    const p = publisher
    if (!r || !p || store().publish.phase !== 'connecting') {
      // A ticket nobody waits for any more: say so, or the server keeps the broadcast.
      if (r?.isOpen() && !p) r.send('stage.stop', {})
      return
    }
    const ticket = readPublishTicket(m)
    if (typeof ticket === 'string') {
      endPublishing(ticket, 'failed')
      if (r.isOpen()) r.send('stage.stop', {})
      return
    }
    const mine = pubAttempt
    schedulePubRenew(ticket.expires)
    try {
      await p.connect(ticket, r.sessionId)
    } catch (err) {
      if (mine !== pubAttempt) return
      endPublishing(clip(err instanceof Error ? err.message : String(err)), 'failed')
      if (r.isOpen()) r.send('stage.stop', {})
    }
  }

  const schedulePubRenew = (expires: number) => {
    if (pubRenew) clearTimeout(pubRenew)
    pubRenew = setTimeout(
      () => {
        if (publisher && room?.isOpen()) room.send('stage.renew', {})
      },
      renewDelay(expires, Date.now()),
    )
  }

  // ---- watching ----------------------------------------------------------------------------
  let watch: WatchState = WATCH_OFF
  let watchTicket: ReturnType<typeof readWatchTicket> | null = null
  let watcher: StageWatcher | null = null
  let watchRenew: ReturnType<typeof setTimeout> | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  const dispatch = (ev: WatchEvent) => {
    const { next, effects } = watchStep(watch, ev, Math.random())
    watch = next
    for (const e of effects) run(e)
    store().setWatch(watch.phase, watch.why)
  }

  const run = (e: WatchEffect) => {
    switch (e.do) {
      case 'stop':
        if (retryTimer) clearTimeout(retryTimer)
        if (watchRenew) clearTimeout(watchRenew)
        retryTimer = watchRenew = null
        watcher?.stop()
        watcher = null
        watchTicket = null
        if (store().feed) store().setFeed(null)
        return
      case 'retry':
        retryTimer = setTimeout(() => {
          retryTimer = null
          dispatch({ type: 'retry' })
        }, e.inMs)
        return
      case 'ask':
        if (room?.isOpen()) room.send('stage.watch', {})
        // Not connected: the next room's `joined` asks again (want follows the room).
        else queueMicrotask(() => dispatch({ type: 'lost', why: 'not connected to the event' }))
        return
      case 'connect': {
        const ticket = watchTicket
        if (!ticket || typeof ticket === 'string') return
        void connectWatcher(ticket)
        return
      }
    }
  }

  const connectWatcher = async (ticket: Exclude<typeof watchTicket, string | null>) => {
    const { StageWatcher } = await import('./watcher')
    if (watch.step !== 'connecting' || watchTicket !== ticket) return
    const w: StageWatcher = new StageWatcher({
      media: (stream) => {
        if (watcher !== w) return
        store().setFeed(stream)
        dispatch({ type: 'media' })
      },
      lost: (why) => {
        if (watcher === w) dispatch({ type: 'lost', why: clip(why) })
      },
    })
    watcher = w
    if (watchRenew) clearTimeout(watchRenew)
    watchRenew = setTimeout(
      () => {
        if (watcher === w && room?.isOpen()) room.send('stage.renew', {})
      },
      renewDelay(ticket.expires, Date.now()),
    )
    try {
      await w.connect(ticket)
    } catch (err) {
      if (watcher === w)
        dispatch({ type: 'lost', why: clip(err instanceof Error ? err.message : String(err)) })
    }
  }

  /** Watch exactly while someone else is on air and this visitor is in the event's room. */
  const evaluate = () => {
    const s = store()
    const on = wantsToWatch({
      inEvent: room !== null,
      live: s.live,
      publishing: isPublishing(s.publish),
      roomOpen: room?.isOpen() ?? false,
    })
    dispatch({ type: 'want', on, since: s.live.since })
  }
  const unsubscribe = useLive.subscribe((s, prev) => {
    if (s.live !== prev.live || s.publish.phase !== prev.publish.phase) evaluate()
  })

  // ---- the host's controls -----------------------------------------------------------------
  let levelTimer: ReturnType<typeof setTimeout> | null = null
  let levelSentAt = 0
  let levelWanted: number | null = null

  const sendLevel = () => {
    levelTimer = null
    if (levelWanted === null || !room?.isOpen()) return
    room.send('stage.level', { db: levelWanted })
    levelSentAt = performance.now()
    levelWanted = null
  }

  const api: StageSessionApi = {
    goLive(audio: boolean, video: LiveVideo) {
      if (isPublishing(store().publish)) return
      if (!audio && video === 'none') return
      const mine = ++pubAttempt
      store().setPublish({ phase: 'asking', audio, video, why: null, since: 0 })
      // Imported and asked inside the click: the prompt (and a screen share) need the gesture.
      import('./publisher')
        .then(async ({ StagePublisher }) => {
          const p: StagePublisher = new StagePublisher({
            live: () => {
              if (publisher === p) store().setPublish({ phase: 'live', since: Date.now() })
            },
            ended: (why) => {
              if (publisher !== p) return
              endPublishing(clip(why))
              if (room?.isOpen()) room.send('stage.stop', {})
            },
          })
          publisher = p
          const stream = await p.capture(audio, video)
          if (mine !== pubAttempt) return
          store().setPreview(stream)
          if (!room?.isOpen()) throw new Error('stage.err.offline')
          store().setPublish({ phase: 'connecting' })
          room.send('stage.golive', { audio, video })
        })
        .catch((err: unknown) => {
          if (mine === pubAttempt) endPublishing(deviceProblem(err), 'failed')
        })
    },
    stop() {
      const was = isPublishing(store().publish)
      endPublishing(null)
      // The host may stop a performer's broadcast too.
      if ((was || store().live.by) && room?.isOpen()) room.send('stage.stop', {})
    },
    setSource(source) {
      if (room?.isOpen()) room.send('stage.source', { source })
    },
    setLevel(db) {
      const v = Math.round(Math.min(STAGE.levelDb.max, Math.max(STAGE.levelDb.min, db)))
      levelWanted = v
      if (levelTimer) return
      const wait = Math.max(0, levelSentAt + LEVEL_EVERY_MS - performance.now())
      levelTimer = setTimeout(sendLevel, wait)
    },
  }
  stageCurrent.session = api

  return {
    joined(r) {
      room = r
      liveJson = null
      r.onMessage('stage.publish', (m) => {
        onPublishTicket(m).catch((err: unknown) => console.warn('[stage] publish:', err))
      })
      r.onMessage('stage.watch', (m) => {
        if (watch.phase !== 'watching' || watch.step !== 'asking') return
        const ticket = readWatchTicket(m)
        if (typeof ticket === 'string') {
          dispatch({ type: 'lost', why: ticket })
          return
        }
        watchTicket = ticket
        dispatch({ type: 'ticket' })
      })
      r.onMessage('stage.token', (m) => {
        if (typeof m?.token !== 'string' || typeof m.expires !== 'number') return
        if (publisher) {
          publisher.setToken(m.token)
          schedulePubRenew(m.expires)
        } else if (watcher) {
          const w = watcher
          w.setToken(m.token)
          if (watchRenew) clearTimeout(watchRenew)
          watchRenew = setTimeout(
            () => {
              if (watcher === w && room?.isOpen()) room.send('stage.renew', {})
            },
            renewDelay(m.expires, Date.now()),
          )
        }
      })
      r.onMessage('stage.ended', (m) => {
        const why = clip(
          typeof m?.reason === 'string' && m.reason ? m.reason : 'stage.ended.server',
        )
        if (isPublishing(store().publish)) endPublishing(why)
        else if (watch.phase !== 'off') dispatch({ type: 'lost', why })
      })
      evaluate()
    },
    refresh(json) {
      if (json === liveJson) return
      liveJson = json
      store().setLive(parseLive(json))
    },
    error(e) {
      const s = stageError(e)
      if (!s) return false
      if (s.to === 'watch') {
        if (watch.phase === 'watching' && watch.step === 'asking')
          dispatch({ type: 'lost', why: s.message })
      } else if (s.to === 'publish') {
        if (isPublishing(store().publish)) endPublishing(s.message, 'failed')
        else host.problem(s.message)
      } else {
        host.problem(s.message)
      }
      return true
    },
    roomLeft() {
      room = null
      // The server ends a broadcast whose seat left; this side stops too.
      if (isPublishing(store().publish)) endPublishing('stage.ended.offline')
      evaluate()
    },
    leave() {
      room = null
      endPublishing(null)
      dispatch({ type: 'want', on: false, since: 0 })
      if (levelTimer) clearTimeout(levelTimer)
      unsubscribe()
      if (stageCurrent.session === api) stageCurrent.session = null
      store().reset()
    },
  }
}
