// The create-event form (signed-in wallets): titles and descriptions in both languages, world and
// stage (from the scenes' stages), start and end in the visitor's time zone, people per room.
// Checked against the protocol's EventDraft before sending; the server's refusal is shown as it
// comes, on the field it names when it names one.
import { useEffect, useId, useState, type ReactNode } from 'react'
import { fill } from '../app/format'
import { pick, useT } from '../i18n'
import { useDialog } from '../app/useDialog'
import { EVENT_LIMITS } from '../protocol/events'
import type { Stage } from '../protocol/scene'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWallet } from '../wallet/store'
import { useWorld } from '../state/world'
import { loadScene } from '../world/loadScene'
import { ApiError } from '../net/api'
import { eventsApi } from './api'
import { emptyForm, fieldOfPath, formToDraft, type EventForm, type FormErrors } from './draft'
import { rememberCreated, worldCatalog } from './EventsPanel'
import { eventTitle } from './list'
import './strings'
import './events.css'

interface WorldChoice {
  id: string
  name: { 'zh-CN': string; en: string }
  stages: Stage[]
}

let choices: Promise<WorldChoice[]> | null = null
/** Every world with its stages (each scene file read once per page). */
function worldChoices(): Promise<WorldChoice[]> {
  choices ??= worldCatalog()
    .then((list) =>
      Promise.all(
        list.map(async (w) => {
          try {
            const scene = await loadScene(w.id, () => {})
            return { id: w.id, name: w.name, stages: scene.stages }
          } catch {
            return { id: w.id, name: w.name, stages: [] }
          }
        }),
      ),
    )
    .catch((e: unknown) => {
      choices = null
      throw e
    })
  return choices
}

