// Voice on a world session: voice.join / leave / mute / renew out; the ticket, fresh tokens, a
// moderator's mute, the end of voice and voice errors in; the room state's `voice` map (who is
// in voice under which feed, who is muted) into the voice store. The media part (Janus, WebRTC,
// WebAudio) is a lazy chunk loaded on the first Join click. Loaded with the network code.
import type { BindSession, RoomLink, WireState } from '../net/featureBinding'
import { oncePerTask } from '../net/tasks'
import type { VoiceServerMessages } from '../protocol/voice'
import { current, type VoiceSessionApi } from './current'
import type { VoiceMedia } from './media'
import { micOpen, useVoice } from './store'
import {
  clip,
  readSeats,
  readTicket,
  renewDelay,
  sameSeats,
  voiceError,
  type SeatMap,
} from './wire'

/** The longest a moderator's mute is waited out before the microphone is looked at again, ms. */
const MUTE_WAIT_MAX_MS = 24 * 3600_000

/** What to tell the visitor when the microphone could not be opened (a string key or text). */
export function micProblem(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'voice.micDenied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'voice.micMissing'
  if (err instanceof Error && err.message.startsWith('voice.')) return err.message
  return clip(err instanceof Error ? err.message : String(err))
}

export const bind: BindSession = () => {
  let room: RoomLink | null = null
  let media: VoiceMedia | null = null
  let ctx: AudioContext | null = null
  /** The visitor asked to be in voice: joined again after a reconnection. */
  let wanted = false
  /** Bumped by every join and leave: what an older try gets back is dropped. */
  let attempt = 0
  let renewTimer: ReturnType<typeof setTimeout> | null = null
  let muteTimer: ReturnType<typeof setTimeout> | null = null
  const store = () => useVoice.getState()

  const stopTimers = () => {
    if (renewTimer) clearTimeout(renewTimer)
    if (muteTimer) clearTimeout(muteTimer)
    renewTimer = muteTimer = null
  }
  const scheduleRenew = (expires: number) => {
    if (renewTimer) clearTimeout(renewTimer)
    renewTimer = setTimeout(
      () => {
        if (room?.isOpen()) room.send('voice.renew', {})
      },
      renewDelay(expires, Date.now()),
    )
  }
  /** The microphone sends exactly when the store says it may. */
  const applyMic = () => media?.setMicEnabled(micOpen(store(), Date.now()))
  const unsubscribeStore = useVoice.subscribe((s, prev) => {
    if (
      s.status !== prev.status ||
      s.muted !== prev.muted ||
      s.mutedUntil !== prev.mutedUntil ||
      s.pushToTalk !== prev.pushToTalk ||
      s.talking !== prev.talking
    )
      applyMic()
  })

  /** Out of voice on this side: the media server left, timers stopped; the microphone kept. */
  const stopVoice = () => {
    attempt++
    stopTimers()
    media?.disconnect()
  }

  /** Out of voice for good (refused, ended, failed): the microphone is released too. */
  const quit = () => {
    wanted = false
    stopVoice()
    media?.destroy()
    media = null
  }

  const sendJoin = () => {
    if (room?.isOpen()) room.send('voice.join', {})
  }

  const loadMedia = async (audio: AudioContext): Promise<VoiceMedia> => {
    if (media) return media
    const { VoiceMedia } = await import('./media')
    media ??= new VoiceMedia(audio, {
      ended: (reason) => {
        if (!wanted) return
        quit()
        if (room?.isOpen()) room.send('voice.leave', {})
        store().left(clip(reason))
      },
    })
    return media
  }

  const onTicket = async (m: VoiceServerMessages['voice.ticket']) => {
    const r = room
    const ticket = readTicket(m)
    if (!r) return
    if (typeof ticket === 'string') {
      quit()
      store().failed(ticket)
      r.send('voice.leave', {})
      return
    }
    if (!wanted || !media) {
      // A ticket nobody waits for any more (the visitor left voice meanwhile).
      r.send('voice.leave', {})
      return
    }
    const mine = ++attempt
    scheduleRenew(ticket.expires)
    try {
      await media.connect(ticket, r.sessionId)
    } catch (err) {
      if (mine !== attempt) return
      quit()
      if (r.isOpen()) r.send('voice.leave', {})
      store().failed(micProblem(err))
      return
    }
    if (mine !== attempt) return
    store().live(ticket)
    applyMic()
    // A new seat starts unmuted: say the visitor's own mute again.
    if (store().muted) r.send('voice.mute', { muted: true })
  }

  const api: VoiceSessionApi = {
    join() {
      if (store().status === 'joining' || store().status === 'live') return
      wanted = true
      const mine = ++attempt
      store().joining()
      // Made and resumed inside the visitor's click: browsers start audio only after a gesture.
      ctx ??= new AudioContext()
      ctx.resume().catch(() => {})
      const audio = ctx
      loadMedia(audio)
        .then((m) => m.openMic())
        .then(
          () => {
            if (mine === attempt) sendJoin()
          },
          (err: unknown) => {
            if (mine !== attempt) return
            quit()
            store().failed(micProblem(err))
          },
        )
    },
    leave() {
      const wasIn = wanted
      quit()
      if (wasIn && room?.isOpen()) room.send('voice.leave', {})
      store().left()
    },
    setMuted(muted) {
      store().setMuted(muted)
      if (store().status === 'live' && room?.isOpen()) room.send('voice.mute', { muted })
    },
    talk(down) {
      store().setTalking(down)
    },
  }
  current.session = api

  return {
    joined(r) {
      room = r
      r.onMessage('voice.ticket', (m) => {
        onTicket(m).catch((err: unknown) => console.warn('[voice] ticket:', err))
      })
      r.onMessage('voice.token', (m) => {
        if (typeof m?.token !== 'string' || typeof m.expires !== 'number') return
        media?.setToken(m.token)
        scheduleRenew(m.expires)
      })
      r.onMessage('voice.muted', (m) => {
        const until = typeof m?.until === 'number' && Number.isFinite(m.until) ? m.until : 0
        store().mutedByModerator(until)
        if (muteTimer) clearTimeout(muteTimer)
        const wait = until - Date.now()
        // When the mute runs out, the microphone may send again (unless muted by the visitor).
        if (wait > 0) muteTimer = setTimeout(applyMic, Math.min(wait + 50, MUTE_WAIT_MAX_MS))
      })
      r.onMessage('voice.ended', (m) => {
        const reason = clip(typeof m?.reason === 'string' ? m.reason : 'voice ended')
        quit()
        store().left(reason)
      })
      let shown = {}
      r.onStateChange(
        oncePerTask(() => {
          if (room !== r) return
          // The server adds `voice` to the world state (h/voice-server); absent on an older one.
          const state: WireState & { voice?: SeatMap } = r.state
          const seats = readSeats(state.voice)
          if (sameSeats(seats, shown)) return
          shown = seats
          store().setSeats(seats)
        }),
      )
      // Back in a room after a drop or a restart: in voice again if the visitor was.
      if (wanted && media) {
        store().joining()
        sendJoin()
      }
    },
    error(e) {
      const v = voiceError(e)
      if (!v) return false
      quit()
      if (v.status === 'off') store().voiceOff(v.message)
      else store().failed(v.message)
      return true
    },
    roomLeft() {
      room = null
      stopVoice()
      store().setSeats({})
      if (wanted) store().joining()
    },
    leave() {
      quit()
      ctx?.close().catch(() => {})
      ctx = null
      unsubscribeStore()
      if (current.session === api) current.session = null
      store().sessionEnded()
    },
  }
}
