// Boot: how fast the product starts as a user starts it, how long its event loop stalls while it
// starts, and what the built client costs until its first frame and then per settled frame.
// {"serverReadyMs","chainReadyMs","startupLoopDelayMaxMs","startupLoopDelayP99Ms",
//  "afterReadyLoopDelayMaxMs","afterReadyLoopDelayP99Ms","startupProbe","warm",
//  "firstFrameMs","jsGzipKB","drawCalls","triangles"}
//
// The server is a child process spawned with `npm start`'s command (`npm start`, its own
// process group, CLIENT=dist, a fresh DATA_DIR, ANVIL_PORT=0, embedded defaults: no REDIS_URL or
// DATABASE_URL), timed from spawn, so Node's and tsx's start-up and the module imports count.
// serverReadyMs: spawn → first answer of /api/health; chainReadyMs: spawn → first 200 of
// /api/chain (storage open, chain deployed). A second start on the same DATA_DIR gives `warm`.
//
// Event-loop delay, two views:
// - startupLoopDelay*: inside the server process, prom-client's monitorEventLoopDelay (10 ms
//   resolution, enabled when server/metrics.ts is imported), read from /metrics as soon as
//   /api/chain answers 200 (import → ready); reading resets it, so afterReadyLoopDelay* is a
//   second read AFTER_READY_MS later (ready → ready + AFTER_READY_MS).
// - startupProbe: from outside, GET /api/health on a new connection every 50 ms from spawn until
//   ready + AFTER_READY_MS; from the first answer on, the slowest answer and the longest time
//   without any answer (what a visitor's request would wait).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { freePort, groupMembers } from '../../e2e/procs'
import { buildClient, countJs, launchBrowser } from '../browser'

const PROBE_MS = 50
const AFTER_READY_MS = 3000
/** Bounds, not expectations: a busy 2-core machine starts anvil and PGlite slowly. */
const READY_TIMEOUT_MS = 240_000
const FRAME_TIMEOUT_MS = 120_000
/** Frames drawn after the first before draw calls are read (scene loaded, shaders compiled). */
const SETTLE_FRAMES = 30

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Answer {
  status: number
  body: string
  /** performance.now() when the request went out and when its answer was complete. */
  sent: number
  done: number
}

/** One GET on a new loopback connection; rejects when nothing listens yet. */
function get(port: number, urlPath: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = performance.now()
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, sent, done: performance.now() }),
      )
      res.on('error', reject)
    })
    req.setTimeout(READY_TIMEOUT_MS, () => req.destroy(new Error('no answer')))
    req.on('error', reject)
  })
}

/** /api/health every PROBE_MS from now on, each on a new connection, overlapping when slow. */
function healthProbe(port: number) {
  const answers: Answer[] = []
  const pending = new Set<Promise<void>>()
  let refused = 0
  const timer = setInterval(() => {
    const p = get(port, '/api/health').then(
      (a) => {
        answers.push(a)
      },
      () => {
        refused++ // not listening yet (or the process is gone)
      },
    )
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }, PROBE_MS)
  return {
    firstAnswerAt: () => answers.find((a) => a.status === 200)?.done ?? null,
    async stop() {
      clearInterval(timer)
      await Promise.all(pending)
      const ok = answers.filter((a) => a.status === 200).sort((a, b) => a.sent - b.sent)
      const waits = ok.map((a) => a.done - a.sent).sort((a, b) => a - b)
      const arrivals = ok.map((a) => a.done).sort((a, b) => a - b)
      let worstGap = 0
      for (let i = 1; i < arrivals.length; i++)
        worstGap = Math.max(worstGap, arrivals[i]! - arrivals[i - 1]!)
      return {
        source: `outside: GET /api/health every ${PROBE_MS} ms on a new connection, from the first answer until ready + ${AFTER_READY_MS} ms`,
        answers: ok.length,
        refusedBeforeListening: refused,
        slowestAnswerMs: waits.length ? Math.round(waits.at(-1)!) : null,
        answerMsP99: waits.length
          ? Math.round(waits[Math.min(waits.length - 1, Math.ceil(0.99 * waits.length) - 1)]!)
          : null,
        worstGapMs: Math.round(worstGap),
      }
    },
  }
}

/** The server's own event-loop delay since the last read (prom-client resets it on a scrape). */
async function scrapeLoopDelay(port: number): Promise<{ maxMs: number; p99Ms: number }> {
  const res = await get(port, '/metrics')
  if (res.status !== 200) throw new Error(`/metrics: ${res.status} ${res.body.slice(0, 200)}`)
  const read = (name: string) => {
    const m = new RegExp(
      `^cangqiong_nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`,
      'm',
    ).exec(res.body)
    if (!m) throw new Error(`/metrics has no cangqiong_nodejs_eventloop_lag_${name}_seconds`)
    return Math.round(Number(m[1]) * 1000)
  }
  return { maxMs: read('max'), p99Ms: read('p99') }
}

