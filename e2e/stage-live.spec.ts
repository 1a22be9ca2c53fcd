// The live stage end to end: a host goes live on an event's stage with Chromium's fake camera and
// a 440 Hz tone for a microphone; an attendee in the event's SECOND room (two people per room:
// the host and a first attendee fill room 1) watches it through the media server: the stage
// screen switches from the synced file to the live video when the host says so (its pixels
// change with the fake camera, in both rooms), and attendees in both rooms hear the host's pitch
// from the stage. When the host stops, the attendee stops watching and the screen shows the file again. One Chromium
// (fake devices and loopback ICE are launch flags) with a context per visitor. What the pages
// see and hear is read through window.__cq.stage (src/events/live/hooks.ts).
import fs from 'node:fs'
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import type { StageHooks } from '../src/events/live/hooks'
import {
  imageDifference,
  newSettingsPage,
  openWorld,
  waitForFrames,
  waitForWorld,
  waitInEvent,
  watchErrors,
} from './helpers'
import { writeTone } from './lib/tones'
import { openVoiceBrowser } from './lib/voice'

// In the village, for the reason events.spec gives (three pages draw there on the CPU).
const WORLD = 'block-park-village'
const WAIT = { timeout: 120_000 }
const SHOTS = 'test-results/screenshots'
const HOST_HZ = 440
/** About one bin of the page's 2048-point FFT. */
const PITCH_TOLERANCE_HZ = 25
const HEARD_RMS = 0.005

type Stage = ReturnType<StageHooks['video']>

const stage = <K extends keyof StageHooks>(page: Page, what: K) =>
  page.evaluate((k) => (window.__cq!.stage as StageHooks)[k]() as ReturnType<StageHooks[K]>, what)

const instance = (page: Page) =>
  page.evaluate(
    () => (window.__cq!.events as { state: () => { instance: number } }).state().instance,
  )

/** Polls `what` on the page until `ok`, failing with the last value. */
async function until<T>(page: Page, read: () => Promise<T>, ok: (v: T) => boolean, what: string) {
  let last: T | undefined
  await expect
    .poll(
      async () => {
        last = await read()
        return ok(last)
      },
      { timeout: WAIT.timeout, message: `${what}; last: ${JSON.stringify(last)}` },
    )
    .toBe(true)
  return last as T
}

