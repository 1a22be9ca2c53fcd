// The creator's editor for the spaces of the open world: claim a free space, then exhibit
// verified collectibles from the wallet in its slots, remove them, and undo (restore the
// previous version), or release the space (it is free again). Every edit goes to the server, which verifies the collectible on chain and
// commits the layout before it answers; the panel shows the answer, and the world shows the
// result to everyone. A budget meter shows the space's limits while editing.
import { lazy, Suspense, useState } from 'react'
import { fill, shortAddress } from '../app/format'
import { addStrings, useT } from '../i18n'
import { Dialog } from '../app/Dialog'
import { current, type SpaceEditResult } from './current'
import type { Space } from '../protocol/scene'
import { useSpaces, type SpaceView } from './store'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWallet } from '../wallet/store'
import { useWorld } from '../state/world'
import { ChooseCollectible } from './ChooseCollectible'
import { SpaceCollaborators, SpaceHistory } from './SpaceAdmin'
import { SPACE_MODES, type SpaceMode } from '../protocol/spaces'

addStrings({
  'spaces.title': { 'zh-CN': '创作者空间', en: 'Creator spaces' },
  'spaces.none': { 'zh-CN': '这个世界没有创作者空间', en: 'This world has no creator spaces' },
  'spaces.free': { 'zh-CN': '空地 · 可认领', en: 'Free: claim it' },
  'spaces.mode': { 'zh-CN': '展览方式', en: 'How it shows' },
  'spaces.mode.gallery': { 'zh-CN': '画廊：展品挂在墙上', en: 'Gallery: exhibits in frames' },
  'spaces.mode.immersive': {
    'zh-CN': '沉浸式展览：作品流过墙面、地面和天花板',
    en: 'Immersive: works flow over walls, floor and ceiling',
  },
  'spaces.mode.gallery.about': {
    'zh-CN': '访客在墙上和展台上看到你的展品。',
    en: 'Visitors see your exhibits on the walls and stands.',
  },
  'spaces.mode.immersive.about': {
    'zh-CN': '你已验证的藏品图片轮流铺满整个空间；不足两件时，加入苍穹用代码重绘的公有领域名作。',
    en: 'Your verified collectibles fill the whole space in turn; with fewer than two, public-domain masterpieces redrawn in code join them.',
  },
  'spaces.mode.galleryNow': { 'zh-CN': '展览方式：画廊', en: 'Shown as a gallery' },
  'spaces.mode.immersiveNow': {
    'zh-CN': '展览方式：沉浸式展览',
    en: 'Shown as an immersive exhibition',
  },
  'spaces.yours': { 'zh-CN': '你的空间', en: 'Your space' },
  'spaces.collab': { 'zh-CN': '你可以协作编辑', en: 'You collaborate here' },
  'spaces.ownedBy': { 'zh-CN': '主人', en: 'Owned by' },
  'spaces.claim': { 'zh-CN': '认领', en: 'Claim' },
  'spaces.signInFirst': {
    'zh-CN': '先在钱包里签名登录，才能认领和布展。',
    en: 'Sign in with your wallet to claim a space and exhibit.',
  },
  'spaces.openWallet': { 'zh-CN': '打开钱包', en: 'Open the wallet' },
  'spaces.slot': { 'zh-CN': '展位', en: 'Slot' },
  'spaces.wall': { 'zh-CN': '墙面', en: 'wall' },
  'spaces.pedestal': { 'zh-CN': '展台', en: 'pedestal' },
  'spaces.empty': { 'zh-CN': '空', en: 'empty' },
  'spaces.choose': { 'zh-CN': '选择已验证的藏品…', en: 'Choose a verified collectible…' },
  'spaces.place': { 'zh-CN': '展出', en: 'Exhibit' },
  'spaces.remove': { 'zh-CN': '撤下', en: 'Remove' },
  'spaces.undo': { 'zh-CN': '撤销上一步', en: 'Undo last change' },
  'spaces.hidden': { 'zh-CN': '已隐藏', en: 'Hidden' },
  'spaces.budget': {
    'zh-CN': '展品 {n}/{max} · 贴图约 {mb}/{maxMb} MB',
    en: 'Exhibits {n}/{max} · textures ~{mb}/{maxMb} MB',
  },
  'spaces.noItems': {
    'zh-CN': '钱包里没有可展出的已验证藏品（打开钱包加载）。',
    en: 'No verified collectibles to exhibit yet (open the wallet to load them).',
  },
  'spaces.busy': { 'zh-CN': '正在提交…', en: 'Saving…' },
  'spaces.saved': { 'zh-CN': '已保存（版本 {v}）', en: 'Saved (version {v})' },
  'spaces.version': { 'zh-CN': '版本 {v}', en: 'Version {v}' },
  'spaces.arrange': { 'zh-CN': '调整位置', en: 'Arrange' },
  'spaces.release': { 'zh-CN': '释放空间', en: 'Release space' },
  'spaces.releaseSure': {
    'zh-CN': '确认释放？展品和历史版本都会删除',
    en: 'Release it? Its exhibits and history are deleted',
  },
  'spaces.needCredential': {
    'zh-CN': '认领空间需要钱包里有一件可信发行方的已验证藏品（或由管理员指定）。',
    en: 'Claiming a space needs a verified collectible from a trusted issuer in your wallet (or an assignment by the operator).',
  },
})

