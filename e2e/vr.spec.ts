// VR on an emulated headset: iwer (the Immersive Web Emulation Runtime, a dependency of
// @react-three/xr) is installed into the page before it loads, as a Meta Quest 3 with two
// controllers, so navigator.xr offers immersive-vr. The client itself never injects an emulator.
// A visitor enters VR from the top bar, the XR loop runs, the left stick walks through the player
// controller, the right stick snap-turns 30° and aims a teleport, and the panel in front of them
// leaves VR when its button is pointed at and the trigger pulled.
import fs from 'node:fs'
import path from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { expect, test } from './test'
import { newSettingsPage, openWorld, playerPosition, waitForFrames, watchErrors } from './helpers'
import type { XrHooks } from '../src/xr/testHooks'

const WORLD = 'block-park-village'
const WAIT = { timeout: 60_000 }
const IWER = path.join('node_modules', 'iwer', 'build', 'iwer.min.js')

/** What the test drives of iwer's device (window.__xrDevice). */
interface Tracked {
  position: { set(x: number, y: number, z: number): void }
  quaternion: { set(x: number, y: number, z: number, w: number): void }
}
interface Controller extends Tracked {
  updateAxes(id: string, x: number, y: number): void
  updateButtonValue(id: string, value: number): void
}
interface Device {
  controllers: { left: Controller; right: Controller }
}
declare global {
  interface Window {
    __xrDevice?: Device
  }
}

const xrState = (page: Page) => page.evaluate(() => (window.__cq!.xr as XrHooks).state())

async function stick(page: Page, hand: 'left' | 'right', x: number, y: number) {
  await page.evaluate(
    ([hand, x, y]) =>
      window.__xrDevice!.controllers[hand as 'left' | 'right'].updateAxes(
        'thumbstick',
        x as number,
        y as number,
      ),
    [hand, x, y] as const,
  )
}

/** Points the right controller from (x, y, z) (headset space) with a pitch about x (radians). */
async function pointRight(page: Page, at: [number, number, number], pitch: number) {
  await page.evaluate(
    ([at, pitch]) => {
      const c = window.__xrDevice!.controllers.right
      c.position.set(at[0]!, at[1]!, at[2]!)
      c.quaternion.set(Math.sin(pitch / 2), 0, 0, Math.cos(pitch / 2))
    },
    [at, pitch] as const,
  )
}

/** Waits until the XR loop has run `count` more frames. */
async function waitXrFrames(page: Page, count: number) {
  const start = (await xrState(page)).frames
  await page.waitForFunction(
    (n) => (window.__cq!.xr as XrHooks).state().frames >= n,
    start + count,
    WAIT,
  )
}

