// Process-tree helpers for the start/stop test (Linux /proc).
import fs from 'node:fs'
import net from 'node:net'

interface ProcInfo {
  pid: number
  ppid: number
  pgid: number
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { pid, ppid: Number(rest[1]), pgid: Number(rest[2]) }
  } catch {
    return null
  }
}

function allProcs(): ProcInfo[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== null)
}

/** Every live descendant of `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const procs = allProcs()
  const out: number[] = []
  const queue = [root]
  while (queue.length) {
    const parent = queue.shift()!
    for (const p of procs) {
      if (p.ppid === parent) {
        out.push(p.pid)
        queue.push(p.pid)
      }
    }
  }
  return out
}

export function isAlive(pid: number): boolean {
  const p = readProc(pid)
  if (!p) return false
  try {
    // A zombie has exited; it only waits for its parent to reap it.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

export function groupMembers(pgid: number): number[] {
  return allProcs()
    .filter((p) => p.pgid === pgid && isAlive(p.pid))
    .map((p) => p.pid)
}

/** Live processes whose command line (arguments joined by spaces) contains every part. */
export function processesWith(...parts: string[]): number[] {
  return allProcs()
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ')
        return parts.every((part) => cmd.includes(part)) && isAlive(p.pid)
      } catch {
        return false
      }
    })
    .map((p) => p.pid)
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

/**
 * `n` distinct free ports: their listeners are all open at once, so two calls in a row cannot
 * hand out the same port (freePort() twice can: the first one's port is free again at once).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer()
          srv.once('error', reject)
          srv.listen(0, '127.0.0.1', () => resolve(srv))
        }),
    ),
  )
  const ports = servers.map((srv) => (srv.address() as net.AddressInfo).port)
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))))
  return ports
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(false))
  })
}
