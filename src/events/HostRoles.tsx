// The host panel's cast: the event's performers and moderators by address, given and taken
// through the room; the lists are read again from the API after a change.
import { useState } from 'react'
import { fill, shortAddress } from '../app/format'
import { useT } from '../i18n'
import { current } from './current'
import { Address, EVENT_LIMITS } from '../protocol/events'
import { useEvent } from './store'
import { eventsApi } from './api'
import { StatusLine, useAction } from './hostAction'

export function Roles() {
  const t = useT()
  const event = useEvent((s) => s.event)
  const { status, setStatus, run } = useAction()
  const [address, setAddress] = useState('')
  const [role, setRole] = useState<'performer' | 'moderator' | 'audience'>('performer')
  if (!event) return null
  // The event's lists come from the API: read them again after a change.
  const reload = async () => {
    try {
      const fresh = await eventsApi.get(event.id)
      useEvent.getState().eventEdited(fresh)
    } catch {
      // The lists stay as they were; the change itself was confirmed.
    }
  }
  const give = async (a: string, r: typeof role) => {
    if (!Address.safeParse(a).success) {
      setStatus({ text: t('event.roles.bad'), error: true })
      return
    }
    const ok = await run(() => current.session?.eventAction('event.role', { address: a, role: r }))
    if (ok) {
      setAddress('')
      void reload()
    }
  }
  return (
    <section className="host-section" aria-labelledby="roles-h">
      <h3 id="roles-h">{t('event.roles')}</h3>
      {(['performers', 'moderators'] as const).map((list) => (
        <div key={list}>
          <h4>
            {t(`event.roles.${list}`)} · {event[list].length}/
            {list === 'performers' ? EVENT_LIMITS.performers : EVENT_LIMITS.moderators}
          </h4>
          <ul className="host-list">
            {event[list].map((a) => (
              <li key={a}>
                <code className="grow">{shortAddress(a)}</code>
                <button
                  className="btn small"
                  aria-label={fill(t('event.roles.take'), { address: a })}
                  onClick={() => void give(a, 'audience')}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <form
        className="host-row wrap"
        onSubmit={(e) => {
          e.preventDefault()
          void give(address.trim(), role)
        }}
      >
        <label className="visually-hidden" htmlFor="role-address">
          {t('event.roles.address')}
        </label>
        <input
          id="role-address"
          data-testid="role-address"
          placeholder={`${t('event.roles.address')} 0x…`}
          spellCheck={false}
          autoComplete="off"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
        <label className="visually-hidden" htmlFor="role-choice">
          {t('event.roles')}
        </label>
        <select
          id="role-choice"
          data-testid="role-choice"
          value={role}
          onChange={(e) => setRole(e.target.value as typeof role)}
        >
          <option value="performer">{t('event.role.performer')}</option>
          <option value="moderator">{t('event.role.moderator')}</option>
          <option value="audience">{t('event.role.audience')}</option>
        </select>
        <button className="btn small" data-testid="role-give" disabled={!address.trim()}>
          {t('event.roles.give')}
        </button>
      </form>
      <StatusLine status={status} testId="roles-status" />
    </section>
  )
}
