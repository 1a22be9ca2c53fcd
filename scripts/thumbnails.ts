// `npm run thumbnails`: renders every world in headless Chromium and writes the directory's
// thumbnails to public/assets/thumbnails/<id>.jpg. Run after changing a world's look.
import fs from 'node:fs'
import path from 'node:path'
import { buildClient, launchBrowser, startDistServer } from '../bench/browser'

const outDir = path.join('public', 'assets', 'thumbnails')
fs.mkdirSync(outDir, { recursive: true })
buildClient()
const { server } = await startDistServer()
const browser = await launchBrowser()
try {
  const ids = fs
    .readdirSync('scenes')
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => f.replace(/\.json$/, ''))
  for (const id of ids) {
    const ctx = await browser.newContext({ viewport: { width: 640, height: 360 } })
    await ctx.addInitScript(() =>
      localStorage.setItem(
        'cangqiong.settings',
        JSON.stringify({ state: { quality: 'high' }, version: 1 }),
      ),
    )
    const page = await ctx.newPage()
    await page.goto(`${server.url}?world=${id}&thumbnail=1`)
    await page.waitForFunction(
      (want) => window.__cq?.world().worldId === want && window.__cq.world().status === 'ready',
      id,
      { timeout: 300_000 },
    )
    const start = await page.evaluate(() => window.__cq!.frameStats.frames)
    await page.waitForFunction((n) => window.__cq!.frameStats.frames > n + 20, start)
    const file = path.join(outDir, `${id}.jpg`)
    await page.locator('canvas').first().screenshot({ path: file, type: 'jpeg', quality: 82 })
    console.log(`wrote ${file}`)
    await ctx.close()
  }
} finally {
  await browser.close()
  await server.stop()
}
