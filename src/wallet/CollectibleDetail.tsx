// A collectible's detail as the server verified it: picture, name, description, the verified
// badge and the proof (chain, issuer, platform, contract, token, owner check at a block and time,
// metadata hash). Shared by the wallet panel and the exhibit card. Metadata is untrusted: text
// nodes only, images through a plain <img> from http(s) or data:image/ URLs. In the wallet panel,
// a verified collectible whose model is a VRM avatar can be worn (the server checks and keeps it).
import { useEffect, useRef, useState } from 'react'
import { api, type TransferRecord } from './api'
import type { Collectible, LocalText } from '../chain/types'
import { fill, shortAddress } from '../app/format'
import { useT } from '../i18n'
import { wearLook } from '../net/current'
import { defaultLook } from '../protocol/avatar'
import { useSettings } from '../state/settings'
import './strings'
import { CirculationRules } from './CirculationRules'
import { useWallet } from './store'

/** A chain as the API names it (GET /api/chain, /api/collectibles). */
export interface ChainName {
  chainId: number
  name: LocalText
  local: boolean
}

function useCopy() {
  const [state, setState] = useState<'idle' | 'ok' | 'fail'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const copy = (text: string) => {
    const done = (s: 'ok' | 'fail') => {
      setState(s)
      clearTimeout(timer.current)
      timer.current = setTimeout(() => setState('idle'), 1500)
    }
    if (!navigator.clipboard) return done('fail')
    navigator.clipboard.writeText(text).then(
      () => done('ok'),
      () => done('fail'),
    )
  }
  return [state, copy] as const
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useT()
  const [state, copy] = useCopy()
  return (
    <button
      className="btn small copy-btn"
      onClick={() => copy(text)}
      aria-label={label}
      title={text}
    >
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <rect
          x="5"
          y="5"
          width="9"
          height="9"
          rx="2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
        />
        <path
          d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
        />
      </svg>
      {state !== 'idle' && (
        <span aria-hidden="true">
          {state === 'ok' ? t('wallet.copied') : t('wallet.copyFailed')}
        </span>
      )}
      <span className="visually-hidden" role="status">
        {state === 'ok' ? t('wallet.copied') : state === 'fail' ? t('wallet.copyFailed') : ''}
      </span>
    </button>
  )
}

export function VerifiedBadge({ verified }: { verified: boolean }) {
  const t = useT()
  return verified ? (
    <span className="vbadge ok">
      <span aria-hidden="true">✓</span>
      {t('wallet.verified')}
    </span>
  ) : (
    <span className="vbadge no">
      <span aria-hidden="true">!</span>
      {t('wallet.unverified')}
    </span>
  )
}

/** An image from untrusted metadata: lazy, no referrer, a placeholder when it fails. */
export function ItemImage({ src, alt }: { src: string | null; alt: string }) {
  const t = useT()
  const [broken, setBroken] = useState(false)
  if (!src || broken) {
    return (
      <div className="nft-img empty" role="img" aria-label={`${alt} · ${t('wallet.noImage')}`}>
        <span aria-hidden="true">◇</span>
      </div>
    )
  }
  return (
    <div className="nft-img">
      <img
        src={src}
        alt={alt}
        loading="lazy"
        decoding="async"
        referrerPolicy="no-referrer"
        draggable={false}
        onError={() => setBroken(true)}
      />
    </div>
  )
}

/** A small "3D" mark for a collectible with a glTF model. */
export function ModelBadge() {
  const t = useT()
  return (
    <span className="nft-balance nft-3d" title={t('wallet.model.hint')} data-testid="has-model">
      {t('wallet.model.badge')}
      <span className="visually-hidden"> · {t('wallet.model.hint')}</span>
    </span>
  )
}

