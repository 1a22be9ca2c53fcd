import { describe, expect, it } from 'vitest'
import { EVENT_LIMITS } from '../protocol/events'
import { emptyForm, fieldOfPath, formToDraft, parseLocalDateTime, toLocalInput } from './draft'

const NOW = new Date(2026, 2, 3, 10, 7).getTime()

describe('create-event form', () => {
  it('reads datetime-local values in the local time zone and writes them back', () => {
    const ms = parseLocalDateTime('2026-03-03T19:30')
    expect(ms).toBe(new Date(2026, 2, 3, 19, 30).getTime())
    expect(toLocalInput(ms)).toBe('2026-03-03T19:30')
    expect(parseLocalDateTime('2026-02-31T10:00')).toBeNaN()
    expect(parseLocalDateTime('tomorrow')).toBeNaN()
    expect(parseLocalDateTime('')).toBeNaN()
  })

  it('starts a fresh form at the next quarter hour at least 10 minutes away, for an hour', () => {
    const f = emptyForm(NOW, 'cangqiong', 'lake')
    expect(f.start).toBe('2026-03-03T10:30')
    expect(f.end).toBe('2026-03-03T11:30')
    expect(f.capacity).toBe(String(EVENT_LIMITS.capacity.default))
  })

  it('turns a filled form into an EventDraft', () => {
    const f = {
      ...emptyForm(NOW, 'cangqiong', 'lake'),
      titleZh: ' 湖畔音乐会 ',
      titleEn: '',
      descriptionEn: 'Songs by the lake',
      capacity: '50',
    }
    const r = formToDraft(f, NOW)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.draft).toEqual({
      title: { 'zh-CN': '湖畔音乐会', en: '' },
      description: { 'zh-CN': '', en: 'Songs by the lake' },
      world: 'cangqiong',
      stage: 'lake',
      startsAt: new Date(2026, 2, 3, 10, 30).getTime(),
      endsAt: new Date(2026, 2, 3, 11, 30).getTime(),
      capacity: 50,
    })
  })

  it('ties every problem to its field', () => {
    const r = formToDraft(
      {
        ...emptyForm(NOW),
        start: '2026-03-03T12:00',
        end: '2026-03-03T11:00',
        capacity: '1',
      },
      NOW,
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toEqual({
      titleZh: 'events.err.title',
      world: 'events.err.world',
      stage: 'events.err.stage',
      end: 'events.err.endBeforeStart',
      capacity: 'events.err.capacity',
    })
  })

  it('refuses a start in the past, more than a year ahead, or an event longer than a day', () => {
    const base = { ...emptyForm(NOW, 'cangqiong', 'lake'), titleEn: 'x' }
    const past = formToDraft({ ...base, start: '2026-03-03T09:00', end: '2026-03-03T11:00' }, NOW)
    expect(!past.ok && past.errors.start).toBe('events.err.past')
    const far = formToDraft({ ...base, start: '2027-06-01T09:00', end: '2027-06-01T11:00' }, NOW)
    expect(!far.ok && far.errors.start).toBe('events.err.tooFar')
    const long = formToDraft({ ...base, start: '2026-03-04T09:00', end: '2026-03-05T11:00' }, NOW)
    expect(!long.ok && long.errors.end).toBe('events.err.tooLongEvent')
    const tooLong = formToDraft({ ...base, titleEn: 'x'.repeat(81) }, NOW)
    expect(!tooLong.ok && tooLong.errors.titleEn).toBe('events.err.tooLong')
  })

  it('maps server paths to fields', () => {
    expect(fieldOfPath(['title', 'en'])).toBe('titleEn')
    expect(fieldOfPath(['startsAt'])).toBe('start')
    expect(fieldOfPath(['endsAt'])).toBe('end')
    expect(fieldOfPath(['stage'])).toBe('stage')
    expect(fieldOfPath(['nonsense'])).toBeNull()
  })
})
