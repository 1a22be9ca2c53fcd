// Tours: a visitor picks the village's tour from the places list and takes it to the end,
// reading each stop; they walk to the first stop by "Walk me there" (the beacon and the path on
// the ground lead the way), are carried to the others, and watch the staged scene play where
// there is one (actors in place, their lines in bubbles at the scene's times). Two visitors who
// arrive at a staged stop seconds apart see the same moment of its scene (the room says when it
// started).
import fs from 'node:fs'
import type { Page } from '@playwright/test'
import type { SceneInput } from '../src/protocol/scene'
import type { TourHooks } from '../src/tours/testHooks'
import { expect, test } from './test'
import {
  creatorAndGuest,
  openWorld,
  shootCanvas,
  waitForFrames,
  waitOnline,
  walkTo,
} from './helpers'

const tourState = (page: Page) => page.evaluate(() => (window.__cq!.tour as TourHooks).state())
const sceneTime = (page: Page) => page.evaluate(() => (window.__cq!.tour as TourHooks).actors().t)

const village = () =>
  JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')) as SceneInput

/** Opens the village's tour on `page` and shows stop `n` (Next n times), then walks there. */
async function walkToStop(page: Page, n: number) {
  const stop = village().tours![0]!.stops[n]!
  await page.getByRole('button', { name: /Scenic spot/ }).click()
  await page.getByTestId('places').getByTestId('tour-start').first().click()
  for (let i = 0; i < n; i++) await page.getByTestId('tour-next').click()
  await expect(page.getByTestId('tour-stop-title')).toHaveText(stop.title.en)
  await walkTo(page, stop.position[0], stop.position[2])
  await page.waitForFunction(() => (window.__cq!.tour as TourHooks).state().here, undefined, {
    timeout: 60_000,
  })
}

test('a visitor takes the village tour to its end and reads each stop', async ({
  page,
}, testInfo) => {
  const scene = village()
  const tour = scene.tours![0]!
  const stops = tour.stops
  await page.setViewportSize({ width: 1100, height: 700 })
  await openWorld(page, 'block-park-village', 5, { solo: true })

  await page.getByRole('button', { name: /Scenic spot/ }).click()
  const start = page.getByTestId('places').getByTestId('tour-start')
  await expect(start).toHaveCount(scene.tours!.length)
  await expect(start.first()).toContainText(tour.title.en)
  await start.first().click()
  const panel = page.getByTestId('tour-panel')
  await expect(panel).toBeVisible()

  for (const [i, stop] of stops.entries()) {
    await expect(panel.getByTestId('tour-progress')).toHaveText(`Stop ${i + 1} of ${stops.length}`)
    await expect(panel.getByTestId('tour-stop-title')).toHaveText(stop.title.en)
    await expect(panel.getByTestId('tour-narration')).toHaveText(stop.narration.en)
    await expect(panel.getByTestId('tour-where')).toContainText('m to this stop')
    if (i === 0) {
      // The way is shown: a beacon at the stop and dots on the ground towards it.
      await waitForFrames(page, 3)
      await shootCanvas(page, testInfo, 'tour-way')
      await panel.getByTestId('tour-walk').click()
    } else {
      await page.evaluate(
        ([x, y, z]) => Object.assign(window.__cq!.player, { x, y: y! + 1, z }),
        stop.position,
      )
    }
    await page.waitForFunction(
      (n) => {
        const s = (window.__cq!.tour as TourHooks).state()
        return s.here && s.stop === n
      },
      i,
      { timeout: 120_000 },
    )
    await expect(panel.getByTestId('tour-where')).toHaveText('You are here')
    if (stop.scene) {
      // The staged scene plays from the visitor's arrival: every actor stands in the world, and
      // the first line is said at its time, in a bubble above the actor.
      const first = stop.scene.cues.find((c) => c.say)!
      await page.waitForFunction(
        (line) => (window.__cq!.tour as TourHooks).actors().actors.some((a) => a.line === line),
        first.say!.en,
        { timeout: 120_000 },
      )
      const seen = await page.evaluate(() => (window.__cq!.tour as TourHooks).actors())
      expect(seen.actors.map((a) => a.id)).toEqual(stop.scene.actors.map((a) => a.id))
      expect(seen.t).toBeGreaterThanOrEqual(first.at)
      await expect(page.getByTestId('actor-tag').getByText(first.say!.en)).toBeVisible()
      await shootCanvas(page, testInfo, 'tour-staged-scene')
    }
    await panel.getByTestId('tour-next').click()
  }

  expect(await tourState(page)).toMatchObject({
    tour: tour.id,
    done: true,
    reached: stops.map((_, i) => i),
  })
  await expect(panel.getByRole('heading')).toHaveText(`Tour complete: ${tour.title.en}`)
  await panel.getByTestId('tour-close').click()
  await expect(panel).toBeHidden()
})

test('two visitors at a stop see the same moment of its staged scene', async ({ browser }) => {
  // Two visitors in the same room (English, low quality): the first arrives and the scene
  // starts; the second arrives seconds later and sees it where it has got to, not from its start.
  const { creator: first, guest: second, errors } = await creatorAndGuest(browser)
  try {
    const staged = village().tours![0]!.stops.findIndex((s) => s.scene)
    for (const page of [first, second]) {
      await page.goto('/?world=block-park-village')
      await waitOnline(page)
    }
    await walkToStop(first, staged)
    await first.waitForFunction(() => (window.__cq!.tour as TourHooks).actors().t > 0, undefined, {
      timeout: 60_000,
    })
    await first.waitForFunction(() => (window.__cq!.tour as TourHooks).actors().t > 3, undefined, {
      timeout: 60_000,
    })
    await walkToStop(second, staged)
    // The room told the late visitor how far the scene had got: both show the same moment.
    await expect
      .poll(async () => Math.abs((await sceneTime(first)) - (await sceneTime(second))), {
        timeout: 30_000,
      })
      .toBeLessThan(0.75)
    expect(await sceneTime(second)).toBeGreaterThan(3)
    expect(errors.flat()).toEqual([])
  } finally {
    await first.context().close()
    await second.context().close()
  }
})