interface Started {
  url: string
  stop: () => Promise<void>
  measured: {
    serverReadyMs: number
    chainReadyMs: number
    /** Spawn → the "Open <url>" line on stdout. */
    openLineMs: number | null
    startupLoopDelayMaxMs: number
    startupLoopDelayP99Ms: number
    afterReadyLoopDelayMaxMs: number
    afterReadyLoopDelayP99Ms: number
    startupProbe: Awaited<ReturnType<ReturnType<typeof healthProbe>['stop']>>
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Spawns `npm start` as a user would (Ctrl-C stops it) and times it until ready. */
async function npmStart(dataDir: string): Promise<Started> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    CLIENT: 'dist',
    DATA_DIR: dataDir,
    ANVIL_PORT: '0',
    LOG_FORMAT: 'json',
  }
  // The embedded defaults, nothing inherited that changes what starts.
  for (const k of ['REDIS_URL', 'DATABASE_URL', 'PUBLIC_ADDRESS', 'NODE_OPTIONS', 'CHAIN'])
    delete env[k]
  const t0 = performance.now()
  const child = spawn('npm', ['start'], {
    detached: true, // its own process group, like a shell job
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const probe = healthProbe(port)
  const pgid = child.pid!
  let output = ''
  let openLineAt: number | null = null
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
    if (openLineAt === null && /Open http/.test(output)) openLineAt = performance.now()
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const stop = async () => {
    if (groupMembers(pgid).length === 0) return
    process.kill(-pgid, 'SIGINT')
    await Promise.race([exited(child), sleep(30_000)])
    for (let i = 0; i < 100 && groupMembers(pgid).length > 0; i++) await sleep(100)
    if (groupMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL')
  }
  try {
    // Ready: /api/chain answers 200 (it says 503 chain_starting until storage and chain are up).
    const deadline = t0 + READY_TIMEOUT_MS
    let chainReadyAt = 0
    while (chainReadyAt === 0) {
      if (child.exitCode !== null)
        throw new Error(`npm start exited (${child.exitCode}):\n${output}`)
      if (performance.now() > deadline) throw new Error(`not ready in time:\n${output}`)
      const a = await get(port, '/api/chain').catch(() => null)
      if (a?.status === 200) chainReadyAt = a.done
      else await sleep(PROBE_MS)
    }
    const startup = await scrapeLoopDelay(port)
    await sleep(AFTER_READY_MS)
    const afterReady = await scrapeLoopDelay(port)
    const serverReadyAt = probe.firstAnswerAt()
    const startupProbe = await probe.stop()
    return {
      url: `http://127.0.0.1:${port}/`,
      stop,
      measured: {
        serverReadyMs: Math.round((serverReadyAt ?? chainReadyAt) - t0),
        chainReadyMs: Math.round(chainReadyAt - t0),
        openLineMs: openLineAt === null ? null : Math.round(openLineAt - t0),
        startupLoopDelayMaxMs: startup.maxMs,
        startupLoopDelayP99Ms: startup.p99Ms,
        afterReadyLoopDelayMaxMs: afterReady.maxMs,
        afterReadyLoopDelayP99Ms: afterReady.p99Ms,
        startupProbe,
      },
    }
  } catch (err) {
    await probe.stop()
    await stop()
    throw err
  }
}

export async function boot() {
  buildClient()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-boot-'))
  try {
    // A new user's first start (fresh data folder: PGlite's initdb), then a restart on it.
    const cold = await npmStart(dataDir)
    await cold.stop()
    const server = await npmStart(dataDir)
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
      const js = countJs(page)
      const t0 = Date.now()
      await page.goto(server.url)
      await page.waitForFunction(() => (window.__cq?.frameStats.frames ?? 0) > 0, null, {
        timeout: FRAME_TIMEOUT_MS,
      })
      const firstFrameMs = Date.now() - t0
      js.stop()
      // What this bench used to report: the probe's value at the first frame (no whole frame yet).
      const firstFrameDrawCalls = await page.evaluate(() => window.__cq!.frameStats.drawCalls)
      // The probe reports, in each frame, the renderer's totals of the whole previous frame:
      // read them once the start scene has drawn SETTLE_FRAMES more.
      const first = await page.evaluate(() => window.__cq!.frameStats.frames)
      await page.waitForFunction(
        (n) => (window.__cq?.frameStats.frames ?? 0) >= n,
        first + SETTLE_FRAMES,
        { timeout: FRAME_TIMEOUT_MS },
      )
      const stats = await page.evaluate(() => window.__cq!.frameStats)
      return {
        ...cold.measured,
        warm: server.measured,
        firstFrameMs,
        jsGzipKB: Math.round(js.gzipBytes() / 102.4) / 10,
        drawCalls: stats.drawCalls,
        triangles: stats.triangles,
        drawCallsFrame: stats.frames,
        firstFrameDrawCalls,
        notes:
          'Top-level start fields: `npm start` with a fresh DATA_DIR (first start); warm: the ' +
          'same again on that DATA_DIR. Times from spawn. startupLoopDelay*: monitorEventLoopDelay ' +
          'inside the server from server/metrics.ts import until /api/chain ready; ' +
          `afterReadyLoopDelay*: the next ${AFTER_READY_MS} ms; startupProbe: /api/health from ` +
          'outside. Browser: the warm server, start page at 1280×720; drawCalls and triangles ' +
          `are one whole frame's renderer totals after ${SETTLE_FRAMES} frames.`,
      }
    } finally {
      await browser.close()
      await server.stop()
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
