// The server's own headless Chromium: it opens one of the server's pages, waits until the page
// says it is ready, and takes a picture of it (builder worlds' thumbnails). One page at a time;
// the browser starts on the first shot and closes when it has been idle a while, so a server
// that shoots nothing holds no browser. It runs at a lower CPU priority than the server (nice 10,
// through a wrapper script, so the processes it forks inherit it), may fetch only the server's
// own origin, and is killed when a shot overruns.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { CHROMIUM_ARGS, chromiumPath } from './chromium'
import { background } from '../background'
import { log } from '../log'

export interface Shot {
  /** A page of `origin` (nothing else may load). */
  url: string
  width: number
  height: number
  /** Script run in the page before its own (a string: the server runs under tsx). */
  init?: string
  /**
   * A JavaScript expression the page evaluates until it is true (the picture is taken) or a
   * string (the page failed for that reason).
   */
  ready: string
  /** JPEG quality, 1–100. */
  quality?: number
  /** This shot's time limit, ms (the browser's `timeoutMs` otherwise). */
  timeoutMs?: number
}

export interface HeadlessOptions {
  /** The only origin the pages may fetch from (`http://127.0.0.1:2567`). */
  origin: string
  /** The browser closes after this long without a shot, ms. */
  idleMs?: number
  /** A shot that takes longer is abandoned and the browser killed, ms. */
  timeoutMs?: number
  executable?: string
}

/** A shot that failed: its page said why, or it ran out of time. */
export class ShotError extends Error {}

export class HeadlessBrowser {
  private browser: Promise<Browser> | null = null
  private idle: NodeJS.Timeout | null = null
  private busy: Promise<unknown> = Promise.resolve()
  private wrapperDir: string | null = null
  private stopped = false
  private readonly idleMs: number
  private readonly timeoutMs: number
  private readonly executable: string

  constructor(private readonly opts: HeadlessOptions) {
    this.idleMs = opts.idleMs ?? 60_000
    this.timeoutMs = opts.timeoutMs ?? 120_000
    this.executable = opts.executable ?? chromiumPath()
  }

  /** Whether a browser is running now (tests). */
  get running(): boolean {
    return this.browser !== null
  }

  /** A JPEG of the page's first canvas once it is ready. Shots run one after another. */
  shoot(shot: Shot): Promise<Buffer> {
    const run = this.busy.then(() => this.shootNow(shot))
    this.busy = run.catch(() => {})
    return run
  }

  private async shootNow(shot: Shot): Promise<Buffer> {
    if (this.stopped) throw new ShotError('the headless browser has stopped')
    if (this.idle) clearTimeout(this.idle)
    const browser = await this.start()
    const limit = shot.timeoutMs ?? this.timeoutMs
    let timer: NodeJS.Timeout | undefined
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ShotError(`the page was not ready in ${limit / 1000} s`)),
        limit,
      )
    })
    overrun.catch(() => {}) // it may fire before the race below listens; the race reports it
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      deviceScaleFactor: 1,
    })
    try {
      const origin = this.opts.origin
      await context.route('**/*', (route) => {
        const url = route.request().url()
        return url === origin || url.startsWith(`${origin}/`) ? route.continue() : route.abort()
      })
      if (shot.init) await context.addInitScript({ content: shot.init })
      const page = await context.newPage()
      const taken = (async () => {
        await page.goto(shot.url, { timeout: limit })
        const handle = await page.waitForFunction(shot.ready, undefined, {
          timeout: limit,
          polling: 250,
        })
        const said = (await handle.jsonValue()) as unknown
        if (typeof said === 'string') throw new ShotError(said)
        return page
          .locator('canvas')
          .first()
          .screenshot({ type: 'jpeg', quality: shot.quality ?? 85, timeout: limit })
      })()
      taken.catch(() => {}) // its failure is reported through the race below
      return await Promise.race([taken, overrun])
    } catch (err) {
      // An overrun page may hold the browser busy: start afresh next time.
      if (err instanceof ShotError && /not ready in/.test(err.message)) await this.close()
      throw err
    } finally {
      clearTimeout(timer)
      await context.close().catch(() => {})
      if (!this.stopped && this.browser) {
        this.idle = setTimeout(() => background(this.close(), '[headless] close'), this.idleMs)
        this.idle.unref()
      }
    }
  }

  private start(): Promise<Browser> {
    if (this.browser) return this.browser
    const starting: Promise<Browser> = (async () => {
      const { chromium } = await import('playwright-core')
      // As root Chromium's sandbox cannot start; anyone else keeps it.
      const root = typeof process.getuid === 'function' && process.getuid() === 0
      const args = CHROMIUM_ARGS.filter((a) => root || a !== '--no-sandbox')
      const browser = await chromium.launch({
        executablePath: this.niced(),
        args: [...args, '--mute-audio', '--hide-scrollbars'],
        timeout: 60_000,
      })
      browser.on('disconnected', () => {
        if (this.browser === starting) this.browser = null
      })
      log.info({ part: 'headless' }, 'headless browser started')
      return browser
    })()
    this.browser = starting
    starting.catch(() => {
      if (this.browser === starting) this.browser = null
    })
    return starting
  }

  /** A script that starts Chromium at nice 10 (it and every process it forks). */
  private niced(): string {
    if (!fs.existsSync('/usr/bin/nice')) return this.executable
    this.wrapperDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cq-headless-'))
    const file = path.join(this.wrapperDir, 'chromium')
    if (!fs.existsSync(file)) {
      const quoted = `'${this.executable.replace(/'/g, `'\\''`)}'`
      fs.writeFileSync(file, `#!/bin/sh\nexec /usr/bin/nice -n 10 ${quoted} "$@"\n`, {
        mode: 0o700,
      })
    }
    return file
  }

  /** Closes the browser (the next shot starts another). */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    const running = this.browser
    this.browser = null
    if (!running) return
    const browser = await running.catch(() => null)
    await browser?.close().catch(() => {})
  }

  /** Closes the browser for good and removes its files. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.close()
    if (this.wrapperDir) fs.rmSync(this.wrapperDir, { recursive: true, force: true })
  }
}