export function CreateEventDialog() {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const token = useWallet((s) => s.session?.token ?? null)
  const close = () => useUi.getState().closePanel('createEvent')
  const ref = useDialog<HTMLDivElement>(true, close)
  const [worlds, setWorlds] = useState<WorldChoice[] | null>(null)
  const [worldsFailed, setWorldsFailed] = useState(false)
  const [form, setForm] = useState<EventForm>(() => emptyForm(Date.now()))
  const [errors, setErrors] = useState<FormErrors>({})
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    worldChoices().then(
      (choices) => {
        let list = choices
        if (!live) return
        // The open world when it is not a scene file (a builder world), with its stages now.
        const open = useWorld.getState().scene
        if (open && open.stages.length > 0 && !list.some((w) => w.id === open.id))
          list = [{ id: open.id, name: open.name, stages: open.stages }, ...list]
        setWorlds(list)
        // Start with the open world when it has a stage, else the first world that has one.
        const here = useWorld.getState().worldId
        const first =
          list.find((w) => w.id === here && w.stages.length) ?? list.find((w) => w.stages.length)
        if (first)
          setForm((f) => (f.world ? f : { ...f, world: first.id, stage: first.stages[0]!.id }))
      },
      () => live && setWorldsFailed(true),
    )
    return () => {
      live = false
    }
  }, [])

  const set = (patch: Partial<EventForm>) => {
    setForm((f) => ({ ...f, ...patch }))
    const cleared = { ...errors }
    for (const k of Object.keys(patch)) delete cleared[k as keyof EventForm]
    setErrors(cleared)
  }
  const stages = worlds?.find((w) => w.id === form.world)?.stages ?? []
  const limits = { min: EVENT_LIMITS.capacity.min, max: EVENT_LIMITS.capacity.max }
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone

  const submit = async () => {
    if (busy) return
    const result = formToDraft(form, Date.now())
    if (!result.ok) {
      setErrors(result.errors)
      setStatus({ text: t('events.form.fix'), error: true })
      // Focus the first field with a problem.
      const first = Object.keys(result.errors)[0]
      ref.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus()
      return
    }
    if (!token) {
      setStatus({ text: t('events.signInToHost'), error: true })
      return
    }
    setBusy(true)
    setStatus({ text: t('events.form.busy'), error: false })
    try {
      const created = await eventsApi.create(result.draft, token)
      rememberCreated(created)
      setBusy(false)
      // Back to the events list where it came from (a world is open), else nothing stays open.
      if (useWorld.getState().worldId) useUi.getState().openPanel('events', 'createEvent')
      else useUi.getState().closePanel('createEvent', 'events')
      announceCreated(fill(t('events.created'), { title: eventTitle(created, lang) }))
    } catch (err) {
      setBusy(false)
      const e = err instanceof ApiError ? err : null
      const field = e?.field ? fieldOfPath([e.field]) : null
      if (field) setErrors({ [field]: '' })
      setStatus({
        text: fill(t('events.form.serverError'), { why: e?.message ?? String(err) }),
        error: true,
      })
    }
  }

  const error = (field: keyof EventForm) => {
    const key = errors[field]
    if (key === undefined) return null
    return key ? fill(t(key), limits) : ''
  }

  return (
    <div className="backdrop" onClick={(e) => e.target === e.currentTarget && close()}>
      {/* A form may not take the dialog role (ARIA in HTML): the dialog holds it, and the form
          lays out as if it were not there (display: contents). */}
      <div
        ref={ref}
        className="panel events-panel create-event"
        role="dialog"
        aria-modal="true"
        aria-labelledby="create-event-title"
        data-testid="create-event"
      >
        <form
          className="create-event-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void submit()
          }}
        >
          <header className="events-head">
            <h2 id="create-event-title">{t('events.form.title')}</h2>
            <button
              type="button"
              className="btn icon-btn"
              aria-label={t('events.close')}
              onClick={close}
            >
              ×
            </button>
          </header>
          <div className="events-body form-grid">
            <p className="events-muted small span-2">{t('events.form.titleHint')}</p>
            <Field label={t('events.form.titleZh')} error={error('titleZh')}>
              {(p) => (
                <input
                  {...p}
                  name="titleZh"
                  lang="zh-CN"
                  maxLength={EVENT_LIMITS.titleChars}
                  value={form.titleZh}
                  onChange={(e) => set({ titleZh: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('events.form.titleEn')} error={error('titleEn')}>
              {(p) => (
                <input
                  {...p}
                  name="titleEn"
                  lang="en"
                  maxLength={EVENT_LIMITS.titleChars}
                  value={form.titleEn}
                  onChange={(e) => set({ titleEn: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('events.form.descriptionZh')} error={error('descriptionZh')}>
              {(p) => (
                <textarea
                  {...p}
                  name="descriptionZh"
                  lang="zh-CN"
                  rows={2}
                  maxLength={EVENT_LIMITS.descriptionChars}
                  value={form.descriptionZh}
                  onChange={(e) => set({ descriptionZh: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('events.form.descriptionEn')} error={error('descriptionEn')}>
              {(p) => (
                <textarea
                  {...p}
                  name="descriptionEn"
                  lang="en"
                  rows={2}
                  maxLength={EVENT_LIMITS.descriptionChars}
                  value={form.descriptionEn}
                  onChange={(e) => set({ descriptionEn: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('events.form.world')}
              error={error('world')}
              hint={
                worldsFailed
                  ? t('events.form.worldsFailed')
                  : !worlds
                    ? t('events.form.loadingWorlds')
                    : undefined
              }
            >
              {(p) => (
                <select
                  {...p}
                  name="world"
                  value={form.world}
                  disabled={!worlds}
                  onChange={(e) => {
                    const w = worlds?.find((x) => x.id === e.target.value)
                    set({ world: e.target.value, stage: w?.stages[0]?.id ?? '' })
                  }}
                >
                  {!form.world && <option value="">—</option>}
                  {worlds?.map((w) => (
                    <option key={w.id} value={w.id}>
                      {pick(w.name, lang)}
                      {w.stages.length === 0 ? ` ${t('events.form.noStages')}` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('events.form.stage')} error={error('stage')}>
              {(p) => (
                <select
                  {...p}
                  name="stage"
                  value={form.stage}
                  disabled={stages.length === 0}
                  onChange={(e) => set({ stage: e.target.value })}
                >
                  {stages.length === 0 && <option value="">{t('events.form.noStages')}</option>}
                  {stages.map((s) => (
                    <option key={s.id} value={s.id}>
                      {pick(s.title, lang)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label={t('events.form.start')}
              error={error('start')}
              hint={fill(t('events.form.zone'), { zone })}
            >
              {(p) => (
                <input
                  {...p}
                  type="datetime-local"
                  name="start"
                  value={form.start}
                  onChange={(e) => set({ start: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('events.form.end')} error={error('end')}>
              {(p) => (
                <input
                  {...p}
                  type="datetime-local"
                  name="end"
                  value={form.end}
                  onChange={(e) => set({ end: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('events.form.capacity')}
              error={error('capacity')}
              hint={fill(t('events.form.capacityHint'), limits)}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  name="capacity"
                  inputMode="numeric"
                  min={limits.min}
                  max={limits.max}
                  value={form.capacity}
                  onChange={(e) => set({ capacity: e.target.value })}
                />
              )}
            </Field>
          </div>
          <footer className="events-foot">
            <p
              className={`small ${status?.error ? 'events-error-text' : 'events-muted'}`}
              role={status?.error ? 'alert' : 'status'}
              data-testid="create-status"
            >
              {status?.text}
            </p>
            <div className="actions">
              <button type="button" className="btn" onClick={close}>
                {t('events.form.cancel')}
              </button>
              <button
                type="submit"
                className="btn primary"
                data-testid="create-submit"
                disabled={busy}
              >
                {busy ? t('events.form.busy') : t('events.form.submit')}
              </button>
            </div>
          </footer>
        </form>
      </div>
    </div>
  )
}

interface FieldProps {
  id: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
}

/** A labelled control with its hint and error, tied together for screen readers. */
function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string
  /** null: fine; '': marked by the server without words; text: the problem. */
  error: string | null
  hint?: string
  children: (p: FieldProps) => ReactNode
}) {
  const id = useId()
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ')
  return (
    <div className={`form-field${error !== null ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error !== null, 'aria-describedby': described || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="events-muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-err`} className="events-error-text">
          {error}
        </small>
      )}
    </div>
  )
}

/** A short notice for screen readers and eyes after the form closes. */
function announceCreated(text: string) {
  const el = document.createElement('div')
  el.className = 'events-toast'
  el.setAttribute('role', 'status')
  el.dataset.testid = 'event-created'
  el.textContent = text
  document.body.appendChild(el)
  setTimeout(() => el.remove(), 5000)
}
