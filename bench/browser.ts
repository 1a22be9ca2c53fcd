// Shared bench plumbing: build the client, start the real server on a free port, and open
// headless Chromium (Debian's, WebGL on SwiftShader) counting the JavaScript it loads.
import { execFileSync } from 'node:child_process'
import zlib from 'node:zlib'
import { chromium, type Browser, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath, chromiumProblem } from '../e2e/chromium'
import { freePort } from '../e2e/procs'
import { loadConfig } from '../server/config'
import { startServer, type RunningServer } from '../server/app'

export function buildClient() {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
}

export async function startDistServer(): Promise<{ server: RunningServer; readyMs: number }> {
  const t0 = performance.now()
  const server = await startServer(
    loadConfig({ ...process.env, CLIENT: 'dist', PORT: String(await freePort()) }),
  )
  return { server, readyMs: performance.now() - t0 }
}

export async function launchBrowser(): Promise<Browser> {
  const problem = chromiumProblem()
  if (problem) throw new Error(problem)
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
}

/** Counts gzipped JavaScript bytes the page downloads, as a CDN would serve them. */
export function countJs(page: Page): { gzipBytes: () => number; stop: () => void } {
  let bytes = 0
  let counting = true
  page.on('response', async (res) => {
    if (!counting) return
    const type = res.headers()['content-type'] ?? ''
    if (!type.includes('javascript')) return
    try {
      bytes += zlib.gzipSync(await res.body(), { level: 9 }).length
    } catch {
      // a response without a body (redirect, aborted) loads no code
    }
  })
  return { gzipBytes: () => bytes, stop: () => (counting = false) }
}
