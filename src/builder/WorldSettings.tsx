// The builder world's settings (owner and builders): draft or published, the builders (the owner
// invites them by wallet address), and the saved versions, any of which can be made the newest
// again (the room sends everyone the restored grid).
import { useCallback, useEffect, useState } from 'react'
import { Dialog } from '../app/Dialog'
import { shortAddress } from '../app/format'
import { CopyButton } from '../wallet/CollectibleDetail'
import { pick, useT } from '../i18n'
import { ApiError } from '../net/api'
import { useSettings } from '../state/settings'
import { useWorld } from '../state/world'
import { useWallet } from '../wallet/store'
import { builderApi, type WorldVersionInfo } from './api'
import { current } from './current'
import { RemovableList } from './Field'
import { useBuilder } from './store'

/** The address that opens the world directly (src/app/router.ts), to send to builders and visitors. */
function worldLink(worldId: string): string {
  const url = new URL('/', location.href)
  url.searchParams.set('world', worldId)
  return url.href
}

export function WorldSettings() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const card = useBuilder((s) => s.card)
  const pois = useWorld((s) => s.scene?.pois ?? [])
  const portals = useWorld((s) => s.scene?.portals ?? [])
  const plots = useWorld((s) => s.scene?.spaces ?? [])
  const stages = useWorld((s) => s.scene?.stages ?? [])
  const token = useWallet((s) => s.session?.token)
  const [address, setAddress] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [versions, setVersions] = useState<WorldVersionInfo[] | null>(null)
  const close = () => useBuilder.getState().setSettingsOpen(false)

  const refresh = useCallback(() => {
    if (!card || !token) return
    builderApi.versions(card.worldId, token).then(
      (v) => setVersions(v.versions),
      () => setVersions([]),
    )
  }, [card, token])
  useEffect(refresh, [refresh])

  if (!card) return null
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setProblem(null)
    try {
      await work()
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  const publish = (published: boolean) =>
    act(async () => {
      const next = await builderApi.publish(card.worldId, published, token!)
      useBuilder.getState().setCard(next)
    })
  const invite = (who: string, add: boolean) =>
    act(async () => {
      const next = await builderApi.builder(card.worldId, who.trim(), add, token!)
      useBuilder.getState().setCard(next)
      if (add) setAddress('')
    })

  return (
    <Dialog
      title={pick(card.title, lang)}
      onClose={close}
      closeLabel={t('builder.close')}
      className="builder-settings"
      testId="builder-settings-dialog"
    >
      <p data-testid="builder-world-status">
        {card.status === 'published' ? t('builder.published') : t('builder.draft')}
      </p>
      {card.isOwner && (
        <button
          className="btn primary"
          disabled={busy}
          data-testid="builder-publish"
          onClick={() => void publish(card.status !== 'published')}
        >
          {card.status === 'published' ? t('builder.unpublish') : t('builder.publish')}
        </button>
      )}
      <h3>{t('builder.link')}</h3>
      <p className="builder-link">
        <code data-testid="builder-link">{worldLink(card.worldId)}</code>
        <CopyButton text={worldLink(card.worldId)} label={t('builder.copyLink')} />
      </p>
      <p className="builder-note">
        {card.status === 'published' ? t('builder.linkPublished') : t('builder.linkDraft')}
      </p>
      <h3>{t('builder.builders')}</h3>
      <ul className="builder-list">
        <li>{shortAddress(card.owner)} ★</li>
        {card.builders.map((b) => (
          <li key={b}>
            {shortAddress(b)}
            {card.isOwner && (
              <button className="btn" disabled={busy} onClick={() => void invite(b, false)}>
                {t('builder.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {card.isOwner && (
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault()
            void invite(address, true)
          }}
        >
          <label htmlFor="builder-invite">{t('builder.invite')}</label>
          <input
            id="builder-invite"
            type="text"
            value={address}
            spellCheck={false}
            autoComplete="off"
            placeholder="0x…"
            data-testid="builder-invite-address"
            onChange={(e) => setAddress(e.target.value)}
          />
          <button className="btn" disabled={busy || !address.trim()} data-testid="builder-invite">
            {t('builder.inviteButton')}
          </button>
        </form>
      )}
      {problem && (
        <p role="alert" className="builder-problem">
          {problem}
        </p>
      )}
      <button
        className="btn"
        disabled={busy}
        onClick={() =>
          void act(async () => {
            const blob = await builderApi.exportFile(card.worldId, token!)
            const a = document.createElement('a')
            a.href = URL.createObjectURL(blob)
            a.download = `${card.worldId}.json`
            a.click()
            setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
          })
        }
      >
        {t('builder.export')}
      </button>
      <h3>{t('builder.poi.list')}</h3>
      <RemovableList
        items={pois}
        testId="builder-pois"
        show={(p) => pick(p.title, lang)}
        removeLabel={t('builder.remove')}
        onRemove={(p) => current.session?.send('build.poi', { action: 'remove', id: p.id })}
      />
      <h3>{t('builder.portal.list')}</h3>
      <RemovableList
        items={portals}
        testId="builder-portals"
        show={(p) => `${pick(p.label, lang)} → ${p.to}`}
        removeLabel={t('builder.remove')}
        onRemove={(p) => current.session?.send('build.portal', { action: 'remove', id: p.id })}
      />
      <h3>{t('builder.plot.list')}</h3>
      <RemovableList
        items={plots}
        testId="builder-plots"
        show={(p) => pick(p.title, lang)}
        removeLabel={t('builder.remove')}
        onRemove={(p) => current.session?.send('build.plot', { action: 'remove', id: p.id })}
      />
      <h3>{t('builder.stage.list')}</h3>
      <RemovableList
        items={stages}
        testId="builder-stages"
        show={(p) => pick(p.title, lang)}
        removeLabel={t('builder.remove')}
        onRemove={(p) => current.session?.send('build.stage', { action: 'remove', id: p.id })}
      />
      <h3>{t('builder.versions')}</h3>
      <ul className="builder-list" data-testid="builder-versions">
        {(versions ?? []).map((v) => (
          <li key={v.version}>
            <span>
              v{v.version} · {v.note} · {new Date(v.createdAt).toLocaleString(lang)}
            </span>
            {v.version !== card.version && (
              <button
                className="btn"
                onClick={() => {
                  current.session?.send('build.restore', { version: v.version })
                  close()
                }}
              >
                {t('builder.restore')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  )
}
