// Layouts survive a restart and a `kill -9`, on both engines: a commit that resolved is in the
// database when it is opened again. The kill test kills a real child process the moment it
// reports a commit, while it is already writing the next one.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type OpenOptions } from './database'
import { migrate, migrations } from './migrations'
import { SpaceStore } from '../spaces/store'
import { CHILD_OWNER, CHILD_SPACE, exhibitsFor } from './testChild'
import { freshPgliteDir } from './testPglite'
import { startTestPostgres, type TestPostgres } from './testPostgres'

const ROUNDS = 3
const COMMITS_BEFORE_KILL = 5

/**
 * Starts the commit loop and SIGKILLs it when it has reported `after` commits; returns the
 * first and the last version it reported.
 */
async function commitThenKill(
  env: NodeJS.ProcessEnv,
  after: number,
): Promise<{ first: number; last: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/db/testChild.ts', 'commit-loop'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  let seen = 0
  let first = 0
  let last = 0
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  )
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    let nl: number
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl)
      out = out.slice(nl + 1)
      const m = /^committed v(\d+)$/.exec(line)
      if (!m) continue
      last = Number(m[1])
      first ||= last
      if (++seen === after) child.kill('SIGKILL')
    }
  })
  const how = await exited
  expect(how, `the child should be killed, not exit:\n${err}`).toBe('SIGKILL')
  expect(seen).toBeGreaterThanOrEqual(after)
  return { first, last }
}

describe.each(['pglite', 'postgres'] as const)('durability on %s', (engine) => {
  let tmp: string
  let postgres: TestPostgres | undefined
  let options: OpenOptions

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-durable-'))
    if (engine === 'postgres') postgres = await startTestPostgres()
    else await freshPgliteDir(tmp)
    options = { dataDir: tmp, databaseUrl: postgres?.url }
  })

  afterAll(async () => {
    await postgres?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('keeps layouts, collaborators and flags across a restart', async () => {
    const owner = CHILD_OWNER
    const friend = `0x${'b'.repeat(40)}`
    let db = await openDatabase(options)
    expect(await migrate(db)).toEqual(migrations.map((m) => m.id))
    let store = new SpaceStore(db)
    await store.claim('plot-restart', 'block-park-village', owner, { limitPerAddress: 1 })
    await store.addCollaborator('plot-restart', owner, friend)
    await store.commitLayout('plot-restart', owner, exhibitsFor(1, 'restart'), {
      baseVersion: 0,
      note: 'place',
    })
    await store.commitLayout('plot-restart', friend, exhibitsFor(2, 'restart'), {
      baseVersion: 1,
      note: 'move',
    })
    await store.hide('plot-restart', exhibitsFor(2, 'restart')[0]!.id, 'not_owner')
    const before = {
      space: await store.space('plot-restart'),
      layout: await store.layout('plot-restart'),
      versions: await store.versions('plot-restart'),
      hidden: await store.hidden('plot-restart'),
    }
    await db.close()

    db = await openDatabase(options)
    expect(await migrate(db)).toEqual([])
    store = new SpaceStore(db)
    expect({
      space: await store.space('plot-restart'),
      layout: await store.layout('plot-restart'),
      versions: await store.versions('plot-restart'),
      hidden: await store.hidden('plot-restart'),
    }).toEqual(before)
    expect(before.layout).toEqual({ version: 2, exhibits: exhibitsFor(2, 'restart') })
    await db.close()
  })

  it('keeps every commit a killed process reported', async () => {
    // Each child tags what it writes, so a reported commit that was lost and then made again
    // by the next child shows up with the wrong tag (and the next child starts too early).
    const firsts: number[] = []
    let lastReported = 0
    for (let round = 1; round <= ROUNDS; round++) {
      const env = { DATA_DIR: tmp, DATABASE_URL: postgres?.url ?? '', TAG: `round-${round}` }
      const { first, last } = await commitThenKill(env, COMMITS_BEFORE_KILL)
      // The new child found every version the killed one reported, maybe one more.
      expect(first).toBeGreaterThan(lastReported)
      expect(first).toBeLessThanOrEqual(lastReported + 2)
      firsts.push(first)
      lastReported = last
    }

    const db = await openDatabase(options) // also takes over the lock a killed PGlite left
    const store = new SpaceStore(db)
    const { version, exhibits } = await store.layout(CHILD_SPACE)
    expect(version).toBeGreaterThanOrEqual(lastReported)
    /** Which child wrote version v: the last one that started at or before it. */
    const tagOf = (v: number) => `round-${firsts.filter((f) => f <= v).length}`
    expect(exhibits).toEqual(exhibitsFor(version, tagOf(version)))
    for (let v = 1; v <= version; v++) {
      const at = await store.layoutAt(CHILD_SPACE, v)
      expect(at?.exhibits, `v${v}`).toEqual(exhibitsFor(v, tagOf(v)))
    }
    const [max] = await db.query<{ v: number }>(
      'select max(version)::int as v from layout_versions where space_id = $1',
      [CHILD_SPACE],
    )
    expect(max?.v).toBe(version)
    await db.close()
    // Three child processes started with tsx: ~27 s on a busy two-core machine.
  }, 120_000)
})
