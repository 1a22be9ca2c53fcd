// The host's and moderators' controls: go live / end, the screen (HostScreen.tsx), the megaphone
// and the raised-hands queue (HostAnnounce.tsx), the people of this room (HostModeration.tsx) and
// the roles (HostRoles.tsx). Only what the visitor's role may do is shown; the server decides,
// and every refusal is shown with its reason.
import { useEffect, useRef, useState } from 'react'
import { useT } from '../i18n'
import { current } from './current'
import { CAN } from '../protocol/events'
import { useEvent } from './store'
import { Confirm, StatusLine, useAction } from './hostAction'
import { Hands, Megaphone } from './HostAnnounce'
import { People } from './HostModeration'
import { Roles } from './HostRoles'
import { ScreenControls } from './HostScreen'
import { GoLive, StageScreenControls } from './live/LiveControls'

export function HostPanel({ onClose }: { onClose: () => void }) {
  const t = useT()
  const role = useEvent((s) => s.role)
  const ref = useRef<HTMLElement>(null)
  // A performer's panel holds only the live stage.
  const title = CAN.screen(role)
    ? t('event.controls')
    : CAN.moderate(role)
      ? t('event.moderation')
      : t('stage.title')
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button, input, select')?.focus()
  }, [])
  return (
    <aside
      ref={ref}
      className="host-panel"
      aria-label={title}
      data-testid="host-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          onClose()
        }
      }}
    >
      <header className="events-head">
        <h2>{title}</h2>
        <button className="btn icon-btn" aria-label={t('events.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="host-body">
        {CAN.live(role) && <LiveControls />}
        {CAN.stage(role) && <GoLive />}
        {CAN.screen(role) && <StageScreenControls />}
        {CAN.screen(role) && <ScreenControls />}
        {CAN.announce(role) && <Megaphone />}
        {CAN.callHand(role) && <Hands />}
        {CAN.moderate(role) && <People />}
        {CAN.roles(role) && <Roles />}
      </div>
    </aside>
  )
}

function LiveControls() {
  const t = useT()
  const status = useEvent((s) => s.event?.status)
  const { status: line, run } = useAction()
  const [confirmEnd, setConfirmEnd] = useState(false)
  return (
    <section className="host-section">
      <div className="host-row">
        {status !== 'live' ? (
          <button
            className="btn primary"
            data-testid="go-live"
            onClick={() =>
              void run(() => current.session?.eventAction('event.live', { live: true }))
            }
          >
            ● {t('event.goLive')}
          </button>
        ) : (
          <span className="live-badge">{t('events.live')}</span>
        )}
        <button className="btn danger" data-testid="end-event" onClick={() => setConfirmEnd(true)}>
          {t('event.end')}
        </button>
      </div>
      <StatusLine status={line} testId="live-status" />
      {confirmEnd && (
        <Confirm
          text={t('event.endConfirm')}
          onCancel={() => setConfirmEnd(false)}
          onConfirm={() => {
            setConfirmEnd(false)
            void run(() => current.session?.eventAction('event.live', { live: false }))
          }}
        />
      )}
    </section>
  )
}