// Free placement loads with the first space the wallet may edit, not with the first bundle.
const FreePlacements = lazy(() => import('./FreePlacements'))
const arrange = (space: Space, exhibit: SpaceView['exhibits'][number]) =>
  void import('./FreePlacements').then((m) => m.arrange(space, exhibit))

/** Rough GPU memory of one exhibit's texture: 512² RGBA with mipmaps. */
const TEXTURE_MB_PER_EXHIBIT = (512 * 512 * 4 * 4) / 3 / 1024 / 1024

const same = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase()

export function SpacesButton() {
  const t = useT()
  const scene = useWorld((s) => s.scene)
  const open = useUi((s) => s.spacesOpen)
  if (!scene?.spaces.length) return null
  return (
    <button
      className="btn"
      data-testid="spaces-button"
      aria-haspopup="dialog"
      aria-expanded={open}
      onClick={() => useUi.getState().togglePanel('spaces', 'places', 'people')}
    >
      <span aria-hidden="true">▦</span> <span className="label">{t('spaces.title')}</span>
    </button>
  )
}

export function SpacesPanel() {
  const t = useT()
  const open = useUi((s) => s.spacesOpen)
  const close = () => useUi.getState().closePanel('spaces')
  const scene = useWorld((s) => s.scene)
  const views = useSpaces((s) => s.spaces)
  const address = useWallet((s) => s.session?.address ?? null)
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null)
  if (!open || !scene) return null

  const run = async (edit: () => Promise<SpaceEditResult> | undefined) => {
    setStatus({ text: t('spaces.busy'), error: false })
    const result = await (edit() ??
      Promise.resolve<SpaceEditResult>({ ok: false, code: 'offline', message: 'offline' }))
    setStatus(
      result.ok
        ? { text: fill(t('spaces.saved'), { v: result.version }), error: false }
        : result.code === 'no_credential'
          ? { text: t('spaces.needCredential'), error: true }
          : { text: result.message, error: true },
    )
  }

  return (
    <Dialog
      title={t('spaces.title')}
      onClose={close}
      closeLabel={t('card.close')}
      className="wallet-panel spaces-panel"
      testId="spaces-panel"
    >
      {!address && (
        <p className="dev-warning" role="note">
          {t('spaces.signInFirst')}{' '}
          <button
            className="btn"
            onClick={() => {
              close()
              useWallet.getState().openWallet()
            }}
          >
            {t('spaces.openWallet')}
          </button>
        </p>
      )}
      {status && (
        <p
          className={status.error ? 'wallet-error' : 'muted small'}
          role="status"
          data-testid="spaces-status"
        >
          {status.text}
        </p>
      )}
      {scene.spaces.length === 0 && <p className="muted">{t('spaces.none')}</p>}
      {scene.spaces.map((space) => (
        <SpaceSection
          key={space.id}
          space={space}
          view={views[space.id] ?? null}
          address={address}
          run={run}
        />
      ))}
    </Dialog>
  )
}

/**
 * How the space shows its exhibits: framed on its walls, or as an immersive exhibition whose
 * works flow over its walls, floor and ceiling. The owner chooses; collaborators see which.
 */
function ShowMode({
  space,
  view,
  isOwner,
  onChange,
}: {
  space: Space
  view: SpaceView
  isOwner: boolean
  onChange: (mode: SpaceMode) => void
}) {
  const t = useT()
  if (!isOwner)
    return (
      <p className="muted small" data-testid="mode">
        {t(view.mode === 'immersive' ? 'spaces.mode.immersiveNow' : 'spaces.mode.galleryNow')}
      </p>
    )
  return (
    <fieldset className="space-mode" data-testid="mode">
      <legend>{t('spaces.mode')}</legend>
      {SPACE_MODES.map((mode) => (
        <label key={mode}>
          <input
            type="radio"
            name={`mode-${space.id}`}
            value={mode}
            checked={view.mode === mode}
            data-testid={`mode-${mode}`}
            onChange={() => onChange(mode)}
          />{' '}
          {t(`spaces.mode.${mode}`)}
        </label>
      ))}
      <small className="muted">{t(`spaces.mode.${view.mode}.about`)}</small>
    </fieldset>
  )
}

