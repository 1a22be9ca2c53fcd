// The create-event form as plain data, and its conversion into an EventDraft the server accepts:
// datetime-local text read in the visitor's time zone, the protocol's EventDraft schema applied,
// and every problem tied to the form field it belongs to (as a string key the form translates).
import { EVENT_LIMITS, EventDraft } from '../protocol/events'

export interface EventForm {
  titleZh: string
  titleEn: string
  descriptionZh: string
  descriptionEn: string
  world: string
  stage: string
  /** datetime-local values: "YYYY-MM-DDTHH:mm" in the visitor's time zone. */
  start: string
  end: string
  capacity: string
}

export type FormField = keyof EventForm

/** Problems by field, as i18n keys (events.err.*). */
export type FormErrors = Partial<Record<FormField, string>>

/** A start slightly in the past still passes (the form was filled in a while ago). */
const PAST_SLACK_MS = 5 * 60_000

/** "YYYY-MM-DDTHH:mm[:ss]" as a local time, ms since the epoch; NaN when malformed. */
export function parseLocalDateTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim())
  if (!m) return NaN
  const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => Number(v ?? 0)) as number[]
  const date = new Date(y!, mo! - 1, d!, h!, mi!, sec ?? 0, 0)
  // new Date rolls 2026-02-31 over into March: refuse what does not round-trip.
  if (date.getMonth() !== mo! - 1 || date.getDate() !== d) return NaN
  return date.getTime()
}

/** ms since the epoch as a datetime-local value in the visitor's time zone (minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

/** A fresh form: starting at the next quarter hour at least 10 minutes away, lasting an hour. */
export function emptyForm(now: number, world = '', stage = ''): EventForm {
  const q = 15 * 60_000
  const start = Math.ceil((now + 10 * 60_000) / q) * q
  return {
    titleZh: '',
    titleEn: '',
    descriptionZh: '',
    descriptionEn: '',
    world,
    stage,
    start: toLocalInput(start),
    end: toLocalInput(start + 3_600_000),
    capacity: String(EVENT_LIMITS.capacity.default),
  }
}

const FIELD_OF: Record<string, FormField> = {
  world: 'world',
  stage: 'stage',
  startsAt: 'start',
  endsAt: 'end',
  capacity: 'capacity',
}

/** Which form field a draft path (as the schema or the server reports it) belongs to. */
export function fieldOfPath(path: readonly PropertyKey[]): FormField | null {
  const [head, sub] = path
  if (head === 'title') return sub === 'en' ? 'titleEn' : 'titleZh'
  if (head === 'description') return sub === 'en' ? 'descriptionEn' : 'descriptionZh'
  return typeof head === 'string' ? (FIELD_OF[head] ?? null) : null
}

export type DraftResult = { ok: true; draft: EventDraft } | { ok: false; errors: FormErrors }

/** Checks the form and builds the draft; `now` is the visitor's clock (ms). */
export function formToDraft(form: EventForm, now: number): DraftResult {
  const errors: FormErrors = {}
  const startsAt = parseLocalDateTime(form.start)
  const endsAt = parseLocalDateTime(form.end)
  const capacity = Number(form.capacity)
  if (!form.titleZh.trim() && !form.titleEn.trim()) errors.titleZh = 'events.err.title'
  if (form.titleZh.trim().length > EVENT_LIMITS.titleChars) errors.titleZh = 'events.err.tooLong'
  if (form.titleEn.trim().length > EVENT_LIMITS.titleChars) errors.titleEn = 'events.err.tooLong'
  if (!form.world) errors.world = 'events.err.world'
  if (!form.stage) errors.stage = 'events.err.stage'
  if (!Number.isFinite(startsAt)) errors.start = 'events.err.time'
  else if (startsAt < now - PAST_SLACK_MS) errors.start = 'events.err.past'
  else if (startsAt - now > EVENT_LIMITS.maxAheadMs) errors.start = 'events.err.tooFar'
  if (!Number.isFinite(endsAt)) errors.end = 'events.err.time'
  if (
    !form.capacity.trim() ||
    !Number.isInteger(capacity) ||
    capacity < EVENT_LIMITS.capacity.min ||
    capacity > EVENT_LIMITS.capacity.max
  )
    errors.capacity = 'events.err.capacity'

  const candidate = {
    title: { 'zh-CN': form.titleZh.trim(), en: form.titleEn.trim() },
    description: { 'zh-CN': form.descriptionZh.trim(), en: form.descriptionEn.trim() },
    world: form.world,
    stage: form.stage,
    startsAt: Number.isFinite(startsAt) ? startsAt : 1,
    endsAt: Number.isFinite(endsAt) ? endsAt : 1,
    capacity: Number.isFinite(capacity) ? capacity : 0,
  }
  const parsed = EventDraft.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path)
      if (!field || errors[field]) continue
      errors[field] = keyForIssue(field, issue.message)
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    if (Object.keys(errors).length === 0) errors.titleZh = 'events.err.invalid'
    return { ok: false, errors }
  }
  return { ok: true, draft: parsed.data }
}

function keyForIssue(field: FormField, message: string): string {
  switch (field) {
    case 'titleZh':
    case 'titleEn':
      return /at least one/.test(message) ? 'events.err.title' : 'events.err.tooLong'
    case 'descriptionZh':
    case 'descriptionEn':
      return 'events.err.tooLong'
    case 'end':
      return /at most a day/.test(message) ? 'events.err.tooLongEvent' : 'events.err.endBeforeStart'
    case 'capacity':
      return 'events.err.capacity'
    case 'world':
      return 'events.err.world'
    case 'stage':
      return 'events.err.stage'
    default:
      return 'events.err.time'
  }
}
