// The wallet panel (lazy chunk): connect a wallet, sign in with Ethereum, and see the wallet's
// collectibles with the server's verification of each. Metadata is untrusted: names and
// descriptions are text nodes, images are plain <img> elements from http(s) or data:image/ URLs.
//
// It is one file because its sections (connect, account, collectibles, detail) are the steps of one
// panel, switched by one wallet status.
import { useEffect, useRef, useState } from 'react'
import type { Collectible } from '../chain/types'
import { fill, shortAddress } from '../app/format'
import { useT } from '../i18n'
import { Dialog } from '../app/Dialog'
import { useSettings } from '../state/settings'
import { useWallet, type WalletConnection, type WalletError } from './store'
import { collectibleActions } from './slots'
import {
  connectDev,
  connectInjected,
  disconnect,
  initWallet,
  loadCollectibles,
  loadConfig,
  preloadSigners,
  setDiscovered,
  signIn,
  signOut,
} from './actions'
import type { ChainConfig, ChainInfo } from './api'
import './strings'
import {
  CollectibleDetail,
  CopyButton,
  ItemImage,
  ModelBadge,
  VerifiedBadge,
} from './CollectibleDetail'
import {
  DEV_ACCOUNTS,
  LEGACY_WALLET_ID,
  watchInjectedWallets,
  type InjectedWallet,
} from './wallets'

type T = ReturnType<typeof useT>

const itemKey = (c: Collectible) => `${c.chainId}:${c.contract}:${c.tokenId}`

function errorText(t: T, error: WalletError): string {
  const key = `wallet.error.${error.code}`
  const known = t(key)
  const text = known === key ? fill(t('wallet.error.generic'), { message: error.message }) : known
  return error.retryAfterS
    ? `${text} ${fill(t('wallet.error.retryAfter'), { n: error.retryAfterS })}`
    : text
}

function ChainBadges({ chains }: { chains: readonly ChainInfo[] }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  if (chains.length === 0) return null
  return (
    <div className="wallet-chains">
      <span className="muted">{t('wallet.chains')}</span>
      {chains.map((c) => (
        <span
          key={c.chainId}
          className={`badge chain${c.unavailable ? ' down' : ''}`}
          title={
            c.unavailable ? `chain id ${c.chainId}: ${c.unavailable}` : `chain id ${c.chainId}`
          }
          data-chain={c.chainId}
        >
          {c.name[lang]}
          {c.local && <span className="badge local">{t('wallet.local')}</span>}
          {c.unavailable && (
            <span className="chain-down">
              <span aria-hidden="true">⚠ </span>
              {t('wallet.chain.unavailable')}
            </span>
          )}
        </span>
      ))}
    </div>
  )
}

function DevWalletOption({ connecting }: { connecting: string | null }) {
  const t = useT()
  const [account, setAccount] = useState<number>(DEV_ACCOUNTS[0])
  const busy = connecting?.startsWith('dev-') ?? false
  return (
    <div className="wallet-option dev" data-testid="dev-wallet">
      <div className="wallet-option-head">
        <span className="wallet-icon dev" aria-hidden="true">
          ⚒
        </span>
        <b>{t('wallet.dev.name')}</b>
      </div>
      <p className="dev-warning" role="note">
        {t('wallet.dev.warning')}
      </p>
      <p className="muted small">{t('wallet.dev.explain')}</p>
      <div className="wallet-row">
        <label className="inline-field">
          {t('wallet.dev.accounts')}
          <select
            value={account}
            onChange={(e) => setAccount(Number(e.target.value))}
            data-testid="dev-account"
          >
            {DEV_ACCOUNTS.map((n) => (
              <option key={n} value={n}>
                {fill(t('wallet.dev.account'), { n })}
              </option>
            ))}
          </select>
        </label>
        <button
          className="btn primary"
          disabled={connecting !== null}
          onClick={() => void connectDev(account)}
          data-testid="connect-dev"
        >
          {busy ? t('wallet.connecting') : t('wallet.connect')}
        </button>
      </div>
    </div>
  )
}

