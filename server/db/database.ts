// The server's SQL database: embedded PGlite in `<DATA_DIR>/pglite` by default, PostgreSQL
// through `pg.Pool` when DATABASE_URL is set. Both run the same SQL with `$1` parameters.
//
// PGlite runs in a worker thread (pgliteWorker.mjs): its initdb (seconds on a first start),
// migrations and queries run beside the event loop, which only posts messages to it.
//
// Durability. A PGlite commit resolves after Postgres, in that thread, wrote its WAL record
// with a synchronous write(2) through Emscripten's NODEFS, and only then does the worker answer,
// so a `kill -9` of this process right after a commit resolves loses nothing (the kernel holds
// the page). It is NOT durable against an OS crash or power loss: PGlite starts Postgres with
// fsync off (`-F`), and NODEFS has no fsync at all.
// `relaxedDurability` only matters for browser file systems; it is set to false here anyway.
// Use PostgreSQL (DATABASE_URL) where power loss must not lose acknowledged writes.
//
// It is one file because both engines sit behind one Database interface whose errors, retries and
// durability rules apply to both.
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { redactUrl } from '../urls'
import { clip, log, type Logger } from '../log'

/** A value bound to a `$n` parameter. Pass JSON as a string and cast it: `$1::jsonb`. */
/** Uint8Array is bytea (it comes back as a Uint8Array: a Buffer from pg, a plain one from PGlite). */
export type SqlParam = string | number | boolean | null | Date | Uint8Array

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
  let worker: PgliteWorker
  try {
    worker = await startPgliteWorker(dir)
  } catch (err) {
    unlock()
    const why = err instanceof Error ? err.message : String(err)
    throw new DatabaseError(`cannot open the PGlite database in ${dir}: ${why}`, { cause: err })
  }

  const query = <T extends object>(sql: string, params?: readonly SqlParam[], tx?: number) =>
    worker.call<T[]>({ op: 'query', sql, params: params ? [...params] : undefined, tx })
  const end = (tx: number, commit: boolean) => worker.call<null>({ op: 'end', tx, commit })

  // The worker holds BEGIN open and serves this tx's queries until told to end it.
  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = await worker.call<number>({ op: 'begin' })
    let result: T
    try {
      result = await fn({
        query: <R extends object>(sql: string, params?: readonly SqlParam[]) =>
          query<R>(sql, params, tx),
      })
    } catch (err) {
      // fn's error is the one to report; a worker that died meanwhile has been logged.
      await end(tx, false).catch(() => {})
      throw err
    }
    await end(tx, true)
    return result
  }

  let closed: Promise<void> | undefined
  const db: Database = {
    engine: 'pglite',
    location: dir,
    query: <T extends object>(sql: string, params?: readonly SqlParam[]) => query<T>(sql, params),
    transaction,
    close: () => (closed ??= worker.close().finally(unlock)),
  }
  workers.set(db, worker)
  return db
}

/** A request to server/db/pgliteWorker.mjs (see the list there). */
type WorkerRequest =
  | { op: 'query'; sql: string; params?: SqlParam[]; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' }

type WorkerAnswer =
  | { id: number; result: unknown }
  | {
      id: number
      error: {
        name: string
        message: string
        stack?: string
        fields: Record<string, string | number>
      }
    }

interface PgliteWorker {
  call<T>(request: WorkerRequest): Promise<T>
  /** Closes the database and ends the thread. */
  close(): Promise<void>
  readonly thread: Worker
}

/** Tests only: the thread behind a PGlite database, to make it die. */
export const workers = new WeakMap<Database, PgliteWorker>()

const WORKER_URL = new URL('./pgliteWorker.mjs', import.meta.url)

/**
 * Starts the thread that opens PGlite in `dir` and resolves once it is open. If the thread dies
 * later, every call waiting on it and every later call rejects with a DatabaseError.
 */
function startPgliteWorker(dir: string): Promise<PgliteWorker> {
  // execArgv: [] keeps tsx's loader (inherited otherwise) out of a thread that needs none.
  const thread = new Worker(WORKER_URL, { workerData: { dataDir: dir }, execArgv: [] })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let dead: DatabaseError | null = null
  let closing = false

  // The thread keeps the process alive only while a call waits on it, as PGlite in this
  // thread did: an idle open database does not stop the process from ending.
  const settle = (id: number) => {
    const p = pending.get(id)
    pending.delete(id)
    if (pending.size === 0) thread.unref()
    return p
  }
  const die = (why: string) => {
    if (dead) return
    dead = new DatabaseError(
      closing
        ? `the PGlite database in ${dir} is closed`
        : `the PGlite database in ${dir} is gone: its worker thread stopped (${why})`,
    )
    if (!closing) log.error({ part: 'db', dir, reason: clip(why) }, 'PGlite worker thread died')
    for (const id of [...pending.keys()]) settle(id)?.reject(dead)
  }
  thread.on('message', (m: WorkerAnswer) => {
    const p = settle(m.id)
    if ('error' in m) p?.reject(fromWorker(m.error))
    else p?.resolve(m.result)
  })
  thread.on('error', (err) => die(err.message))
  thread.on('exit', (code) => die(`exit code ${code}`))

  const send = <T>(id: number, request?: WorkerRequest) =>
    new Promise<T>((resolve, reject) => {
      if (dead) return reject(dead)
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      thread.ref()
      if (request) thread.postMessage({ ...request, id })
    })

  const worker: PgliteWorker = {
    thread,
    call: (request) => send(nextId++, request),
    async close() {
      try {
        if (!dead) await worker.call({ op: 'close' })
      } finally {
        closing = true
        await thread.terminate()
      }
    },
  }
  // Id 0 is the open: the thread answers it when PGlite is ready, or with why it is not.
  return send<null>(0).then(
    () => worker,
    async (err: unknown) => {
      closing = true
      await thread.terminate()
      throw err
    },
  )
}

/** An error from the worker with its message and Postgres fields (code, detail, constraint…). */
function fromWorker(e: { name: string; message: string; stack?: string; fields: object }): Error {
  const err = Object.assign(new Error(e.message), e.fields)
  err.name = e.name
  if (e.stack) err.stack = e.stack
  return err
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
