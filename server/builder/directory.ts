// The world directory (server only): published Block Park worlds, found by title, region or the
// pinyin of either, filtered by kind and region, newest first or by live visitors. Drafts never
// appear. Live counts come from the rooms (the caller), not the database.
//
// Paging: `next` is an opaque cursor. 'newest' pages by key (published_at, world_id), so worlds
// published while someone pages do not shift the pages. 'popular' lists the live matches first
// (visitors desc, then newest), then every other match newest first: the live part is paged by
// position, the rest by key, starting at the page's offset minus the live matches. For one live
// map the pages join without duplicates or gaps; when counts change between requests a live
// world may move across a page boundary, as in any list ranked by a live count.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Queryable } from '../db/database'
import { foldForSearch, searchText } from './searchText'
import { BuilderError, REGION_MAX_CHARS, WORLD_KINDS, type WorldKind } from './store'

export { foldForSearch, searchText } from './searchText'

export const DIRECTORY_SORTS = ['newest', 'popular'] as const
export type DirectorySort = (typeof DIRECTORY_SORTS)[number]
export const DIRECTORY_PAGE_DEFAULT = 24
export const DIRECTORY_PAGE_MAX = 48
/** Characters of `q` after trimming. */
export const DIRECTORY_QUERY_MAX_CHARS = 64
/** The deepest `page` (offset paging past a few hundred thousand rows helps nobody). */
export const DIRECTORY_PAGE_NUMBER_MAX = 10_000
/** Entries of the live map looked at; more is a caller's bug. */
export const DIRECTORY_LIVE_MAX = 10_000
const CURSOR_MAX_CHARS = 256
/** Rows the search-text backfill handles per statement. */
const BACKFILL_BATCH = 500

/**
 * What a caller asks for; every field is checked at run time (HTTP query strings fit: `size`
 * and `page` may be decimal strings). Unknown fields are ignored.
 */
export interface DirectoryQuery {
  /** Text to find (trimmed, at most 64 characters; empty: all). */
  q?: string
  kind?: string
  /** Exact region, as stored. */
  region?: string
  /** 'newest' (default) or 'popular'. */
  sort?: string
  /** Worlds per page, 1..48 (default 24). */
  size?: number | string
  /** 1-based page number; or `cursor` (a page's `next`), not both. */
  page?: number | string
  cursor?: string
}

export interface DirectoryEntry {
  worldId: string
  kind: WorldKind
  region: string
  title: { 'zh-CN': string; en: string }
  owner: string
  /** ms since the epoch. */
  publishedAt: number
  /** When its thumbnail was last drawn (ms since the epoch); null before the first. */
  thumbnailAt: number | null
  /** Visitors now (0 when none). */
  live: number
  version: number
}

export interface DirectoryPage {
  worlds: DirectoryEntry[]
  /** Matches of the search in all, on every page. */
  total: number
  /** Cursor of the next page; null on the last. */
  next: string | null
}

const WORLD_ID = /^bw-[0-9a-f]{12}$/
/** published_at as to_char writes it below: UTC, microseconds, so keys sort as text. */
const KEY_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

const Cursor = z.strictObject({
  /** Hash of the search the cursor belongs to. */
  h: z.string().max(32),
  /** Live matches already shown ('popular', still in or just past its live part). */
  l: z.number().int().min(0).max(DIRECTORY_LIVE_MAX).optional(),
  /** Key of the last world shown: [published_at, world_id]. */
  a: z.tuple([z.string().regex(KEY_TIME), z.string().regex(WORLD_ID)]).optional(),
})
type Cursor = z.output<typeof Cursor>

interface Search {
  /** Folded text, LIKE-escaped, or null for all. */
  like: string | null
  kind: WorldKind | null
  region: string | null
  sort: DirectorySort
  size: number
  /** Where the page starts: an offset into the list, or after a key. */
  start: { offset: number } | { after: [string, string] }
  hash: string
}

function bad(message: string): never {
  throw new BuilderError('bad_input', message)
}

function optionalString(raw: unknown, what: string): string {
  if (raw === undefined || raw === null) return ''
  if (typeof raw !== 'string') bad(`${what} must be a string`)
  return raw.trim()
}

function integer(raw: unknown, what: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    bad(`${what} must be a whole number from ${min} to ${max}`)
  return n
}

