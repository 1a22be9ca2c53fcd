// Worlds: every world in scenes/ in headless Chromium at 1280×720 (SwiftShader) along a scripted
// 300-frame walk, plus draw calls at each quality, the voxel meshing numbers, and the JavaScript
// loaded until the village's first frame.
// {"worlds":[{"id","drawCalls","triangles","frameMsMedian","frameMsP95","firstFrameMs","heapMB",
//   "drawCallsByQuality"}],"meshing":{"voxels","ms","greedyTriangles","naiveTriangles"},
//  "bundle":{"firstWorldJsGzipKB"}}
import type { Browser, Page } from '@playwright/test'
import { newSettingsPage, waitForWorld } from '../../e2e/helpers'
import { sceneIds } from '../../scripts/vite-plugin-scenes'
import { buildClient, countJs, launchBrowser, startDistServer } from '../browser'

const FRAMES = 300
const QUALITIES = ['low', 'medium', 'high'] as const

function newPage(browser: Browser, quality: string): Promise<Page> {
  return newSettingsPage(
    browser,
    { width: 1280, height: 720 },
    { quality, language: 'en', reducedMotion: false },
  )
}

const waitReady = (page: Page, id: string) => waitForWorld(page, id, 300_000)

/** Walks forward while turning the camera, recording frame intervals inside the page. */
async function walkPath(page: Page) {
  await page
    .locator('canvas')
    .first()
    .click({ position: { x: 5, y: 5 } })
  await page.keyboard.down('w')
  const result = await page.evaluate(async (frames) => {
    const times: number[] = []
    let maxCalls = 0
    let maxTris = 0
    let last = performance.now()
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now()
        times.push(now - last)
        last = now
        const rig = window.__cq!.cameraRig
        rig.yaw += 0.012 // a slow pan so every direction is drawn
        const f = window.__cq!.frameStats
        maxCalls = Math.max(maxCalls, f.drawCalls)
        maxTris = Math.max(maxTris, f.triangles)
        if (times.length >= frames) resolve()
        else requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })
    return { times: times.slice(5), maxCalls, maxTris }
  }, FRAMES)
  await page.keyboard.up('w')
  return result
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}

export async function worlds() {
  buildClient()
  const { server } = await startDistServer()
  const browser = await launchBrowser()
  const out: Record<string, unknown>[] = []
  let meshing: unknown = null
  let firstWorldJsGzipKB: number
  try {
    // JavaScript until the village's first frame, on a cold page.
    {
      const page = await newPage(browser, 'medium')
      const js = countJs(page)
      await page.goto(`${server.url}?world=block-park-village`)
      await waitReady(page, 'block-park-village')
      await page.waitForFunction(() => window.__cq!.frameStats.worldFirstFrameAt > 0)
      js.stop()
      firstWorldJsGzipKB = Math.round(js.gzipBytes() / 102.4) / 10
      await page.context().close()
    }
    for (const id of sceneIds()) {
      const byQuality: Record<string, number> = {}
      let row: Record<string, unknown> = { id }
      for (const quality of QUALITIES) {
        const page = await newPage(browser, quality)
        await page.goto(`${server.url}?world=${id}`)
        await waitReady(page, id)
        if (quality === 'medium') {
          const walk = await walkPath(page)
          const stats = await page.evaluate(() => ({
            firstFrameMs: window.__cq!.frameStats.worldFirstFrameAt,
            heap:
              (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
                ?.usedJSHeapSize ?? 0,
            voxel: window.__cq!.voxelStats ?? null,
          }))
          byQuality[quality] = walk.maxCalls
          row = {
            id,
            quality,
            drawCalls: walk.maxCalls,
            triangles: walk.maxTris,
            frameMsMedian: Math.round(quantile(walk.times, 0.5) * 10) / 10,
            frameMsP95: Math.round(quantile(walk.times, 0.95) * 10) / 10,
            firstFrameMs: Math.round(stats.firstFrameMs),
            heapMB: Math.round(stats.heap / 1048576),
          }
          if (stats.voxel && id === 'block-park-cloud-ridge') meshing = stats.voxel
        } else {
          // A shorter look around is enough to find the most draw calls at this quality.
          const calls = await page.evaluate(async () => {
            let max = 0
            for (let i = 0; i < 60; i++) {
              window.__cq!.cameraRig.yaw += Math.PI / 30
              await new Promise((r) => requestAnimationFrame(r))
              max = Math.max(max, window.__cq!.frameStats.drawCalls)
            }
            return max
          })
          byQuality[quality] = calls
        }
        await page.context().close()
      }
      row.drawCallsByQuality = byQuality
      row.drawCalls = Math.max(...Object.values(byQuality))
      out.push(row)
      console.log(JSON.stringify(row))
    }
  } finally {
    await browser.close()
    await server.stop()
  }
  return { worlds: out, meshing, bundle: { firstWorldJsGzipKB } }
}
