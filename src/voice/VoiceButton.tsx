// The first-bundle side of voice: the top bar's Voice button (join, or open the voice panel; off
// with the reason when the server has no media server), the host that loads the voice panel
// and push-to-talk as a lazy chunk once they are needed, and the people list's voice mark.
import { Suspense, lazy, useEffect } from 'react'
import { z } from 'zod'
import { apiRequest } from '../net/api'
import { useNet } from '../state/net'
import { useUi } from '../state/ui'
import { useT } from '../i18n'
import { current } from './current'
import { NO_JANUS, useVoice } from './store'
import './strings'
import './testHooks'

const VoicePanel = lazy(() => import('./VoicePanel').then((m) => ({ default: m.VoicePanel })))
const VoiceControls = lazy(() => import('./VoicePanel').then((m) => ({ default: m.VoiceControls })))

/** While voice is off, the status is asked again this often, this many times (5 minutes). */
const STATUS_RETRY_MS = 10_000
const STATUS_RETRIES = 30

/** GET /api/voice/status (VoiceStatus). */
const StatusAnswer = z.object({ available: z.boolean(), reason: z.string().max(500).optional() })

export function VoiceButton() {
  const t = useT()
  const status = useVoice((s) => s.status)
  const muted = useVoice((s) => s.muted)
  const message = useVoice((s) => s.message)
  const open = useVoice((s) => s.panelOpen)
  const online = useNet((s) => s.status === 'online')
  // Exploring alone (?solo=1, or no session yet): no room, so no voice to offer.
  const alone = useNet((s) => s.status === 'offline')

  // Whether this server has voice at all, when a world opens; while it says no (its media server
  // may be starting or restarting), again every STATUS_RETRY_MS for a while.
  useEffect(() => {
    const abort = new AbortController()
    let timer: ReturnType<typeof setTimeout> | null = null
    const check = (triesLeft: number) => {
      apiRequest(StatusAnswer, '/api/voice/status', { signal: abort.signal }).then(
        (s) => {
          if (s.available) {
            useVoice.getState().available()
            return
          }
          useVoice.getState().voiceOff(s.reason || NO_JANUS)
          if (triesLeft > 0 && !abort.signal.aborted)
            timer = setTimeout(() => check(triesLeft - 1), STATUS_RETRY_MS)
        },
        // Unreachable or an older server: joining will say what is wrong.
        () => {},
      )
    }
    check(STATUS_RETRIES)
    return () => {
      abort.abort()
      if (timer) clearTimeout(timer)
    }
  }, [])

  if (alone) return null
  const label =
    status === 'off'
      ? t('voice.off')
      : status === 'joining'
        ? t('voice.joining')
        : status === 'live'
          ? t(muted ? 'voice.liveMuted' : 'voice.live')
          : t('voice.join')
  const onClick = () => {
    const s = useVoice.getState()
    if ((s.status === 'idle' || s.status === 'error') && online && current.session) {
      // The microphone prompt and the audio output belong to this click.
      current.session.join()
      return
    }
    openPanel()
  }
  return (
    <button
      className={status === 'live' ? 'btn primary voice-button' : 'btn voice-button'}
      data-testid="voice-button"
      data-status={status}
      aria-expanded={open}
      aria-busy={status === 'joining'}
      title={message ? t(message) : label}
      onClick={onClick}
    >
      <span aria-hidden="true">
        {status === 'off' || (status === 'live' && muted) ? '⊘' : status === 'live' ? '●' : '◌'}
      </span>{' '}
      <span className="label">{label}</span>
    </button>
  )
}

/** Opens or closes the voice panel; it takes the place of the people and places lists. */
function openPanel() {
  const s = useVoice.getState()
  if (!s.panelOpen) useUi.getState().closePanel('people', 'places', 'events', 'spaces')
  s.togglePanel()
}

/** The voice panel while open, and push-to-talk (key and hold button) while in voice. */
export function VoicePanelHost() {
  const open = useVoice((s) => s.panelOpen)
  const live = useVoice((s) => s.status === 'live')
  if (!open && !live) return null
  return (
    <Suspense fallback={null}>
      {open && <VoicePanel />}
      {live && <VoiceControls />}
    </Suspense>
  )
}

/** After a name in the people list: in voice, muted, speaking. */
export function VoiceMark({ id }: { id: string }) {
  const t = useT()
  const seat = useVoice((s) => s.seats[id])
  const speaking = useVoice((s) => s.speaking.includes(id))
  if (!seat) return null
  const what = seat.muted ? t('voice.muted') : speaking ? t('voice.speaking') : t('voice.inVoice')
  return (
    <small
      className="voice-mark"
      data-testid="voice-mark"
      data-speaking={speaking}
      title={what}
      aria-label={what}
    >
      {' '}
      {seat.muted ? '⊘' : speaking ? '♫' : '♪'}
    </small>
  )
}
