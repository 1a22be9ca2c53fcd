// `npm run thumbnails`: renders every world in headless Chromium and writes the directory's
// thumbnails to public/assets/thumbnails/<id>.jpg. Run after changing a world's look.
import fs from 'node:fs'
import path from 'node:path'
import { buildClient, launchBrowser, startDistServer } from '../bench/browser'
import { newSettingsPage } from '../e2e/helpers'
import { waitForWorld } from '../e2e/helpers'
import { sceneIds } from './vite-plugin-scenes'

const outDir = path.join('public', 'assets', 'thumbnails')
fs.mkdirSync(outDir, { recursive: true })
buildClient()
const { server } = await startDistServer()
const browser = await launchBrowser()
try {
  for (const id of sceneIds()) {
    const page = await newSettingsPage(browser, { width: 640, height: 360 }, { quality: 'high' })
    await page.goto(`${server.url}?world=${id}&thumbnail=1`)
    await waitForWorld(page, id, 300_000)
    const start = await page.evaluate(() => window.__cq!.frameStats.frames)
    await page.waitForFunction((n) => window.__cq!.frameStats.frames > n + 20, start)
    const file = path.join(outDir, `${id}.jpg`)
    await page.locator('canvas').first().screenshot({ path: file, type: 'jpeg', quality: 82 })
    console.log(`wrote ${file}`)
    await page.context().close()
  }
} finally {
  await browser.close()
  await server.stop()
}
