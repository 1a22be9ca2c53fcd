// Net: colyseus.js bots in one world room on one server process, all walking at 10 Hz, at 100,
// 300 and 500 clients, with interest management (AOI) and without.
// {"runs":[{"clients","aoi","bytesPerClientPerSec","latencyMsP50","latencyMsP95","latencyMsP99",
//   "serverCpuPct","failed", …extras}],"aoiBytesRatio500to100","targets":{…},"notes"}
//
// The server runs as a child process (bench/lib/server.ts) so its CPU is measured on its own;
// the bots run in this process, split over worker threads (NET_WORKERS, 2 by default: one thread
// keeps 500 AOI-on bots at 10 Hz but with ~70 ms event-loop stalls of its own, and without AOI
// one thread falls to 3–7 Hz from 300 clients up).
// Latency runs from a pose one bot sends to its arrival at another bot (bench/net/swarm.ts).
// Everything is on loopback: these are server and encoding costs, not network ones.
//
// The bots walk in a 100 × 100 m square around the spawn: a crowd, on purpose. At 100 clients
// most bots already have 32 or more neighbours within 40 m, so the AOI cap (32 nearest) is
// already binding and bytes per client should stay flat from 100 to 500; without AOI they grow
// with the crowd.
//
// Knobs (env): NET_CLIENTS=100,300,500  NET_AOI=on,off  NET_WINDOW_S=15  NET_WARMUP_S=5
// NET_WORKERS=2 (0: bots in this thread)  NET_SAMPLE_EVERY=10 (1 bot in N records latency)
// NET_ENCODER_KB=0, NET_PATCH_MS=0 (else: the server with a bigger schema encode buffer or
// another patch interval, through bench/net/serve.ts: to measure a change before making it)
// NET_QUIET_WAIT_S=60  NET_SERVER_NODE_ARGS='' (e.g. --cpu-prof for the server process).
import { worldRules } from '../../server/worlds'
import { envList, envNumber, round, sleepUntil, waitForQuiet } from '../lib/section'
import { machineCpuSeconds, startServerProcess } from '../lib/server'
import { clock } from '../lib/swarm'
import { startSwarms } from '../lib/threads'
import { HIST_BUCKETS, HIST_STEP_MS, Swarm, type SwarmOptions } from '../net/swarm'

/** The bot threads' entry. */
const WORKER = new URL('../net/worker.ts', import.meta.url)
const WORLD = 'block-park-village'
const JOIN_CONCURRENCY = 20
/** Before each run: wait while other processes use more than this much CPU (100 = a core)… */
const QUIET_PCT = 40
/** …but no longer than this, seconds. */
const QUIET_WAIT_S = envNumber('NET_QUIET_WAIT_S', 60)
/** Half the side of the square the bots walk in, metres. */
const AREA_HALF = 50

const TARGETS = {
  clients: 500,
  latencyMsP95: 150,
  bytesPerClientPerSec: 16 * 1024,
  aoiBytesRatio: 1.2,
}

function percentile(hist: Uint32Array, total: number, p: number): number | null {
  if (total === 0) return null
  const rank = Math.ceil((p / 100) * total)
  let seen = 0
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!
    if (seen >= rank) return Math.round((i + 0.5) * HIST_STEP_MS * 10) / 10
  }
  return null // in the overflow: later than the histogram reaches
}

function addCounts(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v
}

