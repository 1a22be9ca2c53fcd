// Avatars: a crowd of 100 remote figures in view (a third walking, a third waving), drawn as
// today's skinned figures, in the same run and page as the same figures without far detail and
// crowd rigs ("full", every figure near and on its own mixer: how they were drawn before) and as
// the old capsule figures they replaced; frame times alternate between the three (A B C A B C)
// so a busy machine slows all alike. vrmLoadMs: checking and parsing the code-made VRM
// (src/avatar/vrmFixture.ts) with three-vrm.
// {"avatars","drawCalls","drawCallsCapsules","frameMsMedian","frameMsMedianFull",
//  "frameMsMedianCapsules","frameRatio","frameRatioFull","trianglesPerFrame",
//  "trianglesPerFrameFull","skinnedUpdatedPerFrame","skinnedUpdatedPerFrameFull",
//  "mixersUpdatedPerFrame","mixersUpdatedPerFrameFull","farFigures","sharedFigures","sharedRigs",
//  "vrmLoadMs","targets"}
// skinnedUpdatedPerFrame: skeletons whose bones were updated in a frame (the most in any frame:
// figures' own and crowd rigs'); mixersUpdatedPerFrame the same for mixers; farFigures,
// sharedFigures (far ones drawn from a crowd rig) and sharedRigs as of the last frame.
//
// Layout (bench/avatars/page.tsx `place`): 30 figures near, three rows of 10 at 16–26 m from the
// camera, and 70 far, seven rows of 10 at 34–82 m spread wider with distance, as a plaza or a
// street seen from one end: most of a crowd in view is far away. The wavers start again with
// every batch of frames and wave for 2.4 s of real time, so how many are still waving (and on
// their own mixers) depends on the machine's speed.
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
    const kinds = ['capsules', 'full', 'skinned'] as const
    const times = { skinned: [] as number[], full: [] as number[], capsules: [] as number[] }
    const last: Partial<
      Record<(typeof kinds)[number], Awaited<ReturnType<typeof window.bench.frames>>>
    > = {}
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of kinds) {
        await page.evaluate(([k, n]) => window.bench.show(k, n), [kind, AVATARS] as const)
        await page.evaluate((n) => window.bench.frames(n), WARM_FRAMES)
        const r = await page.evaluate((n) => window.bench.frames(n), FRAMES)
        times[kind].push(...r.ms)
        last[kind] = r
      }
    }
    const skinned = last.skinned!
    const full = last.full!
    // Pictures to look at (bench/results/avatars-*.png): the crowd as measured, the same without
    // far detail or rigs, and every figure drawn far (simplified, on crowd rigs) from close by,
    // as HD figures and as block figures.
    for (const [style, kind, farFrom, name] of [
      ['hd', 'skinned', 28, 'skinned'],
      ['hd', 'full', 28, 'full'],
      ['hd', 'skinned', 0, 'all-far'],
      ['voxel', 'full', 28, 'voxel-full'],
      ['voxel', 'skinned', 0, 'voxel-all-far'],
    ] as const) {
      await page.evaluate(
        ([s, k, n, f]) => {
          window.bench.style(s)
          window.bench.farFrom(f)
          window.bench.show(k, n)
        },
        [style, kind, AVATARS, farFrom] as const,
      )
      await page.evaluate((n) => window.bench.frames(n), WARM_FRAMES + 20)
      await page.screenshot({ path: path.resolve(`bench/results/avatars-${name}.png`) })
    }
    await page.evaluate(() => (window.bench.style('hd'), window.bench.farFrom(28)))
    const vrmLoadMs = await page.evaluate(() => window.bench.vrmLoad(5))
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`)
    const frameMsMedian = median(times.skinned)
    const frameMsMedianFull = median(times.full)
    const frameMsMedianCapsules = median(times.capsules)
    const drawCallsCapsules = last.capsules!.drawCalls
    return {
      avatars: AVATARS,
      drawCalls: skinned.drawCalls,
      drawCallsCapsules,
      frameMsMedian: Math.round(frameMsMedian * 100) / 100,
      frameMsMedianFull: Math.round(frameMsMedianFull * 100) / 100,
      frameMsMedianCapsules: Math.round(frameMsMedianCapsules * 100) / 100,
      frameRatio: Math.round((frameMsMedian / frameMsMedianCapsules) * 1000) / 1000,
      frameRatioFull: Math.round((frameMsMedianFull / frameMsMedianCapsules) * 1000) / 1000,
      trianglesPerFrame: skinned.triangles,
      trianglesPerFrameFull: full.triangles,
      skinnedUpdatedPerFrame: skinned.skinnedUpdated,
      skinnedUpdatedPerFrameFull: full.skinnedUpdated,
      mixersUpdatedPerFrame: skinned.mixersUpdated,
      mixersUpdatedPerFrameFull: full.mixersUpdated,
      farFigures: skinned.farFigures,
      sharedFigures: skinned.sharedFigures,
      sharedRigs: skinned.sharedRigs,
      vrmLoadMs: Math.round(vrmLoadMs * 10) / 10,
      targets: {
        frameRatioMax: 1.5,
        frameRatioMet: frameMsMedian <= 1.5 * frameMsMedianCapsules,
        extraDrawCallsMax: 20,
        extraDrawCallsMet: skinned.drawCalls - drawCallsCapsules <= 20,
      },
    }
  } finally {
    await browser.close()
    site.close()
  }
}
