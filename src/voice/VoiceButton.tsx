// The first-bundle side of voice: the top bar's Voice button (join, or open the voice panel; off
// with the reason when the server has no media server), the host that loads the voice panel
// and push-to-talk as a lazy chunk once they are needed, and the people list's voice mark.
import { Suspense, lazy, useEffect } from 'react'
import { z } from 'zod'
import { apiRequest } from '../net/api'
import { useNet } from '../state/net'
import { useT } from '../i18n'
import { current } from './current'
import { NO_JANUS, useVoice } from './store'
import './strings'
import './testHooks'

const VoicePanel = lazy(() => import('./VoicePanel').then((m) => ({ default: m.VoicePanel })))
const VoiceControls = lazy(() => import('./VoicePanel').then((m) => ({ default: m.VoiceControls })))

/** GET /api/voice/status (VoiceStatus). */
const StatusAnswer = z.object({ available: z.boolean(), reason: z.string().max(500).optional() })

export function VoiceButton() {
  const t = useT()
  const status = useVoice((s) => s.status)
  const muted = useVoice((s) => s.muted)
  const message = useVoice((s) => s.message)
  const open = useVoice((s) => s.panelOpen)
  const online = useNet((s) => s.status === 'online')

  // Whether this server has voice at all, once per world opened.
  useEffect(() => {
    const abort = new AbortController()
    apiRequest(StatusAnswer, '/api/voice/status', { signal: abort.signal }).then(
      (s) => {
        if (s.available) useVoice.getState().available()
        else useVoice.getState().voiceOff(s.reason || NO_JANUS)
      },
      // Unreachable or an older server: joining will say what is wrong.
      () => {},
    )
    return () => abort.abort()
  }, [])

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
    s.togglePanel()
  }
  return (
    <button
      className={status === 'live' ? 'btn primary voice-button' : 'btn voice-button'}
      data-testid="voice-button"
      data-status={status}
      aria-expanded={open}
      aria-busy={status === 'joining'}
      title={message ? t(message) : undefined}
      onClick={onClick}
    >
      <span aria-hidden="true">
        {status === 'off' || (status === 'live' && muted) ? '🔇' : '🎙'}
      </span>{' '}
      <span className="label">{label}</span>
    </button>
  )
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
      {seat.muted ? '🔇' : speaking ? '🔊' : '🎙'}
    </small>
  )
}
