// Boot: how fast the built product starts and shows its first frame.
// {"serverReadyMs","firstFrameMs","jsGzipKB","drawCalls"}
import { buildClient, countJs, launchBrowser, startDistServer } from '../browser'

export async function boot() {
  buildClient()
  const { server, readyMs } = await startDistServer()
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
      firstFrameMs,
      jsGzipKB: Math.round(js.gzipBytes() / 102.4) / 10,
      drawCalls: stats.drawCalls,
    }
  } finally {
    await browser.close()
    await server.stop()
  }
}
