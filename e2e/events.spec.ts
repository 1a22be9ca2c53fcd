// Live gatherings end to end: a host signs in with the development wallet, creates an event
// of two people per room through the form, goes live, loads the demo video, presses play and
// makes an announcement. Two attendees follow the deep link: the first shares the host's room,
// the second lands in a second room of the same event; both see the announcement (on screen)
// and a screen within 0.5 s of the host's, the second sees the host mirrored in, and everyone
// sees the total. The host kicks the first attendee, who is told they were removed. The first
// attendee's link meets a busy API (503, then a request that hangs) and still opens; a link to
// an event that does not exist says so, with Try again, instead of showing the directory.
// Three pages render on the CPU at once here: every wait is on state and generously bounded.
import fs from 'node:fs'
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import type { EventsHooks } from '../src/events/testHooks'
import {
  newSettingsPage,
  openWorld,
  waitForFrames,
  waitForWorld,
  waitInEvent,
  watchErrors,
} from './helpers'

// In the village: its stage is the same feature as Cangqiong's (stage.spec checks both worlds'
// screens), and its voxel scene draws three times faster on the CPU (10 fps alone at 960×600,
// Cangqiong 3), which took this test from about 4 minutes to 2.
const WORLD = 'block-park-village'
/** waitForFunction has no timeout of its own: bound every wait (joining may take three tries). */
const WAIT = { timeout: 120_000 }
const SHOTS = 'test-results/screenshots'

async function eventsState(page: Page) {
  return page.evaluate(() => {
    const hooks = window.__cq!.events as EventsHooks
    return hooks.state()
  })
}

interface ScreenSample {
  position: number
  wall: number
  from: string
  /** The page's own view: its video's drift from where its clock puts the timeline (s). */
  drift?: number
  /** Its clock estimate: server − local (ms) and the best round trip (ms). */
  offset?: number
  rtt?: number
}

/** The screen position as the stage shows it (the stage's hook), else as the state puts it. */
async function screenAt(page: Page): Promise<ScreenSample> {
  return page.evaluate(() => {
    const stage = window.__cq!.event as
      | {
          screen?: () => { position?: number; drift: number }
          clock?: () => { offset: number; rtt: number }
        }
      | undefined
    const shown = stage?.screen?.()
    const clock = stage?.clock?.()
    if (shown && typeof shown.position === 'number')
      return {
        position: shown.position,
        wall: Date.now(),
        from: 'stage',
        drift: shown.drift,
        offset: clock?.offset,
        rtt: clock?.rtt,
      }
    const hooks = window.__cq!.events as {
      state: () => { screen: { position: number; wall: number } }
    }
    const s = hooks.state().screen
    return { position: s.position, wall: s.wall, from: 'state' }
  })
}

/** One sample's numbers for a failure message: the gap, and each page's drift and clock. */
function describeSample(gap: number, host: ScreenSample, page: ScreenSample): string {
  const side = (s: ScreenSample) =>
    `drift ${s.drift?.toFixed(3)} s, offset ${s.offset?.toFixed(0)} ms, rtt ${s.rtt?.toFixed(0)} ms`
  return `${gap.toFixed(3)} (host ${side(host)}; attendee ${side(page)})`
}

/** Until `release()`: the first GET of the event answers 503, the second hangs, then it fails. */
async function busyEventApi(page: Page, eventId: string) {
  let seen = 0
  let release = () => {}
  const released = new Promise<void>((r) => (release = r))
  await page.route(`**/api/events/${eventId}`, async (route) => {
    seen++
    if (seen === 1) {
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'storage_starting',
          message: 'the database is starting',
          retryAfterS: 1,
        }),
      })
    } else if (seen === 2) {
      await released
      await route.abort('timedout')
    } else {
      await route.continue()
    }
  })
  return { release, seen: () => seen }
}

test('a link to an event that does not exist says so, with Try again, not the directory', async ({
  browser,
}) => {
  const page = await newSettingsPage(
    browser,
    { width: 800, height: 600 },
    { language: 'en', quality: 'low' },
  )
  try {
    // The database may still be starting (503, retried by the page): this test is about 404.
    await expect
      .poll(async () => (await page.request.get('/api/events')).status(), { timeout: 150_000 })
      .toBe(200)
    await page.goto('/?event=zzzzzzzzzzzz')
    const screen = page.getByTestId('event-link')
    await expect(screen).toHaveAttribute('data-state', 'error', { timeout: 60_000 })
    await expect(screen).toHaveAttribute('data-code', 'unknown_event')
    await expect(screen).toContainText('This event does not exist')
    await expect(page.locator('.directory')).toHaveCount(0)
    await page.screenshot({ path: `${SHOTS}/events-link-unknown.png` })
    // Try again asks once more (a 404 is not retried by itself) and says so again.
    let asked = 0
    page.on('request', (r) => {
      if (r.url().endsWith('/api/events/zzzzzzzzzzzz')) asked++
    })
    await screen.getByTestId('event-link-retry').click()
    await expect.poll(() => asked, { timeout: 60_000 }).toBe(1)
    await expect(screen).toHaveAttribute('data-state', 'error', { timeout: 60_000 })
    await expect(screen).toHaveAttribute('data-code', 'unknown_event')
    // The way back leads to the directory and out of the link.
    await screen.getByTestId('event-link-back').click()
    await expect(page.locator('.directory')).toBeVisible()
    await expect(screen).toHaveCount(0)
    expect(new URL(page.url()).searchParams.has('event')).toBe(false)
  } finally {
    await page.context().close()
  }
})

