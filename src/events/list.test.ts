import { describe, expect, it } from 'vitest'
import type { EventInfo } from '../protocol/events'
import {
  eventLink,
  eventTitle,
  formatCount,
  relativeStart,
  sameEvents,
  sortEvents,
  timeRange,
} from './list'

const NOW = Date.UTC(2026, 2, 3, 10, 0)
const H = 3_600_000

function ev(id: string, patch: Partial<EventInfo> = {}): EventInfo {
  return {
    id: id.padEnd(12, '0'),
    title: { 'zh-CN': `活动${id}`, en: `Event ${id}` },
    description: { 'zh-CN': '', en: '' },
    world: 'cangqiong',
    stage: 'lake',
    startsAt: NOW + H,
    endsAt: NOW + 2 * H,
    capacity: 100,
    host: '0x' + '1'.repeat(40),
    performers: [],
    moderators: [],
    status: 'upcoming',
    attendance: 0,
    createdAt: NOW - H,
    ...patch,
  }
}

describe('events list', () => {
  it('puts live events first (most people first), then upcoming ones soonest first, without ended ones', () => {
    const list = [
      ev('later', { startsAt: NOW + 5 * H, endsAt: NOW + 6 * H }),
      ev('small', { status: 'live', attendance: 3, startsAt: NOW - H }),
      ev('ended', { status: 'ended' }),
      ev('past', { startsAt: NOW - 3 * H, endsAt: NOW - H }),
      ev('soon', { startsAt: NOW + 0.2 * H }),
      ev('big', { status: 'live', attendance: 1024, startsAt: NOW - H }),
    ]
    expect(sortEvents(list, NOW).map((e) => e.id.replace(/0+$/, ''))).toEqual([
      'big',
      'small',
      'soon',
      'later',
    ])
  })

  it('shows the title in the visitor language, or the other one when empty', () => {
    expect(eventTitle(ev('a'), 'en')).toBe('Event a')
    expect(eventTitle(ev('a'), 'zh-CN')).toBe('活动a')
    expect(eventTitle(ev('a', { title: { 'zh-CN': '', en: 'Only English' } }), 'zh-CN')).toBe(
      'Only English',
    )
  })

  it('says how far away the start is, or that it is live or waiting for the host', () => {
    expect(relativeStart(ev('a', { status: 'live' }), NOW, 'en').kind).toBe('live')
    expect(relativeStart(ev('a', { startsAt: NOW + 2 * H }), NOW, 'en')).toEqual({
      kind: 'upcoming',
      text: 'in 2 hr.',
    })
    expect(relativeStart(ev('a', { startsAt: NOW + 5 * 60_000 }), NOW, 'en')).toEqual({
      kind: 'soon',
      text: 'in 5 min.',
    })
    expect(
      relativeStart(ev('a', { startsAt: NOW + 3 * 24 * H, endsAt: NOW + 80 * H }), NOW, 'en').text,
    ).toBe('in 3 days')
    expect(relativeStart(ev('a', { startsAt: NOW + 2 * H }), NOW, 'zh-CN').text).toBe('2小时后')
    expect(relativeStart(ev('a', { startsAt: NOW - 60_000 }), NOW, 'en').kind).toBe('waiting')
    expect(relativeStart(ev('a', { status: 'ended' }), NOW, 'en').kind).toBe('ended')
  })

  it('formats times in a given time zone and counts with grouping', () => {
    const e = ev('a', {
      startsAt: Date.UTC(2026, 2, 3, 11, 0),
      endsAt: Date.UTC(2026, 2, 3, 13, 0),
    })
    const text = timeRange(e, 'en', 'Asia/Shanghai')
    expect(text).toContain('Mar 3, 2026')
    expect(text).toMatch(/7:00\s?[–-]\s?9:00\s?PM/)
    expect(timeRange(e, 'zh-CN', 'Asia/Shanghai')).toContain('19:00')
    expect(formatCount(1024, 'en')).toBe('1,024')
  })

  it('builds deep links and notices unchanged polls', () => {
    expect(eventLink('abcdefghijkl', 'https://x.example')).toBe(
      'https://x.example/?event=abcdefghijkl',
    )
    const a = [ev('a')]
    expect(sameEvents(a, [ev('a')])).toBe(true)
    expect(sameEvents(a, [ev('a', { attendance: 2 })])).toBe(false)
    expect(sameEvents(null, a)).toBe(false)
  })
})
