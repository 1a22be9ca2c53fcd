// The world directory's search on 1,000 published worlds: {directoryWorlds, searchMsP50,
// searchMsP95}. A fresh PGlite in a temp folder (removed afterwards), migrated, with 1,000
// generated worlds (Chinese place names like 云峰村, 桃花镇, 黄山风景区, their English titles and
// pinyin) written in bulk; then SEARCHES searches of mixed kinds (Chinese, pinyin in full and as
// initials, English, kind and region filters, both sorts, later pages), each timed from call to
// answer, after WARM_UP untimed ones. PGlite runs in its worker thread, as in the server.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Database } from '../../server/db/database'
import { migrate } from '../../server/db/migrations'
import { freshPgliteDir } from '../../server/db/testPglite'
import { WorldDirectory, type DirectoryQuery } from '../../server/builder/directory'
import { insertSeedWorlds, REGIONS, seedWorlds } from '../../server/builder/testWorlds'

const WORLDS = 1000
const SEARCHES = 200
const WARM_UP = 20

/** The searches, in a fixed order: text of every kind, filters, sorts and later pages. */
function searches(): DirectoryQuery[] {
  const texts = [
    '云峰',
    '桃花镇',
    '黄山风景区',
    '村',
    'yunfeng',
    'Tao Hua Zhen',
    'huangshan',
    'yfc',
    'hsfjq',
    'zhejiang',
    'Village',
    'Scenic Area',
    'lushui',
    'nothing here',
  ]
  const kinds = ['village', 'town', 'scenic']
  const list: DirectoryQuery[] = []
  for (let i = 0; list.length < SEARCHES + WARM_UP; i++) {
    const sort = i % 3 === 2 ? 'popular' : 'newest'
    switch (i % 5) {
      case 0:
      case 1:
        list.push({ q: texts[i % texts.length], sort })
        break
      case 2:
        list.push({ kind: kinds[i % kinds.length], sort })
        break
      case 3:
        list.push({ region: REGIONS[i % REGIONS.length], kind: kinds[i % 3], sort })
        break
      default:
        list.push({ sort, page: 1 + (i % 7), size: 24 })
    }
  }
  return list
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return Math.round(sorted[Math.max(0, i)]! * 100) / 100
}

export async function measureDirectory(): Promise<{
  directoryWorlds: number
  searchMsP95: number
  searchMsP50: number
}> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-bench-directory-'))
  let db: Database | undefined
  try {
    db = await openDatabase({ dataDir: await freshPgliteDir(tmp) })
    await migrate(db)
    const worlds = seedWorlds(WORLDS, 2026)
    await insertSeedWorlds(db, worlds)
    await db.query('analyze builder_worlds')
    const directory = new WorldDirectory(db)
    // About 5 % of the worlds have visitors now.
    const live = new Map(
      worlds.filter((_, i) => i % 20 === 0).map((w, i) => [w.worldId, 1 + ((i * 7) % 30)]),
    )
    const { total } = await directory.search({}, live)
    const ms: number[] = []
    for (const [i, query] of searches().entries()) {
      const started = performance.now()
      await directory.search(query, live)
      if (i >= WARM_UP) ms.push(performance.now() - started)
    }
    ms.sort((a, b) => a - b)
    const result = {
      directoryWorlds: total,
      searchMsP95: percentile(ms, 95),
      searchMsP50: percentile(ms, 50),
    }
    console.log(
      `[directory] ${total} worlds; ${ms.length} searches p50 ${result.searchMsP50} ms, ` +
        `p95 ${result.searchMsP95} ms`,
    )
    return result
  } finally {
    await db?.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
