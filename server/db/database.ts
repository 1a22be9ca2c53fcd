// The server's SQL database: embedded PGlite in `<DATA_DIR>/pglite` by default, PostgreSQL
// through `pg.Pool` when DATABASE_URL is set. Both run the same SQL with `$1` parameters.
//
// Durability. A PGlite commit resolves after Postgres wrote its WAL record with a synchronous
// write(2) through Emscripten's NODEFS, so a `kill -9` of this process right after a commit
// resolves loses nothing (the kernel holds the page). It is NOT durable against an OS crash or
// power loss: PGlite starts Postgres with fsync off (`-F`), and NODEFS has no fsync at all.
// `relaxedDurability` only matters for browser file systems; it is set to false here anyway.
// Use PostgreSQL (DATABASE_URL) where power loss must not lose acknowledged writes.
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { redactUrl } from '../urls'
import { clip, log, type Logger } from '../log'

/** A value bound to a `$n` parameter. Pass JSON as a string and cast it: `$1::jsonb`. */
export type SqlParam = string | number | boolean | null | Date

export interface Queryable {
  /** Runs one statement and returns its rows. Cast counts and sums (`::int`): engines differ. */
  query<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<T[]>
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres'
  /** The PGlite folder, or the PostgreSQL URL without its password. */
  readonly location: string
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Use only `tx` inside: on PGlite, `db.query` waits for the transaction and would deadlock.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
  /** PostgreSQL only: the pool's connections (for /metrics). */
  pool?(): { total: number; idle: number; waiting: number }
}

/** The database cannot be opened or reached; the message says what to do. */
export class DatabaseError extends Error {
  /** Set when the server was not reachable (yet): a later attempt may succeed. Says what failed. */
  readonly unreachable: string | null
  constructor(message: string, options?: { cause?: unknown; unreachable?: string }) {
    super(message, options)
    this.name = 'DatabaseError'
    this.unreachable = options?.unreachable ?? null
  }
}

export interface OpenOptions {
  /** DATA_DIR: PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string
  /** DATABASE_URL: use this PostgreSQL server instead of PGlite. */
  databaseUrl?: string
  /** Connections the pool may open (PostgreSQL only). */
  maxConnections?: number
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections ?? 10)
    : openPglite(path.join(options.dataDir, 'pglite'))
}

export { redactUrl }

/** Waits between attempts to reach PostgreSQL at start-up, then the last one over and over. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 15_000]

export interface RetryOptions {
  /** Ends the waiting (the server stops): the promise rejects. */
  signal?: AbortSignal
  log?: Logger
  delaysMs?: readonly number[]
}

/**
 * Opens the database like `openDatabase`, but while PostgreSQL is not reachable (down at boot,
 * restarting) it logs what it waits for and tries again with backoff, without end. Errors
 * that waiting cannot fix (wrong password, no such database, a bad URL) reject at once.
 */
export async function openDatabaseRetrying(
  options: OpenOptions,
  retry: RetryOptions = {},
): Promise<Database> {
  const logger = retry.log ?? log
  const delays = retry.delaysMs ?? RETRY_DELAYS_MS
  for (let attempt = 0; ; attempt++) {
    try {
      retry.signal?.throwIfAborted()
      return await openDatabase(options)
    } catch (err) {
      if (!(err instanceof DatabaseError) || !err.unreachable || retry.signal?.aborted) throw err
      const ms = delays[Math.min(attempt, delays.length - 1)] ?? 1000
      const retryInS = Math.round(ms / 100) / 10
      // The first line says what to do (err.message); the next ones only that it still waits.
      const detail = attempt === 0 ? { detail: clip(err.message, 500) } : {}
      logger.warn(
        { reason: err.unreachable, retryInS, attempt: attempt + 1, ...detail },
        'database not reachable: retrying',
      )
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer)
          reject(new DatabaseError('the server stopped while waiting for the database'))
        }
        const timer = setTimeout(() => {
          retry.signal?.removeEventListener('abort', done)
          resolve()
        }, ms)
        retry.signal?.addEventListener('abort', done, { once: true })
      })
    }
  }
}

// ---- PostgreSQL ---------------------------------------------------------------------------

async function openPostgres(url: string, max: number): Promise<Database> {
  const shown = redactUrl(url)
  if (!/^postgres(ql)?:\/\/\S+$/.test(url)) {
    throw new DatabaseError(`DATABASE_URL must start with postgres:// or postgresql://: ${shown}`)
  }
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 })
  // An idle connection that drops (server restart) emits here; without a listener it would
  // crash the process. The pool replaces it on the next query.
  pool.on('error', (err) =>
    log.error({ part: 'db', reason: clip(err.message) }, 'PostgreSQL connection lost'),
  )
  try {
    await pool.query('select 1')
  } catch (err) {
    await pool.end().catch(() => {})
    throw new DatabaseError(postgresHint(shown, url, err), {
      cause: err,
      unreachable: refusedForGood(err)
        ? undefined
        : `PostgreSQL at ${shown} not reachable (${short(err)})`,
    })
  }

  const run = async <T extends object>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<T[]> => {
    try {
      return (await client.query<T>(sql, params ? [...params] : undefined)).rows
    } catch (err) {
      throw lostConnection(err, shown) ?? err
    }
  }

  return {
    engine: 'postgres',
    location: shown,
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect().catch((err: unknown) => {
        throw lostConnection(err, shown) ?? err
      })
      let broken: Error | undefined
      // The pool listens for errors on idle connections only: one that drops while checked
      // out (PostgreSQL restarting between two statements) would emit 'error' with no
      // listener and end the process. Here its next statement fails and it is not reused.
      const lost = (err: Error) => (broken = err)
      client.on('error', lost)
      try {
        await run(client, 'begin')
        const result = await fn({ query: (sql, params) => run(client, sql, params) })
        await run(client, 'commit')
        return result
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e))
        throw err
      } finally {
        // A connection that failed to roll back is closed rather than reused.
        client.off('error', lost)
        client.release(broken)
      }
    },
    close: () => pool.end(),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  }
}

