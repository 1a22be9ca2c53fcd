// What the host panel's sections share: an event action run with its outcome in a status line,
// and the confirmation dialog for the actions that cannot be undone (end, kick, ban).
import { useEffect, useState } from 'react'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { useDialog } from '../app/useDialog'
import type { EventActionResult } from './current'

export type Status = { text: string; error: boolean } | null

/** Runs an event action and reports it in a status line. */
export function useAction() {
  const t = useT()
  const [status, setStatus] = useState<Status>(null)
  useEffect(() => {
    if (!status || status.error) return
    const id = setTimeout(() => setStatus(null), 4000)
    return () => clearTimeout(id)
  }, [status])
  const run = async (act: () => Promise<EventActionResult> | undefined): Promise<boolean> => {
    const result = (await act()) ?? {
      ok: false as const,
      code: 'offline' as const,
      message: 'not connected',
    }
    setStatus(
      result.ok
        ? { text: t('event.done'), error: false }
        : { text: fill(t('event.refused'), { why: result.message }), error: true },
    )
    return result.ok
  }
  return { status, setStatus, run }
}

export function StatusLine({ status, testId }: { status: Status; testId: string }) {
  return (
    <p
      className={`small ${status?.error ? 'events-error-text' : 'events-muted'}`}
      role={status?.error ? 'alert' : 'status'}
      data-testid={testId}
    >
      {status?.text}
    </p>
  )
}

export function Confirm({
  text,
  onConfirm,
  onCancel,
}: {
  text: string
  onConfirm: () => void
  onCancel: () => void
}) {
  const t = useT()
  const ref = useDialog<HTMLDivElement>(true, onCancel)
  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={ref}
        className="panel"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-text"
        data-testid="confirm"
      >
        <p id="confirm-text">{text}</p>
        <div className="actions">
          <button className="btn" onClick={onCancel}>
            {t('event.cancel')}
          </button>
          <button className="btn primary danger" data-testid="confirm-ok" onClick={onConfirm}>
            {t('event.confirm')}
          </button>
        </div>
      </div>
    </div>
  )
}
