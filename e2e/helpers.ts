// Shared checks for end-to-end tests: what a person would see, read from real screenshots.
import fs from 'node:fs'
import path from 'node:path'
import { PNG } from 'pngjs'
import {
  expect,
  type Browser,
  type BrowserContextOptions,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test'
import { watchA11y } from './a11y'

/** Collects console errors and uncaught page errors; assert on it at the end of a test. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`)
  })
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  return errors
}

/** Waits until the renderer has drawn at least `count` frames more than it had. */
export async function waitForFrames(page: Page, count = 3, timeout = 60_000) {
  await page.waitForFunction(() => (window.__cq?.frameStats.frames ?? 0) > 0, null, { timeout })
  const start = await page.evaluate(() => window.__cq?.frameStats.frames ?? 0)
  await page.waitForFunction((n) => (window.__cq?.frameStats.frames ?? 0) >= n, start + count, {
    timeout,
  })
}

export interface PixelStats {
  width: number
  height: number
  distinctColors: number
  /** Share of sampled pixels that are not (near) black. */
  litFraction: number
  /** Share of sampled pixels equal to the most common colour. */
  dominantFraction: number
}

export function pixelStats(png: Buffer): PixelStats {
  const img = PNG.sync.read(png)
  const counts = new Map<number, number>()
  let lit = 0
  let samples = 0
  const step = Math.max(1, Math.floor(Math.min(img.width, img.height) / 60))
  for (let y = 0; y < img.height; y += step) {
    for (let x = 0; x < img.width; x += step) {
      const i = (y * img.width + x) * 4
      const r = img.data[i]!
      const g = img.data[i + 1]!
      const b = img.data[i + 2]!
      // Quantize a little so dithering noise does not count as "distinct".
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      if (r + g + b > 30) lit++
      samples++
    }
  }
  const dominant = Math.max(...counts.values())
  return {
    width: img.width,
    height: img.height,
    distinctColors: counts.size,
    litFraction: lit / samples,
    dominantFraction: dominant / samples,
  }
}

/** Screenshots the 3D canvas, keeps it as an artifact, and returns its pixel statistics. */
export async function shootCanvas(page: Page, testInfo: TestInfo, name: string) {
  const png = await page.locator('canvas').first().screenshot()
  const file = path.join('test-results', 'screenshots', `${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, png)
  await testInfo.attach(name, { body: png, contentType: 'image/png' })
  return { png, stats: pixelStats(png) }
}

/** Waits until the page's open world is `id` and reports ready. */
export async function waitForWorld(page: Page, id: string, timeout = 150_000) {
  await page.waitForFunction(
    (want) => {
      const w = window.__cq?.world()
      return w?.worldId === want && w.status === 'ready'
    },
    id,
    { timeout },
  )
}

/**
 * Opens a world by URL and waits until it reports ready and has drawn a few frames. `solo`
 * explores without joining the world's room (tests that teleport the visitor, which the
 * server would rightly refuse).
 */
export async function openWorld(page: Page, id: string, frames = 5, { solo = false } = {}) {
  await page.goto(`/?world=${id}${solo ? '&solo=1' : ''}`)
  await waitForWorld(page, id)
  await waitForFrames(page, frames)
}

/**
 * A creator's and a guest's pages (English, low quality, 960 × 600), each in a context of its
 * own, with their errors watched (assert `errors.flat()` is empty at the end).
 */
export async function creatorAndGuest(browser: Browser) {
  const settings = { language: 'en' as const, quality: 'low' as const }
  const creator = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  const guest = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  return { creator, guest, errors: [watchErrors(creator), watchErrors(guest)] }
}

/** Waits until the page's room session is online (waitForFunction has no timeout of its own). */
export async function waitOnline(page: Page, timeout = 60_000) {
  await page.waitForFunction(() => window.__cq!.net.state().status === 'online', undefined, {
    timeout,
  })
}

/**
 * Signs in with the development wallet (its account `account` when given) and waits until its
 * collectibles are loaded. Returns the wallet panel, still open.
 */
export async function signInDevWallet(page: Page, account?: number): Promise<Locator> {
  await page.getByRole('button', { name: 'Wallet' }).first().click()
  const wallet = page.getByTestId('wallet-panel')
  // The first step waits for the panel to load its accounts.
  if (account === undefined) {
    await wallet.getByTestId('connect-dev').click({ timeout: 60_000 })
  } else {
    await wallet.getByTestId('dev-account').selectOption(String(account), { timeout: 60_000 })
    await wallet.getByTestId('connect-dev').click()
  }
  await wallet.getByTestId('sign-in').click()
  await page.waitForFunction(() => window.__cq!.wallet.state().status === 'ready', undefined, {
    timeout: 60_000,
  })
  return wallet
}

/** Waits until the page is signed in and its wallet's collectibles are loaded. */
export async function waitSignedIn(page: Page, timeout = 60_000) {
  await page.waitForFunction(
    () => {
      const w = window.__cq!.wallet.state()
      return w.signedIn && w.status === 'ready'
    },
    undefined,
    { timeout },
  )
}

/**
 * Opens the spaces panel and claims a plot: `spaceId`, or else the first free one (other tests
 * in a run may hold some; SPACE_LIMIT is raised for them). Returns the panel, the plot (by its
 * id: once claimed it no longer matches "free") and the id.
 */
export async function claimPlot(page: Page, spaceId?: string) {
  await page.getByTestId('spaces-button').click()
  const panel = page.getByTestId('spaces-panel')
  let id = spaceId
  if (id === undefined) {
    const free = panel
      .locator('section[data-testid^="space-"]', { has: page.getByTestId('claim') })
      .first()
    id = (await free.getAttribute('data-testid'))!.slice('space-'.length)
  }
  const plot = panel.getByTestId(`space-${id}`)
  await plot.getByTestId('claim').click()
  await expect(plot).toContainText('Your space', { timeout: 30_000 })
  return { panel, plot, spaceId: id }
}

/** Mean absolute per-channel difference of two equally sized PNG screenshots (0..255). */
export function imageDifference(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a)
  const y = PNG.sync.read(b)
  if (x.width !== y.width || x.height !== y.height) return 255
  let sum = 0
  let n = 0
  for (let i = 0; i < x.data.length; i += 16) {
    sum +=
      Math.abs(x.data[i]! - y.data[i]!) +
      Math.abs(x.data[i + 1]! - y.data[i + 1]!) +
      Math.abs(x.data[i + 2]! - y.data[i + 2]!)
    n += 3
  }
  return sum / n
}

export async function playerPosition(page: Page) {
  return page.evaluate(() => {
    const p = window.__cq!.player
    return { x: p.x, y: p.y, z: p.z, heading: p.heading }
  })
}

/**
 * Holds a key (or keeps a touch down: `press`/`release`) until the visitor has moved `distance`
 * metres, however few frames a busy machine draws meanwhile; returns where they started.
 */
export async function holdUntilMoved(
  page: Page,
  press: () => Promise<void>,
  release: () => Promise<void>,
  distance: number,
  timeout = 60_000,
) {
  const start = await playerPosition(page)
  await press()
  try {
    await page.waitForFunction(
      ([x, z, d]) => Math.hypot(window.__cq!.player.x - x!, window.__cq!.player.z - z!) > d!,
      [start.x, start.z, distance],
      { timeout },
    )
  } finally {
    await release()
  }
  return start
}

/**
 * A fresh browser context whose stored settings start as given (quality, language, …). A browser
 * launched by the test itself (not the fixture) needs `{ baseURL }` in `options`.
 */
export async function newSettingsPage(
  browser: Browser,
  viewport: { width: number; height: number },
  settings: Record<string, unknown>,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const ctx = await browser.newContext({ ...options, viewport })
  await watchA11y(ctx)
  // tsx compiles this code with keepNames, which wraps functions passed to page.evaluate
  // in a __name() helper that the page does not have.
  await ctx.addInitScript({ content: 'globalThis.__name = (f) => f' })
  await ctx.addInitScript((state) => {
    localStorage.setItem('cangqiong.settings', JSON.stringify({ state, version: 1 }))
  }, settings)
  return ctx.newPage()
}

/**
 * Walks to (x, z) by click-to-move, as a click on the ground there does: the controller steers
 * every frame and stops on arrival, so a starved page cannot overshoot between two looks (holding
 * W did: on a loaded machine a look came every second or so, and the visitor paced around the
 * goal without ever being within reach at a look). The walk is aimed again if it gave up.
 * Stuck means no step closer in 200 looks, however slowly a busy machine draws: not a clock.
 * Walking with the keyboard has its own test (worlds.spec).
 */
export async function walkTo(page: Page, x: number, z: number) {
  let best = Infinity
  let since = 0
  for (;;) {
    const p = await playerPosition(page)
    const left = Math.hypot(x - p.x, z - p.z)
    if (left < 0.6) return
    if (left < best - 0.05) [best, since] = [left, 0]
    else if (++since > 200) throw new Error(`stuck at ${p.x.toFixed(1)}, ${p.z.toFixed(1)}`)
    await page.evaluate(
      ([x, z]) => {
        const walk = window.__cq!.walk
        if (!walk.active()) walk.to(x!, z!)
      },
      [x, z],
    )
    await page.waitForTimeout(60)
  }
}

/** Where the keyboard focus is, as `tabTo` checks it at each stop. */
interface FocusStop {
  name: string
  /** The browser shows it as keyboard focus (:focus-visible) with an outline or ring drawn. */
  shown: boolean
  /** Inside the window (a control in a scrolling panel is scrolled into view on focus). */
  onScreen: boolean
}

/**
 * Presses Tab until `target` has the focus, as a keyboard user does (Shift+Tab when the target
 * comes before the focused control in the page), and checks every stop on the way: each focused
 * control shows it (:focus-visible with an outline or ring) on screen, and focus never falls out
 * of an open dialog. Passing the page's last control leaves the page for the browser's own
 * controls (here: the page itself), as in any browser; the next Tab comes back to the first.
 * Fails after `max` presses, with the stops it passed. Returns the stops.
 */
export async function tabTo(page: Page, target: Locator, { max = 60 } = {}) {
  const stops: string[] = []
  const where = () =>
    target.evaluateAll((els) => {
      const active = document.activeElement
      if ((els as Element[]).includes(active!)) return 'here'
      if (els.length === 0 || !active || active === document.body) return 'after'
      // The focus precedes the target: Tab moves towards it.
      return els[0]!.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_PRECEDING
        ? 'after'
        : 'before'
    })
  for (let i = 0; ; i++) {
    const at = await where()
    if (at === 'here') return stops
    if (i >= max)
      throw new Error(`${max} presses of Tab did not reach the target: ${stops.join(' → ')}`)
    await page.keyboard.press(at === 'before' ? 'Shift+Tab' : 'Tab')
    const stop: FocusStop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el || el === document.body) {
        const modal = document.querySelector('[aria-modal="true"]') !== null
        return { name: 'the page itself', shown: !modal, onScreen: true }
      }
      const label =
        el.getAttribute('data-testid') ??
        el.getAttribute('aria-label') ??
        (el.textContent ?? '').trim().slice(0, 30)
      const s = getComputedStyle(el)
      const ring =
        (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'
      const r = el.getBoundingClientRect()
      return {
        name: `${el.tagName.toLowerCase()} "${label}"`,
        shown: el.matches(':focus-visible') && ring,
        onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
      }
    })
    stops.push(stop.name)
    expect(stop.shown, `focus on ${stop.name} is not shown (after ${stops.join(' → ')})`).toBe(true)
    expect(stop.onScreen, `focus on ${stop.name} is off screen`).toBe(true)
  }
}

/** The focused element matches `target`. */
export async function expectFocused(target: Locator) {
  await expect
    .poll(() => target.evaluateAll((els) => (els as Element[]).includes(document.activeElement!)), {
      message: 'focus is on the expected control',
    })
    .toBe(true)
}

/** Waits until the page is in event `id`'s room and online (joining may take a few tries). */
export async function waitInEvent(page: Page, id: string, timeout = 120_000) {
  await page.waitForFunction(
    (want) => {
      const s = (window.__cq!.events as { state: () => { event: string | null } }).state()
      return s.event === want && window.__cq!.net.state().status === 'online'
    },
    id,
    { timeout },
  )
}
