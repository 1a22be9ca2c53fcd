// Published builder worlds, for everyone: search (Chinese, English or pinyin), filter by kind,
// newest or most visited now, a page at a time. A world opens with one click, and its link
// (`/?world=bw-…`) lands a new visitor in it directly.
import { useEffect, useState } from 'react'
import { fill } from '../app/format'
import { openWorld } from '../app/router'
import { pick, useT } from '../i18n'
import { ApiError } from '../net/api'
import { useSettings } from '../state/settings'
import { builderApi, type DirectoryEntry } from './api'

const PAGE = 12
/** Typing settles this long before the search is sent. */
const DEBOUNCE_MS = 250

export function BuilderDirectory() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const [q, setQ] = useState('')
  const [kind, setKind] = useState('')
  const [sort, setSort] = useState<'newest' | 'popular'>('newest')
  const [worlds, setWorlds] = useState<DirectoryEntry[]>([])
  const [total, setTotal] = useState<number | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    const ctl = new AbortController()
    const timer = setTimeout(() => {
      setBusy(true)
      builderApi.directory({ q: q.trim(), kind, sort, size: PAGE }, ctl.signal).then(
        (page) => {
          setWorlds(page.worlds)
          setTotal(page.total)
          setNext(page.next)
          setProblem(null)
          setBusy(false)
        },
        (e: unknown) => {
          if (ctl.signal.aborted) return
          setProblem(e instanceof ApiError ? e.message : String(e))
          setBusy(false)
        },
      )
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [q, kind, sort])

  const more = async () => {
    if (!next) return
    setBusy(true)
    try {
      const page = await builderApi.directory({ q: q.trim(), kind, sort, size: PAGE, cursor: next })
      setWorlds((w) => [...w, ...page.worlds])
      setNext(page.next)
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="builder-directory" data-testid="builder-directory">
      <h3>{t('builder.dir.title')}</h3>
      <div className="builder-filters">
        <label className="builder-field">
          <span>{t('builder.dir.search')}</span>
          <input
            type="search"
            value={q}
            maxLength={64}
            placeholder={t('builder.dir.placeholder')}
            data-testid="builder-search"
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <label className="builder-field">
          <span>{t('builder.dir.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('builder.dir.all')}</option>
            <option value="village">{t('builder.kind.village')}</option>
            <option value="town">{t('builder.kind.town')}</option>
            <option value="scenic">{t('builder.kind.scenic')}</option>
          </select>
        </label>
        <label className="builder-field">
          <span>{t('builder.dir.sort')}</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as 'newest' | 'popular')}>
            <option value="newest">{t('builder.dir.newest')}</option>
            <option value="popular">{t('builder.dir.popular')}</option>
          </select>
        </label>
      </div>
      <p role="status" aria-live="polite" className="builder-count">
        {problem ??
          (total === null
            ? ''
            : total === 1
              ? t('builder.dir.one')
              : fill(t('builder.dir.count'), { n: total }))}
      </p>
      <ul className="builder-list" aria-busy={busy} data-testid="builder-results">
        {worlds.map((w) => (
          <li key={w.worldId}>
            <img
              className="builder-thumb"
              src={`/api/builder/worlds/${w.worldId}/thumbnail?v=${w.thumbnailAt ?? 0}`}
              alt=""
              width={88}
              height={88}
              loading="lazy"
              onError={(e) => (e.currentTarget.style.visibility = 'hidden')}
            />
            <span className="builder-grow">
              <strong>{pick(w.title, lang)}</strong> · {t(`builder.kind.${w.kind}`)} · {w.region}
              {w.live > 0 && <> · {fill(t('builder.dir.live'), { n: w.live })}</>}
            </span>
            <a
              className="btn"
              href={`/?world=${w.worldId}`}
              onClick={(e) => {
                e.preventDefault()
                openWorld(w.worldId)
              }}
            >
              {t('builder.open')}
            </a>
          </li>
        ))}
      </ul>
      {next && (
        <button className="btn" disabled={busy} onClick={() => void more()}>
          {t('builder.dir.more')}
        </button>
      )}
    </div>
  )
}
