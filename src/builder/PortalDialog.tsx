// A new portal, where the builder clicked with the portal tool: the world it leads to (a built-in
// world, one of the builder's own worlds, or any world's link pasted from the directory) and its
// label in Chinese and English, filled in from the destination's name. Sent to the room, which
// checks that the world exists and shows the portal to everyone.
import { useEffect, useState } from 'react'
import { Dialog } from '../app/Dialog'
import { pick, useT } from '../i18n'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useWallet } from '../wallet/store'
import { loadCatalog } from '../world/loadScene'
import { builderApi } from './api'
import { current } from './current'
import { TextField } from './Field'
import { useBuilder } from './store'

interface Destination {
  id: string
  name: { 'zh-CN': string; en: string }
  group: 'builtIn' | 'mine'
}

/** A world id from a pasted link (`…?world=<id>`) or an id typed as it is. */
export function worldIdOf(text: string): string | null {
  const trimmed = text.trim()
  let id = trimmed
  try {
    id = new URL(trimmed).searchParams.get('world') ?? ''
  } catch {
    // Not a link: the id itself.
  }
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(id) ? id : null
}

export function PortalDialog({ at }: { at: [number, number, number] }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const here = useWorld((s) => s.worldId)
  const token = useWallet((s) => s.session?.token)
  const [destinations, setDestinations] = useState<Destination[]>([])
  const [to, setTo] = useState('')
  const [link, setLink] = useState('')
  const [label, setLabel] = useState({ zh: '', en: '' })
  const close = () => useBuilder.getState().setPortalDraft(null)

  useEffect(() => {
    const ctl = new AbortController()
    const builtIn = loadCatalog(ctl.signal).then(
      (list) => list.map((w): Destination => ({ id: w.id, name: w.name, group: 'builtIn' })),
      () => [],
    )
    const mine = token
      ? builderApi.mine(token, ctl.signal).then(
          (r) =>
            r.worlds.map((w): Destination => ({ id: w.worldId, name: w.title, group: 'mine' })),
          () => [],
        )
      : Promise.resolve([])
    void Promise.all([builtIn, mine]).then(([a, b]) => {
      if (!ctl.signal.aborted) setDestinations([...a, ...b].filter((d) => d.id !== here))
    })
    return () => ctl.abort()
  }, [token, here])

  const choose = (id: string) => {
    setTo(id)
    const d = destinations.find((x) => x.id === id)
    if (d) setLabel({ zh: d.name['zh-CN'], en: d.name.en })
  }
  const target = link.trim() ? worldIdOf(link) : to || null
  const group = (g: Destination['group']) => destinations.filter((d) => d.group === g)

  return (
    <Dialog
      title={t('builder.portal.title')}
      onClose={close}
      closeLabel={t('builder.close')}
      className="builder-settings"
      testId="builder-portal-dialog"
    >
      <form
        className="builder-poi"
        onSubmit={(e) => {
          e.preventDefault()
          if (!target) return
          const sent = current.session?.send('build.portal', {
            action: 'set',
            to: target,
            label: { 'zh-CN': label.zh, en: label.en },
            position: at,
          })
          if (!sent) useBuilder.getState().setProblem('not connected: the portal was not added')
          close()
        }}
      >
        <label className="builder-field">
          <span>{t('builder.portal.to')}</span>
          <select
            value={to}
            data-testid="builder-portal-to"
            onChange={(e) => choose(e.target.value)}
          >
            <option value="">…</option>
            {(['builtIn', 'mine'] as const).map(
              (g) =>
                group(g).length > 0 && (
                  <optgroup key={g} label={t(`builder.portal.${g}`)}>
                    {group(g).map((d) => (
                      <option key={d.id} value={d.id}>
                        {pick(d.name, lang)}
                      </option>
                    ))}
                  </optgroup>
                ),
            )}
          </select>
        </label>
        <label className="builder-field">
          <span>{t('builder.portal.link')}</span>
          <input
            type="text"
            value={link}
            spellCheck={false}
            autoComplete="off"
            placeholder="https://…?world=…"
            aria-invalid={link.trim() !== '' && !worldIdOf(link)}
            onChange={(e) => setLink(e.target.value)}
          />
        </label>
        <TextField
          label={t('builder.portal.labelZh')}
          value={label.zh}
          maxLength={40}
          onChange={(zh) => setLabel({ ...label, zh })}
        />
        <TextField
          label={t('builder.portal.labelEn')}
          value={label.en}
          maxLength={40}
          onChange={(en) => setLabel({ ...label, en })}
        />
        <button className="btn primary" disabled={!target} data-testid="builder-portal-add">
          {t('builder.portal.add')}
        </button>
      </form>
    </Dialog>
  )
}
