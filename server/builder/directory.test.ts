// The world directory against both real engines (PGlite in a temp folder, a throwaway
// PostgreSQL): only published worlds, text search (Chinese, English, pinyin, initials, LIKE
// wildcards as plain text), filters, both sorts paged to the end by cursor and by page number,
// bad input, 1,000 worlds, and the search-text backfill of worlds stored before migration 5.
import fs from 'node:fs'
import path from 'node:path'
import { getAddress } from 'ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../db/database'
import { migrate, migrations } from '../db/migrations'
import { freshPgliteDir } from '../db/testPglite'
import type { TestPostgres } from '../db/testPostgres'
import { ENGINES, migratedDatabase, type TestDatabase } from '../db/testEngines'
import { encodeGrid } from '../../src/world/voxel/codec'
import { buildGrid } from '../../src/world/voxel/generate'
import { parseScene } from '../../src/protocol/scene'
import {
  DIRECTORY_PAGE_DEFAULT,
  WorldDirectory,
  searchText,
  type DirectoryEntry,
  type DirectoryQuery,
} from './directory'
import { BuilderError, BuilderStore } from './store'
import {
  PLACE_STEMS,
  REGIONS,
  insertSeedWorlds,
  seedWorldId,
  seedWorlds,
  type SeedWorld,
} from './testWorlds'

const A = getAddress(`0x${'a'.repeat(40)}`)
const village = JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')) as Record<
  string,
  unknown
>
const sceneFor = (id: string) => ({ ...village, id })
const baseBytes = encodeGrid(buildGrid(parseScene(village, 'village').voxel!).grid)

/** Worlds as the directory lists them newest first. */
function newest(worlds: readonly SeedWorld[]): string[] {
  return worlds
    .filter((w) => w.status === 'published')
    .sort((a, b) => b.publishedAtUs - a.publishedAtUs || (a.worldId < b.worldId ? 1 : -1))
    .map((w) => w.worldId)
}

/** …and by live visitors: the live ones first (most visitors first, then newest). */
function popular(worlds: readonly SeedWorld[], live: ReadonlyMap<string, number>): string[] {
  const order = newest(worlds)
  const visitors = (id: string) => live.get(id) ?? 0
  const lit = order.filter((id) => visitors(id) > 0)
  lit.sort((a, b) => visitors(b) - visitors(a) || order.indexOf(a) - order.indexOf(b))
  return [...lit, ...order.filter((id) => visitors(id) === 0)]
}

const REGION_PINYIN: Record<string, readonly [string, string]> = {
  浙江: ['zhejiang', 'zj'],
  安徽: ['anhui', 'ah'],
  云南: ['yunnan', 'yn'],
  四川: ['sichuan', 'sc'],
  福建: ['fujian', 'fj'],
  广西: ['guangxi', 'gx'],
  湖南: ['hunan', 'hn'],
  江西: ['jiangxi', 'jx'],
  贵州: ['guizhou', 'gz'],
  山东: ['shandong', 'sd'],
}
const SUFFIX_PINYIN = { 村: 'cun', 镇: 'zhen', 风景区: 'fengjingqu' } as Record<string, string>

/**
 * Whether a generated world matches `q` (folded), worked out from the generator's own tables
 * rather than by pinyin-pro: the titles, the title's pinyin (the English stem is its pinyin),
 * the region and its pinyin; each field alone. Not the title's initials.
 */
function matches(w: SeedWorld, q: string): boolean {
  const [stem] = PLACE_STEMS.find(([zh]) => w.titleZh.startsWith(zh))!
  const [, stemEn] = PLACE_STEMS.find(([zh]) => zh === stem)!
  const full = stemEn.toLowerCase() + SUFFIX_PINYIN[w.titleZh.slice(stem.length)]!
  const fields = [
    w.titleZh,
    w.titleEn.toLowerCase().replaceAll(' ', ''),
    full,
    full.replaceAll('v', 'u'),
    w.region,
    ...REGION_PINYIN[w.region]!,
  ]
  return w.status === 'published' && fields.some((f) => f.includes(q))
}

