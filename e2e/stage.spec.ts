// The stage in both worlds without an event server: a screen state put into the store through
// window.__cq.event.inject (as the event session would) plays the demo video on the stage's
// screen on the host's timeline, pauses where told, shows slides, and reactions fly over it.
// Two pages given the same state play within 0.5 s of each other. Screenshots are kept in
// test-results/screenshots/stage-*.png.
import { expect, test, type Page } from '@playwright/test'
import fs from 'node:fs'
import path from 'node:path'
import { openWorld, waitForFrames } from './helpers'

const VIDEO = '/assets/video/cangqiong-stage.webm'
const WAIT = { timeout: 60_000 }

interface Probe {
  mediaTime: number
  paused: boolean
  expected: number
  drift: number
  readyState: number
  ended: boolean
  slide: number
}

const probe = (page: Page) =>
  page.evaluate(() => (window.__cq!.event as { screen: () => Probe }).screen())

/** Stands the visitor on the stage's audience spot, camera behind them, facing the stage. */
async function standAtAudience(page: Page, worldId: string) {
  const scene = (await page.evaluate(async (id) => {
    const res = await fetch(`/scenes/${id}.json`)
    return res.json()
  }, worldId)) as {
    stages: { id: string; audience: { position: [number, number, number]; heading: number } }[]
  }
  const stage = scene.stages[0]!
  await page.evaluate(
    ([x, y, z, h]) => {
      const p = window.__cq!.player
      p.x = x!
      p.y = y!
      p.z = z!
      p.heading = h!
      const rig = window.__cq!.cameraRig
      rig.yaw = h!
      rig.pitch = 0.12
      rig.distance = 5
    },
    [...stage.audience.position, stage.audience.heading],
  )
  return stage.id
}

async function shoot(page: Page, name: string) {
  const file = path.join('test-results', 'screenshots', `${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await page.screenshot({ path: file })
  await test.info().attach(name, { path: file, contentType: 'image/png' })
}

async function injectPlaying(page: Page, position: number, at?: number) {
  return page.evaluate(
    ([url, position, at]) => {
      const hooks = window.__cq!.event as {
        inject: (s: unknown) => void
        serverNow: () => number
      }
      const now = at ?? Math.round(hooks.serverNow())
      hooks.inject({ media: { kind: 'video', url }, playing: true, position, at: now, slide: 0 })
      return now
    },
    [VIDEO, position, at ?? null] as const,
  )
}

for (const world of ['cangqiong', 'block-park-village'] as const) {
  test(`${world}: the stage screen plays the video on the timeline, pauses, seeks`, async ({
    page,
  }) => {
    await openWorld(page, world, 5, { solo: true })
    await page.waitForFunction(() => typeof window.__cq?.event === 'object', null, WAIT)
    await standAtAudience(page, world)
    await waitForFrames(page, 10)
    await shoot(page, `stage-${world}-idle`)

    await injectPlaying(page, 2)
    await page.waitForFunction(
      () => {
        const s = (window.__cq!.event as { screen: () => Probe }).screen()
        return s.readyState >= 2 && !s.paused && Math.abs(s.drift) < 0.25
      },
      null,
      WAIT,
    )
    // It keeps up: sampled over two seconds, always within 0.5 s of where it belongs.
    for (let i = 0; i < 5; i++) {
      const s = await probe(page)
      expect(Math.abs(s.mediaTime - s.expected), JSON.stringify(s)).toBeLessThan(0.5)
      await page.waitForTimeout(400)
    }
    await waitForFrames(page, 5)
    await shoot(page, `stage-${world}-video`)

    // The host pauses at 9.5 s: the screen holds that frame.
    await page.evaluate((url) => {
      const hooks = window.__cq!.event as { inject: (s: unknown) => void; serverNow: () => number }
      hooks.inject({
        media: { kind: 'video', url },
        playing: false,
        position: 9.5,
        at: Math.round(hooks.serverNow()),
        slide: 0,
      })
    }, VIDEO)
    await page.waitForFunction(
      () => {
        const s = (window.__cq!.event as { screen: () => Probe }).screen()
        return s.paused && Math.abs(s.mediaTime - 9.5) <= 0.05 && s.readyState >= 2
      },
      null,
      WAIT,
    )
    // Past the end: held on the last frame, not looped.
    await injectPlaying(page, 30)
    await page.waitForFunction(
      () => {
        const s = (window.__cq!.event as { screen: () => Probe }).screen()
        return s.ended && s.paused && s.mediaTime > 19.5
      },
      null,
      WAIT,
    )
  })
}

test('two attendees given the same screen state play within 0.5 s of each other', async ({
  browser,
}) => {
  const pages = await Promise.all([browser.newPage(), browser.newPage()])
  for (const page of pages) {
    await openWorld(page, 'cangqiong', 3, { solo: true })
    await page.waitForFunction(() => typeof window.__cq?.event === 'object', null, WAIT)
    await standAtAudience(page, 'cangqiong')
  }
  // The host pressed play at 1 s a moment ago; the second page joins later.
  const at = await injectPlaying(pages[0]!, 1)
  await pages[0]!.waitForTimeout(1500)
  await injectPlaying(pages[1]!, 1, at)
  for (const page of pages)
    await page.waitForFunction(
      () => {
        const s = (window.__cq!.event as { screen: () => Probe }).screen()
        return s.readyState >= 2 && !s.paused && Math.abs(s.drift) < 0.25
      },
      null,
      WAIT,
    )
  for (let i = 0; i < 4; i++) {
    // Both pages read at once, live from the element: media time minus the wall clock is the
    // shared timeline (SwiftShader draws two pages at a few frames a second).
    const [a, b] = await Promise.all(
      pages.map((p) =>
        p.evaluate(() => {
          const s = (window.__cq!.event as { screen: () => Probe }).screen()
          return s.mediaTime - Date.now() / 1000
        }),
      ),
    )
    expect(Math.abs(a! - b!)).toBeLessThan(0.5)
    await pages[0]!.waitForTimeout(300)
  }
  await Promise.all(pages.map((p) => p.close()))
})

test('slides and reactions on the village stage', async ({ page }) => {
  await openWorld(page, 'block-park-village', 5, { solo: true })
  await page.waitForFunction(() => typeof window.__cq?.event === 'object', null, WAIT)
  await standAtAudience(page, 'block-park-village')
  await page.evaluate(() => {
    const hooks = window.__cq!.event as { inject: (s: unknown) => void }
    hooks.inject({
      media: {
        kind: 'slides',
        urls: [1, 2, 3, 4].map((n) => `/assets/slides/cangqiong-${n}.png`),
      },
      playing: false,
      position: 0,
      at: 0,
      slide: 1,
    })
  })
  await page.waitForFunction(
    () => (window.__cq!.event as { screen: () => Probe }).screen().slide === 1,
    null,
    WAIT,
  )
  await page.evaluate(() =>
    (window.__cq!.event as { react: (c: unknown) => void }).react({
      applause: 300,
      hearts: 60,
      fireworks: 12,
    }),
  )
  await page.waitForFunction(
    () => (window.__cq!.event as { reactions: () => { live: number } }).reactions().live > 30,
    null,
    WAIT,
  )
  await page.waitForTimeout(900)
  await shoot(page, 'stage-block-park-village-slides-reactions')
})
