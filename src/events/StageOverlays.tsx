// Two small DOM pieces of the stage for the HUD (mounted by the events UI next to the canvas):
// the announcement banner (the megaphone's newest message, for a while, read out politely by
// screen readers) and "tap for sound" while the stage's video plays muted because the browser
// wanted a gesture first.
import { useEffect, useState } from 'react'
import { fill } from '../app/format'
import { useEvent } from './store'
import { useSettings, type Language } from '../state/settings'
import { useStageSound } from './videoDriver'
import './stage.css'

const TEXT: Record<string, Record<Language, string>> = {
  announcement: { 'zh-CN': '公告', en: 'Announcement' },
  dismiss: { 'zh-CN': '关闭公告', en: 'Dismiss announcement' },
  tapForSound: { 'zh-CN': '点按开启声音', en: 'Tap for sound' },
  from: { 'zh-CN': '来自 {from}', en: 'from {from}' },
}
const text = (key: string, lang: Language) => TEXT[key]![lang]

/** How long an announcement stays up (ms). */
export const ANNOUNCEMENT_MS = 10_000

export function AnnouncementBanner() {
  const lang = useSettings((s) => s.language)
  const latest = useEvent((s) => s.announcements[s.announcements.length - 1] ?? null)
  const [hidden, setHidden] = useState<number | null>(null)
  const [expired, setExpired] = useState<number | null>(null)
  useEffect(() => {
    if (!latest) return
    const timer = setTimeout(() => setExpired(latest.seq), ANNOUNCEMENT_MS)
    return () => clearTimeout(timer)
  }, [latest])
  const show = latest && hidden !== latest.seq && expired !== latest.seq
  return (
    <div className="stage-announcement-slot" aria-live="polite" data-testid="announcement-live">
      {show && (
        <div className="stage-announcement" role="status" data-testid="announcement">
          {/* Drawn: this machine's fonts (and many phones') have no emoji. */}
          <svg className="stage-announcement-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path
              d="M3 10v4h3l6 4V6L6 10H3zm12.5 2a3.5 3.5 0 0 0-2-3.2v6.4a3.5 3.5 0 0 0 2-3.2zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"
              fill="currentColor"
            />
          </svg>
          <div className="stage-announcement-body">
            <strong>{text('announcement', lang)}</strong>
            <p>{latest.text}</p>
            {latest.from && <small>{fill(text('from', lang), { from: latest.from })}</small>}
          </div>
          <button
            className="stage-announcement-close"
            aria-label={text('dismiss', lang)}
            onClick={() => setHidden(latest.seq)}
          >
            ×
          </button>
        </div>
      )}
    </div>
  )
}

export function TapForSound() {
  const lang = useSettings((s) => s.language)
  const needsTap = useStageSound((s) => s.needsTap)
  const unmute = useStageSound((s) => s.unmute)
  if (!needsTap || !unmute) return null
  return (
    <button className="stage-tap-sound" data-testid="tap-for-sound" onClick={() => unmute()}>
      <span aria-hidden="true">🔇</span> {text('tapForSound', lang)}
    </button>
  )
}