/** The page as the emulator shows it (the headset's view fills it), kept as an artifact. */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const shot = await page.screenshot()
  const file = path.join('test-results', 'screenshots', `${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, shot)
  await testInfo.attach(name, { body: shot, contentType: 'image/png' })
}

const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a))

test('enter VR on an emulated headset, walk, snap-turn, teleport and leave', async ({
  browser,
}, testInfo) => {
  test.setTimeout(240_000)
  const page = await newSettingsPage(
    browser,
    { width: 960, height: 600 },
    { language: 'en', quality: 'low', reducedMotion: true, hintDone: true },
  )
  // The emulator, before any of the page's scripts: a Quest 3 whose runtime replaces Chromium's
  // own navigator.xr (which offers no immersive session here).
  await page.context().addInitScript({ path: IWER })
  await page.context().addInitScript(() => {
    const iwer = (globalThis as unknown as { IWER: Record<string, unknown> }).IWER
    const XRDevice = iwer.XRDevice as new (config: unknown) => Device & {
      installRuntime(o: { forceInstall: boolean }): void
    }
    const device = new XRDevice(iwer.metaQuest3)
    device.installRuntime({ forceInstall: true })
    window.__xrDevice = device
  })
  const errors = watchErrors(page)
  await openWorld(page, WORLD, 3, { solo: true })

  // The comfort settings, before going in: snap turns and the vignette unless changed.
  await page.getByRole('button', { name: 'Settings' }).click()
  const settings = page.getByTestId('settings')
  await expect(settings.getByRole('group', { name: 'VR comfort' })).toBeVisible()
  await expect(settings.getByLabel('Turning in VR')).toHaveValue('snap')
  await expect(settings.getByLabel(/Narrow the view while moving/)).toBeChecked()
  await page.keyboard.press('Escape')
  await expect(settings).toBeHidden()

  // The button shows only because the (emulated) browser offers immersive VR.
  const enter = page.getByRole('button', { name: 'Enter VR' })
  await expect(enter).toBeVisible(WAIT)
  expect((await xrState(page)).supported).toBe(true)
  await enter.click()
  await page.waitForFunction(() => (window.__cq!.xr as XrHooks).state().phase === 'in', null, WAIT)

  // The XR frame loop runs (the headset's frames, not the window's).
  await waitXrFrames(page, 10)

  // Teleport, from the spawn down the village's street: the right controller points a little
  // down, the stick forward aims, letting go jumps.
  await pointRight(page, [0.25, 1.5, -0.4], -0.25)
  await stick(page, 'right', 0, -1)
  await page.waitForFunction(
    () => {
      const s = (window.__cq!.xr as XrHooks).state()
      return s.aiming && s.aimValid
    },
    null,
    WAIT,
  )
  await waitXrFrames(page, 3)
  // What the headset shows, with the arc aimed (the emulator draws it into the page's canvas).
  await shoot(page, testInfo, 'vr')
  const from = await playerPosition(page)
  await stick(page, 'right', 0, 0)
  await page.waitForFunction(() => (window.__cq!.xr as XrHooks).state().teleports === 1, null, WAIT)
  const landed = await playerPosition(page)
  expect(Math.hypot(landed.x - from.x, landed.z - from.z)).toBeGreaterThan(1)

  // Left stick half forward (a slow walk, so a slow page does not carry the visitor far): the
  // controller walks the visitor, the vignette closes in while moving.
  const start = await playerPosition(page)
  await stick(page, 'left', 0, -0.5)
  try {
    await page.waitForFunction(
      ([x, z]) => Math.hypot(window.__cq!.player.x - x!, window.__cq!.player.z - z!) > 1,
      [start.x, start.z],
      WAIT,
    )
    expect((await xrState(page)).vignette).toBeGreaterThan(0)
    await shoot(page, testInfo, 'vr-walking')
  } finally {
    await stick(page, 'left', 0, 0)
  }
  const walked = await playerPosition(page)
  // Forward is where the head looks: the headset faces the player's heading on entering.
  const along = -(
    Math.sin(start.heading) * (walked.x - start.x) +
    Math.cos(start.heading) * (walked.z - start.z)
  )
  expect(along).toBeGreaterThan(0.8)
  await page.waitForFunction(() => window.__cq!.player.speed < 0.3, null, WAIT)

  // Right stick to the right: one snap turn of 30° clockwise, however long it is held.
  const before = await xrState(page)
  const headingBefore = (await playerPosition(page)).heading
  await stick(page, 'right', 1, 0)
  await page.waitForFunction(
    (t) => (window.__cq!.xr as XrHooks).state().turn !== t,
    before.turn,
    WAIT,
  )
  await waitXrFrames(page, 5)
  await stick(page, 'right', 0, 0)
  await waitXrFrames(page, 3)
  const after = await xrState(page)
  expect(wrap(after.turn - before.turn)).toBeCloseTo(-Math.PI / 6, 5)
  const headingAfter = (await playerPosition(page)).heading
  expect(wrap(headingAfter - headingBefore)).toBeCloseTo(-Math.PI / 6, 2)

  // The panel's Leave VR: the right controller's ray on the button, the trigger pulled.
  await page.evaluate(() => {
    const [x, y, z] = (window.__cq!.xr as XrHooks).leaveButton()!
    const c = window.__xrDevice!.controllers.right
    const from = [0.15, 1.45, -0.2] as const
    c.position.set(...from)
    // Yaw about y, then pitch about x, turns the ray's -z onto the button.
    const dx = x - from[0]
    const dy = y - from[1]
    const dz = z - from[2]
    const yaw = Math.atan2(-dx, -dz)
    const pitch = Math.atan2(dy, Math.hypot(dx, dz))
    const [sy, cy, sp, cp] = [
      Math.sin(yaw / 2),
      Math.cos(yaw / 2),
      Math.sin(pitch / 2),
      Math.cos(pitch / 2),
    ]
    c.quaternion.set(cy * sp, sy * cp, -sy * sp, cy * cp)
  })
  await waitXrFrames(page, 5)
  await shoot(page, testInfo, 'vr-panel')
  await page.evaluate(() => window.__xrDevice!.controllers.right.updateButtonValue('trigger', 1))
  await waitXrFrames(page, 3)
  await page.evaluate(() => window.__xrDevice!.controllers.right.updateButtonValue('trigger', 0))
  await page.waitForFunction(() => (window.__cq!.xr as XrHooks).state().phase === 'off', null, WAIT)

  // Back on the screen: the normal loop draws again and the button offers VR once more.
  await waitForFrames(page, 3)
  await expect(page.getByRole('button', { name: 'Enter VR' })).toBeVisible()
  expect(errors).toEqual([])
  await page.context().close()
})