/** A world made up for one test (published unless said). */
function world(n: number, titleZh: string, titleEn: string, more: Partial<SeedWorld> = {}) {
  return {
    worldId: seedWorldId(n),
    owner: A,
    kind: 'village',
    region: '浙江',
    titleZh,
    titleEn,
    status: 'published',
    publishedAtUs: Date.UTC(2026, 1, 1) * 1000 + n * 1_000_000,
    version: 1,
    ...more,
  } satisfies SeedWorld
}

async function badInput(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => new Error('expected bad_input, but it succeeded'),
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(BuilderError)
  expect((err as BuilderError).code, (err as Error).message).toBe('bad_input')
  return (err as Error).message
}

describe.each(ENGINES)('the world directory on %s', (engine) => {
  let opened: TestDatabase
  let tmp: string
  let postgres: TestPostgres | undefined
  let db: Database
  let directory: WorldDirectory

  beforeAll(async () => {
    opened = await migratedDatabase(engine, 'directory')
    ;({ db, tmp, postgres } = opened)
    directory = new WorldDirectory(db)
  })

  afterAll(() => opened?.close())

  beforeEach(async () => {
    await db.query(
      'truncate builder_worlds, builder_world_members, builder_world_versions, builder_world_pictures',
    )
  })

  const ids = async (query: DirectoryQuery, live?: ReadonlyMap<string, number>) =>
    (await directory.search(query, live)).worlds.map((w) => w.worldId)

  /** Every page of a search, by cursor or by page number; checks the total on each page. */
  async function everyPage(
    query: DirectoryQuery,
    live: ReadonlyMap<string, number>,
    by: 'cursor' | 'page',
  ): Promise<{ ids: string[]; pages: number; total: number }> {
    const size = Number(query.size ?? DIRECTORY_PAGE_DEFAULT)
    const seen: string[] = []
    let cursor: string | null = null
    let total = -1
    for (let page = 1; page < 2000; page++) {
      const step: DirectoryQuery = by === 'cursor' ? (cursor ? { cursor } : {}) : { page }
      const found = await directory.search({ ...query, ...step }, live)
      if (total === -1) total = found.total
      expect(found.total).toBe(total)
      seen.push(...found.worlds.map((w) => w.worldId))
      if (!found.next) return { ids: seen, pages: page, total }
      expect(found.worlds).toHaveLength(size) // only the last page is short
      if (by === 'cursor') cursor = found.next
    }
    throw new Error('paging did not end')
  }

  it('lists published worlds only; create stores the search text', async () => {
    const meta = (zh: string, en: string) => ({
      kind: 'village',
      region: '浙江',
      title: { 'zh-CN': zh, en },
    })
    const shown = await store().create(A, meta('云峰村', 'Yunfeng Village'), sceneFor, baseBytes)
    const draft = await store().create(A, meta('云峰村', 'Yunfeng Draft'), sceneFor, baseBytes)
    const back = await store().create(A, meta('云峰镇', 'Yunfeng Town'), sceneFor, baseBytes)
    const published = await store().setPublished(shown.worldId, A, true)
    await store().setPublished(back.worldId, A, true)
    await store().setPublished(back.worldId, A, false) // back to a draft: out of the directory
    const [row] = await db.query<{ search_text: string }>(
      'select search_text from builder_worlds where world_id = $1',
      [draft.worldId],
    )
    expect(row?.search_text).toBe(searchText('云峰村', 'Yunfeng Draft', '浙江'))
    expect(row?.search_text.split('\u0001')).toEqual(
      expect.arrayContaining(['yunfengcun', 'yfc', 'zhejiang', 'zj', 'yunfengdraft']),
    )

    const live = new Map([
      [shown.worldId, 3],
      [draft.worldId, 9],
    ])
    for (const q of ['', '云峰', 'yfc', 'yunfeng']) {
      for (const sort of ['newest', 'popular']) {
        const found = await directory.search({ q, sort }, live)
        expect(found).toEqual({
          worlds: [
            {
              worldId: shown.worldId,
              kind: 'village',
              region: '浙江',
              title: { 'zh-CN': '云峰村', en: 'Yunfeng Village' },
              owner: A,
              publishedAt: published.publishedAt!,
              thumbnailAt: null,
              live: 3,
              version: 1,
            } satisfies DirectoryEntry,
          ],
          total: 1,
          next: null,
        })
      }
    }
    expect(await ids({ q: 'draft' }, live)).toEqual([])
  })

  function store() {
    return new BuilderStore(db)
  }

  it('finds worlds by Chinese, English, pinyin in full or as initials, in any case', async () => {
    const yf = world(1, '云峰村', 'Yunfeng Village')
    const th = world(2, '桃花镇', 'Peach Blossom Town', { kind: 'town' })
    const hs = world(3, '黄山风景区', 'Mount Huangshan Scenic Area', {
      kind: 'scenic',
      region: '安徽',
    })
    const lv = world(4, '绿水村', 'Green Water Village', { region: '重庆' })
    const draft = world(5, '云峰村', 'Yunfeng Village', { status: 'draft' })
    await insertSeedWorlds(db, [yf, th, hs, lv, draft])
    const cases: [string, SeedWorld[]][] = [
      ['云峰', [yf]],
      ['峰村', [yf]],
      ['yunfengcun', [yf]],
      ['Yun Feng Cun', [yf]],
      ['YFC', [yf]],
      ['  yfc  ', [yf]],
      ['ｙｆｃ', [yf]], // full-width, as some input methods type it
      ['yun\u200bfeng', [yf]], // a zero-width space pasted in
      ['peach blossom', [th]],
      ['PeachBlossom', [th]],
      ['taohuazhen', [th]],
      ['thz', [th]],
      ['huangshan', [hs]],
      ['HSFJQ', [hs]],
      ['scenic area', [hs]],
      ['zhejiang', [th, yf]],
      ['浙江', [th, yf]],
      ['ZJ', [th, yf]],
      ['anhui', [hs]],
      ['lvshui', [lv]],
      ['lushui', [lv]],
      ['chongqing', [lv]],
      ['village', [lv, yf]],
      ['村', [lv, yf]],
      ['cunzhe', []], // never across two fields (title pinyin, then region pinyin)
      ['nothing like this', []],
      ['', [lv, hs, th, yf]],
      ['   ', [lv, hs, th, yf]],
    ]
    for (const [q, expected] of cases) {
      const found = await directory.search({ q })
      expect(
        found.worlds.map((w) => w.worldId),
        q,
      ).toEqual(expected.map((w) => w.worldId))
      expect(found.total, q).toBe(expected.length)
    }
  })

  it('matches %, _ and \\ as written, not as LIKE wildcards', async () => {
    const percent = world(1, '百分村', '100% Village')
    const underscore = world(2, '甲乙镇', 'a_b Town', { kind: 'town' })
    const backslash = world(3, '反斜村', 'back\\slash Village')
    const plain = world(4, '甲丙镇', 'axb 100 Town', { kind: 'town' })
    await insertSeedWorlds(db, [percent, underscore, backslash, plain])
    const cases: [string, SeedWorld[]][] = [
      ['%', [percent]],
      ['100%', [percent]],
      ['%village', [percent]],
      ['%村', []],
      ['_', [underscore]],
      ['a_b', [underscore]],
      ['\\', [backslash]],
      ['k\\s', [backslash]],
      ['\\%', []],
      ['100', [plain, percent]],
    ]
    for (const [q, expected] of cases)
      expect(await ids({ q }), q).toEqual(expected.map((w) => w.worldId))
  })

  it('filters by kind and by region, with or without text', async () => {
    const worlds = seedWorlds(90, 3, 9)
    await insertSeedWorlds(db, worlds)
    const published = worlds.filter((w) => w.status === 'published')
    const count = async (query: DirectoryQuery) => (await directory.search(query)).total
    for (const kind of ['village', 'town', 'scenic']) {
      const expected = published.filter((w) => w.kind === kind)
      expect(await count({ kind }), kind).toBe(expected.length)
      expect(await ids({ kind, size: 48 })).toEqual(newest(expected).slice(0, 48))
    }
    for (const region of REGIONS.slice(0, 4)) {
      const expected = published.filter((w) => w.region === region)
      expect(await count({ region }), region).toBe(expected.length)
      expect(await ids({ region, size: 48 })).toEqual(newest(expected).slice(0, 48))
      const both = expected.filter((w) => w.kind === 'town' && matches(w, 'yunfeng'))
      expect(await ids({ region, kind: 'town', q: 'yunfeng' })).toEqual(newest(both))
    }
    // A region is matched exactly: a part of it, or its pinyin, is no filter.
    expect(await count({ region: '浙' })).toBe(0)
    expect(await count({ region: 'zhejiang' })).toBe(0)
    expect(await count({ region: '' })).toBe(published.length)
  })

  it('pages newest first to the end, by cursor and by page number, without gaps', async () => {
    const worlds = seedWorlds(75, 5, 7)
    await insertSeedWorlds(db, worlds)
    const order = newest(worlds)
    // Ties on published_at to the microsecond exist, and the id breaks them.
    const times = worlds.filter((w) => w.status === 'published').map((w) => w.publishedAtUs)
    expect(new Set(times).size).toBeLessThan(times.length)
    for (const size of [1, 7, 24, 48]) {
      for (const by of ['cursor', 'page'] as const) {
        const all = await everyPage({ size }, new Map(), by)
        expect(all.ids, `${size} by ${by}`).toEqual(order)
        expect(all.total).toBe(order.length)
        expect(all.pages).toBe(Math.ceil(order.length / size))
      }
    }
    expect(await directory.search({ page: 99 })).toEqual({
      worlds: [],
      total: order.length,
      next: null,
    })
  })

  it('keeps cursor pages in place while new worlds are published', async () => {
    const worlds = seedWorlds(40, 6)
    await insertSeedWorlds(db, worlds)
    const first = await directory.search({ size: 10 })
    // Two new worlds, newer than any: page 2 by cursor still follows page 1.
    const later = worlds.at(-1)!.publishedAtUs + 1_000_000
    await insertSeedWorlds(db, [
      world(900, '新村', 'New Village', { publishedAtUs: later }),
      world(901, '新镇', 'New Town', { publishedAtUs: later }),
    ])
    const seen = first.worlds.map((w) => w.worldId)
    let next = first.next
    while (next) {
      const page = await directory.search({ size: 10, cursor: next })
      expect(page.total).toBe(42)
      seen.push(...page.worlds.map((w) => w.worldId))
      next = page.next
    }
    expect(seen).toEqual(newest(worlds))
  })

  it('sorts by live visitors, then newest, and pages through both parts', async () => {
    const worlds = seedWorlds(75, 8, 7)
    await insertSeedWorlds(db, worlds)
    const published = newest(worlds)
    const drafts = worlds.filter((w) => w.status === 'draft').map((w) => w.worldId)
    // 12 live published worlds (ties on purpose), a live draft, a room that is not a builder
    // world, and a world with nobody left.
    const live = new Map<string, number>([
      ...published.slice(20, 32).map((id, i) => [id, 1 + (i % 4)] as [string, number]),
      [drafts[0]!, 50],
      ['block-park-village', 70],
      [published[40]!, 0],
    ])
    const order = popular(worlds, live)
    expect(order.slice(0, 12).every((id) => live.get(id)! > 0)).toBe(true)
    expect(order).not.toContain(drafts[0])
    // Sizes that end a page inside the live part, exactly at its end, and past it.
    for (const size of [1, 5, 6, 12, 24, 48]) {
      for (const by of ['cursor', 'page'] as const) {
        const all = await everyPage({ sort: 'popular', size }, live, by)
        expect(all.ids, `${size} by ${by}`).toEqual(order)
        expect(all.total).toBe(order.length)
      }
    }
    const top = await directory.search({ sort: 'popular', size: 3 }, live)
    expect(top.worlds.map((w) => w.live)).toEqual([4, 4, 4])
    // With text: only the matches, live ones first.
    const matching = worlds.filter((w) => matches(w, 'yunfeng')) // 云峰…, 白云风景区
    const q = (await everyPage({ sort: 'popular', q: 'yunfeng', size: 2 }, live, 'cursor')).ids
    expect(q).toEqual(popular(matching, live))
    // Nobody anywhere: the same order as newest.
    expect((await everyPage({ sort: 'popular', size: 9 }, new Map(), 'cursor')).ids).toEqual(
      published,
    )
  })

  it('answers bad input with bad_input and a clear message', async () => {
    await insertSeedWorlds(db, seedWorlds(30, 9))
    const page1 = await directory.search({ size: 5, q: 'cun' })
    const popularPage = await directory.search({ sort: 'popular', size: 2 }, new Map())
    const cases: [unknown, string, ReadonlyMap<string, number>?][] = [
      [null, 'the search must be an object'],
      [{ q: 'x'.repeat(65) }, 'q has 65 characters; at most 64'],
      [{ q: 5 }, 'q must be a string'],
      [{ kind: 'city' }, 'kind is one of village, town, scenic'],
      [{ kind: ['town'] }, 'kind must be a string'],
      [{ region: '省'.repeat(33) }, 'region has more than 32 characters'],
      [{ sort: 'hot' }, 'sort is one of newest, popular'],
      [{ size: 0 }, 'size must be a whole number from 1 to 48'],
      [{ size: 49 }, 'size must be a whole number from 1 to 48'],
      [{ size: 1.5 }, 'size must be a whole number'],
      [{ size: 'ten' }, 'size must be a whole number'],
      [{ size: '-3' }, 'size must be a whole number'],
      [{ page: 0 }, 'page must be a whole number from 1 to 10000'],
      [{ page: 10_001 }, 'page must be a whole number from 1 to 10000'],
      [{ page: 2, cursor: page1.next }, 'give page or cursor, not both'],
      [{ cursor: 'not a cursor!' }, 'the cursor is not valid'],
      [{ cursor: 'x'.repeat(300) }, 'the cursor is not valid'],
      [{ cursor: Buffer.from('{"h":1}').toString('base64url') }, 'the cursor is not valid'],
      [{ cursor: Buffer.from('[[[').toString('base64url') }, 'the cursor is not valid'],
      [{ size: 5, q: 'zhen', cursor: page1.next }, 'the cursor belongs to another search'],
      [{ cursor: popularPage.next }, 'the cursor belongs to another search'],
      [
        {},
        'live visitors of bw-000000000001 must be a whole number',
        new Map([[seedWorldId(1), -1]]),
      ],
      [{}, 'live must be a Map', {} as ReadonlyMap<string, number>],
    ]
    for (const [query, message, live] of cases) {
      const said = await badInput(directory.search(query as DirectoryQuery, live))
      expect(said, JSON.stringify(query)).toContain(message)
    }
    // Query strings as they come over HTTP are fine, and so is a cursor of the same search.
    expect((await directory.search({ size: '5', page: '2', q: 'cun' })).worlds).toHaveLength(5)
    const page2 = await directory.search({ size: '5', q: 'CUN', cursor: page1.next! })
    expect(page2.worlds[0]!.worldId).toBe(
      (await directory.search({ size: 5, page: 2, q: 'cun' })).worlds[0]!.worldId,
    )
    expect((await directory.search({ q: '云'.repeat(64) })).total).toBe(0)
  })

  it('with 1,000 published worlds: totals, filters and every page', async () => {
    const worlds = seedWorlds(1100, 11, 11)
    await insertSeedWorlds(db, worlds)
    const published = worlds.filter((w) => w.status === 'published')
    expect(published).toHaveLength(1000)
    const total = async (query: DirectoryQuery) => (await directory.search(query)).total
    expect(await total({})).toBe(1000)
    let kinds = 0
    for (const kind of ['village', 'town', 'scenic']) {
      const n = await total({ kind })
      expect(n).toBe(published.filter((w) => w.kind === kind).length)
      kinds += n
    }
    expect(kinds).toBe(1000)
    for (const region of REGIONS)
      expect(await total({ region })).toBe(published.filter((w) => w.region === region).length)
    for (const [zh, en] of PLACE_STEMS) {
      const expected = published.filter((w) => w.titleZh.includes(zh)).length
      expect(await total({ q: zh }), zh).toBe(expected)
      const inPinyin = published.filter((w) => matches(w, en.toLowerCase())).length
      expect(inPinyin).toBeGreaterThanOrEqual(expected)
      expect(await total({ q: en.toUpperCase() }), en).toBe(inPinyin)
    }
    for (const [region, [full, initials]] of Object.entries(REGION_PINYIN)) {
      const expected = published.filter((w) => matches(w, full)).length
      expect(expected).toBeGreaterThanOrEqual(published.filter((w) => w.region === region).length)
      expect(await total({ q: full }), full).toBe(expected)
      expect(await total({ q: region }), region).toBe(
        published.filter((w) => matches(w, region)).length,
      )
      expect(await total({ q: initials, region }), initials).toBe(
        published.filter((w) => w.region === region).length,
      )
    }
    const peachTowns = published.filter((w) => w.titleZh === '桃花镇')
    expect(await total({ q: 'thz' })).toBe(peachTowns.length)
    expect(await total({ q: 'tao hua zhen', kind: 'town' })).toBe(peachTowns.length)
    expect(await total({ q: 'thz', kind: 'village' })).toBe(0)
    const zjScenic = published.filter((w) => w.region === '浙江' && w.kind === 'scenic')
    expect(await total({ q: 'zhejiang', kind: 'scenic' })).toBe(zjScenic.length)

    const all = await everyPage({ size: 48 }, new Map(), 'cursor')
    expect(all.ids).toEqual(newest(worlds))
    const live = new Map(
      newest(worlds)
        .filter((_, i) => i % 33 === 0)
        .map((id, i) => [id, 1 + ((i * 7) % 13)] as [string, number]),
    )
    const ranked = await everyPage({ sort: 'popular', size: 48 }, live, 'cursor')
    expect(ranked.ids).toEqual(popular(worlds, live))
    expect(new Set(ranked.ids).size).toBe(1000)
  })

  it('fills the search text of worlds stored before migration 5', async () => {
    // A database at migration 4 with worlds in it, then migrated.
    const old =
      engine === 'postgres'
        ? await openDatabase({ dataDir: tmp, databaseUrl: await postgres!.createDatabase('old') })
        : await openDatabase({ dataDir: await freshPgliteDir(path.join(tmp, 'old')) })
    try {
      await migrate(old, migrations.slice(0, 4))
      const before = seedWorlds(1200, 12)
      for (const w of before) {
        await old.query(
          `insert into builder_worlds (world_id, owner, kind, region, title_zh, title_en, status,
             published_at, current_version) values ($1, $2, $3, $4, $5, $6, 'published', $7, 1)`,
          [
            w.worldId,
            w.owner,
            w.kind,
            w.region,
            w.titleZh,
            w.titleEn,
            new Date(w.publishedAtUs / 1000),
          ],
        )
      }
      expect(await migrate(old)).toEqual(migrations.slice(4).map((m) => m.id))
      const oldDirectory = new WorldDirectory(old)
      const peach = before.filter((w) => w.titleZh.startsWith('桃花')).length
      expect((await oldDirectory.search({ q: 'taohua' })).total).toBe(peach)
      const [left] = await old.query<{ n: number }>(
        'select count(*)::int as n from builder_worlds where search_text is null',
      )
      expect(left?.n).toBe(0)
      // A world an older server stores later is found by its titles until the next backfill.
      await old.query(
        `insert into builder_worlds (world_id, owner, kind, region, title_zh, title_en, status,
           published_at) values ($1, $2, 'town', '浙江', '梅花镇', 'Plum Blossom Town', 'published', now())`,
        [seedWorldId(5000), A],
      )
      expect((await oldDirectory.search({ q: 'plum blossom' })).total).toBe(1)
      expect((await oldDirectory.search({ q: '梅花' })).total).toBe(1)
      expect((await oldDirectory.search({ q: 'meihua' })).total).toBe(0)
      expect((await new WorldDirectory(old).search({ q: 'meihua' })).total).toBe(1)
    } finally {
      await old.close()
    }
  })
})
