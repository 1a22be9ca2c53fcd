// The social HUD: connection and instance chip (with the people list), the chat log and input,
// and the emote bar. Everything here reads the net store; motion never passes through it.
import { useEffect, useRef, useState } from 'react'
import { current, type ChatResult } from '../net/current'
import { CHAT_MAX_CHARS } from '../protocol/messages'
import { EMOTE_MENU } from '../avatar/emotes'
import { useNet } from '../state/net'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import { fill } from './format'
import { useT } from '../i18n'
import { useDialog } from './useDialog'
import { personMarks } from './features'

export function NetChip() {
  const t = useT()
  const status = useNet((s) => s.status)
  const instance = useNet((s) => s.instance)
  const capacity = useNet((s) => s.capacity)
  // Seats taken here: the cast of other rooms of an event shows in the list but sits elsewhere.
  const count = useNet((s) => s.people.filter((p) => !p.id.startsWith('cast:')).length)
  const open = useUi((s) => s.peopleOpen)
  const label =
    status === 'online' ? fill(t('net.instance'), { n: instance }) : t(`net.status.${status}`)
  // The name is the visible text, in order, and then what the numbers count (WCAG 2.5.3: a
  // person who says what they see can press it).
  return (
    <button
      className={`btn net-chip ${status}`}
      data-testid="net-chip"
      aria-expanded={open}
      onClick={() => useUi.getState().togglePanel('people')}
    >
      <span className="dot" aria-hidden="true" />
      <span className="label">{label}</span>
      {status === 'online' && (
        <span data-testid="occupancy">
          {count}/{capacity}
          <span className="visually-hidden"> {t('net.people')}</span>
        </span>
      )}
    </button>
  )
}

/**
 * The server is restarting: says so (with the seconds left while the room is still open) until
 * the session is back, so a visitor knows the world will come back by itself.
 */
export function RestartNotice() {
  const t = useT()
  const restart = useNet((s) => s.restart)
  const status = useNet((s) => s.status)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!restart) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [restart])
  if (!restart) return null
  const left = Math.ceil((restart.at - now) / 1000)
  const text =
    status === 'online' && left > 0
      ? fill(t('net.restart.soon'), { n: left })
      : t('net.restart.rejoining')
  return (
    <div className="restart-notice" role="status" data-testid="restart-notice">
      {text}
    </div>
  )
}

/**
 * A link that brings a friend to this world, into this instance when it has room, beside this
 * visitor; copied to the clipboard where the browser allows, and shown to copy by hand.
 */
function InviteLink() {
  const t = useT()
  const world = useWorld((s) => s.worldId)
  const roomId = useNet((s) => s.roomId)
  const self = useNet((s) => s.sessionId)
  const [link, setLink] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  if (!world || !roomId || !self) return null
  const make = () => {
    const q = new URLSearchParams({ world, join: roomId, near: self })
    const url = `${location.origin}/?${q.toString()}`
    setLink(url)
    navigator.clipboard?.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }
  return (
    <div className="invite">
      <button className="btn" data-testid="invite-button" onClick={make}>
        {t('net.invite')}
      </button>
      {link && (
        <>
          <input
            className="invite-link"
            readOnly
            value={link}
            aria-label={t('net.inviteLink')}
            data-testid="invite-link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <p role="status" className="invite-note">
            {copied ? t('net.inviteCopied') : t('net.inviteCopy')}
          </p>
        </>
      )}
    </div>
  )
}

export function PeoplePanel() {
  const t = useT()
  const open = useUi((s) => s.peopleOpen)
  const people = useNet((s) => s.people)
  const self = useNet((s) => s.sessionId)
  const visible = useNet((s) => s.visible)
  const close = () => useUi.getState().closePanel('people')
  const ref = useDialog<HTMLElement>(open, close)
  if (!open) return null
  const near = new Set(visible)
  return (
    <nav ref={ref} className="places people" aria-label={t('net.people')} data-testid="people">
      <h3>
        {t('net.people')} · {people.length}
      </h3>
      <InviteLink />
      <ul>
        {people.map((p) => (
          <li key={p.id}>
            <span className="swatch-dot" style={{ background: p.color }} aria-hidden="true" />
            {p.name}
            {p.id === self && <small> · {t('net.you')}</small>}
            {near.has(p.id) && <small> · {t('net.near')}</small>}
            {personMarks.map((Mark, i) => (
              <Mark key={i} id={p.id} />
            ))}
          </li>
        ))}
      </ul>
    </nav>
  )
}

export function ChatPanel() {
  const t = useT()
  const chat = useNet((s) => s.chat)
  const status = useNet((s) => s.status)
  const problem = useNet((s) => s.problem)
  const [text, setText] = useState('')
  const [hint, setHint] = useState<ChatResult | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const log = useRef<HTMLOListElement>(null)

  useEffect(() => {
    const el = log.current
    if (el) el.scrollTop = el.scrollHeight
  }, [chat])

  // Enter opens the chat from anywhere in the world; Escape gives the keys back to walking.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Enter' && e.code !== 'NumpadEnter') return
      const active = document.activeElement
      if (active && active !== document.body && active.tagName !== 'CANVAS') return
      if (document.querySelector('dialog[open], [aria-modal="true"]')) return
      e.preventDefault()
      input.current?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const submit = () => {
    const result = current.session?.sendChat(text) ?? 'offline'
    setHint(result === 'sent' ? null : result)
    if (result === 'sent') setText('')
  }

  return (
    <section className="chat" aria-label={t('net.chat')} data-testid="chat">
      <ol ref={log} className="chat-log" aria-live="polite">
        {chat.map((line) => (
          <li key={`${line.from}-${line.at}`}>
            <b>{line.name}</b> {line.text}
          </li>
        ))}
      </ol>
      {(hint === 'slow' || hint === 'offline') && (
        <div className="chat-hint" role="status">
          {t(`net.chat.${hint}`)}
        </div>
      )}
      {status === 'failed' && problem && (
        <div className="chat-hint" role="alert">
          {problem}
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <input
          ref={input}
          type="text"
          value={text}
          maxLength={CHAT_MAX_CHARS}
          placeholder={t('net.chat.placeholder')}
          aria-label={t('net.chat.placeholder')}
          data-testid="chat-input"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur()
          }}
        />
      </form>
    </section>
  )
}

export function EmoteBar() {
  const t = useT()
  return (
    <section className="emotes" aria-label={t('net.emotes')}>
      {EMOTE_MENU.map((e) => (
        <button
          key={e}
          className="btn"
          data-testid={`emote-${e}`}
          onClick={() => current.session?.sendEmote(e)}
        >
          {t(`net.emote.${e}`)}
        </button>
      ))}
    </section>
  )
}