/**
 * A failure of the connection rather than of the statement (PostgreSQL down, restarting, or
 * cut off) as a DatabaseError with `unreachable` set, so callers can answer "try again"; null
 * for anything else (constraint violations and the like pass through unchanged).
 */
function lostConnection(err: unknown, shown: string): DatabaseError | null {
  const e = err as { code?: unknown; message?: unknown }
  const code = typeof e.code === 'string' ? e.code : ''
  const lost =
    /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|57P0|08)/.test(code) ||
    /connection terminated|connection error|timeout exceeded when trying to connect/i.test(
      String(e.message ?? ''),
    )
  if (!lost) return null
  const what = `PostgreSQL at ${shown} not reachable (${short(err)})`
  return new DatabaseError(what, { cause: err, unreachable: what })
}

/** Errors that no wait fixes: the login or the database name is wrong. */
function refusedForGood(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === '28P01' || code === '28000' || code === '3D000'
}

/** The error's code (ECONNREFUSED, 57P03…) or its message, bounded. */
function short(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown }
  const text = typeof e.code === 'string' && e.code ? e.code : String(e.message ?? err)
  return text.length > 120 ? `${text.slice(0, 120)}…` : text
}

function postgresHint(shown: string, url: string, err: unknown): string {
  const e = err as { code?: string; message?: string }
  const why = e.message || e.code || String(err)
  if (e.code === '28P01' || e.code === '28000') {
    return `PostgreSQL at ${shown} refused the login (${why}): check the user and password in DATABASE_URL`
  }
  if (e.code === '3D000') {
    const name = decodeURIComponent(new URL(url).pathname.slice(1))
    return `PostgreSQL at ${shown} has no database "${name}" (${why}): create it with: createdb ${name}`
  }
  return (
    `cannot reach PostgreSQL at ${shown} (${why}). Start PostgreSQL there (Debian: ` +
    `sudo apt-get install postgresql && sudo service postgresql start), or unset ` +
    `DATABASE_URL to use the embedded PGlite database in DATA_DIR`
  )
}

// ---- PGlite ---------------------------------------------------------------------------------

async function openPglite(dir: string): Promise<Database> {
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.accessSync(dir, fs.constants.W_OK)
    const probe = path.join(dir, `.write-probe-${process.pid}`)
    fs.writeFileSync(probe, '')
    fs.rmSync(probe)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new DatabaseError(
      `cannot write the database folder ${dir} (${code}): set DATA_DIR to a folder this ` +
        `server may write, or fix the folder's permissions`,
      { cause: err },
    )
  }
  const unlock = lockFolder(dir)
  let db: PGlite
  try {
    db = await PGlite.create({ dataDir: dir, relaxedDurability: false })
  } catch (err) {
    unlock()
    const why = err instanceof Error ? err.message : String(err)
    throw new DatabaseError(`cannot open the PGlite database in ${dir}: ${why}`, { cause: err })
  }

  const run = async <T extends object>(
    q: Pick<PGlite, 'query'>,
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<T[]> => (await q.query<T>(sql, params ? [...params] : undefined)).rows

  let closed: Promise<void> | undefined
  return {
    engine: 'pglite',
    location: dir,
    query: (sql, params) => run(db, sql, params),
    transaction: (fn) =>
      db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    close: () => (closed ??= db.close().finally(unlock)),
  }
}

// PGlite does not stop a second process from opening the same folder (both would write it and
// corrupt it), so the folder gets a lock file naming the process that has it open. A lock left
// by a dead process (kill -9) is taken over. The process start time guards against pid reuse.
const LOCK_NAME = 'cangqiong.lock'
const heldHere = new Set<string>()

function lockFolder(dir: string): () => void {
  const file = path.join(path.dirname(dir), `${path.basename(dir)}.${LOCK_NAME}`)
  const me = `${process.pid} ${startTime(process.pid) ?? ''}`.trim()
  if (heldHere.has(file)) {
    throw new DatabaseError(`the database in ${dir} is already open in this process`)
  }
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${me}\n`, { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err
      const [pid, started] = fs.readFileSync(file, 'utf8').trim().split(' ')
      if (holderAlive(Number(pid), started)) {
        throw new DatabaseError(
          `the database in ${dir} is in use by process ${pid}: stop it first, or run several ` +
            `server processes against PostgreSQL (DATABASE_URL)`,
        )
      }
      fs.rmSync(file, { force: true })
    }
  }
  heldHere.add(file)
  return () => {
    heldHere.delete(file)
    fs.rmSync(file, { force: true })
  }
}

/** Start time of a process in clock ticks since boot (Linux), or null elsewhere / if gone. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (rest[0] === 'Z') return null // a zombie has exited
    return rest[19] ?? null
  } catch {
    return null
  }
}

function holderAlive(pid: number, started: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return false // not in heldHere: left by an earlier run with our pid
  if (fs.existsSync('/proc/self/stat')) {
    const now = startTime(pid)
    return now !== null && (started === undefined || started === now)
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