function ConnectSection({
  config,
  wallets,
}: {
  config: ChainConfig | null
  wallets: readonly InjectedWallet[]
}) {
  const t = useT()
  const connecting = useWallet((s) => s.connecting)
  return (
    <section className="wallet-section" aria-labelledby="wallet-connect-title">
      <h3 id="wallet-connect-title">{t('wallet.connect.heading')}</h3>
      {config?.devWallet && <DevWalletOption connecting={connecting} />}
      {wallets.length > 0 ? (
        <ul className="wallet-list">
          {wallets.map((w) => (
            <li key={w.info.uuid}>
              <button
                className="wallet-option injected"
                disabled={connecting !== null}
                onClick={() => void connectInjected(w)}
              >
                {w.info.icon ? (
                  <img
                    className="wallet-icon"
                    src={w.info.icon}
                    alt=""
                    referrerPolicy="no-referrer"
                  />
                ) : (
                  <span className="wallet-icon" aria-hidden="true">
                    ◎
                  </span>
                )}
                <b>{w.info.uuid === LEGACY_WALLET_ID ? t('wallet.browserWallet') : w.info.name}</b>
                <span className="muted">
                  {connecting === w.info.uuid ? t('wallet.connecting') : t('wallet.connect')}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('wallet.noWallets')}</p>
      )}
    </section>
  )
}

function walletName(t: T, c: WalletConnection) {
  if (c.kind === 'dev')
    return `${t('wallet.dev.name')} · ${fill(t('wallet.dev.account'), { n: c.account ?? 1 })}`
  return c.id === LEGACY_WALLET_ID ? t('wallet.browserWallet') : c.name
}

function AccountSection({
  connection,
  chains,
}: {
  connection: WalletConnection
  chains: readonly ChainInfo[]
}) {
  const t = useT()
  const session = useWallet((s) => s.session)
  const busy = useWallet((s) => s.signIn.status === 'busy')
  const connecting = useWallet((s) => s.connecting)
  const configReady = useWallet((s) => s.config.status === 'ready')
  return (
    <section className="wallet-section wallet-account" aria-label={walletName(t, connection)}>
      <div className="wallet-option-head">
        {connection.icon ? (
          <img className="wallet-icon" src={connection.icon} alt="" referrerPolicy="no-referrer" />
        ) : (
          <span
            className={`wallet-icon${connection.kind === 'dev' ? ' dev' : ''}`}
            aria-hidden="true"
          >
            {connection.kind === 'dev' ? '⚒' : '◎'}
          </span>
        )}
        <b>{walletName(t, connection)}</b>
        {session && <span className="vbadge ok">{t('wallet.signedIn')}</span>}
      </div>
      {connection.kind === 'dev' && (
        <p className="dev-warning" role="note">
          {t('wallet.dev.warning')}
        </p>
      )}
      <div className="wallet-row">
        <code className="wallet-address" title={connection.address} data-testid="wallet-address">
          {shortAddress(connection.address)}
        </code>
        <CopyButton text={connection.address} label={t('wallet.copy')} />
        {connection.kind === 'dev' && (
          <select
            aria-label={t('wallet.dev.accounts')}
            disabled={connecting !== null}
            value={connection.account ?? 1}
            onChange={(e) => void connectDev(Number(e.target.value))}
          >
            {DEV_ACCOUNTS.map((n) => (
              <option key={n} value={n}>
                {fill(t('wallet.dev.account'), { n })}
              </option>
            ))}
          </select>
        )}
        <span className="hud-spacer" />
        <button className="btn" onClick={disconnect}>
          {t('wallet.switch')}
        </button>
        {session ? (
          <button className="btn" onClick={signOut} data-testid="sign-out">
            {t('wallet.signOut')}
          </button>
        ) : (
          // aria-disabled, not disabled, while signing: a disabled button would drop the focus.
          // Focus comes here once a wallet is connected: signing in is the next step.
          <button
            autoFocus
            className="btn primary"
            disabled={!configReady}
            aria-disabled={busy}
            onClick={() => void signIn()}
            data-testid="sign-in"
          >
            {t('wallet.signIn')}
          </button>
        )}
      </div>
      <ChainBadges chains={chains} />
      {!session && !busy && <p className="muted small">{t('wallet.signIn.hint')}</p>}
      {busy && (
        <p className="muted small" role="status">
          {t('wallet.signingIn')}
        </p>
      )}
    </section>
  )
}

function ItemCard({ item, onOpen }: { item: Collectible; onOpen: () => void }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const name = item.name || t('wallet.untitled')
  return (
    <li>
      <button
        className={`nft-card ${item.verified ? 'verified' : 'unverified'}`}
        data-key={itemKey(item)}
        data-testid="collectible"
        onClick={onOpen}
        title={name}
      >
        <ItemImage src={item.image} alt={name} />
        <span className="nft-name">{name}</span>
        {item.platform && (
          <span className="nft-platform" data-testid="collectible-platform">
            {item.platform[lang]}
          </span>
        )}
        <span className="nft-meta">
          <VerifiedBadge verified={item.verified} />
          {item.standard === 'erc1155' && <span className="nft-balance">×{item.balance}</span>}
          {item.model && <ModelBadge />}
        </span>
      </button>
    </li>
  )
}

/** Verified first; the server's order otherwise. */
const verifiedFirst = (items: readonly Collectible[]) =>
  [...items].sort((a, b) => Number(b.verified) - Number(a.verified))

/**
 * The items of each chain under that chain's name (and, when it is down, saying so), in the
 * order the server lists its chains; one chain's items need no heading.
 */
function ItemGroups({
  items,
  chains,
  onOpen,
}: {
  items: readonly Collectible[]
  chains: readonly ChainInfo[]
  onOpen: (key: string) => void
}) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const grid = (list: readonly Collectible[]) => (
    <ul className="nft-grid">
      {verifiedFirst(list).map((item) => (
        <ItemCard key={itemKey(item)} item={item} onOpen={() => onOpen(itemKey(item))} />
      ))}
    </ul>
  )
  const held = chains.filter((c) => items.some((i) => i.chainId === c.chainId))
  if (held.length <= 1 && items.every((i) => held.some((c) => c.chainId === i.chainId)))
    return grid(items)
  const other = items.filter((i) => !chains.some((c) => c.chainId === i.chainId))
  return (
    <>
      {held.map((c) => {
        const list = items.filter((i) => i.chainId === c.chainId)
        return (
          <section
            key={c.chainId}
            className="nft-chain-group"
            data-testid="chain-group"
            data-chain={c.chainId}
            aria-label={c.name[lang]}
          >
            <h4 className="nft-chain-head">
              {c.name[lang]}
              <small className="muted">
                {' '}
                ·{' '}
                {fill(t('wallet.count'), {
                  n: list.length,
                  v: list.filter((i) => i.verified).length,
                })}
              </small>
              {c.unavailable && (
                <span className="chain-down">
                  <span aria-hidden="true">⚠ </span>
                  {t('wallet.chain.unavailable')}
                </span>
              )}
            </h4>
            {grid(list)}
          </section>
        )
      })}
      {other.length > 0 && grid(other)}
    </>
  )
}

function CollectiblesSection({
  chains,
  onOpen,
}: {
  chains: readonly ChainInfo[]
  onOpen: (key: string) => void
}) {
  const t = useT()
  const state = useWallet((s) => s.collectibles)
  return (
    <section
      className="wallet-section"
      aria-labelledby="wallet-items-title"
      aria-busy={state.status === 'loading'}
    >
      <div className="wallet-section-head">
        <h3 id="wallet-items-title">{t('wallet.collectibles')}</h3>
        {state.status === 'ready' && (
          <small className="muted" data-testid="collectibles-count">
            {fill(t('wallet.count'), {
              n: state.items.length,
              v: state.items.filter((i) => i.verified).length,
            })}{' '}
            · {fill(t('wallet.atBlock'), { block: state.block })}
          </small>
        )}
        <span className="hud-spacer" />
        {state.status === 'ready' && (
          <button className="btn small" onClick={() => void loadCollectibles(0, true)}>
            ↻ {t('wallet.refresh')}
          </button>
        )}
      </div>
      {state.status === 'loading' && (
        <>
          <p className="visually-hidden" role="status">
            {t('wallet.checking')}
          </p>
          <ul className="nft-grid" aria-hidden="true">
            {[0, 1, 2, 3].map((i) => (
              <li key={i} className="nft-card skeleton">
                <div className="nft-img" />
                <span className="bar-line" />
                <span className="bar-line short" />
              </li>
            ))}
          </ul>
        </>
      )}
      {state.status === 'error' && (
        <div className="wallet-error" role="alert" data-testid="collectibles-error">
          <p>{errorText(t, state.error)}</p>
          <button className="btn primary" onClick={() => void loadCollectibles(0, true)}>
            {t('wallet.retry')}
          </button>
        </div>
      )}
      {state.status === 'ready' && state.truncated && (
        <p className="wallet-note" role="note" data-testid="collectibles-truncated">
          {t('wallet.truncated')}
        </p>
      )}
      {state.status === 'ready' && state.items.length === 0 && (
        <p className="wallet-empty" data-testid="collectibles-empty">
          {t('wallet.empty')}
        </p>
      )}
      {state.status === 'ready' && state.items.length > 0 && (
        <ItemGroups items={state.items} chains={chains} onOpen={onOpen} />
      )}
    </section>
  )
}

function ItemDetail({
  item,
  chains,
  onBack,
}: {
  item: Collectible
  chains: readonly ChainInfo[]
  onBack: () => void
}) {
  const t = useT()
  const back = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    back.current?.closest('.wallet-body')?.scrollTo(0, 0)
    back.current?.focus()
  }, [])
  return (
    <div className="nft-detail" data-testid="collectible-detail">
      <button ref={back} className="btn small" onClick={onBack}>
        ← {t('wallet.back')}
      </button>
      {collectibleActions().map((Action, i) => (
        <Action key={i} item={item} closePanel={() => useWallet.getState().closeWallet()} />
      ))}
      <CollectibleDetail item={item} chains={chains} mine />
    </div>
  )
}