/** Escapes LIKE's wildcards and its escape character: the text is matched as written. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&')
}

function parseQuery(raw: DirectoryQuery): Search {
  if (typeof raw !== 'object' || raw === null) bad('the search must be an object')
  const q = optionalString(raw.q, 'q')
  if ([...q].length > DIRECTORY_QUERY_MAX_CHARS)
    bad(`q has ${[...q].length} characters; at most ${DIRECTORY_QUERY_MAX_CHARS}`)
  const folded = foldForSearch(q)
  const kindText = optionalString(raw.kind, 'kind')
  if (kindText && !(WORLD_KINDS as readonly string[]).includes(kindText))
    bad(`kind is one of ${WORLD_KINDS.join(', ')}`)
  const region = optionalString(raw.region, 'region')
  if ([...region].length > REGION_MAX_CHARS)
    bad(`region has more than ${REGION_MAX_CHARS} characters`)
  const sortText = optionalString(raw.sort, 'sort') || 'newest'
  if (!(DIRECTORY_SORTS as readonly string[]).includes(sortText))
    bad(`sort is one of ${DIRECTORY_SORTS.join(', ')}`)
  const sort = sortText as DirectorySort
  const size = integer(raw.size, 'size', 1, DIRECTORY_PAGE_MAX, DIRECTORY_PAGE_DEFAULT)
  const kind = (kindText || null) as WorldKind | null
  // A cursor belongs to one search: the same text, filters and sort.
  const hash = createHash('sha256')
    .update(JSON.stringify([folded, kind, region, sort]))
    .digest('base64url')
    .slice(0, 12)

  const cursorText = optionalString(raw.cursor, 'cursor')
  const hasPage = raw.page !== undefined && raw.page !== null && raw.page !== ''
  if (cursorText && hasPage) bad('give page or cursor, not both')
  let start: Search['start'] = {
    offset: (integer(raw.page, 'page', 1, DIRECTORY_PAGE_NUMBER_MAX, 1) - 1) * size,
  }
  if (cursorText) {
    const cursor = decodeCursor(cursorText)
    if (cursor.h !== hash) bad('the cursor belongs to another search: start again without it')
    if (cursor.a) start = { after: cursor.a }
    else if (cursor.l !== undefined && sort === 'popular') start = { offset: cursor.l }
    else bad('the cursor is not valid')
  }
  return { like: folded ? `%${escapeLike(folded)}%` : null, kind, region, sort, size, start, hash }
}

function decodeCursor(text: string): Cursor {
  if (text.length > CURSOR_MAX_CHARS || !/^[A-Za-z0-9_-]+$/.test(text))
    bad('the cursor is not valid')
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    bad('the cursor is not valid')
  }
  const parsed = Cursor.safeParse(json)
  if (!parsed.success) bad('the cursor is not valid')
  return parsed.data
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

/** The worlds with visitors now (ids of builder worlds only: rooms of other worlds are skipped). */
function liveCounts(live: ReadonlyMap<string, number>): Map<string, number> {
  if (!(live instanceof Map)) bad('live must be a Map of world id to visitors')
  if (live.size > DIRECTORY_LIVE_MAX)
    bad(`live has ${live.size} entries; at most ${DIRECTORY_LIVE_MAX}`)
  const counts = new Map<string, number>()
  for (const [id, n] of live) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      bad(`live visitors of ${String(id).slice(0, 40)} must be a whole number, at least 0`)
    if (n > 0 && typeof id === 'string' && WORLD_ID.test(id)) counts.set(id, n)
  }
  return counts
}

interface Row {
  world_id: string
  owner: string
  kind: WorldKind
  region: string
  title_zh: string
  title_en: string
  current_version: number
  published_at: Date
  thumbnail_at: Date | null
  /** published_at to the microsecond, as text that sorts like the time. */
  key: string
}

const COLUMNS = `w.world_id, w.owner, w.kind, w.region, w.title_zh, w.title_en, w.current_version,
  w.published_at, w.thumbnail_at,
  to_char(w.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key`

/**
 * What a row is matched against: its stored search text, or for a row stored without one (by a
 * server older than migration 5, until the backfill reaches it) its titles and region.
 */
const MATCHED = `coalesce(w.search_text,
  lower(replace(w.title_zh || chr(1) || w.title_en || chr(1) || w.region, ' ', '')))`

const ORDER = 'order by w.published_at desc, w.world_id desc'

/**
 * Fills search_text where it is missing (worlds stored before migration 5, whose pinyin SQL
 * cannot compute); returns how many rows it filled. Safe to run from several processes at once.
 */
export async function backfillSearchText(db: Queryable): Promise<number> {
  let filled = 0
  for (;;) {
    const rows = await db.query<{
      world_id: string
      title_zh: string
      title_en: string
      region: string
    }>(
      `select world_id, title_zh, title_en, region from builder_worlds
       where search_text is null order by world_id limit $1`,
      [BACKFILL_BATCH],
    )
    if (rows.length === 0) return filled
    const values = rows.map((r) => ({
      id: r.world_id,
      text: searchText(r.title_zh, r.title_en, r.region),
    }))
    await db.query(
      `update builder_worlds w set search_text = v.text
       from jsonb_to_recordset($1::jsonb) as v (id text, text text)
       where w.world_id = v.id and w.search_text is null`,
      [JSON.stringify(values)],
    )
    filled += rows.length
    if (rows.length < BACKFILL_BATCH) return filled
  }
}

export class WorldDirectory {
  /** The backfill, once per process before the first search (retried if it failed). */
  private backfill: Promise<unknown> | null = null

  constructor(private readonly db: Queryable) {}