function SpaceSection({
  space,
  view,
  address,
  run,
}: {
  space: Space
  view: SpaceView | null
  address: string | null
  run: (edit: () => Promise<SpaceEditResult> | undefined) => Promise<void>
}) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  // Releasing deletes the layouts: the button asks once more before it sends.
  const [releasing, setReleasing] = useState(false)
  const owner = view?.owner ?? null
  const canEdit =
    !!address && (same(owner, address) || (view?.collaborators ?? []).some((c) => same(c, address)))
  const base = view?.version ?? 0
  const edit = current.session
  const exhibits = view?.exhibits ?? []
  const mb = Math.round(exhibits.length * TEXTURE_MB_PER_EXHIBIT * 10) / 10
  return (
    <section className="wallet-section" data-testid={`space-${space.id}`}>
      <div className="wallet-section-head">
        <h3>{space.title[lang]}</h3>
        <small className="muted">
          {!owner
            ? t('spaces.free')
            : same(owner, address)
              ? t('spaces.yours')
              : canEdit
                ? t('spaces.collab')
                : `${t('spaces.ownedBy')} ${shortAddress(owner)}`}
          {owner ? ` · ${fill(t('spaces.version'), { v: base })}` : ''}
        </small>
      </div>
      {!owner && address && (
        <button
          className="btn primary"
          data-testid="claim"
          onClick={() => void run(() => edit?.editSpace('space.claim', { space: space.id }))}
        >
          {t('spaces.claim')}
        </button>
      )}
      {canEdit && (
        <>
          <p className="muted small" data-testid="budget">
            {fill(t('spaces.budget'), {
              n: exhibits.length,
              max: space.limits.exhibits,
              mb: mb,
              maxMb: space.limits.textureMB,
            })}
          </p>
          <meter
            min={0}
            max={space.limits.exhibits}
            value={exhibits.length}
            aria-label={t('spaces.budget')}
          />
          {view && (
            <ShowMode
              space={space}
              view={view}
              isOwner={same(owner, address)}
              onChange={(mode) =>
                void run(() => edit?.editSpace('space.mode', { space: space.id, mode }))
              }
            />
          )}
          <ul className="space-slots">
            {space.slots.map((slot) => {
              const there = exhibits.find(
                (e) => e.placement.kind === 'slot' && e.placement.slot === slot.id,
              )
              return (
                <li key={slot.id} data-testid={`slot-${slot.id}`}>
                  <span className="muted small">
                    {t('spaces.slot')} {slot.id} · {t(`spaces.${slot.kind}`)}
                  </span>{' '}
                  {there ? (
                    <>
                      <strong>{there.title}</strong>
                      {there.hidden && <em className="muted"> · {t('spaces.hidden')}</em>}{' '}
                      <button
                        className="btn"
                        data-testid="remove"
                        onClick={() =>
                          void run(() =>
                            edit?.editSpace('space.remove', {
                              space: space.id,
                              base,
                              id: there.id,
                            }),
                          )
                        }
                      >
                        {t('spaces.remove')}
                      </button>{' '}
                      <button
                        className="btn"
                        data-testid="arrange"
                        onClick={() => arrange(space, there)}
                      >
                        {t('spaces.arrange')}
                      </button>
                    </>
                  ) : (
                    <ChooseCollectible
                      action={t('spaces.place')}
                      testIds={{ select: 'choose', button: 'place' }}
                      onChoose={(c) =>
                        void run(() =>
                          edit?.editSpace('space.place', {
                            space: space.id,
                            base,
                            token: { chainId: c.chainId, contract: c.contract, tokenId: c.tokenId },
                            placement: { kind: 'slot', slot: slot.id },
                          }),
                        )
                      }
                    />
                  )}
                </li>
              )
            })}
          </ul>
          <Suspense fallback={null}>
            <FreePlacements space={space} view={view} run={run} />
          </Suspense>
          {base > 1 && (
            <button
              className="btn"
              data-testid="undo"
              onClick={() =>
                void run(() =>
                  edit?.editSpace('space.restore', { space: space.id, version: base - 1 }),
                )
              }
            >
              {t('spaces.undo')}
            </button>
          )}
          {view && <SpaceHistory space={space} view={view} run={run} />}
          {same(owner, address) && (
            <button
              className="btn"
              data-testid="release"
              onClick={() => {
                if (!releasing) return setReleasing(true)
                setReleasing(false)
                void run(() => edit?.editSpace('space.release', { space: space.id }))
              }}
              onBlur={() => setReleasing(false)}
            >
              {t(releasing ? 'spaces.releaseSure' : 'spaces.release')}
            </button>
          )}
          {view && (
            <SpaceCollaborators
              space={space}
              view={view}
              isOwner={same(owner, address)}
              run={run}
            />
          )}
        </>
      )}
    </section>
  )
}