test('a host goes live on stage; attendees in both rooms see and hear it', async ({ baseURL }) => {
  test.setTimeout(900_000)
  fs.mkdirSync(SHOTS, { recursive: true })
  const tone = writeTone(test.info().outputPath('tones'), HOST_HZ)
  const hostBrowser = await openVoiceBrowser(tone.file, baseURL)
  const settings = { language: 'en', quality: 'low', reducedMotion: true }
  const host = hostBrowser.page
  const first = await newSettingsPage(hostBrowser.browser, { width: 640, height: 420 }, settings, {
    baseURL,
  })
  const second = await newSettingsPage(hostBrowser.browser, { width: 960, height: 600 }, settings, {
    baseURL,
  })
  const errors = [hostBrowser.errors, watchErrors(first), watchErrors(second)]
  try {
    await openWorld(host, WORLD)
    await host.waitForFunction(() => window.__cq!.net.state().status === 'online', undefined, WAIT)
    await host.getByRole('button', { name: 'Wallet' }).first().click()
    const wallet = host.getByTestId('wallet-panel')
    await wallet.getByTestId('connect-dev').click({ timeout: 60_000 })
    await wallet.getByTestId('sign-in').click()
    await host.waitForFunction(() => window.__cq!.wallet.state().signedIn, undefined, WAIT)
    await host.keyboard.press('Escape')

    // An event of two people per room, live, with the demo video playing on the screen.
    await host.getByTestId('events-button').click()
    await host.getByTestId('events-panel').getByTestId('event-create').click()
    const form = host.getByTestId('create-event')
    await form.getByLabel('Title (English)').fill('Live in the village')
    await form.getByLabel('World').selectOption(WORLD)
    await expect(form.getByLabel('Stage')).not.toHaveValue('')
    await form.getByLabel('People per room').fill('2')
    await form.getByTestId('create-submit').click()
    await expect(form).toBeHidden({ timeout: 30_000 })
    const item = host.getByTestId('events-panel').locator('li', { hasText: 'Live in the village' })
    await expect(item).toBeVisible({ timeout: 30_000 })
    const eventId = (await item.getAttribute('data-testid'))!.slice('event-'.length)
    await item.getByTestId('event-join').click()
    await waitInEvent(host, eventId, WAIT.timeout)
    await host.getByTestId('host-controls').click()
    const controls = host.getByTestId('host-panel')
    await controls.getByTestId('go-live').click()
    await expect(host.getByTestId('event-live')).toBeVisible({ timeout: 30_000 })
    await controls.getByTestId('media-choice').selectOption('stage-video')
    await controls.getByTestId('media-load').click()
    await expect(controls.getByTestId('screen-status')).toHaveText('Done', { timeout: 30_000 })
    await controls.getByTestId('screen-play').click()
    await expect(controls.getByTestId('screen-pause')).toBeVisible({ timeout: 30_000 })

    // The first attendee fills room 1; the second lands in room 2.
    for (const page of [first, second]) {
      await page.goto(`/?event=${eventId}`)
      await waitForWorld(page, WORLD, 300_000)
      await waitInEvent(page, eventId, WAIT.timeout)
    }
    expect(await instance(first)).toBe(1)
    expect(await instance(second)).toBe(2)
    // Nobody is on air yet: nobody watches.
    expect((await stage(second, 'watch')).phase).toBe('off')
    await waitForFrames(second, 10)
    const fileShot = await second.screenshot({ path: `${SHOTS}/stage-live-file.png` })

    // The host goes live: fake camera and the 440 Hz microphone.
    const live = controls.getByTestId('stage-live')
    await live.getByTestId('stage-video-camera').check()
    await expect(live.getByTestId('stage-mic')).toBeChecked()
    await live.getByTestId('stage-golive').click()
    await until(
      host,
      () => stage(host, 'publish'),
      (p) => p.phase === 'live' && p.preview,
      'the host is on air',
    )
    await expect(live.getByTestId('stage-on-air')).toBeVisible()
    await until(
      host,
      () => stage(host, 'live'),
      (l) => l.on,
      'event.live says on air',
    )
    await host.screenshot({ path: `${SHOTS}/stage-live-host.png` })
    // The host does not watch itself.
    expect((await stage(host, 'watch')).phase).toBe('off')

    // The attendee in room 2 watches at once; going on air switches the screen to live
    // (the server's choice, docs/stage.md).
    await until(
      second,
      () => stage(second, 'watch'),
      (w) => w.phase === 'live',
      'room 2 watches the stage',
    )
    await expect(second.getByTestId('stage-on')).toBeVisible()
    await until(
      second,
      () => stage(second, 'live'),
      (l) => l.source === 'live',
      'source live',
    )

    // One control: the file again, in every room; then live again.
    await controls.getByTestId('stage-source-file').click()
    await until(
      second,
      () => stage(second, 'video'),
      (v) => !v.shown,
      'room 2 shows the file',
    )
    await waitForFrames(second, 10)
    const fileAgainShot = await second.screenshot({ path: `${SHOTS}/stage-live-file-again.png` })
    await controls.getByTestId('stage-source-live').click()
    const drawn = await until(
      second,
      () => stage(second, 'video'),
      (v: Stage) => v.shown && v.drawn > 10 && v.frames > 10 && v.colour !== null,
      'room 2 draws the live video on the screen',
    )
    // It keeps coming: more frames decoded and drawn.
    const later = await until(
      second,
      () => stage(second, 'video'),
      (v: Stage) => v.drawn > drawn.drawn + 5 && v.frames > drawn.frames + 5,
      'room 2 keeps drawing new frames of the live video',
    )
    expect(later.width).toBeGreaterThan(0)
    const liveShot = await second.screenshot({ path: `${SHOTS}/stage-live-room2.png` })
    // The screen's pixels changed from the file to the camera.
    console.log(
      `screenshot difference file→live ${imageDifference(fileShot, liveShot).toFixed(2)}, ` +
        `file again→live ${imageDifference(fileAgainShot, liveShot).toFixed(2)}`,
    )
    expect(imageDifference(fileAgainShot, liveShot)).toBeGreaterThan(1)
    await until(
      first,
      () => stage(first, 'video'),
      (v: Stage) => v.shown && v.drawn > 5,
      'room 1 draws the live video too',
    )

    // The stage's sound in both rooms: a tap turns it on (no gesture yet on these pages), then
    // the host's pitch.
    for (const [page, room] of [
      [second, 'room 2'],
      [first, 'room 1'],
    ] as const) {
      const tap = page.getByTestId('tap-for-sound')
      if (await tap.isVisible()) await tap.click()
      const heard = await until(
        page,
        () => stage(page, 'audio'),
        (a) =>
          a !== null &&
          a.running &&
          a.heard.rms > HEARD_RMS &&
          Math.abs(a.heard.peakHz - HOST_HZ) < PITCH_TOLERANCE_HZ,
        `${room} hears ${HOST_HZ} Hz from the stage`,
      )
      console.log(
        `${room} hears rms ${heard!.heard.rms.toFixed(4)} at ${Math.round(heard!.heard.peakHz)} Hz; ` +
          `received rms ${heard!.received.rms.toFixed(4)}`,
      )
    }

    // The host stops: the attendee stops watching, and the screen shows the file again.
    await live.getByTestId('stage-stop').click()
    await until(
      host,
      () => stage(host, 'publish'),
      (p) => p.phase === 'off',
      'the host stopped',
    )
    await until(
      second,
      () => stage(second, 'watch'),
      (w) => w.phase === 'off',
      'room 2 stops watching',
    )
    await until(
      second,
      () => stage(second, 'video'),
      (v) => !v.shown,
      'the live video is gone',
    )
    await second.screenshot({ path: `${SHOTS}/stage-live-after.png` })
    expect(errors.flat().filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  } finally {
    await hostBrowser.close()
  }
})
