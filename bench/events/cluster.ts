// What the events bench runs against, all on loopback and all thrown away at the end: Debian's
// redis-server on a free port, a throwaway PostgreSQL (server/db/testPostgres.ts), and server
// processes (bench/lib/server.ts: CPU from /proc) sharing both, each able to sign wallets in
// through a trust registry whose chain is never called (sign-in checks signatures only).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { descendants, freePort, isAlive } from '../../e2e/procs'
import { startTestPostgres, findPostgresBin, type TestPostgres } from '../../server/db/testPostgres'
import { writeSignInRegistry } from '../../server/events/testKit'
import { checkRedis } from '../../server/redis'
import { CLK_TCK, procCpuTicks, startServerProcess, type ServerProcess } from '../lib/server'

/**
 * CPU seconds a process used so far; with `tree`, its live descendants' too and what its
 * children that exited used (cutime + cstime: PostgreSQL's backends come and go).
 */
function procCpuSeconds(pid: number, tree = false): number {
  if (!tree) return procCpuTicks(pid) / CLK_TCK
  let reaped = 0
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    reaped = Number(rest[13]) + Number(rest[14])
  } catch {
    // gone
  }
  const live = [pid, ...descendants(pid)].reduce((sum, p) => sum + procCpuTicks(p), 0)
  return (live + reaped) / CLK_TCK
}

export interface LoopSample {
  t: number
  p50: number
  p99: number
  max: number
}

export interface Cluster {
  servers: ServerProcess[]
  /** Each server's event-loop delay, one sample a second (bench/events/serve.ts). */
  loop(i: number): LoopSample[]
  /** http:// base URLs of the servers, in order. */
  http: string[]
  redis: { url: string; pid: number; cpuSeconds(): number }
  postgres: { pid: number; cpuSeconds(): number }
  /** Every pid this started that must be gone after stop(). */
  pids(): number[]
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Fails with the apt-get line when redis-server or PostgreSQL is missing. */
export function checkInstalled() {
  const missing: string[] = []
  if (spawnSync('redis-server', ['--version']).error) missing.push('redis-server')
  if (!findPostgresBin()) missing.push('postgresql')
  if (missing.length) {
    throw new Error(
      `the events bench starts a real Redis and PostgreSQL; missing: ${missing.join(', ')}. ` +
        `Install with: sudo apt-get install -y ${missing.join(' ')}`,
    )
  }
}

/**
 * What to undo if the bench exits before stop() (Ctrl-C, a crash; bench/lib/server.ts kills the
 * servers): processes to kill, then synchronous clean-ups (temp folders).
 */
const leftovers = new Set<ChildProcess>()
const cleanups = new Set<() => void>()
let hooked = false
function hookExit() {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const c of leftovers) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    for (const undo of cleanups) {
      try {
        undo()
      } catch {
        // best effort: the process is going
      }
    }
  })
}
function killOnExit(child: ChildProcess) {
  hookExit()
  leftovers.add(child)
}

async function startRedis(dir: string) {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--dir', dir],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  killOnExit(child)
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited:\n${output}`)
    if (
      await checkRedis(url).then(
        () => true,
        () => false,
      )
    )
      break
    if (Date.now() > deadline) throw new Error(`redis-server did not answer:\n${output}`)
    await sleep(100)
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    leftovers.delete(child)
  }
  return { url, pid: child.pid!, cpuSeconds: () => procCpuSeconds(child.pid!), stop }
}

/** Starts Redis, PostgreSQL and `count` server processes sharing them. */
export async function startCluster(count: number, log: (s: string) => void): Promise<Cluster> {
  checkInstalled()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-bench-events-'))
  const registry = path.join(tmp, 'registry.json')
  writeSignInRegistry(registry)
  let redis: Awaited<ReturnType<typeof startRedis>> | null = null
  let pg: TestPostgres | null = null
  const servers: ServerProcess[] = []
  // On an early exit: PostgreSQL stops at once (its children follow), folders go.
  const undo = () => {
    if (pg) {
      try {
        process.kill(pg.pid, 'SIGQUIT')
      } catch {
        // gone
      }
      fs.rmSync(pg.dir, { recursive: true, force: true })
    }
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  hookExit()
  cleanups.add(undo)
  const stop = async () => {
    // Servers first (they take their rooms out of Redis), then Redis and PostgreSQL.
    await Promise.allSettled(servers.map((s) => s.stop()))
    await Promise.allSettled([redis?.stop(), pg?.stop()])
    fs.rmSync(tmp, { recursive: true, force: true })
    cleanups.delete(undo)
  }
  try {
    const [r, p] = await Promise.all([startRedis(tmp), startTestPostgres()])
    redis = r
    pg = p
    log(`redis-server pid ${r.pid} at ${r.url}; PostgreSQL pid ${p.pid}`)
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startServerProcess(
          {
            REDIS_URL: r.url,
            DATABASE_URL: p.url,
            CHAIN: 'registry',
            TRUST_REGISTRY: registry,
            CHAIN_POLL_MS: '600000',
            DATA_DIR: path.join(tmp, `data-${i + 1}`),
            EVENTS_PROBE_FILE: path.join(tmp, `loop-${i + 1}.jsonl`),
          },
          'bench/events/serve.ts',
        ),
      ),
    )
    servers.push(...started)
    const http = servers.map((s) => s.url.replace(/^ws/, 'http'))
    // Events are up once each process has its database.
    const deadline = Date.now() + 60_000
    for (const url of http) {
      for (;;) {
        const ok = await fetch(new URL('/api/events', url)).then(
          (res) => res.status === 200,
          () => false,
        )
        if (ok) break
        if (Date.now() > deadline) throw new Error(`events did not come up at ${url}`)
        await sleep(200)
      }
    }
    const pgPid = p.pid
    return {
      servers,
      loop: (i) => {
        try {
          return fs
            .readFileSync(path.join(tmp, `loop-${i + 1}.jsonl`), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as LoopSample)
        } catch {
          return []
        }
      },
      http,
      redis: r,
      postgres: { pid: pgPid, cpuSeconds: () => procCpuSeconds(pgPid, true) },
      pids: () => [r.pid, pgPid, ...servers.map((s) => s.pid)].filter(isAlive),
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
