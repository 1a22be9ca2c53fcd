// The owner's side of a creator space in the spaces panel: the layout's version history (who
// changed what, when) with "restore this version", and the collaborators who may exhibit in it.
// Restoring makes a new version, so nothing is ever lost; only the owner adds or removes
// collaborators, and the server checks both.
import { useEffect, useState } from 'react'
import { fill, shortAddress } from '../app/format'
import { addStrings, useT } from '../i18n'
import { current, type SpaceEditResult } from './current'
import type { LayoutVersionInfo } from '../protocol/messages'
import type { Space } from '../protocol/scene'
import type { SpaceView } from './store'
import { useSettings } from '../state/settings'

addStrings({
  'spaces.history': { 'zh-CN': '版本历史', en: 'Version history' },
  'spaces.history.loading': { 'zh-CN': '正在读取…', en: 'Loading…' },
  'spaces.history.current': { 'zh-CN': '当前', en: 'current' },
  'spaces.history.restore': { 'zh-CN': '恢复此版本', en: 'Restore this version' },
  'spaces.history.count': { 'zh-CN': '{n} 件展品', en: '{n} exhibits' },
  'spaces.history.count1': { 'zh-CN': '1 件展品', en: '1 exhibit' },
  'spaces.history.empty': { 'zh-CN': '还没有布展记录', en: 'Nothing exhibited yet' },
  'spaces.note.place': { 'zh-CN': '展出', en: 'placed' },
  'spaces.note.move': { 'zh-CN': '移动', en: 'moved' },
  'spaces.note.remove': { 'zh-CN': '撤下', en: 'removed' },
  'spaces.note.restore': { 'zh-CN': '恢复到版本 {v}', en: 'restored version {v}' },
  'spaces.collaborators': { 'zh-CN': '协作者', en: 'Collaborators' },
  'spaces.collaborators.none': {
    'zh-CN': '还没有协作者：他们可以展出自己拥有的藏品。',
    en: 'No collaborators yet: they can exhibit collectibles they own here.',
  },
  'spaces.collaborators.address': { 'zh-CN': '钱包地址 0x…', en: 'Wallet address 0x…' },
  'spaces.collaborators.add': { 'zh-CN': '添加', en: 'Add' },
  'spaces.collaborators.remove': { 'zh-CN': '移除', en: 'Remove' },
  'spaces.collaborators.bad': {
    'zh-CN': '请输入 0x 开头的 40 位十六进制地址',
    en: 'Enter an address: 0x and 40 hex digits',
  },
})

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

type Run = (edit: () => Promise<SpaceEditResult> | undefined) => Promise<void>

/** "placed", "restored version 3": what a version's note says, in the visitor's language. */
function noteText(t: (key: string) => string, note: string): string {
  const restore = /^restore:(\d+)$/.exec(note)
  if (restore) return fill(t('spaces.note.restore'), { v: restore[1]! })
  const key = `spaces.note.${note}`
  const text = t(key)
  return text === key ? note : text
}

export function SpaceHistory({ space, view, run }: { space: Space; view: SpaceView; run: Run }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const [open, setOpen] = useState(false)
  const [list, setList] = useState<LayoutVersionInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Read while open, and again whenever the layout changes (someone edited, or we restored).
  useEffect(() => {
    if (!open) return
    let live = true
    const session = current.session
    if (!session) {
      setError('offline')
      return
    }
    void session.editSpace('space.history', { space: space.id }).then((r) => {
      if (!live) return
      if (r.ok) {
        setList(r.versions ?? [])
        setError(null)
      } else setError(r.message)
    })
    return () => {
      live = false
    }
  }, [open, space.id, view.version])

  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' })
  return (
    <details
      className="space-admin"
      data-testid="history"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>{t('spaces.history')}</summary>
      {error && <p className="wallet-error small">{error}</p>}
      {!list && !error && <p className="muted small">{t('spaces.history.loading')}</p>}
      {list?.length === 0 && <p className="muted small">{t('spaces.history.empty')}</p>}
      {list && list.length > 0 && (
        <ol className="space-history">
          {list.map((v) => (
            <li key={v.version} data-testid={`version-${v.version}`}>
              <span>
                <strong>v{v.version}</strong> · {noteText(t, v.note)} ·{' '}
                {v.count === 1
                  ? t('spaces.history.count1')
                  : fill(t('spaces.history.count'), { n: v.count })}
                <br />
                <small className="muted">
                  {time.format(v.at)} · <code title={v.by}>{shortAddress(v.by)}</code>
                </small>
              </span>
              {v.version === view.version ? (
                <em className="muted small">{t('spaces.history.current')}</em>
              ) : (
                <button
                  className="btn small"
                  data-testid="restore"
                  onClick={() =>
                    void run(() =>
                      current.session?.editSpace('space.restore', {
                        space: space.id,
                        version: v.version,
                      }),
                    )
                  }
                >
                  {t('spaces.history.restore')}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  )
}

export function SpaceCollaborators({
  space,
  view,
  isOwner,
  run,
}: {
  space: Space
  view: SpaceView
  isOwner: boolean
  run: Run
}) {
  const t = useT()
  const [address, setAddress] = useState('')
  const valid = ADDRESS.test(address.trim())
  const send = (who: string, add: boolean) =>
    run(() =>
      current.session?.editSpace('space.collaborator', { space: space.id, address: who, add }),
    )
  return (
    <details className="space-admin" data-testid="collaborators">
      <summary>
        {t('spaces.collaborators')} ({view.collaborators.length})
      </summary>
      {view.collaborators.length === 0 && (
        <p className="muted small">{t('spaces.collaborators.none')}</p>
      )}
      <ul className="space-collaborators">
        {view.collaborators.map((c) => (
          <li key={c}>
            <code title={c}>{shortAddress(c)}</code>
            {isOwner && (
              <button className="btn small" onClick={() => void send(c, false)}>
                {t('spaces.collaborators.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {isOwner && (
        <form
          className="space-place"
          onSubmit={(e) => {
            e.preventDefault()
            if (!valid) return
            void send(address.trim(), true).then(() => setAddress(''))
          }}
        >
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            placeholder={t('spaces.collaborators.address')}
            aria-label={t('spaces.collaborators.address')}
            aria-invalid={address !== '' && !valid}
            spellCheck={false}
            autoComplete="off"
            data-testid="collaborator-address"
          />{' '}
          <button className="btn" type="submit" disabled={!valid} data-testid="collaborator-add">
            {t('spaces.collaborators.add')}
          </button>
          {address !== '' && !valid && (
            <small className="muted"> {t('spaces.collaborators.bad')}</small>
          )}
        </form>
      )}
    </details>
  )
}
