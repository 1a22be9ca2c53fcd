// The HUD's wallet button and the host that loads the wallet panel on first open. Only this file
// is in the first-frame bundle: the panel, its strings, the API client and ethers are lazy chunks.
import { useEffect, useState, type ComponentType } from 'react'
import { useT } from '../i18n'
import { useDialog } from '../app/useDialog'
import { useUi } from '../state/ui'
import { useWallet } from './store'
import type * as PanelModule from './WalletPanel'

let panelModule: Promise<typeof PanelModule> | null = null
function loadPanel() {
  panelModule ??= import('./WalletPanel').catch((e: unknown) => {
    panelModule = null
    throw e
  })
  return panelModule
}
const preload = () => void loadPanel().catch(() => {})

export function WalletButton() {
  const t = useT()
  const open = useWallet((s) => s.open)
  const signedIn = useWallet((s) => s.session !== null)
  return (
    <button
      className={`btn wallet-btn${signedIn ? ' signed-in' : ''}`}
      data-testid="wallet-button"
      aria-label={t('wallet.title')}
      aria-haspopup="dialog"
      aria-expanded={open}
      onPointerEnter={preload}
      onFocus={preload}
      onClick={() => {
        useUi.getState().closePanel('places', 'people')
        useWallet.getState().toggleWallet()
      }}
    >
      <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
        <path
          d="M3 6.5A2.5 2.5 0 0 1 5.5 4H15v2.5M3 6.5V15a1.5 1.5 0 0 0 1.5 1.5H17V8H4.5A1.5 1.5 0 0 1 3 6.5Z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinejoin="round"
        />
        <circle cx="13.5" cy="12.2" r="1.2" fill="currentColor" />
      </svg>
      <span className="label">{t('wallet.title')}</span>
    </button>
  )
}

/** Renders the wallet panel while it is open, loading its chunk the first time. */
export function WalletPanelHost() {
  const t = useT()
  const open = useWallet((s) => s.open)
  const [Panel, setPanel] = useState<ComponentType | null>(null)
  const [failed, setFailed] = useState(false)
  const [attempt, setAttempt] = useState(0)
  const close = () => useWallet.getState().closeWallet()
  const ref = useDialog<HTMLElement>(open && !Panel, close)

  useEffect(() => {
    if (!open || Panel) return
    let live = true
    setFailed(false)
    loadPanel().then(
      (m) => live && setPanel(() => m.WalletPanel),
      () => live && setFailed(true),
    )
    return () => {
      live = false
    }
  }, [open, Panel, attempt])

  // Leaving the world closes the panel, so it does not reappear in the next one.
  useEffect(() => () => useWallet.getState().closeWallet(), [])

  if (!open) return null
  if (Panel) return <Panel />
  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && close()}>
      <section
        ref={ref}
        className="panel"
        role="dialog"
        aria-modal="true"
        aria-busy={!failed}
        aria-label={t('wallet.title')}
      >
        <h2>{t('wallet.title')}</h2>
        <p role={failed ? 'alert' : 'status'}>
          {failed ? t('wallet.openFailed') : t('wallet.opening')}
        </p>
        {failed && (
          <div className="actions">
            <button className="btn" onClick={close}>
              {t('card.close')}
            </button>
            <button className="btn primary" onClick={() => setAttempt((n) => n + 1)}>
              {t('error.retry')}
            </button>
          </div>
        )}
      </section>
    </div>
  )
}
