// The spaces panel's free placement part, for a space the signed-in wallet may edit: the exhibits
// standing freely (arrange or remove each), and "Place freely" for a verified collectible. Both
// close the panel and open the in-world editor (its code loads then). A lazy chunk of the panel.
import { useState } from 'react'
import { addStrings, useT } from '../app/i18n'
import type { Collectible } from '../chain/types'
import { current, type SpaceEditResult } from '../net/current'
import type { Space } from '../protocol/scene'
import type { ExhibitView, SpaceView } from '../state/spaces'
import { useUi } from '../state/ui'
import { useWallet } from '../state/wallet'
import { useWorld } from '../state/world'

addStrings({
  'spaces.freeTitle': { 'zh-CN': '自由摆放', en: 'Free placement' },
  'spaces.placeFree': { 'zh-CN': '自由摆放', en: 'Place freely' },
  'spaces.noFree': { 'zh-CN': '还没有自由摆放的展品。', en: 'Nothing stands freely yet.' },
})

const key = (c: { chainId: number; contract: string; tokenId: string }) =>
  `${c.chainId}:${c.contract.toLowerCase()}:${c.tokenId}`

const verifiedItems = (): Collectible[] => {
  const c = useWallet.getState().collectibles
  return c.status === 'ready' ? c.items.filter((i) => i.verified && i.reasons.length === 0) : []
}

/** Opens the in-world editor for an exhibit of the space (slotted or free). */
export function arrange(space: Space, exhibit: ExhibitView) {
  const style = useWorld.getState().scene?.style ?? 'voxel'
  const image = verifiedItems().find((c) => key(c) === key(exhibit))?.image ?? null
  useUi.getState().set({ spacesOpen: false })
  void import('./freeEdit').then((m) => m.beginMove(space, style, exhibit, image))
}

export default function FreePlacements({
  space,
  view,
  run,
}: {
  space: Space
  view: SpaceView | null
  run: (edit: () => Promise<SpaceEditResult> | undefined) => Promise<void>
}) {
  const t = useT()
  const collectibles = useWallet((s) => s.collectibles)
  const [choice, setChoice] = useState('')
  const standing = (view?.exhibits ?? []).filter((e) => e.placement.kind === 'free')
  const items =
    collectibles.status === 'ready'
      ? collectibles.items.filter((c) => c.verified && c.reasons.length === 0)
      : []
  const chosen = items.find((c) => key(c) === choice)
  const placeFree = (item: Collectible) => {
    useUi.getState().set({ spacesOpen: false })
    void import('./freeEdit').then((m) => m.beginNew(space, item))
  }
  return (
    <div className="space-free" data-testid="free-placements">
      <h4>{t('spaces.freeTitle')}</h4>
      {standing.length === 0 ? (
        <p className="muted small">{t('spaces.noFree')}</p>
      ) : (
        <ul className="space-slots">
          {standing.map((e) => (
            <li key={e.id} data-testid={`free-${e.id}`}>
              <strong>{e.title}</strong>
              {e.hidden && <em className="muted"> · {t('spaces.hidden')}</em>}{' '}
              <button className="btn" data-testid="arrange" onClick={() => arrange(space, e)}>
                {t('spaces.arrange')}
              </button>{' '}
              <button
                className="btn"
                data-testid="remove"
                onClick={() =>
                  void run(() =>
                    current.session?.editSpace('space.remove', {
                      space: space.id,
                      base: view?.version ?? 0,
                      id: e.id,
                    }),
                  )
                }
              >
                {t('spaces.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {items.length === 0 ? (
        <p className="muted small">{t('spaces.noItems')}</p>
      ) : (
        <p className="space-place">
          <select
            value={choice}
            aria-label={t('spaces.choose')}
            data-testid="choose-free"
            onChange={(e) => setChoice(e.target.value)}
          >
            <option value="">{t('spaces.choose')}</option>
            {items.map((c) => (
              <option key={key(c)} value={key(c)}>
                {c.name || `#${c.tokenId}`}
              </option>
            ))}
          </select>{' '}
          <button
            className="btn primary"
            data-testid="place-free"
            disabled={!chosen}
            onClick={() => chosen && placeFree(chosen)}
          >
            {t('spaces.placeFree')}
          </button>
        </p>
      )}
    </div>
  )
}
