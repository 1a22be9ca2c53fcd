// PGlite runs in a worker thread (pgliteWorker.mjs): the server's thread keeps serving while
// initdb runs, and what crosses the thread (rows, errors, transactions) behaves as PGlite does.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { log } from '../log'
import { DatabaseError, openDatabase, workers, type Database } from './database'
import { freshPgliteDir, rejection } from './testPglite'

let tmp: string
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-pgw-'))
})
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

it('keeps this thread free while PGlite initialises a fresh folder', async () => {
  // The share of the open this thread spent running rather than waiting for events. With
  // PGlite on this thread, initdb is one long synchronous stretch: measured 0.99 here (39 ticks
  // of a 10 ms interval in a 31 s open). In the worker: 0.03 (1794 ticks in 27 s). Load on
  // the machine lengthens both the open and the waits, not this thread's own work.
  const before = performance.eventLoopUtilization()
  let db: Database | undefined
  try {
    db = await openDatabase({ dataDir: path.join(tmp, 'fresh') })
    expect(fs.existsSync(path.join(tmp, 'fresh', 'pglite', 'PG_VERSION'))).toBe(true)
  } finally {
    await db?.close()
  }
  expect(performance.eventLoopUtilization(before).utilization).toBeLessThan(0.5)
}, 180_000)

describe('a PGlite database behind its worker thread', () => {
  let db: Database
  beforeAll(async () => {
    db = await openDatabase({ dataDir: await freshPgliteDir(path.join(tmp, 'main')) })
    await db.query('create table t (k text primary key, n int8, at timestamptz, j jsonb)')
  })
  afterAll(() => db?.close())

  it('returns rows as PGlite makes them: numbers, bigints, dates and json', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z')
    await db.query('insert into t values ($1, $2::int8, $3, $4::jsonb)', [
      'a',
      '9007199254740993',
      at,
      JSON.stringify({ x: [1, 'y'] }),
    ])
    const rows = await db.query(
      'select k, n, at, j, 5::int8 as small, count(*) over () as c from t',
    )
    // int8 is a number while it is exact and a bigint beyond 2^53, as PGlite parses it.
    expect(rows).toEqual([{ k: 'a', n: 9007199254740993n, at, j: { x: [1, 'y'] }, small: 5, c: 1 }])
  })

  it('passes errors on with their message and Postgres code', async () => {
    const err = await rejection(db.query('insert into t (k) values ($1)', ['a']))
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('duplicate key value violates unique constraint "t_pkey"')
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey', table: 't' })
    const inTx = await rejection(db.transaction((tx) => tx.query('select * from nowhere')))
    expect(inTx.message).toBe('relation "nowhere" does not exist')
    expect(inTx).toMatchObject({ code: '42P01' })
  })

  it('holds a plain query back until the open transaction has ended', async () => {
    let plain: Promise<unknown> | undefined
    let plainDone = false
    const boom = new Error('boom')
    const err = await rejection(
      db.transaction(async (tx) => {
        await tx.query('insert into t (k) values ($1)', ['rolled-back'])
        plain = db.query('insert into t (k) values ($1)', ['after']).then(() => (plainDone = true))
        // Posted after the plain query on the same channel: had it run inside this
        // transaction, it would have answered before these.
        await tx.query('select 1')
        await tx.query('select 2')
        expect(plainDone).toBe(false)
        throw boom
      }),
    )
    expect(err).toBe(boom)
    await plain
    // It ran after the rollback, not inside the transaction that was rolled back.
    const keys = await db.query<{ k: string }>('select k from t order by k')
    expect(keys.map((r) => r.k)).toEqual(['a', 'after'])
  })

  it('refuses a query on a transaction that has ended', async () => {
    let kept: Parameters<Parameters<Database['transaction']>[0]>[0] | undefined
    await db.transaction(async (tx) => {
      kept = tx
    })
    expect((await rejection(kept!.query('select 1'))).message).toBe('Transaction is closed')
  })
})

it('fails waiting and later calls with a DatabaseError when the worker dies, and logs it', async () => {
  const dataDir = await freshPgliteDir(path.join(tmp, 'crash'))
  const db = await openDatabase({ dataDir })
  const logged = vi.spyOn(log, 'error').mockImplementation(() => {})
  try {
    const waiting = db.query('select pg_sleep(30)')
    await workers.get(db)!.thread.terminate()
    const err = await rejection(waiting)
    expect(err).toBeInstanceOf(DatabaseError)
    const dir = path.join(dataDir, 'pglite')
    expect(err.message).toBe(
      `the PGlite database in ${dir} is gone: its worker thread stopped (exit code 1)`,
    )
    expect((await rejection(db.query('select 1'))).message).toBe(err.message)
    expect((await rejection(db.transaction(async () => {}))).message).toBe(err.message)
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ part: 'db', dir }),
      'PGlite worker thread died',
    )
  } finally {
    logged.mockRestore()
    await db.close()
  }
  // close() released the folder: it opens again.
  const again = await openDatabase({ dataDir })
  expect(await again.query('select 1 as n')).toEqual([{ n: 1 }])
  await again.close()
}, 120_000)