  /**
   * One page of published worlds matching `query`; `live` holds visitors per world id now (only
   * worlds with visitors). Throws BuilderError('bad_input') when the query or a cursor is wrong.
   */
  async search(
    query: DirectoryQuery,
    live: ReadonlyMap<string, number> = new Map(),
  ): Promise<DirectoryPage> {
    const s = parseQuery(query)
    const counts = liveCounts(live)
    await this.ready()

    const where = [`w.status = 'published'`, 'w.published_at is not null']
    const params: (string | number)[] = []
    const param = (v: string | number) => `$${params.push(v)}`
    if (s.like !== null) where.push(`${MATCHED} like ${param(s.like)} escape '\\'`)
    if (s.kind) where.push(`w.kind = ${param(s.kind)}`)
    if (s.region) where.push(`w.region = ${param(s.region)}`)
    const m: Matching = { filter: where.join(' and '), params }

    const found =
      s.sort === 'popular'
        ? await this.popular(s, m, counts)
        : await this.newest(m, s.start, s.size, null)
    return {
      worlds: found.rows.map((r) => entry(r, counts)),
      total: found.total,
      next: found.next ? encodeCursor({ h: s.hash, ...found.next }) : null,
    }
  }

  private ready(): Promise<unknown> {
    this.backfill ??= backfillSearchText(this.db).catch((err: unknown) => {
      this.backfill = null
      throw err
    })
    return this.backfill
  }

  /** Live matches first (by visitors, then newest), then the other matches, newest first. */
  private async popular(s: Search, m: Matching, counts: ReadonlyMap<string, number>) {
    const ids = [...counts.keys()]
    if (ids.length === 0 || 'after' in s.start) return this.newest(m, s.start, s.size, ids)
    const liveRows = await this.db.query<Row>(
      `select ${COLUMNS} from builder_worlds w
       where ${m.filter} and w.world_id = any(string_to_array($${m.params.length + 1}, ','))`,
      [...m.params, ids.join(',')],
    )
    liveRows.sort(
      (a, b) =>
        counts.get(b.world_id)! - counts.get(a.world_id)! ||
        (a.key < b.key ? 1 : a.key > b.key ? -1 : 0) ||
        (a.world_id < b.world_id ? 1 : -1),
    )
    const offset = s.start.offset
    const shown = liveRows.slice(offset, offset + s.size)
    const need = s.size - shown.length
    if (need === 0) {
      // The page ends in the live part: the next one goes on from there, by position.
      const [count] = await this.db.query<{ n: number }>(
        `select count(*)::int as n from builder_worlds w where ${m.filter}`,
        m.params,
      )
      const total = count?.n ?? 0
      const more = offset + s.size < liveRows.length || total > liveRows.length
      return { rows: shown, total, next: more ? { l: offset + s.size } : null }
    }
    const rest = await this.newest(m, { offset: Math.max(0, offset - liveRows.length) }, need, ids)
    return { rows: [...shown, ...rest.rows], total: rest.total, next: rest.next }
  }

  /**
   * Matches newest first, from `start`, at most `limit`, without the `exclude`d ids (the live
   * ones, listed before) when given; and the number of all matches. One statement: on PGlite
   * each one is a round trip to its worker, which costs more than these queries do.
   */
  private async newest(
    m: Matching,
    start: Search['start'],
    limit: number,
    exclude: readonly string[] | null,
  ): Promise<Found> {
    const all = [...m.params]
    const param = (v: string | number) => `$${all.push(v)}`
    const where = [m.filter]
    if (exclude?.length)
      where.push(`w.world_id <> all(string_to_array(${param(exclude.join(','))}, ','))`)
    if ('after' in start) {
      const [time, id] = start.after
      where.push(`(w.published_at, w.world_id) < (${param(time)}::timestamptz, ${param(id)})`)
    }
    const offset = 'offset' in start ? start.offset : 0
    // One row with a null page when nothing is on this page (the total still comes back).
    const rows = await this.db.query<{ total: number } & (Row | { world_id: null })>(
      `select t.total, p.* from (select count(*)::int as total from builder_worlds w
         where ${m.filter}) t
       left join (select ${COLUMNS} from builder_worlds w where ${where.join(' and ')}
         ${ORDER} offset ${param(offset)} limit ${param(limit + 1)}) p on true
       order by p.published_at desc, p.world_id desc`,
      all,
    )
    const total = rows[0]?.total ?? 0
    const found = rows.filter((r): r is { total: number } & Row => r.world_id !== null)
    const page = found.slice(0, limit)
    const last = page.at(-1)
    const next = found.length > limit && last ? { a: [last.key, last.world_id] as Key } : null
    return { rows: page, total, next }
  }
}

/** What every query of one search matches: its conditions and their parameters. */
interface Matching {
  filter: string
  params: readonly (string | number)[]
}

type Key = [string, string]

interface Found {
  rows: Row[]
  total: number
  next: { l: number } | { a: Key } | null
}

function entry(r: Row, counts: ReadonlyMap<string, number>): DirectoryEntry {
  return {
    worldId: r.world_id,
    kind: r.kind,
    region: r.region,
    title: { 'zh-CN': r.title_zh, en: r.title_en },
    owner: r.owner,
    publishedAt: new Date(r.published_at).getTime(),
    thumbnailAt: r.thumbnail_at && new Date(r.thumbnail_at).getTime(),
    live: counts.get(r.world_id) ?? 0,
    version: r.current_version,
  }
}
