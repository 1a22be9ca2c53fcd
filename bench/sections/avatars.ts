// Avatars: a crowd of 100 remote figures in view (a third walking, a third waving), drawn as
// today's skinned figures and, in the same run and page, as the old capsule figures they
// replaced; frame times alternate between the two (A B A B) so a busy machine slows both alike.
// vrmLoadMs: checking and parsing the code-made VRM (src/avatar/vrmFixture.ts) with three-vrm.
// {"avatars","drawCalls","drawCallsCapsules","frameMsMedian","frameMsMedianCapsules",
//  "frameRatio","skinnedUpdatedPerFrame","vrmLoadMs","targets"}
//
// The page (bench/avatars/) is built here with Vite into bench/results/avatars-page and served
// from loopback; frames are driven one by one and each ends with a 1-pixel read, so the time
// includes the rendering (SwiftShader, on the CPU here). Targets: the skinned crowd at most 1.5×
// the capsules' frame time and at most 20 more draw calls.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { build } from 'vite'
import react from '@vitejs/plugin-react'
import { freePort } from '../../e2e/procs'
import { launchBrowser } from '../browser'

const AVATARS = 100
const WARM_FRAMES = 10
const FRAMES = 30
const ROUNDS = 2
const OUT = path.resolve('bench/results/avatars-page')

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.vrm': 'application/octet-stream',
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function serve(dir: string): Promise<{ url: string; close: () => void }> {
  const port = await freePort()
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = path.join(dir, rel === '/' ? 'index.html' : rel)
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() }
}

export async function avatars() {
  await build({
    configFile: false,
    root: path.resolve('bench/avatars'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: OUT, emptyOutDir: true, target: 'es2022' },
  })
  const site = await serve(OUT)
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(site.url)
    await page.waitForFunction(() => typeof window.bench?.frames === 'function', null, {
      timeout: 60_000,
    })
    const times = { skinned: [] as number[], capsules: [] as number[] }
    const calls = { skinned: 0, capsules: 0 }
    let skinnedUpdated = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['capsules', 'skinned'] as const) {
        await page.evaluate(([k, n]) => window.bench.show(k, n), [kind, AVATARS] as const)
        await page.evaluate((n) => window.bench.frames(n), WARM_FRAMES)
        const r = await page.evaluate((n) => window.bench.frames(n), FRAMES)
        times[kind].push(...r.ms)
        calls[kind] = r.drawCalls
        if (kind === 'skinned') skinnedUpdated = r.skinnedUpdated
      }
    }
    const vrmLoadMs = await page.evaluate(() => window.bench.vrmLoad(5))
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`)
    const frameMsMedian = median(times.skinned)
    const frameMsMedianCapsules = median(times.capsules)
    return {
      avatars: AVATARS,
      drawCalls: calls.skinned,
      drawCallsCapsules: calls.capsules,
      frameMsMedian: Math.round(frameMsMedian * 100) / 100,
      frameMsMedianCapsules: Math.round(frameMsMedianCapsules * 100) / 100,
      frameRatio: Math.round((frameMsMedian / frameMsMedianCapsules) * 1000) / 1000,
      skinnedUpdatedPerFrame: skinnedUpdated,
      vrmLoadMs: Math.round(vrmLoadMs * 10) / 10,
      targets: {
        frameRatioMax: 1.5,
        frameRatioMet: frameMsMedian <= 1.5 * frameMsMedianCapsules,
        extraDrawCallsMax: 20,
        extraDrawCallsMet: calls.skinned - calls.capsules <= 20,
      },
    }
  } finally {
    await browser.close()
    site.close()
  }
}
