// The Janus processes a bench server runs (its embedded media server, and relays when the server
// has them): found among the server's descendants by command name, their CPU read from
// /proc/<pid>/stat over the measuring window.
import fs from 'node:fs'
import { descendants } from '../../e2e/procs'
import { CLK_TCK, procCpuTicks } from '../lib/server'

export function janusPids(serverPid: number): number[] {
  return descendants(serverPid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'janus'
    } catch {
      return false
    }
  })
}

/** CPU seconds so far of each of these processes. */
export function cpuSeconds(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, procCpuTicks(pid) / CLK_TCK]))
}

/** Percent of one core each process used between two readings `seconds` apart. */
export function cpuPct(
  before: Map<number, number>,
  after: Map<number, number>,
  seconds: number,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [pid, s0] of before) {
    const s1 = after.get(pid)
    if (s1 !== undefined) out[pid] = Math.round(((s1 - s0) / seconds) * 1000) / 10
  }
  return out
}

/** The kernel's count of UDP datagrams dropped for a full receive buffer (all processes). */
export function udpRcvbufErrors(): number {
  const lines = fs
    .readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'))
  if (lines.length < 2) return 0
  const names = lines[0]!.split(/\s+/)
  const values = lines[1]!.split(/\s+/)
  return Number(values[names.indexOf('RcvbufErrors')] ?? 0)
}

/** Socket inodes a process holds (its fds that are sockets). */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>()
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (m) out.add(m[1]!)
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone
  }
  return out
}

/**
 * UDP datagrams dropped so far on the sockets each of these processes holds now (the `drops`
 * column of /proc/net/udp, by socket inode): says whose receive buffers overflowed, the bench's
 * peers or Janus'. Sockets closed since are not counted.
 */
export function udpDropsByPid(pids: number[]): Map<number, number> {
  const drops = new Map<string, number>()
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length < 13) continue
      drops.set(f[9]!, Number(f[f.length - 1]))
    }
  }
  return new Map(
    pids.map((pid) => {
      let sum = 0
      for (const inode of socketInodes(pid)) sum += drops.get(inode) ?? 0
      return [pid, sum]
    }),
  )
}
