// Tests only: a throwaway PostgreSQL cluster from Debian's `postgresql` package, in a temp
// folder, on a free loopback port. Stopping it ends every postgres process and removes the folder.
//
// initdb and postgres refuse to run as root, so as root (containers, CI) both run as the
// `postgres` system user through `setpriv`, which execs in place: the child we spawn is the
// postmaster itself. `--pdeathsig SIGINT` makes it shut down if this process dies without
// stopping it (a killed test worker), so no cluster outlives its test run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from '../../e2e/procs'

export interface TestPostgres {
  /** URL of a fresh, empty database (`createDatabase()` makes more). */
  url: string
  createDatabase(name?: string): Promise<string>
  /** The postmaster's pid and the temp folder, for checks that nothing is left behind. */
  pid: number
  dir: string
  stop(): Promise<void>
  /** Stops the server (fast shutdown) and keeps its data; `up()` starts it on the same port. */
  down(): Promise<void>
  up(): Promise<void>
}

const INSTALL_HINT =
  'PostgreSQL is not installed; these tests start a real PostgreSQL server. ' +
  'Install it with: sudo apt-get install -y postgresql'

/** The folder holding initdb and postgres: PG_BIN, the newest /usr/lib/postgresql/<n>/bin, or PATH. */
export function findPostgresBin(): string | null {
  const has = (dir: string) => ['initdb', 'postgres'].every((b) => fs.existsSync(path.join(dir, b)))
  if (process.env.PG_BIN) return has(process.env.PG_BIN) ? process.env.PG_BIN : null
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : []
  for (const v of versions) if (has(path.join(root, v, 'bin'))) return path.join(root, v, 'bin')
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  const found = which.status === 0 ? path.dirname(which.stdout.trim()) : null
  return found && has(found) ? found : null
}

/** How to run a binary as a user postgres accepts, with the parent-death signal set. */
function launcher(): { prefix: string[]; owner: { uid: number; gid: number } | null } {
  const setpriv = spawnSync('setpriv', ['--version']).error ? null : 'setpriv'
  const death = ['--pdeathsig', 'SIGINT']
  if (process.getuid?.() !== 0)
    return { prefix: setpriv ? [setpriv, ...death, '--'] : [], owner: null }
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = id('-u')
  const gid = id('-g')
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'running as root, and PostgreSQL refuses to run as root; the `postgres` system user it ' +
        'would run as does not exist (the Debian package creates it: sudo apt-get install -y postgresql)',
    )
  }
  if (!setpriv)
    throw new Error('running as root: setpriv (util-linux) is needed to drop to the postgres user')
  return {
    prefix: [setpriv, '--reuid=postgres', '--regid=postgres', '--init-groups', ...death, '--'],
    owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) },
  }
}

function chownTree(dir: string, uid: number, gid: number) {
  fs.chownSync(dir, uid, gid)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) chownTree(p, uid, gid)
    else fs.chownSync(p, uid, gid)
  }
}

async function connects(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin()
  if (!bin) throw new Error(INSTALL_HINT)
  const { prefix, owner } = launcher()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-pg-'))
  const data = path.join(dir, 'data')
  const sock = path.join(dir, 'sock')
  fs.mkdirSync(sock)
  if (owner) chownTree(dir, owner.uid, owner.gid)

  const run = (cmd: string, args: string[]) => {
    const [head, ...rest] = [...prefix, path.join(bin, cmd), ...args]
    return { head: head!, rest }
  }
  const init = run('initdb', [
    ...['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
  ])
  const initdb = spawnSync(init.head, init.rest, { encoding: 'utf8', cwd: dir })
  if (initdb.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed (${initdb.status}):\n${initdb.stdout}${initdb.stderr}`)
  }

  let child: ChildProcess | undefined
  let output = ''
  let port = 0
  let url = ''
  /** Starts the postmaster on `port`; resolves whether it accepts connections. */
  const launch = async (): Promise<boolean> => {
    const start = run('postgres', [
      ...['-D', data, '-p', String(port), '-k', sock],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=60'],
      ...['-c', 'shared_buffers=16MB', '-c', 'log_min_messages=warning'],
    ])
    const proc = spawn(start.head, start.rest, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    output = ''
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const base = `postgres://postgres@127.0.0.1:${port}/postgres`
    const deadline = Date.now() + 20_000
    while (proc.exitCode === null && proc.signalCode === null && Date.now() < deadline) {
      if (await connects(base)) return true
      await new Promise((r) => setTimeout(r, 100))
    }
    if (proc.exitCode === null) proc.kill('SIGKILL')
    return false
  }
  // freePort() can race with another process taking the port: try a few.
  for (let attempt = 0; attempt < 3 && !url; attempt++) {
    port = await freePort()
    if (await launch()) url = `postgres://postgres@127.0.0.1:${port}/postgres`
  }
  /** Fast shutdown of the running postmaster (sessions end, data stays). */
  const shutdown = async () => {
    const postmaster = child!
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) return
    const exited = new Promise<void>((resolve) => postmaster.once('exit', () => resolve()))
    postmaster.kill('SIGINT') // fast shutdown: ends sessions, checkpoints, exits
    const slow = setTimeout(() => postmaster.kill('SIGQUIT'), 10_000)
    const stuck = setTimeout(() => postmaster.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(slow)
    clearTimeout(stuck)
  }
  const cleanup = async () => {
    await shutdown()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  if (!url) {
    await cleanup()
    throw new Error(`PostgreSQL did not start:\n${output}`)
  }

  let count = 0
  const createDatabase = async (name = `t${++count}`) => {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`)
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query(`create database ${name}`)
    } finally {
      await admin.end()
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`
  }

  return {
    url: await createDatabase('cangqiong'),
    createDatabase,
    get pid() {
      return child!.pid!
    },
    dir,
    stop: cleanup,
    down: shutdown,
    async up() {
      if (child!.exitCode === null && child!.signalCode === null) return
      if (!(await launch())) throw new Error(`PostgreSQL did not start again:\n${output}`)
    },
  }
}
