// The card of an exhibit a visitor clicked (or tapped) in a creator space: the picture large, its
// name, description, issuer, platform and chain, and whether the server verified that the wallet
// that exhibits it (the space's owner, or the collaborator who placed it) holds it, with the proof (block and time). Lazy chunk; a dialog in the HUD.
import { useEffect } from 'react'
import { fill, shortAddress } from '../app/format'
import { pick, useT } from '../i18n'
import { Dialog } from '../app/Dialog'
import { useListings, ownerKey } from './listingsStore'
import { useSettings } from '../state/settings'
import { holderOf, useSpaces } from './store'
import { useWorld } from '../state/world'
import { CollectibleDetail, ItemImage, VerifiedBadge } from '../wallet/CollectibleDetail'
import { resolveExhibit, type ExhibitStatus } from './resolve'
import './strings'
import './exhibit.css'

const NOTES: Record<Exclude<ExhibitStatus, 'verified'>, string> = {
  unverified: 'exhibit.note.unverified',
  missing: 'exhibit.note.missing',
  pending: 'exhibit.note.pending',
  unchecked: 'exhibit.note.unchecked',
}

export function ExhibitCard() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const open = useSpaces((s) => s.open)
  const view = useSpaces((s) => (s.open ? s.spaces[s.open.spaceId] : undefined))
  const space = useWorld((s) => s.scene?.spaces.find((sp) => sp.id === open?.spaceId))
  const exhibit = view?.exhibits.find((e) => e.id === open?.exhibitId && !e.hidden)
  const holder = view && exhibit ? holderOf(view, exhibit) : null
  const listing = useListings((s) => (holder ? s.byOwner[ownerKey(holder)] : undefined))
  const close = () => useSpaces.getState().closeExhibit()

  // An exhibit that was taken down (or hidden) while its card was open closes the card.
  const gone = !exhibit || !space
  useEffect(() => {
    if (gone) close()
  }, [gone])

  if (!exhibit || !space || !view) return null
  const r = holder
    ? resolveExhibit(exhibit, listing)
    : { view: exhibit, status: 'missing' as const, item: null }
  const chains = listing?.status === 'ready' ? listing.chains : []
  const title = r.item?.name || exhibit.title || t('exhibit.untitled')

  return (
    <Dialog
      title={t('exhibit.card')}
      onClose={close}
      closeLabel={t('exhibit.close')}
      className="wallet-panel exhibit-card"
      testId="exhibit-card"
      panelProps={{ 'data-status': r.status }}
    >
      <p className="exhibit-where">
        {fill(t('exhibit.space'), { space: pick(space.title, lang) })}
        {holder && (
          <>
            {' · '}
            {t('exhibit.exhibitor')} <code title={holder}>{shortAddress(holder)}</code>
          </>
        )}
      </p>
      {r.status !== 'verified' && (
        <p
          className={`exhibit-note${r.status === 'pending' ? ' pending' : ''}`}
          role="status"
          data-testid="exhibit-note"
        >
          {t(NOTES[r.status])}
        </p>
      )}
      <div className="nft-detail exhibit-media" data-testid="exhibit-detail">
        {r.item ? (
          <CollectibleDetail item={r.item} chains={chains} />
        ) : (
          // Not in the exhibitor's listing: only what the space recorded, plainly unverified.
          <>
            <div className="nft-detail-top">
              <ItemImage src={null} alt={title} />
              <div className="nft-detail-text">
                <h3>{title}</h3>
                <div className="nft-meta">
                  <VerifiedBadge verified={false} />
                </div>
              </div>
            </div>
            <dl className="proof-list">
              {exhibit.issuer && (
                <>
                  <dt>{t('exhibit.issuer')}</dt>
                  <dd>{exhibit.issuer}</dd>
                </>
              )}
              <dt>{t('exhibit.token')}</dt>
              <dd>
                <code title={exhibit.contract}>{shortAddress(exhibit.contract)}</code> #
                <code className="wrap">{exhibit.tokenId}</code> ·{' '}
                {exhibit.standard === 'erc1155' ? 'ERC-1155' : 'ERC-721'} · chain {exhibit.chainId}
              </dd>
            </dl>
          </>
        )}
      </div>
    </Dialog>
  )
}

export default ExhibitCard
