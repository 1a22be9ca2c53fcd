// Tests only: a fresh PGlite data folder in well under a second. PGlite's first open of an
// empty folder runs initdb (about 4 s); the first call here does that once, through
// openDatabase, into node_modules/.cache (keyed by the PGlite version), and every later call,
// from any test file or run, copies that cleanly closed folder. Also what the database tests
// share to look at a failure.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { openDatabase } from './database'

function templateDir(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const pkgDir = path.join(path.dirname(entry), '..')
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string
  }
  // <root>/node_modules/@electric-sql/pglite → <root>/node_modules/.cache
  return path.join(pkgDir, '..', '..', '.cache', 'cangqiong-pglite', version)
}

/** Fills `<dataDir>/pglite` with an initialised, empty database; returns `dataDir`. */
export async function freshPgliteDir(dataDir: string): Promise<string> {
  const template = templateDir()
  if (!fs.existsSync(path.join(template, 'pglite', 'PG_VERSION'))) {
    // Build beside it and rename into place, so a concurrent test file never copies half of one.
    const building = `${template}.${process.pid}-${Date.now()}`
    const db = await openDatabase({ dataDir: building })
    await db.close()
    fs.mkdirSync(path.dirname(template), { recursive: true })
    try {
      fs.renameSync(building, template)
    } catch {
      fs.rmSync(building, { recursive: true, force: true }) // another process won the race
    }
  }
  fs.cpSync(path.join(template, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true })
  return dataDir
}

/** The error `promise` rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected it to fail')
    },
    (e: unknown) => e as Error,
  )
}
