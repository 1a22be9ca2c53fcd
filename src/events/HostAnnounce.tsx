// The host panel's voice to the room: the megaphone (an announcement to every instance) and the
// raised-hands queue, where a host calls on someone.
import { useState } from 'react'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { current } from './current'
import { EVENT_LIMITS } from '../protocol/events'
import { useEvent } from './store'
import { StatusLine, useAction } from './hostAction'

export function Megaphone() {
  const t = useT()
  const [text, setText] = useState('')
  const { status, run } = useAction()
  return (
    <section className="host-section" aria-labelledby="megaphone-h">
      <h3 id="megaphone-h">{t('event.megaphone')}</h3>
      <form
        className="host-row"
        onSubmit={(e) => {
          e.preventDefault()
          const clean = text.trim()
          if (!clean) return
          void run(() => current.session?.eventAction('event.announce', { text: clean })).then(
            (ok) => ok && setText(''),
          )
        }}
      >
        <label className="visually-hidden" htmlFor="megaphone-text">
          {t('event.megaphone')}
        </label>
        <input
          id="megaphone-text"
          data-testid="megaphone-text"
          maxLength={EVENT_LIMITS.announcementChars}
          placeholder={t('event.megaphone.placeholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button className="btn primary" data-testid="megaphone-send" disabled={!text.trim()}>
          {t('event.megaphone.send')}
        </button>
      </form>
      <StatusLine status={status} testId="megaphone-status" />
    </section>
  )
}

export function Hands() {
  const t = useT()
  const hands = useEvent((s) => s.hands)
  const total = useEvent((s) => s.handsTotal)
  const { status, run } = useAction()
  return (
    <section className="host-section" aria-labelledby="hands-h">
      <h3 id="hands-h">
        {t('event.hands')} · {Math.max(total, hands.length)}
      </h3>
      {hands.length === 0 ? (
        <p className="events-muted small">{t('event.hands.none')}</p>
      ) : (
        <ol className="host-list" data-testid="hands">
          {hands.map((h) => (
            <li key={h.session}>
              <span className="grow">
                {h.name}{' '}
                <small className="events-muted">
                  · {fill(t('event.hands.room'), { n: h.instance })}
                </small>
              </span>
              <button
                className="btn small"
                onClick={() =>
                  void run(() => current.session?.eventAction('event.call', { session: h.session }))
                }
              >
                {t('event.hands.call')}
              </button>
            </li>
          ))}
        </ol>
      )}
      <StatusLine status={status} testId="hands-status" />
    </section>
  )
}
