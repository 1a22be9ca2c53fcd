// The server's headless Chromium (Debian's, as in the end-to-end tests) against pages served on
// loopback by this test: the picture, a page that says it failed, one that never gets ready,
// requests to another origin, the idle close and the lower CPU priority.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HeadlessBrowser, ShotError } from './browser'
import { chromiumProblem } from './chromium'

const FILL = `<style>canvas { position: fixed; inset: 0; width: 100%; height: 100% }</style>`
const PAGES: Record<string, string> = {
  '/red': `<canvas width="256" height="256"></canvas><script>
    const g = document.querySelector('canvas').getContext('2d')
    g.fillStyle = '#d03020'; g.fillRect(0, 0, 256, 256)
    window.drawn = true</script>`,
  '/fails': `<canvas></canvas><script>window.problem = 'the world could not load'</script>`,
  '/never': `<canvas></canvas>`,
  '/leak': `<canvas></canvas><script>
    fetch(location.search.slice(1)).then(() => (window.leak = 'loaded'), () => (window.leak = 'blocked'))
    </script>`,
}
const DRAWN = `window.problem || window.drawn === true`

/** Width and height from a JPEG's start-of-frame segment. */
function jpegSize(b: Buffer): [number, number] {
  expect([b[0], b[1]]).toEqual([0xff, 0xd8])
  for (let i = 2; i < b.length - 9;) {
    const marker = b[i + 1]!
    if (marker >= 0xc0 && marker <= 0xc2) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)]
    i += 2 + b.readUInt16BE(i + 2)
  }
  throw new Error('no start of frame in the JPEG')
}

/** Fields of a /proc stat line after the name: [0] is the state, [1] the parent, [16] nice. */
function statFields(file: string): string[] {
  const stat = fs.readFileSync(file, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** Nice values of every thread of the Chromium processes this test process started. */
function chromiumNiceness(): number[] {
  const parent = new Map<number, number>()
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      parent.set(Number(pid), Number(statFields(`/proc/${pid}/stat`)[1]))
    } catch {
      // gone meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true
    return false
  }
  const out: number[] = []
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue
      for (const task of fs.readdirSync(`/proc/${pid}/task`))
        out.push(Number(statFields(`/proc/${pid}/task/${task}/stat`)[16]))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

function serve(handler: http.RequestListener): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(handler)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  )
}

describe('the server’s headless browser', () => {
  let own: { server: http.Server; origin: string }
  let other: { server: http.Server; origin: string }
  let otherHits = 0
  let browser: HeadlessBrowser

  beforeAll(async () => {
    const problem = chromiumProblem()
    if (problem) throw new Error(problem)
    own = await serve((req, res) => {
      const page = PAGES[new URL(req.url ?? '/', 'http://x').pathname]
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html' })
      res.end(page ? FILL + page : 'not here')
    })
    other = await serve((_req, res) => {
      otherHits++
      res.writeHead(200, { 'access-control-allow-origin': '*' })
      res.end('secret')
    })
    browser = new HeadlessBrowser({ origin: own.origin, idleMs: 60_000, timeoutMs: 30_000 })
  })

  afterAll(async () => {
    await browser?.stop()
    own?.server.close()
    other?.server.close()
  })

  it('takes a JPEG of the page’s canvas once the page is ready, at a lower priority', async () => {
    const jpeg = await browser.shoot({
      url: `${own.origin}/red`,
      width: 256,
      height: 256,
      ready: DRAWN,
    })
    expect(jpegSize(jpeg)).toEqual([256, 256])
    expect(browser.running).toBe(true)
    // Root may raise priorities, and Chromium sets its threads' own (its UI thread at -8):
    // only for any other user, as a server should run, do they all stay at nice 10 or lower.
    if (fs.existsSync('/usr/bin/nice') && process.getuid?.() !== 0) {
      const nice = chromiumNiceness()
      expect(nice.length).toBeGreaterThan(0)
      expect(
        nice.every((n) => n >= 10),
        `nice values ${nice.join()}`,
      ).toBe(true)
    }
  })

  it('reports the reason a page gives for failing', async () => {
    const failed = await browser
      .shoot({ url: `${own.origin}/fails`, width: 64, height: 64, ready: DRAWN })
      .catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(ShotError)
    expect((failed as Error).message).toBe('the world could not load')
  })

  it('lets the page fetch nothing but its own origin', async () => {
    const jpeg = await browser.shoot({
      url: `${own.origin}/leak?${other.origin}/`,
      width: 64,
      height: 64,
      ready: `window.leak === 'blocked' || (window.leak && 'it reached ' + window.leak)`,
    })
    expect(jpegSize(jpeg)).toEqual([64, 64])
    expect(otherHits).toBe(0)
  })

  it('gives up on a page that is never ready, and closes the browser when idle', async () => {
    // Only the page that never gets ready has the short limit: on a busy machine a fresh
    // browser's first page may take more than 3 s to draw.
    const quick = new HeadlessBrowser({ origin: own.origin, idleMs: 100, timeoutMs: 60_000 })
    try {
      const late = await quick
        .shoot({
          url: `${own.origin}/never`,
          width: 64,
          height: 64,
          ready: DRAWN,
          timeoutMs: 3_000,
        })
        .catch((e: unknown) => e)
      expect(late).toBeInstanceOf(ShotError)
      expect((late as Error).message).toMatch(/not ready in 3 s/)
      expect(quick.running).toBe(false)
      // The next shot starts a browser again; idle, it closes by itself.
      await quick.shoot({ url: `${own.origin}/red`, width: 64, height: 64, ready: DRAWN })
      await expect.poll(() => quick.running, { timeout: 10_000 }).toBe(false)
    } finally {
      await quick.stop()
    }
    await expect(
      quick.shoot({ url: `${own.origin}/red`, width: 64, height: 64, ready: DRAWN }),
    ).rejects.toThrow(/stopped/)
  })
})
