// Helpers the load sections share (bench/sections/net.ts, bench/sections/events.ts): knobs from
// the environment, rounding, sleeping on the machine clock, and waiting for a quiet machine.
import { machineCpuSeconds } from './server'
import { clock } from './swarm'

export function envList(name: string, fallback: string): string[] {
  return (process.env[name] || fallback).split(',').map((s) => s.trim())
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  return raw ? Number(raw) : fallback
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const sleepUntil = (t: number) => sleep(Math.max(0, t - clock()))

/**
 * The machine is shared: waits (up to waitS) until other processes use less than quietPct of a
 * core (100 = a core), so that runs do not measure someone else's load. `ours` is the CPU
 * seconds of what the bench itself already runs (left out). Returns the others' last use.
 */
export async function waitForQuiet(o: {
  label: string
  waitS: number
  quietPct: number
  log: (line: string) => void
  ours?: () => number
}): Promise<number> {
  const ours = o.ours ?? (() => 0)
  const deadline = clock() + o.waitS * 1000
  for (;;) {
    const [m0, o0, t0] = [machineCpuSeconds(), ours(), clock()]
    await sleep(2000)
    const s = (clock() - t0) / 1000
    const busy = ((machineCpuSeconds() - m0 - (ours() - o0)) / s) * 100
    if (busy < o.quietPct || clock() > deadline) {
      if (busy >= o.quietPct)
        o.log(`${o.label}: machine still busy (${round(busy)}% of a core), going on`)
      return round(busy)
    }
    o.log(`${o.label}: other processes use ${round(busy)}% CPU, waiting…`)
  }
}
