// The one dialog shell of the HUD: a backdrop (a click on it closes), a modal panel with a
// titled header and a close button, and a scrolling body; keyboard behaviour from useDialog
// (focus inside, Tab kept in, Escape, focus returned). Panels give it their content.
import { useId, type ReactNode, type RefObject } from 'react'
import { useDialog } from './useDialog'

export interface DialogProps {
  title: ReactNode
  /** Backdrop click and the close button. */
  onClose: () => void
  /** Escape; onClose unless given (a panel with a detail view steps back first). */
  onEscape?: () => void
  /** Accessible name of the close button. */
  closeLabel: string
  /** Extra classes for the panel ("wallet-panel", "spaces-panel", …). */
  className?: string
  testId?: string
  /** Set while the dialog is mounted, for panels that move focus inside themselves. */
  panelRef?: RefObject<HTMLElement | null>
  /** Extra attributes on the panel (data-status, aria-busy, …). */
  panelProps?: Record<`data-${string}` | `aria-${string}`, string | boolean | undefined>
  /** The body scrolls under a fixed header; `bare` leaves the children unwrapped. */
  bare?: boolean
  children: ReactNode
}

export function Dialog({
  title,
  onClose,
  onEscape,
  closeLabel,
  className,
  testId,
  panelRef,
  panelProps,
  bare,
  children,
}: DialogProps) {
  const ref = useDialog<HTMLElement>(true, onEscape ?? onClose)
  const titleId = useId()
  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section
        ref={(el) => {
          ref.current = el
          if (panelRef) panelRef.current = el
        }}
        className={className ? `panel dialog ${className}` : 'panel dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        {...panelProps}
      >
        <header className="wallet-head">
          <h2 id={titleId}>{title}</h2>
          <button className="btn icon-btn" onClick={onClose} aria-label={closeLabel}>
            ✕
          </button>
        </header>
        {bare ? children : <div className="wallet-body">{children}</div>}
      </section>
    </div>
  )
}
