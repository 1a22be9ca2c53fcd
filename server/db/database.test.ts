// The database layer on real engines: parameters and transactions on PGlite and PostgreSQL,
// the messages when a database cannot be opened, the PGlite folder lock, migrations (also
// several at once), and the throwaway PostgreSQL helper itself.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { descendants, freePort, isAlive } from '../../e2e/procs'
import pg from 'pg'
import {
  DatabaseError,
  openDatabase,
  openDatabaseRetrying,
  redactUrl,
  type Database,
} from './database'
import { captureLogs, type LogEntry } from '../log'
import { migrate, migrations, type Migration } from './migrations'
import { freshPgliteDir, rejection } from './testPglite'
import { findPostgresBin, startTestPostgres, type TestPostgres } from './testPostgres'

let tmp: string
let postgres: TestPostgres
let pglite: Database

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-db-'))
  ;[postgres, pglite] = await Promise.all([
    startTestPostgres(),
    freshPgliteDir(path.join(tmp, 'main')).then((dataDir) => openDatabase({ dataDir })),
  ])
})

afterAll(async () => {
  await pglite?.close()
  await postgres?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

/** Processes whose command line mentions `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
        if (/^\S+ \(.*\) Z/.test(stat)) return false
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text)
      } catch {
        return false
      }
    })
    .map(Number)
}

describe.each(['pglite', 'postgres'] as const)('a database on %s', (engine) => {
  let db: Database
  beforeAll(async () => {
    db =
      engine === 'pglite' ? pglite : await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
    await db.query('create table if not exists kv (k text primary key, v jsonb, at timestamptz)')
  })
  afterAll(async () => {
    if (engine === 'postgres') await db?.close()
  })

  it('binds $n parameters and returns typed rows', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z')
    const [row] = await db.query<{
      t: string
      i: number
      b: boolean
      n: null
      d: Date
      j: unknown
    }>(
      'select $1::text as t, $2::int as i, $3::boolean as b, $4::text as n, $5::timestamptz as d, $6::jsonb as j',
      ['苍穹 "quoted"', 42, true, null, at, JSON.stringify([{ a: 1.5, s: 'x' }])],
    )
    expect(row).toEqual({
      t: '苍穹 "quoted"',
      i: 42,
      b: true,
      n: null,
      d: at,
      j: [{ a: 1.5, s: 'x' }],
    })
    expect(db.engine).toBe(engine)
  })

  it('commits a transaction when it resolves and rolls it back when it throws', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('insert into kv (k, v) values ($1, $2::jsonb)', ['kept', '1'])
      return 'done'
    })
    expect(value).toBe('done')
    const boom = new Error('boom')
    const err = await rejection(
      db.transaction(async (tx) => {
        await tx.query('insert into kv (k, v) values ($1, $2::jsonb)', ['dropped', '2'])
        throw boom
      }),
    )
    expect(err).toBe(boom)
    // A failed statement aborts the transaction; the connection is usable afterwards.
    await rejection(
      db.transaction(async (tx) => {
        await tx.query('insert into kv (k, v) values ($1, $2::jsonb)', ['kept', '3'])
      }),
    )
    const rows = await db.query<{ k: string }>('select k from kv order by k')
    expect(rows.map((r) => r.k)).toEqual(['kept'])
  })

  it('migrates once, records it, and is a no-op afterwards', async () => {
    expect(await migrate(db)).toEqual(migrations.map((m) => m.id))
    expect(await migrate(db)).toEqual([])
    const done = await db.query<{ id: number; name: string }>(
      'select id, name from schema_migrations order by id',
    )
    expect(done).toEqual(migrations.map(({ id, name }) => ({ id, name })))
    const tables = await db.query<{ t: string }>(
      `select table_name as t from information_schema.tables
       where table_schema = 'public' order by table_name`,
    )
    expect(tables.map((r) => r.t)).toEqual([
      'avatar_collectibles',
      'avatar_files',
      'avatar_grants',
      'avatar_looks',
      'avatar_uploads',
      'builder_world_members',
      'builder_world_pictures',
      'builder_world_versions',
      'builder_worlds',
      'event_bans',
      'events',
      'exhibit_flags',
      'kv',
      'layout_versions',
      'schema_migrations',
      'space_collaborators',
      'spaces',
    ])
  })

  it('refuses a schema newer than it knows', async () => {
    const next = migrations.length + 1
    const newer: Migration[] = [...migrations, { id: next, name: 'next', statements: ['select 1'] }]
    expect(await migrate(db, newer)).toEqual([next])
    const err = await rejection(migrate(db))
    expect(err.message).toContain(
      `the database schema is at migration ${next}, newer than this server`,
    )
    await db.query('delete from schema_migrations where id = $1', [next])
  })

  it('rolls a failing migration back whole', async () => {
    const next = migrations.length + 1
    const broken: Migration[] = [
      ...migrations,
      {
        id: next,
        name: 'half',
        statements: ['create table half (x int)', 'select * from nowhere'],
      },
    ]
    await rejection(migrate(db, broken))
    const half = await db.query(`select 1 from information_schema.tables where table_name = 'half'`)
    expect(half).toEqual([])
    expect(await db.query('select 1 from schema_migrations where id = $1', [next])).toEqual([])
  })
})

describe('migrations from several processes at once (PostgreSQL)', () => {
  it('applies each migration exactly once while the others wait', async () => {
    const url = await postgres.createDatabase('race')
    const dbs = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ dataDir: tmp, databaseUrl: url })),
    )
    try {
      const extra = [1, 2, 3].map((i) => migrations.length + i)
      const many: Migration[] = [
        ...migrations,
        ...extra.map((id) => ({
          id,
          name: `step ${id}`,
          statements: [`create table step_${id} (x int)`, 'select pg_sleep(0.05)'],
        })),
      ]
      const applied = await Promise.all(dbs.map((db) => migrate(db, many)))
      expect(applied.flat().sort((a, b) => a - b)).toEqual(many.map((m) => m.id))
      const [row] = await dbs[0]!.query<{ n: number }>(
        'select count(*)::int as n from schema_migrations',
      )
      expect(row?.n).toBe(many.length)
    } finally {
      await Promise.all(dbs.map((db) => db.close()))
    }
  })
})

describe('opening PostgreSQL', () => {
  it('names the URL without its password and says how to start PostgreSQL', async () => {
    const port = await freePort()
    const url = `postgres://cq:s3cret-pw@127.0.0.1:${port}/cangqiong`
    const err = await rejection(openDatabase({ dataDir: tmp, databaseUrl: url }))
    expect(err).toBeInstanceOf(DatabaseError)
    expect(err.message).toContain(
      `cannot reach PostgreSQL at postgres://cq:***@127.0.0.1:${port}/cangqiong`,
    )
    expect(err.message).toContain('sudo apt-get install postgresql')
    expect(err.message).toContain('unset DATABASE_URL')
    expect(err.message).not.toContain('s3cret-pw')
  })

  it('says which database is missing', async () => {
    const url = postgres.url.replace(/\/cangqiong$/, '/nothere')
    const err = await rejection(openDatabase({ dataDir: tmp, databaseUrl: url }))
    expect(err).toBeInstanceOf(DatabaseError)
    expect(err.message).toContain('has no database "nothere"')
    expect(err.message).toContain('createdb nothere')
  })

  it('rejects a URL that is not postgres://', async () => {
    const err = await rejection(
      openDatabase({ dataDir: tmp, databaseUrl: 'mysql://root:pw@localhost/db' }),
    )
    expect(err.message).toBe(
      'DATABASE_URL must start with postgres:// or postgresql://: mysql://root:***@localhost/db',
    )
    expect(redactUrl('postgresql://u@h/db')).toBe('postgresql://u@h/db')
  })
})

describe('PostgreSQL going away and coming back', () => {
  it('fails the transaction whose connection was cut, and the pool serves the next query', async () => {
    const db = await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
    const admin = new pg.Client({ connectionString: postgres.url })
    await admin.connect()
    try {
      const err = await rejection(
        db.transaction(async (tx) => {
          const [me] = await tx.query<{ pid: number }>('select pg_backend_pid() as pid')
          await admin.query('select pg_terminate_backend($1)', [me!.pid])
          // The connection is cut between two statements: the client hears it while idle.
          for (let i = 0; i < 200; i++) {
            const left = await admin.query('select 1 from pg_stat_activity where pid = $1', [
              me!.pid,
            ])
            if (left.rowCount === 0) break
            await new Promise((r) => setTimeout(r, 25))
          }
          await new Promise((r) => setImmediate(r))
          await tx.query('select 1')
        }),
      )
      // A lost connection, not a bad statement: callers answer "try again".
      expect(err).toBeInstanceOf(DatabaseError)
      expect((err as DatabaseError).unreachable).toMatch(/^PostgreSQL at \S+ not reachable \(/)
      expect(await db.query<{ n: number }>('select 1::int as n')).toEqual([{ n: 1 }])
    } finally {
      await admin.end()
      await db.close()
    }
  })

  it('at start-up, waits for an unreachable PostgreSQL with backoff and says so', async () => {
    const logs = captureLogs()
    const lines = () => logs.entries.filter((e) => e.msg === 'database not reachable: retrying')
    await postgres.down()
    let opened: Database | undefined
    try {
      const opening = openDatabaseRetrying(
        { dataDir: tmp, databaseUrl: postgres.url },
        { delaysMs: [50, 100, 200] },
      )
      for (let i = 0; i < 400 && lines().length < 3; i++)
        await new Promise((r) => setTimeout(r, 25))
      await postgres.up()
      opened = await opening
      expect(await opened.query<{ n: number }>('select 1::int as n')).toEqual([{ n: 1 }])
    } finally {
      logs.stop()
      await postgres.up()
      await opened?.close()
    }
    const shown = postgres.url
    const [first, second, third] = lines()
    const reason = `PostgreSQL at ${shown} not reachable (ECONNREFUSED)`
    expect(first).toMatchObject({ level: 'warn', reason, retryInS: 0.1, attempt: 1 })
    expect(first!.detail).toContain(`cannot reach PostgreSQL at ${shown}`)
    expect(second).toMatchObject({ reason, retryInS: 0.1, attempt: 2 })
    expect(second).not.toHaveProperty('detail')
    expect(third).toMatchObject({ reason, retryInS: 0.2, attempt: 3 })
  })

  it('does not wait for what waiting cannot fix, and stops waiting when told', async () => {
    const missing = postgres.url.replace(/\/cangqiong$/, '/nothere')
    const logs = captureLogs()
    const lines = (): LogEntry[] =>
      logs.entries.filter((e) => e.msg === 'database not reachable: retrying')
    const err = await rejection(openDatabaseRetrying({ dataDir: tmp, databaseUrl: missing }))
    expect(err.message).toContain('has no database "nothere"')
    expect(lines()).toEqual([])

    const stop = new AbortController()
    const port = await freePort()
    const waiting = openDatabaseRetrying(
      { dataDir: tmp, databaseUrl: `postgres://cq@127.0.0.1:${port}/cangqiong` },
      { signal: stop.signal },
    )
    for (let i = 0; i < 400 && lines().length < 1; i++) await new Promise((r) => setTimeout(r, 25))
    logs.stop()
    expect(lines()[0]).toMatchObject({ retryInS: 1 })
    expect(lines()[0]!.reason).toMatch(/not reachable \(ECONNREFUSED\)$/)
    stop.abort()
    expect((await rejection(waiting)).message).toBe(
      'the server stopped while waiting for the database',
    )
  })
})

describe('opening PGlite', () => {
  it('says when the data folder cannot be written', async () => {
    const file = path.join(tmp, 'a-file')
    fs.writeFileSync(file, '')
    const err = await rejection(openDatabase({ dataDir: file }))
    expect(err).toBeInstanceOf(DatabaseError)
    expect(err.message).toBe(
      `cannot write the database folder ${path.join(file, 'pglite')} (ENOTDIR): set DATA_DIR ` +
        `to a folder this server may write, or fix the folder's permissions`,
    )
    if (process.getuid?.() !== 0) {
      // Root writes anywhere, so this part only runs as a normal user.
      const locked = path.join(tmp, 'read-only')
      fs.mkdirSync(locked, { mode: 0o500 })
      const denied = await rejection(openDatabase({ dataDir: locked }))
      expect(denied.message).toContain('(EACCES)')
    }
  })

  it('keeps a second process (and a second open here) out of an open folder', async () => {
    const dataDir = path.join(tmp, 'main')
    const again = await rejection(openDatabase({ dataDir }))
    expect(again.message).toBe(
      `the database in ${path.join(dataDir, 'pglite')} is already open in this process`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/db/testChild.ts', 'open'], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(output).toContain(
      `the database in ${path.join(dataDir, 'pglite')} is in use by process ${process.pid}`,
    )
    expect(output).toContain('PostgreSQL (DATABASE_URL)')
  })

  it('takes over a lock left by a process that died', async () => {
    // The main folder, closed; the lock names a pid that is not running (far above pid_max).
    const dataDir = path.join(tmp, 'main')
    const lockFile = path.join(dataDir, 'pglite.cangqiong.lock')
    await pglite.close()
    expect(fs.existsSync(lockFile)).toBe(false)
    fs.writeFileSync(lockFile, '99999999 12345\n')
    pglite = await openDatabase({ dataDir })
    expect(fs.readFileSync(lockFile, 'utf8').split(' ')[0]).toBe(String(process.pid))
    expect(await pglite.query('select count(*)::int as n from spaces')).toEqual([{ n: 0 }])
  })
})

describe('the throwaway PostgreSQL', () => {
  it('says how to install PostgreSQL when it is missing', async () => {
    expect(findPostgresBin()).not.toBeNull()
    const saved = process.env.PG_BIN
    process.env.PG_BIN = path.join(tmp, 'no-such-bin')
    try {
      const err = await rejection(startTestPostgres())
      expect(err.message).toContain('sudo apt-get install -y postgresql')
    } finally {
      if (saved === undefined) delete process.env.PG_BIN
      else process.env.PG_BIN = saved
    }
  })

  // Last in this file: it stops the cluster the tests above used (afterAll's stop() is then a
  // no-op).
  it('stops without leaving a process or its folder behind', async () => {
    const pg = postgres
    const db = await openDatabase({ dataDir: tmp, databaseUrl: pg.url })
    await db.query('select 1') // a session open while it stops
    const tree = [pg.pid, ...descendants(pg.pid)]
    expect(tree.length).toBeGreaterThan(3) // postmaster, checkpointer, walwriter, a backend, …
    expect(processesMentioning(pg.dir)).toEqual([pg.pid])
    await pg.stop()
    await db.close().catch(() => {})
    expect(tree.filter(isAlive)).toEqual([])
    expect(processesMentioning(pg.dir)).toEqual([])
    expect(fs.existsSync(pg.dir)).toBe(false)
  })
})