async function runOnce(clients: number, aoi: boolean, settings: Settings) {
  const label = `[net] ${clients} clients, AOI ${aoi ? 'on' : 'off'}`
  const otherCpuPctBefore = await waitForQuiet({
    label,
    waitS: QUIET_WAIT_S,
    quietPct: QUIET_PCT,
    log: (line) => console.log(line),
  })
  const started = clock()
  const env = { MAX_CLIENTS: '1000', AOI: aoi ? 'on' : 'off' }
  // With overrides, the bench's own entry (bench/net/serve.ts) wraps the product's server.
  const server =
    settings.encoderKB || settings.patchMs
      ? await startServerProcess(
          {
            ...env,
            NET_ENCODER_KB: String(settings.encoderKB),
            NET_PATCH_MS: String(settings.patchMs),
          },
          'bench/net/serve.ts',
        )
      : await startServerProcess(env)
  console.log(`${label}: server pid ${server.pid} ready in ${round((clock() - started) / 1000)} s`)
  const { spawn, bounds } = await worldRules('scenes', WORLD)
  const margin = 1
  const opts: SwarmOptions = {
    url: server.url,
    world: WORLD,
    total: clients,
    spawn,
    area: [
      Math.max(bounds.min[0] + margin, spawn.x - AREA_HALF),
      Math.max(bounds.min[2] + margin, spawn.z - AREA_HALF),
      Math.min(bounds.max[0] - margin, spawn.x + AREA_HALF),
      Math.min(bounds.max[2] - margin, spawn.z + AREA_HALF),
    ],
    sampleEvery: settings.sampleEvery,
    sentAt: new SharedArrayBuffer(clients * 256 * 8),
  }
  const swarms = startSwarms(settings.workers, WORKER, opts, () => new Swarm(opts))
  const count = swarms.length
  try {
    // The first bot creates the room alone, so that concurrent joins cannot create a second one.
    const joinStart = clock()
    const first = await swarms[0]!.join([0], 1)
    const shares = swarms.map((_, w) =>
      Array.from({ length: clients }, (_, i) => i).filter((i) => i > 0 && i % count === w),
    )
    const progress = setInterval(
      () => console.log(`${label}: joining… ${round((clock() - joinStart) / 1000)} s`),
      5000,
    )
    const joins = await Promise.all(
      swarms.map((s, w) => s.join(shares[w]!, Math.max(1, Math.round(JOIN_CONCURRENCY / count)))),
    ).finally(() => clearInterval(progress))
    const join = [first, ...joins].reduce((a, b) => ({
      joined: a.joined + b.joined,
      failed: a.failed + b.failed,
      errors: [...a.errors, ...b.errors],
      roomIds: [...new Set([...a.roomIds, ...b.roomIds])],
    }))
    const joinS = (clock() - joinStart) / 1000
    console.log(
      `${label}: ${join.joined} joined, ${join.failed} failed in ${round(joinS)} s` +
        ` (${join.roomIds.length} room${join.roomIds.length === 1 ? '' : 's'})` +
        (join.errors.length ? `; first error: ${join.errors[0]}` : ''),
    )

    const windowStart = clock() + settings.warmupS * 1000
    const windowEnd = windowStart + settings.windowS * 1000
    await Promise.all(swarms.map((s) => s.setWindow(windowStart, windowEnd)))
    await sleepUntil(windowStart)
    const cpu0 = {
      server: server.cpuSeconds(),
      bots: process.cpuUsage(),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    console.log(`${label}: measuring for ${settings.windowS} s…`)
    await sleepUntil(windowEnd)
    const cpu1 = {
      server: server.cpuSeconds(),
      bots: process.cpuUsage(cpu0.bots),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    const cpuS = (cpu1.at - cpu0.at) / 1000
    await sleepUntil(windowEnd + 200) // let the swarms close their windows
    const reports = await Promise.all(swarms.map((s) => s.stop()))

    const hist = new Uint32Array(HIST_BUCKETS)
    let overflow = 0
    const dropped: Record<string, number> = {}
    const serverErrors: Record<string, number> = {}
    let bytes = 0
    let sends = 0
    let lateSends = 0
    let corrections = 0
    let inWindow = 0
    let loopP99 = 0
    let loopMax = 0
    let decodeErrors = 0
    let botsWithDecodeErrors = 0
    for (const r of reports) {
      decodeErrors += r.decodeErrors
      botsWithDecodeErrors += r.botsWithDecodeErrors
      for (let i = 0; i < HIST_BUCKETS; i++) hist[i]! += r.hist[i]!
      overflow += r.overflow
      addCounts(dropped, r.dropped)
      addCounts(serverErrors, r.serverErrors)
      bytes += r.bytes
      sends += r.sends
      lateSends += r.lateSends
      corrections += r.corrections
      inWindow += r.clients
      loopP99 = Math.max(loopP99, r.loopDelayMsP99)
      loopMax = Math.max(loopMax, r.loopDelayMsMax)
    }
    const serverCpuPct = ((cpu1.server - cpu0.server) / cpuS) * 100
    const botCpuPct = ((cpu1.bots.user + cpu1.bots.system) / 1e6 / cpuS) * 100
    const machineCpuPct = ((cpu1.machine - cpu0.machine) / cpuS) * 100
    const samples = hist.reduce((a, b) => a + b, 0) + overflow
    const droppedCount = Object.values(dropped).reduce((a, b) => a + b, 0)
    const run = {
      clients,
      aoi,
      bytesPerClientPerSec: inWindow ? Math.round(bytes / inWindow / settings.windowS) : 0,
      latencyMsP50: percentile(hist, samples, 50),
      latencyMsP95: percentile(hist, samples, 95),
      latencyMsP99: percentile(hist, samples, 99),
      serverCpuPct: round(serverCpuPct),
      failed: join.failed + droppedCount,
      // extras
      botCpuPct: round(botCpuPct),
      // Everything else on the machine during the window (it has 2 shared cores: 200 = all).
      otherCpuPct: round(Math.max(0, machineCpuPct - serverCpuPct - botCpuPct)),
      otherCpuPctBefore,
      botThreads: count,
      botLoopDelayMsP99: round(loopP99),
      botLoopDelayMsMax: round(loopMax),
      latencySamples: samples,
      latencyOver10s: overflow,
      sentHz: inWindow ? round(sends / inWindow / settings.windowS, 2) : 0,
      lateSends,
      totalBytes: bytes,
      clientsInWindow: inWindow,
      rooms: join.roomIds.length,
      joinS: round(joinS),
      joinFailed: join.failed,
      dropped,
      serverErrors,
      corrections,
      decodeErrors,
      botsWithDecodeErrors,
      serverEncoderOverflows: server.encoderOverflows(),
      durationS: round((clock() - started) / 1000),
    }
    console.log(
      `${label}: ${run.bytesPerClientPerSec} B/s per client, latency p50/p95/p99 ` +
        `${run.latencyMsP50}/${run.latencyMsP95}/${run.latencyMsP99} ms (${samples} samples), ` +
        `server CPU ${run.serverCpuPct}%, bots CPU ${run.botCpuPct}%, ` +
        `others ${run.otherCpuPct}%, sent ${run.sentHz} Hz, ` +
        `failed ${run.failed}` +
        (decodeErrors ? `, ${decodeErrors} decode errors in ${botsWithDecodeErrors} bots` : ''),
    )
    if (run.failed > 0 || decodeErrors > 0) {
      // What the server said, for whoever has to explain the failures.
      const tail = server
        .output()
        .split('\n')
        .filter((l) => l.trim())
        .slice(-12)
      if (tail.length && tail[0])
        console.log(`${label}: server output (tail):\n  ${tail.join('\n  ')}`)
    }
    return run
  } finally {
    await Promise.all(swarms.map((s) => s.close()))
    await server.stop()
  }
}

interface Settings {
  /** 0: the product's server as is; else Encoder.BUFFER_SIZE in KB (bench/net/serve.ts). */
  encoderKB: number
  /** 0: the product's patch rate; else the rooms' patch interval in ms (bench/net/serve.ts). */
  patchMs: number
  windowS: number
  warmupS: number
  workers: number
  sampleEvery: number
}

export async function net() {
  const settings: Settings = {
    encoderKB: envNumber('NET_ENCODER_KB', 0),
    patchMs: envNumber('NET_PATCH_MS', 0),
    windowS: envNumber('NET_WINDOW_S', 15),
    warmupS: envNumber('NET_WARMUP_S', 5),
    workers: envNumber('NET_WORKERS', 2),
    sampleEvery: envNumber('NET_SAMPLE_EVERY', 10),
  }
  const counts = envList('NET_CLIENTS', '100,300,500').map(Number)
  const modes = envList('NET_AOI', 'on,off').map((m) => m === 'on')
  const started = clock()
  const runs: Awaited<ReturnType<typeof runOnce>>[] = []
  for (const aoi of modes) {
    for (const clients of counts) runs.push(await runOnce(clients, aoi, settings))
  }

  const find = (clients: number, aoi: boolean) =>
    runs.find((r) => r.clients === clients && r.aoi === aoi)
  const at500 = find(TARGETS.clients, true)
  const at100 = find(100, true)
  const aoiBytesRatio500to100 =
    at500 && at100 && at100.bytesPerClientPerSec
      ? round(at500.bytesPerClientPerSec / at100.bytesPerClientPerSec, 2)
      : null
  // Bytes and latency only mean something if the bots could decode what they received: a bot
  // whose state is corrupt stops applying patches (and receives less), which would pass the
  // bytes targets for the wrong reason. Such runs fail every target.
  const intact = (r: typeof at500) => r !== undefined && r.decodeErrors === 0
  const measured = intact(at500) && intact(at100)
  const targets = at500
    ? {
        latencyP95At500:
          intact(at500) &&
          at500.latencyMsP95 !== null &&
          at500.latencyMsP95 <= TARGETS.latencyMsP95,
        bytesAt500: intact(at500) && at500.bytesPerClientPerSec <= TARGETS.bytesPerClientPerSec,
        noFailedAt500: at500.failed === 0,
        aoiBytesRatio:
          measured &&
          aoiBytesRatio500to100 !== null &&
          aoiBytesRatio500to100 <= TARGETS.aoiBytesRatio,
        // Not in the list: every bot's state decoded without error at 500 and 100.
        statesIntact: measured,
      }
    : null
  return {
    runs,
    aoiBytesRatio500to100,
    targets,
    targetValues: TARGETS,
    settings: { ...settings, joinConcurrency: JOIN_CONCURRENCY, world: WORLD },
    totalS: round((clock() - started) / 1000),
    notes:
      'Loopback, one server process (child, CPU from /proc: 100 = one core) and the bots in ' +
      `the bench process (${settings.workers || 1} thread(s); botCpuPct, same scale; 2 shared cores). ` +
      'Bots walk at ' +
      '4 m/s in a 100 x 100 m square around the spawn and send a pose at 10 Hz; latency is ' +
      'pose sent by one bot -> its heading byte decoded from a pose frame by another (1 bot in ' +
      `${settings.sampleEvery} samples, all bots decode). Bytes are socket bytes read, WebSocket ` +
      'framing included. Targets apply to the AOI-on run at 500 clients; 16 KB = 16384 B. ' +
      "decodeErrors counts what the bots' schema decoders logged or threw (a corrupt state), " +
      'pose frames that did not decode, and poses naming an avatar the state did not hold; ' +
      'serverEncoderOverflows counts @colyseus/schema "buffer overflow" warnings on the server.',
  }
}
