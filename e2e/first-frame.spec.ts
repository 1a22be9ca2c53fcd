// The page opens, the canvas shows a rendered 3D frame, and nothing logs an error.
import { expect, test } from './test'
import { shootCanvas, waitForFrames, watchErrors } from './helpers'

test('the start page renders a 3D frame without console errors', async ({ page }, testInfo) => {
  const errors = watchErrors(page)
  await page.goto('/')
  await expect(page.locator('canvas').first()).toBeVisible()
  await waitForFrames(page, 5)

  const { stats } = await shootCanvas(page, testInfo, 'first-frame')
  expect(stats.width).toBeGreaterThan(600)
  expect(stats.litFraction, 'canvas is blank').toBeGreaterThan(0.5)
  expect(stats.dominantFraction, 'canvas is one colour').toBeLessThan(0.85)
  expect(stats.distinctColors).toBeGreaterThan(20)

  const info = await page.evaluate(() => window.__cq?.frameStats)
  expect(info?.drawCalls).toBeGreaterThan(0)
  expect(errors).toEqual([])
})
