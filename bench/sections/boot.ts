// Boot: how fast the built product starts and shows its first frame, and how long the server's
// event loop stalls while it starts (PGlite's start blocks it; it must end before the chain API
// says ready). {"serverReadyMs","chainReadyMs","startupLoopDelay","afterReadyLoopDelay",
// "firstFrameMs","jsGzipKB","drawCalls"}
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { buildClient, countJs, launchBrowser, startDistServer } from '../browser'

/** Event-loop delay while `during` runs, in ms (max and p99 of 10 ms samples). */
async function loopDelay<T>(
  during: () => Promise<T>,
): Promise<[T, { maxMs: number; p99Ms: number }]> {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  try {
    const value = await during()
    return [value, { maxMs: Math.round(h.max / 1e6), p99Ms: Math.round(h.percentile(99) / 1e6) }]
  } finally {
    h.disable()
  }
}

export async function boot() {
  buildClient()
  const t0 = performance.now()
  const [{ server, readyMs }, startupLoopDelay] = await loopDelay(async () => {
    const started = await startDistServer()
    // The chain answers "ready" only once storage is open (or failed).
    await started.server.chain.catch(() => {})
    return started
  })
  const chainReadyMs = Math.round(performance.now() - t0)
  // Right after "ready" the process must answer at once: the stall here should be small.
  const [, afterReadyLoopDelay] = await loopDelay(async () => {
    await Promise.allSettled([server.events, server.spaces])
    await new Promise((r) => setTimeout(r, 2000))
  })
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    const js = countJs(page)
    const t0 = Date.now()
    await page.goto(server.url)
    await page.waitForFunction(() => (window.__cq?.frameStats.frames ?? 0) > 0, null, {
      timeout: 120_000,
    })
    const firstFrameMs = Date.now() - t0
    js.stop()
    const stats = await page.evaluate(() => window.__cq!.frameStats)
    return {
      serverReadyMs: Math.round(readyMs),
      chainReadyMs,
      startupLoopDelay,
      afterReadyLoopDelay,
      firstFrameMs,
      jsGzipKB: Math.round(js.gzipBytes() / 102.4) / 10,
      drawCalls: stats.drawCalls,
    }
  } finally {
    await browser.close()
    await server.stop()
  }
}