export function CollectibleDetail({
  item,
  chains,
  mine = false,
}: {
  item: Collectible
  chains: readonly ChainName[]
  /** The signed-in wallet's own item (the wallet panel): offers what its holder may do. */
  mine?: boolean
}) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const name = item.name || t('wallet.untitled')
  const chain = chains.find((c) => c.chainId === item.chainId)
  const text = (v: LocalText | null) => (v ? v[lang] : null)
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
    item.checkedAt,
  )
  return (
    <>
      <div className="nft-detail-top">
        <ItemImage src={item.image} alt={name} />
        <div className="nft-detail-text">
          <h3>{name}</h3>
          <div className="nft-meta">
            <VerifiedBadge verified={item.verified} />
            {item.standard === 'erc1155' && <span className="nft-balance">×{item.balance}</span>}
            {item.model && <ModelBadge />}
          </div>
          {item.description && <p className="nft-description">{item.description}</p>}
        </div>
      </div>
      <div className={`proof ${item.verified ? 'ok' : 'no'}`} data-testid="proof">
        <p>{item.verified ? t('wallet.detail.verified') : t('wallet.detail.unverified')}</p>
        {!item.verified && (
          <ul>
            {(item.reasons.length > 0 ? item.reasons : (['none'] as const)).map((r) => (
              <li key={r}>{t(`wallet.reason.${r}`)}</li>
            ))}
          </ul>
        )}
      </div>
      <h4>{t('wallet.detail.proof')}</h4>
      <dl className="proof-list">
        <dt>{t('wallet.detail.chain')}</dt>
        <dd>
          {chain
            ? fill(t('wallet.detail.chainValue'), { name: chain.name[lang], id: item.chainId })
            : fill(t('wallet.detail.chainUnknown'), { id: item.chainId })}
          {chain?.local && <span className="badge local">{t('wallet.local')}</span>}
        </dd>
        <dt>{t('wallet.detail.issuer')}</dt>
        <dd>{text(item.issuer) ?? t('wallet.detail.notListed')}</dd>
        <dt>{t('wallet.detail.platform')}</dt>
        <dd>{text(item.platform) ?? '—'}</dd>
        <dt>{t('wallet.detail.contract')}</dt>
        <dd>
          <code title={item.contract}>{shortAddress(item.contract)}</code>{' '}
          <CopyButton text={item.contract} label={t('wallet.detail.copyContract')} />
        </dd>
        <dt>{t('wallet.detail.tokenId')}</dt>
        <dd>
          <code className="wrap">{item.tokenId}</code>
        </dd>
        <dt>{t('wallet.detail.standard')}</dt>
        <dd>{item.standard === 'erc1155' ? 'ERC-1155' : 'ERC-721'}</dd>
        {item.model && (
          <>
            <dt>{t('wallet.detail.model')}</dt>
            <dd data-testid="model-info">{t('wallet.detail.modelValue')}</dd>
          </>
        )}
        {item.standard === 'erc1155' && (
          <>
            <dt>{t('wallet.detail.balance')}</dt>
            <dd>{item.balance}</dd>
          </>
        )}
        <dt>{t('wallet.detail.owner')}</dt>
        <dd>{fill(t('wallet.detail.ownerValue'), { block: item.checkedAtBlock, time })}</dd>
        <dt>{t('wallet.detail.metadata')}</dt>
        <dd>
          {item.metadataSha256 ? (
            <>
              <code title={item.metadataSha256}>
                sha256 {item.metadataSha256.slice(0, 10)}…{item.metadataSha256.slice(-6)}
              </code>{' '}
              <span className={item.metadataPinned ? 'ok-text' : 'muted'}>
                {item.metadataPinned ? t('wallet.detail.pinned') : t('wallet.detail.notPinned')}
              </span>
            </>
          ) : (
            t('wallet.detail.noMetadata')
          )}
        </dd>
      </dl>
      {mine && item.verified && item.avatar && <WearAvatar item={item} />}
      <Giving item={item} />
      {item.issuer && /^0x[0-9a-fA-F]{40}$/.test(item.contract) && <History item={item} />}
    </>
  )
}

/** The avatar file each collectible worn in this tab became (its id is the file's hash). */
const wornFiles = new Map<string, string>()

/**
 * "Wear as avatar": the server checks on the chain that this wallet holds it, reads and checks
 * its VRM and keeps it; the look in force then wears that file, as the avatar editor saves.
 */
function WearAvatar({ item }: { item: Collectible }) {
  const t = useT()
  const token = useWallet((s) => s.session?.token)
  const wearing = useSettings((s) => s.avatarLook?.vrm)
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  })
  const key = `${item.chainId}/${item.contract}/${item.tokenId}`
  const file = wornFiles.get(key)
  const worn = file !== undefined && wearing === file
  const wear = async () => {
    if (!token || state.busy) return
    setState({ busy: true, error: null })
    try {
      const { id } = await api.wear(token, item)
      wornFiles.set(key, id)
      const { avatarLook, avatarColor } = useSettings.getState()
      wearLook({ ...(avatarLook ?? defaultLook(avatarColor)), vrm: id })
      setState({ busy: false, error: null })
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : String(e) })
    }
  }
  return (
    <section className="nft-wear" data-testid="wear">
      <h4>{t('wallet.wear')}</h4>
      <p className="muted">{t('wallet.wear.hint')}</p>
      {!worn && (
        <button
          className="btn primary"
          disabled={!token || state.busy}
          aria-busy={state.busy}
          onClick={() => void wear()}
          data-testid="wear-avatar"
        >
          {t('wallet.wear.button')}
        </button>
      )}
      <p className={worn ? 'ok-text' : 'hint'} role="status" data-testid="wear-status">
        {worn
          ? t('wallet.wear.worn')
          : !token
            ? t('wallet.wear.signIn')
            : state.busy
              ? t('wallet.wear.busy')
              : state.error
                ? `${t('wallet.wear.failed')} ${state.error}`
                : ''}
      </p>
    </section>
  )
}

/** The issuer's rules for giving it on, in words. */
function Giving({ item }: { item: Collectible }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  return (
    <section className="nft-giving" data-testid="giving">
      <h4>{t('wallet.giving')}</h4>
      <CirculationRules rules={item.circulation} platform={item.platform?.[lang] ?? null} />
    </section>
  )
}

const ZERO = '0x0000000000000000000000000000000000000000'

/** The transfers the server saw of this token, oldest first (read when the card opens). */
function History({ item }: { item: Collectible }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const [state, setState] = useState<TransferRecord[] | 'loading' | 'failed'>('loading')
  const { chainId, contract, tokenId } = item
  useEffect(() => {
    let live = true
    setState('loading')
    api.history({ chainId, contract, tokenId }).then(
      (h) => live && setState(h.transfers),
      () => live && setState('failed'),
    )
    return () => {
      live = false
    }
  }, [chainId, contract, tokenId])
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <section className="nft-history" data-testid="history" aria-live="polite">
      <h4>{t('wallet.history')}</h4>
      {state === 'loading' ? (
        <p className="muted">{t('wallet.history.loading')}</p>
      ) : state === 'failed' ? (
        <p className="muted">{t('wallet.history.failed')}</p>
      ) : state.length === 0 ? (
        <p className="muted">{t('wallet.history.none')}</p>
      ) : (
        <ol>
          {state.map((r, i) => (
            <li key={`${r.block}-${i}`}>
              {fill(t(r.from === ZERO ? 'wallet.history.minted' : 'wallet.history.moved'), {
                from: shortAddress(r.from),
                to: shortAddress(r.to),
                block: r.block,
                time: when.format(r.at),
              })}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
