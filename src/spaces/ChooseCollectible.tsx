// A picker of the signed-in wallet's verified collectibles with one action button: the spaces
// panel uses it to exhibit in a slot and to place freely. Items with a 3D model say so.
import { useState } from 'react'
import { useT } from '../i18n'
import type { Collectible } from '../chain/types'
import { useWallet } from '../wallet/store'

/** Identity of a token across listings (contracts compared case-insensitively). */
export const tokenKey = (c: { chainId: number; contract: string; tokenId: string }) =>
  `${c.chainId}:${c.contract.toLowerCase()}:${c.tokenId}`

/** The wallet's collectibles the server verified with no reservation: the ones a space takes. */
export function exhibitable(collectibles = useWallet.getState().collectibles): Collectible[] {
  return collectibles.status === 'ready'
    ? collectibles.items.filter((c) => c.verified && c.reasons.length === 0)
    : []
}

export function ChooseCollectible({
  action,
  onChoose,
  testIds,
  as: Tag = 'span',
}: {
  /** The button's label. */
  action: string
  onChoose: (c: Collectible) => void
  testIds: { select: string; button: string }
  as?: 'span' | 'p'
}) {
  const t = useT()
  const collectibles = useWallet((s) => s.collectibles)
  const [choice, setChoice] = useState('')
  const items = exhibitable(collectibles)
  if (items.length === 0) return <Tag className="muted small">{t('spaces.noItems')}</Tag>
  const chosen = items.find((c) => tokenKey(c) === choice)
  return (
    <Tag className="space-place">
      <select
        value={choice}
        aria-label={t('spaces.choose')}
        data-testid={testIds.select}
        onChange={(e) => setChoice(e.target.value)}
      >
        <option value="">{t('spaces.choose')}</option>
        {items.map((c) => (
          <option key={tokenKey(c)} value={tokenKey(c)}>
            {(c.name || `#${c.tokenId}`) + (c.model ? ' · 3D' : '')}
          </option>
        ))}
      </select>{' '}
      <button
        className="btn primary"
        data-testid={testIds.button}
        disabled={!chosen}
        onClick={() => chosen && onChoose(chosen)}
      >
        {action}
      </button>
    </Tag>
  )
}
