// Tests only: the product as it runs behind a load balancer. Debian's redis-server (presence
// and room listings), a throwaway PostgreSQL (the events) and server processes (`tsx
// server/main.ts`) that share both, each on a free loopback port with its own data folder.
// Used by the tests that prove what crosses processes (events.redis, stage.redis).
//
// None of them may outlive the test run, whatever happens to it (a failed or filtered test, a
// start that timed out, a killed worker): each child is the leader of a process group of its
// own, stopped through its group (a server's Janus and anvil with it); redis-server dies with
// this process (setpriv --pdeathsig), PostgreSQL likewise (server/db/testPostgres.ts); a server
// watches its stdin, which only this process holds open, and stops its group when it ends
// (server/testChildGuard.ts); and whatever is still running when this process exits is killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Room } from 'colyseus.js'
import { freePort } from '../e2e/procs'
import { startTestPostgres } from './db/testPostgres'
import { signInEnv, writeSignInRegistry } from './events/testKit'
import { writeTestScenes } from './events/testScenes'
import { checkRedis } from './redis'

interface Proc {
  child: ChildProcess
  output: string
  exited: Promise<void>
}

/** Process groups (by leader pid) of every child started here and not yet seen to exit. */
const live = new Set<number>()

/** Signals a whole process group; false when it is gone already. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

// The last resort: this process is exiting (normally, or through process.exit) with children
// still running. Only synchronous work runs here, and kill is.
process.on('exit', () => {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL')
})

/** `redis-server` and the like with the parent-death signal set where setpriv is installed. */
const withDeathSignal = (cmd: string, args: string[]): [string, string[]] =>
  spawnSync('setpriv', ['--version']).error
    ? [cmd, args]
    : ['setpriv', ['--pdeathsig', 'SIGKILL', '--', cmd, ...args]]

export interface TestCluster {
  /** Each server process's address, in start order. */
  urls: string[]
  /** Stops the servers first (they clean their entries out of Redis), then the rest. */
  stop(): Promise<void>
}

/** Waits for `work` to settle, at most `ms` (cleanup that must not hang the cluster's stop). */
export async function settleWithin(ms: number, work: Promise<unknown>[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    Promise.allSettled(work),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ])
  clearTimeout(timer)
}

/** The process a room's WebSocket went to (`host:port`). */
export const hostOf = (room: Room) =>
  new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).host

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  // A child server compiles its TypeScript with tsx first: 30 s ran out on two busy cores.
  const deadline = Date.now() + 90_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Starts redis-server, PostgreSQL and `processes` servers sharing them, with the test scenes and
 * sign-in without a chain; `env` adds settings to every server. Resolves once each server's
 * events answer. On a failed start, what did start is stopped again.
 */
export async function startTestCluster(
  name: string,
  env: NodeJS.ProcessEnv = {},
  processes = 2,
): Promise<TestCluster> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'redis-server is not installed; these tests start a real Redis. ' +
        'Install it with: sudo apt-get install -y redis-server',
    )
  }
  const procs: Proc[] = []
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cq-${name}-`))
  let postgres: Awaited<ReturnType<typeof startTestPostgres>> | undefined

  const start = (cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Proc => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...extra },
      // stdin: a pipe only this process holds; a server stops when it ends (testChildGuard).
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    })
    const pgid = child.pid
    if (pgid !== undefined) live.add(pgid)
    const proc: Proc = {
      child,
      output: '',
      exited: new Promise((resolve) =>
        child.on('exit', () => {
          // Whatever the leader left behind in its group goes with it.
          if (pgid !== undefined) {
            signalGroup(pgid, 'SIGKILL')
            live.delete(pgid)
          }
          resolve()
        }),
      ),
    }
    // Its stdin stays open until this process ends; it must not keep this process alive.
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      ;(stream as unknown as { unref?: () => void } | null)?.unref?.()
    }
    child.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
    procs.push(proc)
    return proc
  }

  const serverProcess = async (serverEnv: NodeJS.ProcessEnv): Promise<string> => {
    const port = await freePort()
    const guard = ['--import', './server/testChildGuard.ts']
    const proc = start(process.execPath, ['--import', 'tsx', ...guard, 'server/main.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      CLIENT: 'none',
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      DATA_DIR: path.join(tmp, `data-${port}`),
      SCENES_DIR: path.join(tmp, 'scenes'),
      ...serverEnv,
    })
    const url = await waitFor(`server on ${port}:\n${proc.output}`, () => {
      if (proc.child.exitCode !== null) throw new Error(`server on ${port} exited:\n${proc.output}`)
      return /Open (http\S+)/.exec(proc.output)?.[1]
    })
    // Events are up once the database is.
    await waitFor(`events on ${port}:\n${proc.output}`, async () =>
      (await fetch(new URL('/api/events', url))).status === 200 ? true : undefined,
    )
    return url
  }

  const stop = async () => {
    for (const group of [procs.slice(1), procs.slice(0, 1)]) {
      await Promise.all(
        group.map(async ({ child, exited }) => {
          if (child.exitCode !== null || child.signalCode !== null) return
          signalGroup(child.pid!, 'SIGTERM')
          const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 10_000)
          await exited
          clearTimeout(timer)
        }),
      )
    }
    await postgres?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }

  try {
    writeTestScenes(path.join(tmp, 'scenes'))
    writeSignInRegistry(path.join(tmp, 'registry.json'))
    const redisPort = await freePort()
    const redisUrl = `redis://127.0.0.1:${redisPort}`
    const redis = start(
      ...withDeathSignal('redis-server', [
        ...['--port', String(redisPort), '--bind', '127.0.0.1'],
        ...['--save', '', '--appendonly', 'no', '--dir', tmp],
      ]),
    )
    const [pg] = await Promise.all([
      startTestPostgres(),
      waitFor(`redis-server:\n${redis.output}`, () =>
        checkRedis(redisUrl).then(
          () => true,
          () => undefined,
        ),
      ),
    ])
    postgres = pg
    // Behind one load balancer every process sees the same Host: SIWE_DOMAIN stands for it.
    const shared = {
      REDIS_URL: redisUrl,
      DATABASE_URL: pg.url,
      SIWE_DOMAIN: 'cangqiong.test',
      ...signInEnv(path.join(tmp, 'registry.json')),
      ...env,
    }
    const urls = await Promise.all(Array.from({ length: processes }, () => serverProcess(shared)))
    return { urls, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
