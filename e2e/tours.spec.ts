// Tours: a visitor picks the village's tour from the places list and takes it to the end,
// reading each stop; they walk to the first stop by "Walk me there" (the beacon and the path on
// the ground lead the way), are carried to the others, and watch the staged scene play where
// there is one (actors in place, their lines in bubbles at the scene's times).
import fs from 'node:fs'
import type { Page } from '@playwright/test'
import type { SceneInput } from '../src/protocol/scene'
import type { TourHooks } from '../src/tours/testHooks'
import { expect, test } from './test'
import { openWorld, shootCanvas, waitForFrames } from './helpers'

const tourState = (page: Page) => page.evaluate(() => (window.__cq!.tour as TourHooks).state())

test('a visitor takes the village tour to its end and reads each stop', async ({
  page,
}, testInfo) => {
  const scene = JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')) as SceneInput
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
