// The spaces panel's free placement part, for a space the signed-in wallet may edit: the exhibits
// standing freely (arrange or remove each), and "Place freely" for a verified collectible. Both
// close the panel and open the in-world editor (its code loads then). A lazy chunk of the panel.
import { addStrings, useT } from '../i18n'
import type { Collectible } from '../chain/types'
import { current, type SpaceEditResult } from './current'
import type { Space } from '../protocol/scene'
import type { ExhibitView, SpaceView } from './store'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import { ChooseCollectible, exhibitable, tokenKey } from './ChooseCollectible'

addStrings({
  'spaces.freeTitle': { 'zh-CN': '自由摆放', en: 'Free placement' },
  'spaces.placeFree': { 'zh-CN': '自由摆放', en: 'Place freely' },
  'spaces.noFree': { 'zh-CN': '还没有自由摆放的展品。', en: 'Nothing stands freely yet.' },
})

/** Opens the in-world editor for an exhibit of the space (slotted or free). */
export function arrange(space: Space, exhibit: ExhibitView) {
  const style = useWorld.getState().scene?.style ?? 'voxel'
  const image = exhibitable().find((c) => tokenKey(c) === tokenKey(exhibit))?.image ?? null
  useUi.getState().closePanel('spaces')
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
  const standing = (view?.exhibits ?? []).filter((e) => e.placement.kind === 'free')
  const placeFree = (item: Collectible) => {
    useUi.getState().closePanel('spaces')
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
      <ChooseCollectible
        as="p"
        action={t('spaces.placeFree')}
        testIds={{ select: 'choose-free', button: 'place-free' }}
        onChoose={placeFree}
      />
    </div>
  )
}
