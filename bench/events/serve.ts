// Bench-only server entry for the events bench: the product's server/main.ts as is, plus a
// probe of its event loop. Every second it appends one JSON line to EVENTS_PROBE_FILE:
// {"t": machine clock ms, "p50", "p99", "max": loop delay over that second, ms}. A loop that is
// late while the process uses little CPU is a process waiting for a core (a busy machine).
import fs from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const file = process.env.EVENTS_PROBE_FILE
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  setInterval(() => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100
    const line = {
      t: performance.timeOrigin + performance.now(),
      p50: ms(h.percentile(50)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
    }
    fs.appendFileSync(file, JSON.stringify(line) + '\n')
    h.reset()
  }, 1000).unref()
}

await import('../../server/main')
