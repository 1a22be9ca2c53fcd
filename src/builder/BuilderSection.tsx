// The start page's "Build your world" section: the worlds the signed-in wallet owns or builds
// (drafts included), and a form that makes a new one from a template. Signed out, it offers the
// wallet. A new world opens at once, in build mode.
import { useEffect, useState } from 'react'
import { openWorld } from '../app/router'
import { pick, useT } from '../i18n'
import { ApiError } from '../net/api'
import { useSettings } from '../state/settings'
import { useWallet } from '../wallet/store'
import { WalletPanelHost } from '../wallet/WalletButton'
import { builderApi, type Template, type WorldCard } from './api'
import { BuilderDirectory } from './BuilderDirectory'
import './builder.css'

export function BuilderSection() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const token = useWallet((s) => s.session?.token)
  const [templates, setTemplates] = useState<Template[]>([])
  const [mine, setMine] = useState<WorldCard[] | null>(null)
  const [template, setTemplate] = useState('village')
  const [titleZh, setTitleZh] = useState('')
  const [titleEn, setTitleEn] = useState('')
  const [region, setRegion] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [walletHere, setWalletHere] = useState(false)
  const [kind, setKind] = useState('village')

  useEffect(() => {
    const ctl = new AbortController()
    builderApi.templates(ctl.signal).then(
      (r) => setTemplates(r.templates),
      () => {},
    )
    return () => ctl.abort()
  }, [])
  useEffect(() => {
    setMine(null)
    if (!token) return
    const ctl = new AbortController()
    builderApi.mine(token, ctl.signal).then(
      (r) => setMine(r.worlds),
      () => setMine([]),
    )
    return () => ctl.abort()
  }, [token])

  /** A scene file brings its names; a height map takes the form's (and the kind above). */
  const importFile = async (file: File) => {
    if (!token) return
    setBusy(true)
    setProblem(null)
    try {
      const card = await builderApi.importFile(file, { kind, region, titleZh, titleEn }, token)
      openWorld(card.worldId)
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  const create = async () => {
    if (!token) return
    setBusy(true)
    setProblem(null)
    try {
      const card = await builderApi.create(
        { template, region, title: { 'zh-CN': titleZh, en: titleEn } },
        token,
      )
      openWorld(card.worldId)
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      className="builder-section"
      aria-labelledby="builder-section-title"
      data-testid="builder-section"
    >
      <h2 id="builder-section-title">{t('builder.section')}</h2>
      <p>{t('builder.section.intro')}</p>
      <BuilderDirectory />
      {!token ? (
        <button
          className="btn"
          data-testid="builder-sign-in"
          onClick={() => {
            setWalletHere(true)
            useWallet.getState().openWallet()
          }}
        >
          {t('builder.signIn')}
        </button>
      ) : (
        <>
          <h3>{t('builder.mine')}</h3>
          {mine && mine.length === 0 && <p>{t('builder.none')}</p>}
          <ul className="builder-list" data-testid="builder-mine">
            {(mine ?? []).map((w) => (
              <li key={w.worldId}>
                <span>
                  {pick(w.title, lang)} · {t(`builder.kind.${w.kind}`)} · {w.region} ·{' '}
                  {t(`builder.status.${w.status}`)}
                </span>
                <button className="btn" onClick={() => openWorld(w.worldId)}>
                  {t('builder.open')}
                </button>
              </li>
            ))}
          </ul>
          <h3>{t('builder.create')}</h3>
          <form
            className="builder-create"
            data-testid="builder-create"
            onSubmit={(e) => {
              e.preventDefault()
              void create()
            }}
          >
            <div className="builder-field">
              <label htmlFor="builder-template">{t('builder.template')}</label>
              <select
                id="builder-template"
                value={template}
                onChange={(e) => setTemplate(e.target.value)}
              >
                {templates.map((tp) => (
                  <option key={tp.id} value={tp.id}>
                    {pick(tp.name, lang)}
                  </option>
                ))}
              </select>
            </div>
            <div className="builder-field">
              <label htmlFor="builder-title-zh">{t('builder.titleZh')}</label>
              <input
                id="builder-title-zh"
                type="text"
                required
                maxLength={48}
                value={titleZh}
                onChange={(e) => setTitleZh(e.target.value)}
              />
            </div>
            <div className="builder-field">
              <label htmlFor="builder-title-en">{t('builder.titleEn')}</label>
              <input
                id="builder-title-en"
                type="text"
                required
                maxLength={48}
                value={titleEn}
                onChange={(e) => setTitleEn(e.target.value)}
              />
            </div>
            <div className="builder-field">
              <label htmlFor="builder-region">{t('builder.region')}</label>
              <input
                id="builder-region"
                type="text"
                required
                maxLength={32}
                value={region}
                onChange={(e) => setRegion(e.target.value)}
              />
            </div>
            <button className="btn primary" disabled={busy} data-testid="builder-create-submit">
              {busy ? t('builder.creating') : t('builder.create')}
            </button>
            {problem && (
              <p role="alert" className="builder-problem">
                {problem}
              </p>
            )}
          </form>
          <div className="builder-create">
            <label className="builder-field">
              <span>{t('builder.kind')}</span>
              <select value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="village">{t('builder.kind.village')}</option>
                <option value="town">{t('builder.kind.town')}</option>
                <option value="scenic">{t('builder.kind.scenic')}</option>
              </select>
            </label>
            <label className="builder-field">
              <span>{t('builder.import')}</span>
              <input
                type="file"
                accept=".json,application/json,image/png"
                disabled={busy}
                data-testid="builder-import"
                onChange={(e) => {
                  const file = e.target.files?.[0]
                  if (file) void importFile(file)
                  e.target.value = ''
                }}
              />
            </label>
          </div>
        </>
      )}
      {walletHere && <WalletPanelHost />}
    </section>
  )
}
