// Tests only: a migrated database on either engine, for the store tests that run the same cases
// on PGlite and on a throwaway PostgreSQL (`describe.each(ENGINES)`), and its clean-up.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Database } from './database'
import { migrate } from './migrations'
import { freshPgliteDir } from './testPglite'
import { startTestPostgres, type TestPostgres } from './testPostgres'

export const ENGINES = ['pglite', 'postgres'] as const
export type Engine = (typeof ENGINES)[number]

export interface TestDatabase {
  db: Database
  /** Its temporary folder (PGlite's data, or PostgreSQL's beside it). */
  tmp: string
  /** The throwaway PostgreSQL server (undefined on PGlite): it makes more databases. */
  postgres: TestPostgres | undefined
  /** Closes the database, stops PostgreSQL and removes the folder. */
  close(): Promise<void>
}

/** A fresh, migrated database on `engine` in a temporary folder named after `name`. */
export async function migratedDatabase(engine: Engine, name: string): Promise<TestDatabase> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cq-${name}-`))
  let postgres: TestPostgres | undefined
  let db: Database | undefined
  try {
    if (engine === 'postgres') {
      postgres = await startTestPostgres()
      db = await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
    } else {
      db = await openDatabase({ dataDir: await freshPgliteDir(tmp) })
    }
    if (db.engine !== engine) throw new Error(`asked for ${engine}, opened ${db.engine}`)
    await migrate(db)
  } catch (err) {
    await db?.close()
    await postgres?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
    throw err
  }
  const opened = db
  return {
    db: opened,
    tmp,
    postgres,
    async close() {
      await opened.close()
      await postgres?.stop()
      fs.rmSync(tmp, { recursive: true, force: true })
    },
  }
}
