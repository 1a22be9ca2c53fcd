// Who draws a builder world's thumbnail, and when. Publishing draws the map from above at once
// (thumbnail.ts: no browser, a few milliseconds) and queues a picture of the world as a visitor
// sees it, rendered by the server's headless Chromium from its own page
// (`/?world=<id>&thumbnail=aerial`), which replaces the map when it is done. Saves of a published
// world queue a new one at most every `renderEveryMs` (a map every `mapEveryMs` where no browser
// renders). One job runs at a time, away from the rooms' event loop; a render that fails leaves
// the map (or the last render) in place.
import { background } from '../background'
import type { HeadlessBrowser } from '../headless/browser'
import { errorField, log } from '../log'
import type { BuilderStore } from './store'
import { THUMBNAIL_SIZE, thumbnailOf } from './thumbnail'

/** A world's picture as a visitor sees it (JPEG bytes), or a failure. */
export type WorldRender = (worldId: string) => Promise<Uint8Array>

export interface ThumbnailJobOptions {
  store: () => BuilderStore | null
  /** The 3D render; null where no browser renders (the map is then the thumbnail). */
  render: WorldRender | null
  renderEveryMs?: number
  mapEveryMs?: number
  /** The clock the waits are measured on (tests set it). */
  now?: () => number
}

type Job = 'map' | 'render'

/** What the rooms tell: a published world was saved. */
export interface ThumbnailSink {
  saved(worldId: string): void
}

export class ThumbnailJobs implements ThumbnailSink {
  private readonly waiting = new Map<string, Job>()
  private readonly lastAt = new Map<string, number>()
  /** Saves that came too soon after the last picture: one more when the wait is over. */
  private readonly later = new Map<string, NodeJS.Timeout>()
  private running = false
  private stopped = false
  private idle: Promise<void> = Promise.resolve()
  private wake: (() => void) | null = null
  private readonly renderEveryMs: number
  private readonly mapEveryMs: number
  private readonly now: () => number

  constructor(private readonly opts: ThumbnailJobOptions) {
    this.renderEveryMs = opts.renderEveryMs ?? 10 * 60_000
    this.mapEveryMs = opts.mapEveryMs ?? 60_000
    this.now = opts.now ?? Date.now
  }

  /** Whether worlds are rendered in 3D here (else maps only). */
  get renders(): boolean {
    return this.opts.render !== null
  }

  /**
   * A world was published: its map now, its render queued (publishing again and again renders
   * it no more often than saves do).
   */
  async published(worldId: string): Promise<void> {
    await this.drawMap(worldId)
    if (this.opts.render) this.request(worldId, 'render')
  }

  saved(worldId: string): void {
    this.request(worldId, this.opts.render ? 'render' : 'map')
  }

  /** Queues the job now, or once the world's wait since its last one is over. */
  private request(worldId: string, job: Job) {
    const every = job === 'render' ? this.renderEveryMs : this.mapEveryMs
    const last = this.lastAt.get(worldId)
    const wait = last === undefined ? 0 : last + every - this.now()
    if (wait <= 0) {
      this.queue(worldId, job)
      return
    }
    // The newest save is drawn once the wait is over.
    if (this.later.has(worldId) || this.stopped) return
    const timer = setTimeout(() => {
      this.later.delete(worldId)
      this.queue(worldId, job)
    }, wait)
    timer.unref()
    this.later.set(worldId, timer)
  }

  /** Resolves once every queued job has run (tests). */
  settled(): Promise<void> {
    return this.idle
  }

  stop(): void {
    this.stopped = true
    this.waiting.clear()
    for (const timer of this.later.values()) clearTimeout(timer)
    this.later.clear()
  }

  private queue(worldId: string, job: Job) {
    if (this.stopped) return
    this.lastAt.set(worldId, this.now())
    // A render supersedes a waiting map of the same world.
    if (this.waiting.get(worldId) !== 'render') this.waiting.set(worldId, job)
    if (this.lastAt.size > 10_000) this.forgetOld()
    if (!this.running) {
      this.running = true
      this.idle = new Promise((resolve) => (this.wake = resolve))
      background(this.drain(), '[thumbnails] drain')
    }
  }

  private async drain() {
    try {
      for (let next = this.take(); next && !this.stopped; next = this.take()) {
        const [worldId, job] = next
        try {
          if (job === 'map') await this.drawMap(worldId)
          else await this.drawRender(worldId)
        } catch (err) {
          log.warn(
            { part: 'thumbnails', world: worldId, job, error: errorField(err) },
            'thumbnail not drawn: the last one stays',
          )
        }
      }
    } finally {
      this.running = false
      this.wake?.()
    }
  }

  private take(): [string, Job] | null {
    const first = this.waiting.entries().next()
    if (first.done) return null
    this.waiting.delete(first.value[0])
    return first.value
  }

  private async drawMap(worldId: string) {
    const store = this.opts.store()
    const current = await store?.current(worldId)
    if (!store || !current) return
    await store.setThumbnail(worldId, thumbnailOf(current.content))
  }

  private async drawRender(worldId: string) {
    const store = this.opts.store()
    // Only a published world's picture is taken: the page sees what any visitor would.
    if (!store || !(await store.world(worldId, null))) return
    const started = performance.now()
    const jpeg = await this.opts.render!(worldId)
    // Unpublished meanwhile: the card is gone, no picture of the draft is kept.
    if (!(await store.world(worldId, null))) return
    await store.setThumbnail(worldId, jpeg)
    log.info(
      {
        part: 'thumbnails',
        world: worldId,
        ms: Math.round(performance.now() - started),
        bytes: jpeg.length,
      },
      `thumbnail rendered (${THUMBNAIL_SIZE}×${THUMBNAIL_SIZE})`,
    )
  }

  private forgetOld() {
    const cutoff = this.now() - Math.max(this.renderEveryMs, this.mapEveryMs)
    for (const [id, at] of this.lastAt) if (at < cutoff) this.lastAt.delete(id)
  }
}

/**
 * Ready when the world has loaded, every chunk is meshed and ten frames have been drawn since;
 * a world that failed to load says so (the page's own reason is on its error panel).
 */
const WORLD_DRAWN = `(() => {
  const cq = window.__cq
  const w = cq && cq.world && cq.world()
  if (!w) return false
  if (w.status === 'error') return 'the page could not load the world'
  if (w.status !== 'ready' || !cq.voxelStats) return false
  if (cq.shotFrom === undefined) cq.shotFrom = cq.frameStats.frames
  return cq.frameStats.frames >= cq.shotFrom + 10
})()`

/** Renders builder worlds through the server's own page at `baseUrl` (a loopback address). */
export function worldRender(browser: HeadlessBrowser, baseUrl: string): WorldRender {
  const settings = JSON.stringify({ state: { quality: 'high' }, version: 1 })
  return (worldId) =>
    browser.shoot({
      url: `${baseUrl}?world=${encodeURIComponent(worldId)}&thumbnail=aerial`,
      width: THUMBNAIL_SIZE,
      height: THUMBNAIL_SIZE,
      init: `localStorage.setItem('cangqiong.settings', ${JSON.stringify(settings)})`,
      ready: WORLD_DRAWN,
      quality: 85,
    })
}
