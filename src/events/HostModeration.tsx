// The host panel's moderation: the people of this room with mute (for a number of minutes),
// unmute, kick and ban, and a ban by address; kick and ban ask first.
import { useState } from 'react'
import { fill, shortAddress } from '../app/format'
import { useT } from '../i18n'
import { current } from './current'
import { isCastId } from './wire'
import { Address, EVENT_LIMITS } from '../protocol/events'
import { useNet } from '../state/net'
import { Confirm, StatusLine, useAction } from './hostAction'

type Pending =
  { kind: 'kick'; session: string; name: string } | { kind: 'ban'; address: string } | null

export function People() {
  const t = useT()
  const people = useNet((s) => s.people)
  const self = useNet((s) => s.sessionId)
  const { status, setStatus, run } = useAction()
  const [minutes, setMinutes] = useState('10')
  const [pending, setPending] = useState<Pending>(null)
  const [banAddress, setBanAddress] = useState('')
  const here = people.filter((p) => !isCastId(p.id))
  const mins = Math.min(EVENT_LIMITS.muteMinutes, Math.max(1, Math.round(Number(minutes) || 10)))
  return (
    <section className="host-section" aria-labelledby="people-h">
      <h3 id="people-h">
        {t('event.people')} · {here.length}
      </h3>
      <label className="host-row small">
        {t('event.muteFor')}
        <input
          type="number"
          className="narrow"
          min={1}
          max={EVENT_LIMITS.muteMinutes}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      <ul className="host-list" data-testid="event-people">
        {here.map((p) => (
          <li key={p.id} data-testid={`person-${p.id}`}>
            <span className="swatch-dot" style={{ background: p.color }} aria-hidden="true" />
            <span className="grow">
              {p.name}{' '}
              <small className="events-muted">
                ·{' '}
                {p.id === self
                  ? t('event.people.you')
                  : p.address
                    ? shortAddress(p.address)
                    : t('event.people.guest')}
              </small>
            </span>
            {p.id !== self && (
              <>
                <button
                  className="btn small"
                  data-testid="mute"
                  aria-label={`${t('event.mute')} ${p.name}`}
                  onClick={() =>
                    void run(() =>
                      current.session?.eventAction('event.moderate', {
                        action: 'mute',
                        session: p.id,
                        minutes: mins,
                      }),
                    )
                  }
                >
                  {t('event.mute')}
                </button>
                <button
                  className="btn small"
                  data-testid="unmute"
                  aria-label={`${t('event.unmute')} ${p.name}`}
                  onClick={() =>
                    void run(() =>
                      current.session?.eventAction('event.moderate', {
                        action: 'unmute',
                        session: p.id,
                      }),
                    )
                  }
                >
                  {t('event.unmute')}
                </button>
                <button
                  className="btn small"
                  data-testid="kick"
                  aria-label={`${t('event.kick')} ${p.name}`}
                  onClick={() => setPending({ kind: 'kick', session: p.id, name: p.name })}
                >
                  {t('event.kick')}
                </button>
                {p.address && (
                  <button
                    className="btn small danger"
                    aria-label={`${t('event.ban')} ${p.name}`}
                    onClick={() => setPending({ kind: 'ban', address: p.address! })}
                  >
                    {t('event.ban')}
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      <form
        className="host-row"
        onSubmit={(e) => {
          e.preventDefault()
          const a = banAddress.trim()
          if (!Address.safeParse(a).success) {
            setStatus({ text: t('event.roles.bad'), error: true })
            return
          }
          setPending({ kind: 'ban', address: a })
        }}
      >
        <label className="visually-hidden" htmlFor="ban-address">
          {t('event.ban')}
        </label>
        <input
          id="ban-address"
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
          value={banAddress}
          onChange={(e) => setBanAddress(e.target.value)}
        />
        <button className="btn small danger" disabled={!banAddress.trim()}>
          {t('event.ban')}
        </button>
      </form>
      <StatusLine status={status} testId="people-status" />
      {pending && (
        <Confirm
          text={
            pending.kind === 'kick'
              ? fill(t('event.kickConfirm'), { name: pending.name })
              : fill(t('event.banConfirm'), { address: pending.address })
          }
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending
            setPending(null)
            void run(() =>
              p.kind === 'kick'
                ? current.session?.eventAction('event.moderate', {
                    action: 'kick',
                    session: p.session,
                  })
                : current.session?.eventAction('event.moderate', {
                    action: 'ban',
                    address: p.address,
                  }),
            )
          }}
        />
      )}
    </section>
  )
}
