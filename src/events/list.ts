// Pure helpers of the events list: which events to show and in what order, and how their title,
// time and attendance read in the visitor's language and time zone. No React, no fetching.
import type { EventInfo } from '../protocol/events'
import type { Language } from '../state/settings'

/** Live events first (most people first), then upcoming ones, soonest first; ended ones go. */
export function sortEvents(events: readonly EventInfo[], now: number): EventInfo[] {
  return events
    .filter((e) => e.status !== 'ended' && e.endsAt > now)
    .sort((a, b) => {
      const live = Number(b.status === 'live') - Number(a.status === 'live')
      if (live) return live
      if (a.status === 'live') return b.attendance - a.attendance || a.startsAt - b.startsAt
      return a.startsAt - b.startsAt || a.id.localeCompare(b.id)
    })
}

/** The title in the visitor's language, or in the other one when that is empty. */
export function eventTitle(e: Pick<EventInfo, 'title'>, lang: Language): string {
  const other = lang === 'en' ? 'zh-CN' : 'en'
  return e.title[lang].trim() || e.title[other].trim()
}

export function eventDescription(e: Pick<EventInfo, 'description'>, lang: Language): string {
  const other = lang === 'en' ? 'zh-CN' : 'en'
  return e.description[lang].trim() || e.description[other].trim()
}

export type WhenKind = 'live' | 'soon' | 'upcoming' | 'waiting' | 'ended'

/**
 * How the start reads now: "live now", "in 2 hr." (Intl, localized), or "waiting for the host"
 * once the start time has passed but the host has not gone live.
 */
export function relativeStart(
  e: Pick<EventInfo, 'status' | 'startsAt' | 'endsAt'>,
  now: number,
  lang: Language,
): { kind: WhenKind; text: string | null } {
  if (e.status === 'live') return { kind: 'live', text: null }
  if (e.status === 'ended' || e.endsAt <= now) return { kind: 'ended', text: null }
  const ms = e.startsAt - now
  if (ms <= 0) return { kind: 'waiting', text: null }
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'always', style: 'short' })
  const min = Math.ceil(ms / 60_000)
  if (min < 60) return { kind: min <= 10 ? 'soon' : 'upcoming', text: rtf.format(min, 'minute') }
  const h = Math.round(ms / 3_600_000)
  if (h < 48) return { kind: 'upcoming', text: rtf.format(h, 'hour') }
  return { kind: 'upcoming', text: rtf.format(Math.round(ms / 86_400_000), 'day') }
}

/** Start and end in the visitor's time zone, e.g. "Mar 3, 2026, 19:00 – 21:00". */
export function timeRange(
  e: Pick<EventInfo, 'startsAt' | 'endsAt'>,
  lang: Language,
  timeZone?: string,
): string {
  const fmt = new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  })
  return fmt.formatRange(new Date(e.startsAt), new Date(e.endsAt))
}

/** A count with the visitor's grouping: 1,024 or 1,024 (zh-CN uses the same digits). */
export function formatCount(n: number, lang: Language): string {
  return new Intl.NumberFormat(lang).format(n)
}

/** The shareable deep link to an event on this site. */
export function eventLink(id: string, origin: string): string {
  return `${origin}/?event=${encodeURIComponent(id)}`
}

/** Whether two lists show the same thing (so a poll that changed nothing does not re-render). */
export function sameEvents(a: readonly EventInfo[] | null, b: readonly EventInfo[]): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b)
}
