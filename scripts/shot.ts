// Developer tool: screenshot a page in headless Chromium after it has rendered some frames.
//   npx tsx scripts/shot.ts <url> <out.png> [frames=30] [width=1280] [height=720]
// Prints console errors and the renderer's frame stats.
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium'

const [url, out, frames = '30', width = '1280', height = '720'] = process.argv.slice(2)
if (!url || !out) {
  console.error('usage: tsx scripts/shot.ts <url> <out.png> [frames] [width] [height]')
  process.exit(2)
}
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } })
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[${m.type()}] ${m.text()}`)
  })
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`))
  await page.goto(url)
  await page.waitForFunction((n) => (window.__cq?.frameStats.frames ?? 0) >= n, Number(frames), {
    timeout: 180_000,
  })
  await page.screenshot({ path: out })
  console.log(JSON.stringify(await page.evaluate(() => window.__cq?.frameStats)))
} finally {
  await browser.close()
}
