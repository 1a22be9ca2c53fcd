// The game server as a child process of its own (`node --import tsx server/main.ts`), so that its
// CPU time is measured apart from the bots': utime+stime from /proc/<pid>/stat, summed over the
// process and anything it started. Stopped with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { descendants, freePort, groupMembers, portOpen } from '../../e2e/procs'
import { LOAD_TEST_LIMITS } from '../../server/limits'

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
export const CLK_TCK = 100

export interface ServerProcess {
  url: string
  pid: number
  /** CPU seconds (user + system) used so far by the server and its descendants. */
  cpuSeconds(): number
  /** Last lines the server printed (for error messages). */
  output(): string
  /** How many times @colyseus/schema warned that a patch outgrew its encode buffer. */
  encoderOverflows(): number
  stop(): Promise<void>
}

export function procCpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(rest[11]) + Number(rest[12])
  } catch {
    return 0
  }
}

/** CPU seconds all processes on the machine have used (user, nice, system, irq, steal). */
export function machineCpuSeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Server processes still running, killed if the bench exits early (Ctrl-C, a crash). */
const running = new Set<number>()
let exitHooked = false
function killOnExit(pid: number) {
  running.add(pid)
  if (exitHooked) return
  exitHooked = true
  process.on('exit', () => {
    for (const p of running) {
      try {
        process.kill(-p, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130))
  }
}

/**
 * Starts `entry` (server/main.ts, the product) on a free loopback port with CLIENT=none and
 * the given environment on top.
 */
export async function startServerProcess(
  env: Record<string, string>,
  entry = 'server/main.ts',
): Promise<ServerProcess> {
  const port = await freePort()
  const nodeArgs = (process.env.NET_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    CLIENT: 'none',
    CHAIN: 'off',
    // Every bot comes from 127.0.0.1: lift the per-address limits (docs/protocol.md, Limits).
    ...LOAD_TEST_LIMITS,
    ...env,
  }
  // One process, alone unless `env` names a REDIS_URL (with HOST 127.0.0.1 the server's public
  // address is then 127.0.0.1:<port>): no inherited Redis, debugger or loader options.
  if (!env.REDIS_URL) delete childEnv.REDIS_URL
  if (!env.PUBLIC_ADDRESS) delete childEnv.PUBLIC_ADDRESS
  delete childEnv.NODE_OPTIONS
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    detached: true, // its own process group, killed as a whole
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid!
  killOnExit(pid)
  let tail = ''
  let overflows = 0
  const keep = (d: Buffer) => {
    const text = d.toString()
    overflows += text.match(/@colyseus\/schema buffer overflow/g)?.length ?? 0
    tail = (tail + text).slice(-4000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)

  const stop = async () => {
    running.delete(pid)
    if (groupMembers(pid).length === 0) return
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {
      // already gone
    }
    await Promise.race([exited(child), sleep(5000)])
    for (let i = 0; i < 50 && groupMembers(pid).length > 0; i++) await sleep(100)
    if (groupMembers(pid).length > 0) {
      process.kill(-pid, 'SIGKILL')
      for (let i = 0; i < 50 && groupMembers(pid).length > 0; i++) await sleep(100)
    }
    if (groupMembers(pid).length > 0) {
      throw new Error(`server process group ${pid} still alive: ${groupMembers(pid).join(' ')}`)
    }
  }

  const deadline = Date.now() + 90_000
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before listening (${child.exitCode}):\n${tail}`)
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`server did not listen on ${port} within 90 s:\n${tail}`)
    }
    await sleep(100)
  }

  return {
    url: `ws://127.0.0.1:${port}`,
    pid,
    cpuSeconds: () =>
      [pid, ...descendants(pid)].reduce((sum, p) => sum + procCpuTicks(p), 0) / CLK_TCK,
    output: () => tail,
    encoderOverflows: () => overflows,
    stop,
  }
}