/** The server's chains, each with what the latest listing says of it (down: `unavailable`). */
function allChains(config: ChainConfig | null, listed: readonly ChainInfo[]): ChainInfo[] {
  const out = (config?.chains ?? []).map((c) => {
    const seen = listed.find((l) => l.chainId === c.chainId)
    return seen?.unavailable ? { ...c, unavailable: seen.unavailable } : c
  })
  for (const c of listed) if (!out.some((o) => o.chainId === c.chainId)) out.push(c)
  return out
}

export function WalletPanel() {
  const t = useT()
  const configState = useWallet((s) => s.config)
  const connection = useWallet((s) => s.connection)
  const session = useWallet((s) => s.session)
  const signInState = useWallet((s) => s.signIn)
  const collectibles = useWallet((s) => s.collectibles)
  const [wallets, setWallets] = useState<readonly InjectedWallet[]>([])
  const [detail, setDetail] = useState<string | null>(null)
  const returnTo = useRef<string | null>(null)

  const close = () => useWallet.getState().closeWallet()
  const closeDetail = () => {
    returnTo.current = detail
    setDetail(null)
  }
  const onEscape = () => (detail ? closeDetail() : close())
  const ref = useRef<HTMLElement | null>(null)

  useEffect(() => {
    initWallet()
    preloadSigners()
    return watchInjectedWallets((list) => {
      setWallets(list)
      setDiscovered(list)
    })
  }, [])

  // Back from a detail: focus returns to the card that opened it.
  useEffect(() => {
    if (detail !== null || !returnTo.current) return
    const key = returnTo.current
    returnTo.current = null
    const cards = ref.current?.querySelectorAll<HTMLElement>('[data-key]') ?? []
    for (const card of cards) if (card.dataset.key === key) card.focus()
  }, [detail, ref])

  // A connect, sign-in or sign-out can remove the focused control: keep focus in the panel,
  // on the next step (a primary button) when there is one.
  const signedIn = session !== null
  useEffect(() => {
    const root = ref.current
    if (!root || root.contains(document.activeElement)) return
    const body = root.querySelector('.wallet-body')
    const next =
      body?.querySelector<HTMLElement>('.btn.primary:not(:disabled)') ??
      body?.querySelector<HTMLElement>('button:not(:disabled), select:not(:disabled)')
    next?.focus()
  }, [connection, signedIn, ref])

  const config = configState.status === 'ready' ? configState.config : null
  const chains = allChains(config, collectibles.status === 'ready' ? collectibles.chains : [])
  const item =
    detail !== null && collectibles.status === 'ready'
      ? collectibles.items.find((i) => itemKey(i) === detail)
      : undefined

  return (
    <Dialog
      title={t('wallet.title')}
      onClose={close}
      onEscape={onEscape}
      closeLabel={t('wallet.close')}
      className="wallet-panel"
      testId="wallet-panel"
      panelRef={ref}
    >
      {item ? (
        <ItemDetail item={item} chains={chains} onBack={closeDetail} />
      ) : (
        <>
          {configState.status === 'loading' && (
            <p className="muted" role="status">
              {t('wallet.config.loading')}
            </p>
          )}
          {configState.status === 'error' && (
            <div className="wallet-error" role="alert">
              <p>
                {t('wallet.config.failed')}: {errorText(t, configState.error)}
              </p>
              <button className="btn primary" onClick={() => void loadConfig()}>
                {t('wallet.retry')}
              </button>
            </div>
          )}
          {signInState.status === 'error' && (
            <p className="wallet-error inline" role="alert" data-testid="wallet-error">
              {errorText(t, signInState.error)}
            </p>
          )}
          {connection ? (
            <AccountSection connection={connection} chains={chains} />
          ) : (
            <ConnectSection config={config} wallets={wallets} />
          )}
          {session && <CollectiblesSection chains={chains} onOpen={setDetail} />}
        </>
      )}
    </Dialog>
  )
}
