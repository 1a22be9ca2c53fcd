// A world that cannot open shows why, naming the file and each bad field, with a way back.
import { useEffect, useRef } from 'react'
import { useWorld } from '../state/world'
import { useT } from '../i18n'
import { openWorld } from './router'
import { useWallet } from '../wallet/store'
import { WalletPanelHost } from '../wallet/WalletButton'

export function ErrorPanel({ onRetry }: { onRetry: () => void }) {
  const t = useT()
  const error = useWorld((s) => s.error)
  const status = useWorld((s) => s.status)
  const signedIn = useWallet((s) => s.session !== null)
  const backRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (status === 'error') backRef.current?.focus()
  }, [status])
  if (status !== 'error' || !error) return null
  return (
    <div className="backdrop">
      <section
        className="panel error-panel"
        role="alertdialog"
        aria-labelledby="error-title"
        data-testid="error-panel"
      >
        <h2 id="error-title">{t('error.title')}</h2>
        <p>{error.title}</p>
        {error.file && (
          <p className="file">
            {t('error.file')}: {error.file}
          </p>
        )}
        {error.issues.length > 0 && (
          <ul>
            {error.issues.map((i, n) => (
              <li key={n}>
                {i.field && (
                  <>
                    {t('error.field')} <code>{i.field}</code>:{' '}
                  </>
                )}
                {i.message}
              </li>
            ))}
          </ul>
        )}
        <h3 className="advice-title">{t('error.whatToDo')}</h3>
        <p className="advice" data-testid="error-advice">
          {t(`advice.${error.advice}`)}
        </p>
        <div className="actions">
          {error.signIn && !signedIn && (
            <button
              className="btn primary"
              data-testid="error-sign-in"
              onClick={() => useWallet.getState().openWallet()}
            >
              {t('error.signIn')}
            </button>
          )}
          {/* A missing code chunk or a page without WebGL: only a fresh page can help. */}
          <button className="btn" onClick={error.reload ? () => location.reload() : onRetry}>
            {t(error.reload ? 'error.reload' : 'error.retry')}
          </button>
          <button ref={backRef} className="btn primary" onClick={() => openWorld(null)}>
            {t('error.back')}
          </button>
        </div>
      </section>
      {error.signIn && <WalletPanelHost />}
    </div>
  )
}
