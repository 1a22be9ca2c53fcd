// Tours: a visitor picks the village's tour from the places list and takes it to the end,
// reading each stop; they walk to the first stop by "Walk me there" (the beacon and the path on
// the ground lead the way), are carried to the others, and watch the staged scene play where
// there is one (actors in place, their lines in bubbles at the scene's times). A guide leads the
// tour as a group and invites a friend, who appears beside them, follows, and sees the same
// moment of the staged scene (the room says when it started).
import fs from 'node:fs'
import type { Page } from '@playwright/test'
import type { SceneInput } from '../src/protocol/scene'
import type { TourHooks } from '../src/tours/testHooks'
import { expect, test } from './test'
import {
  creatorAndGuest,
  openWorld,
  playerPosition,
  shootCanvas,
  signInDevWallet,
  waitForFrames,
  waitOnline,
  walkTo,
} from './helpers'

const tourState = (page: Page) => page.evaluate(() => (window.__cq!.tour as TourHooks).state())
const sceneTime = (page: Page) => page.evaluate(() => (window.__cq!.tour as TourHooks).actors().t)
/** When the staged scene began, by the machine's clock (s), as the page's last frame drew it. */
const sceneStart = (page: Page) =>
  page.evaluate(() => {
    const { t, at } = (window.__cq!.tour as TourHooks).actors()
    return at / 1000 - t
  })

const village = () =>
  JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')) as SceneInput

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

test('a guide invites a friend beside them, who follows the tour and sees the same staged moment', async ({
  browser,
}) => {
  // Two visitors (English, low quality). The guide signs in, leads the village tour as a group
  // to its staged stop and walks there; the scene starts. The guide's invite link brings the
  // friend into the same instance, beside the guide; the friend follows the group from the
  // places list, is at the stop at once, and sees the scene where it has got to. The guide moves
  // on (the friend's panel follows) and ends the tour (the friend is told).
  const { creator: guide, guest: friend, errors } = await creatorAndGuest(browser)
  try {
    const stops = village().tours![0]!.stops
    const staged = stops.findIndex((s) => s.scene)
    await guide.goto('/?world=block-park-village')
    await waitOnline(guide)
    await signInDevWallet(guide)
    await guide.keyboard.press('Escape')
    await guide.getByRole('button', { name: /Scenic spot/ }).click()
    await guide.getByTestId('places').getByTestId('tour-start').first().click()
    await guide.getByTestId('tour-lead').click()
    await expect(guide.getByTestId('tour-leading')).toBeVisible()
    for (let i = 1; i <= staged; i++) await guide.getByTestId('tour-next').click()
    const [x, , z] = stops[staged]!.position
    await walkTo(guide, x, z)
    await guide.waitForFunction(() => (window.__cq!.tour as TourHooks).actors().t > 3, undefined, {
      timeout: 60_000,
    })

    await guide.getByTestId('net-chip').click()
    await guide.getByTestId('invite-button').click()
    const link = await guide.getByTestId('invite-link').inputValue()
    expect(link).toMatch(/\?world=block-park-village&join=[\w-]+&near=[\w-]+$/)
    await guide.keyboard.press('Escape')

    await friend.goto(link)
    await waitOnline(friend)
    const net = (page: Page) => page.evaluate(() => window.__cq!.net.state())
    expect((await net(friend)).instance).toBe((await net(guide)).instance)
    const [g, f] = [await playerPosition(guide), await playerPosition(friend)]
    expect(Math.hypot(g.x - f.x, g.z - f.z)).toBeLessThan(3)
    // The invite is used once: the address no longer holds it.
    expect(friend.url()).not.toContain('join=')

    await friend.getByRole('button', { name: /Scenic spot/ }).click()
    await friend.getByTestId('places').getByTestId('tour-follow').click()
    const panel = friend.getByTestId('tour-panel')
    await expect(panel.getByTestId('tour-following')).toContainText('Following your guide')
    await expect(panel.getByTestId('tour-stop-title')).toHaveText(stops[staged]!.title.en)
    await expect(panel.getByTestId('tour-next')).toHaveCount(0)
    await friend.waitForFunction(() => (window.__cq!.tour as TourHooks).state().here, undefined, {
      timeout: 60_000,
    })
    // The room told the late visitor how far the scene had got: both show the same moment at
    // the same clock time. Each page's last frame says when the scene started by the machine's
    // clock (both pages share it), so a busy page drawing late or a slow read does not count.
    const loop = stops[staged]!.scene!.loop ?? Infinity
    await expect
      .poll(
        async () => {
          const d = Math.abs((await sceneStart(guide)) - (await sceneStart(friend))) % loop
          return Math.min(d, loop - d)
        },
        { timeout: 30_000 },
      )
      .toBeLessThan(0.75)
    expect(await sceneTime(friend)).toBeGreaterThan(3)

    // The guide moves on: the friend's panel follows. Then the guide ends the group tour.
    await guide.getByTestId('tour-next').click()
    await expect(panel.getByTestId('tour-stop-title')).toHaveText(stops[staged + 1]!.title.en)
    await guide.getByTestId('tour-panel').getByRole('button', { name: 'End tour' }).click()
    await expect(panel).toContainText('Your guide has ended the group tour')
    await expect(panel.getByTestId('tour-next')).toBeVisible()
    expect(errors.flat()).toEqual([])
  } finally {
    await guide.context().close()
    await friend.context().close()
  }
})