test('a host runs an event that an attendee follows by link, until the host kicks them', async ({
  browser,
}) => {
  // A ceiling, not an expectation: three pages render on the CPU at once, and on a 2-core
  // machine shared with other work each world took 100 s to open and the test over 10 min.
  test.setTimeout(900_000)
  fs.mkdirSync(SHOTS, { recursive: true })
  const settings = { language: 'en' as const, quality: 'low' as const }
  const host = await newSettingsPage(browser, { width: 1100, height: 700 }, settings)
  const attendee = await newSettingsPage(browser, { width: 900, height: 600 }, settings)
  const second = await newSettingsPage(browser, { width: 640, height: 420 }, settings)
  const errors = [watchErrors(host), watchErrors(attendee), watchErrors(second)]
  try {
    await openWorld(host, WORLD)
    await host.waitForFunction(() => window.__cq!.net.state().status === 'online', undefined, WAIT)

    // Sign in with the development wallet.
    await host.getByRole('button', { name: 'Wallet' }).first().click()
    const wallet = host.getByTestId('wallet-panel')
    await wallet.getByTestId('connect-dev').click({ timeout: 60_000 })
    await wallet.getByTestId('sign-in').click()
    await host.waitForFunction(() => window.__cq!.wallet.state().signedIn, undefined, WAIT)
    await host.keyboard.press('Escape')

    // Create an event through the form.
    await host.getByTestId('events-button').click()
    const panel = host.getByTestId('events-panel')
    await expect(panel).toBeVisible()
    await host.screenshot({ path: `${SHOTS}/events-list.png` })
    await panel.getByTestId('event-create').click()
    const form = host.getByTestId('create-event')
    await form.getByLabel('Title (English)').fill('Village square concert')
    await form.getByLabel('Title (Chinese)').fill('广场音乐会')
    await form.getByLabel('Description (English)').fill('Songs on the square, on the big screen.')
    await form.getByLabel('World').selectOption(WORLD)
    await expect(form.getByLabel('Stage')).not.toHaveValue('')
    await form.getByLabel('People per room').fill('2')
    await host.screenshot({ path: `${SHOTS}/events-create.png` })
    await form.getByTestId('create-submit').click()
    await expect(form).toBeHidden({ timeout: 30_000 })

    // It is in the list: join it.
    const item = host
      .getByTestId('events-panel')
      .locator('li', { hasText: 'Village square concert' })
    await expect(item).toBeVisible({ timeout: 30_000 })
    const eventId = (await item.getAttribute('data-testid'))!.slice('event-'.length)
    await host.screenshot({ path: `${SHOTS}/events-list-created.png` })
    await item.getByTestId('event-join').click()
    await waitInEvent(host, eventId, WAIT.timeout)
    expect((await eventsState(host)).role).toBe('host')
    expect(new URL(host.url()).searchParams.get('event')).toBe(eventId)

    // Go live, load the demo video, play it, and announce.
    await host.getByTestId('host-controls').click()
    const controls = host.getByTestId('host-panel')
    await controls.getByTestId('go-live').click()
    await expect(host.getByTestId('event-live')).toBeVisible({ timeout: 30_000 })
    await controls.getByTestId('media-choice').selectOption('stage-video')
    await controls.getByTestId('media-load').click()
    await expect(controls.getByTestId('screen-status')).toHaveText('Done', { timeout: 30_000 })
    await controls.getByTestId('screen-play').click()
    await expect(controls.getByTestId('screen-pause')).toBeVisible({ timeout: 30_000 })
    await controls.getByTestId('megaphone-text').fill('Welcome to the village!')
    await controls.getByTestId('megaphone-send').click()
    await expect(controls.getByTestId('megaphone-status')).toHaveText('Done', { timeout: 30_000 })
    await host.screenshot({ path: `${SHOTS}/events-host-hud.png` })

    // Two attendees follow the deep link: the first fills the host's room (two per room), the
    // second gets the event's second room.
    for (const page of [attendee, second]) {
      const api = page === attendee ? await busyEventApi(attendee, eventId) : null
      await page.goto(`/?event=${eventId}`)
      if (api) {
        // The busy API does not strand the attendee: the page says it tries again, and does.
        // Wait for the second request (held until release: the page stays on try 2 meanwhile),
        // however long a starved page takes to load and ask.
        await expect.poll(() => api.seen(), { timeout: 240_000 }).toBe(2)
        const link = await page.evaluate(
          () =>
            (window.__cq!.events as { state: () => { link: { attempt: number } } }).state().link,
        )
        expect(link.attempt).toBe(2)
        const screen = page.getByTestId('event-link')
        await expect(screen.getByTestId('event-link-try')).toHaveText('try 2 of 4')
        // Why the last try failed: the 503's message, or, when a starved page gave up on that
        // answer before it came (its own 15 s limit), the timeout.
        await expect(screen).toContainText(
          /The last try failed: (the database is starting|.*timed out)/,
        )
        await expect(page.locator('.directory')).toHaveCount(0)
        await page.screenshot({ path: `${SHOTS}/events-link-retrying.png` })
        api.release()
      }
      await waitForWorld(page, WORLD, 300_000)
      if (api) {
        expect(api.seen()).toBe(3)
        await page.unrouteAll()
      }
      await waitInEvent(page, eventId, WAIT.timeout)
      // The announcement made before they came reaches them too.
      await page.waitForFunction(
        () =>
          (window.__cq!.events as { state: () => { announcements: string[] } })
            .state()
            .announcements.includes('Welcome to the village!'),
        null,
        WAIT,
      )
      const s = await eventsState(page)
      expect(s.role).toBe('audience')
      expect(s.screen.playing).toBe(true)
      expect(s.screen.media).toBe('/assets/video/cangqiong-stage.webm')
    }
    expect((await eventsState(attendee)).instance).toBe(1)
    expect((await eventsState(second)).instance).toBe(2)
    // Everyone sees the total over both rooms.
    for (const page of [host, attendee, second]) {
      await page.waitForFunction(
        () => {
          const s = (
            window.__cq!.events as { state: () => { attendance: number; instances: number } }
          ).state()
          return s.attendance === 3 && s.instances === 2
        },
        null,
        WAIT,
      )
    }
    // The host, standing in room 1, is mirrored into room 2 as an avatar.
    await second.waitForFunction(
      () => window.__cq!.net.remotes().some((r) => r.id.startsWith('cast:')),
      null,
      WAIT,
    )
    // A phone-sized look at an attendee's HUD.
    await attendee.setViewportSize({ width: 390, height: 760 })
    await waitForFrames(attendee, 1)
    await attendee.screenshot({ path: `${SHOTS}/events-attendee-phone.png` })
    await attendee.setViewportSize({ width: 900, height: 600 })

    // A second announcement reaches both rooms while they are there.
    await controls.getByTestId('megaphone-text').fill('The concert starts now')
    await controls.getByTestId('megaphone-send').click()
    // Delivery is checked on each page's state; the banner (up for ANNOUNCEMENT_MS from when it
    // arrived) on both pages at once, so a starved page's slow first check cannot use up the
    // other's time on screen.
    await Promise.all(
      [attendee, second].map(async (page) => {
        await page.waitForFunction(
          () =>
            (window.__cq!.events as { state: () => { announcements: string[] } })
              .state()
              .announcements.includes('The concert starts now'),
          null,
          WAIT,
        )
        await expect(page.getByTestId('announcement')).toContainText('The concert starts now')
      }),
    )
    await second.screenshot({ path: `${SHOTS}/events-second-room.png` })

    // Each attendee's screen is within 0.5 s of the host's (README), from the first frame it
    // draws, at every sample. Positions are read live from the video elements (not from the
    // last rendered frame, which on a CPU-starved page is old) and corrected for the moment
    // each was read.
    const HALF_SECOND = 0.5
    for (const page of [attendee, second]) {
      await page.waitForFunction(
        () => (window.__cq!.event as { screen: () => { shown: boolean } }).screen().shown,
        undefined,
        WAIT,
      )
      const gaps: number[] = []
      const samples: string[] = []
      for (let i = 0; i < 8; i++) {
        const a = await screenAt(host)
        const b = await screenAt(page)
        expect(a.from).toBe('stage')
        expect(b.from).toBe('stage')
        const gap = Math.abs(b.position - (a.position + (b.wall - a.wall) / 1000))
        gaps.push(gap)
        samples.push(describeSample(gap, a, b))
        await page.waitForTimeout(250)
      }
      const report = samples.join('\n')
      test.info().annotations.push({ type: 'screen gaps (s)', description: report })
      for (const gap of gaps) expect(gap, `gaps (s):\n${report}`).toBeLessThan(HALF_SECOND)
    }

    // The host kicks the attendee.
    const attendeeId = await attendee.evaluate(() => window.__cq!.net.state().sessionId)
    const person = controls.getByTestId(`person-${attendeeId}`)
    await expect(person).toBeVisible({ timeout: 30_000 })
    await person.getByTestId('kick').click()
    await host.getByTestId('confirm-ok').click()
    const removed = attendee.getByTestId('event-removed')
    await expect(removed).toBeVisible({ timeout: 30_000 })
    await expect(removed).toHaveAttribute('data-reason', 'kicked')
    await expect(removed).toContainText('You were removed from this event')
    expect((await eventsState(attendee)).removed).toBe('kicked')
    expect(errors.flat().filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  } finally {
    await host.context().close()
    await attendee.context().close()
    await second.context().close()
  }
})
