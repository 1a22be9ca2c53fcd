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
