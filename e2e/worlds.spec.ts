// Worlds as a visitor meets them: the directory, every world rendering its own picture,
// walking with the keyboard and with the touch joystick, info cards, portals, broken files.
import fs from 'node:fs'
import path from 'node:path'
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import {
  holdUntilMoved,
  imageDifference,
  openWorld,
  playerPosition,
  shootCanvas,
  waitForFrames,
  watchErrors,
} from './helpers'
import { sceneIds } from '../scripts/vite-plugin-scenes'

const WORLDS = sceneIds()

test('the directory lists every world and opens one', async ({ page }) => {
  const errors = watchErrors(page)
  await page.goto('/')
  const cards = page.locator('.world-card')
  await expect(cards).toHaveCount(WORLDS.length)
  await expect(page.getByText('区块乐园·桃源村').first()).toBeVisible()
  await expect(page.getByText('Block Park · Peach Blossom Village').first()).toBeVisible()
  // Keyboard alone: focus the village card and press Enter.
  await page.locator('[data-world="block-park-village"]').focus()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\?world=block-park-village/)
  await page.waitForFunction(() => window.__cq?.world().status === 'ready', null, {
    timeout: 150_000,
  })
  await expect(page.getByTestId('world-title')).toContainText('桃源村')
  expect(errors).toEqual([])
})

test('every world renders, and each looks different', async ({ page }, testInfo) => {
  test.setTimeout(400_000)
  const errors = watchErrors(page)
  const shots: Record<string, Buffer> = {}
  for (const id of WORLDS) {
    await openWorld(page, id, 10)
    const { png, stats } = await shootCanvas(page, testInfo, `world-${id}`)
    expect(stats.litFraction, `${id} is blank`).toBeGreaterThan(0.5)
    expect(stats.dominantFraction, `${id} is one colour`).toBeLessThan(0.85)
    expect(stats.distinctColors, `${id} has no detail`).toBeGreaterThan(12)
    const drawCalls = await page.evaluate(() => window.__cq!.frameStats.drawCalls)
    expect(drawCalls, `${id} draw calls`).toBeLessThanOrEqual(150)
    // The visitor's own figure stands on a contact shadow.
    const { shadows } = await page.evaluate(() => window.__cq!.avatars())
    expect(shadows, `${id} contact shadows`).toBeGreaterThanOrEqual(1)
    shots[id] = png
  }
  for (let i = 0; i < WORLDS.length; i++) {
    for (let j = i + 1; j < WORLDS.length; j++) {
      const d = imageDifference(shots[WORLDS[i]!]!, shots[WORLDS[j]!]!)
      expect(d, `${WORLDS[i]} vs ${WORLDS[j]}`).toBeGreaterThan(8)
    }
  }
  expect(errors).toEqual([])
})

test('walking with the keyboard moves the visitor and the view', async ({ page }, testInfo) => {
  await openWorld(page, 'block-park-village')
  await page
    .locator('canvas')
    .first()
    .click({ position: { x: 5, y: 5 } }) // focus the page, not a panel
  const before = await playerPosition(page)
  const shotBefore = await shootCanvas(page, testInfo, 'walk-before')
  await holdUntilMoved(
    page,
    () => page.keyboard.down('w'),
    () => page.keyboard.up('w'),
    1.5,
  )
  await waitForFrames(page, 3)
  const after = await playerPosition(page)
  const moved = Math.hypot(after.x - before.x, after.z - before.z)
  expect(moved, 'distance walked').toBeGreaterThan(1)
  const shotAfter = await shootCanvas(page, testInfo, 'walk-after')
  expect(imageDifference(shotBefore.png, shotAfter.png)).toBeGreaterThan(2)
})

/** Drags the joystick by `dy` and holds it there until the visitor has walked `metres`. */
async function touchDrag(page: Page, from: { x: number; y: number }, dy: number, metres: number) {
  const cdp = await page.context().newCDPSession(page)
  await holdUntilMoved(
    page,
    async () => {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] })
      for (let i = 1; i <= 5; i++) {
        await cdp.send('Input.dispatchTouchEvent', {
          type: 'touchMove',
          touchPoints: [{ x: from.x, y: from.y + (dy * i) / 5 }],
        })
      }
    },
    async () => {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
    },
    metres,
  )
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })

  test('the touch joystick walks the visitor', async ({ page }, testInfo) => {
    await openWorld(page, 'block-park-village')
    const stick = page.getByTestId('joystick')
    await expect(stick).toBeVisible()
    const box = (await stick.boundingBox())!
    const before = await playerPosition(page)
    await touchDrag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, -45, 1.5)
    await waitForFrames(page, 3)
    const after = await playerPosition(page)
    expect(Math.hypot(after.x - before.x, after.z - before.z)).toBeGreaterThan(1)
    await shootCanvas(page, testInfo, 'phone-walk')
  })
})

test('info cards open from the places list and by walking up', async ({ page }) => {
  await openWorld(page, 'block-park-village', 5, { solo: true })
  await page.getByRole('button', { name: /景点|Scenic spot/ }).click()
  await page
    .getByTestId('places')
    .getByRole('button', { name: /古井|Old Well/ })
    .click()
  const card = page.getByTestId('info-card')
  await expect(card).toBeVisible()
  await expect(card).toContainText('古井')
  await expect(card).toContainText('Old Well')
  await page.keyboard.press('Escape')
  await expect(card).toBeHidden()

  // Walk up to the pond: the visitor arrives within its radius (on the shore, not in the water).
  await page.evaluate(() => {
    const p = window.__cq!.player
    p.x = 140
    p.z = 70
    p.y = 24
  })
  await page
    .locator('canvas')
    .first()
    .click({ position: { x: 5, y: 5 } })
  await page.waitForFunction(() => window.__cq!.world().openPoi === 'pond', null, {
    timeout: 20_000,
  })
  await expect(card).toContainText('荷塘')
})

test('a portal leads to another world', async ({ page }) => {
  await openWorld(page, 'block-park-village', 5, { solo: true })
  await page.evaluate(() => {
    const p = window.__cq!.player
    p.x = 96
    p.z = 43
    p.y = 24
  })
  await expect(page).toHaveURL(/world=block-park-cloud-ridge/, { timeout: 20_000 })
  await page.waitForFunction(() => window.__cq?.world().status === 'ready', null, {
    timeout: 150_000,
  })
})

test('a broken world file shows a readable error naming the file and field', async ({ page }) => {
  const good = JSON.parse(fs.readFileSync(path.join('scenes', 'block-park-village.json'), 'utf8'))
  good.voxel.palette[2].color = 'grey'
  await page.route('**/scenes/block-park-village.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(good) }),
  )
  await page.goto('/?world=block-park-village')
  const panel = page.getByTestId('error-panel')
  await expect(panel).toBeVisible()
  await expect(panel).toContainText('scenes/block-park-village.json')
  await expect(panel).toContainText('voxel.palette[2].color')
  await expect(panel.getByTestId('error-advice')).toContainText('its makers can fix')
  await page.getByRole('button', { name: /返回世界列表|Back to the worlds/ }).click()
  await expect(page.locator('.world-card').first()).toBeVisible()
})

test('a world whose code fails to download says to reload, and a reload opens it', async ({
  page,
}) => {
  const errors = watchErrors(page)
  // The voxel style's chunk fails as on a dropped connection or after a deploy.
  await page.route('**/assets/VoxelWorldView-*.js', (route) => route.abort('failed'))
  await page.goto('/?world=block-park-village')
  const panel = page.getByTestId('error-panel')
  await expect(panel).toContainText(/Part of the page did not load|页面的一部分没有加载/)
  await expect(panel.getByTestId('error-advice')).toContainText(/Reload the page|请刷新页面/)
  await page.screenshot({ path: 'test-results/screenshots/error-code-missing.png' })
  await page.unroute('**/assets/VoxelWorldView-*.js')
  await panel.getByRole('button', { name: /Reload the page|刷新页面/ }).click()
  await page.waitForFunction(() => window.__cq?.world().status === 'ready', null, {
    timeout: 150_000,
  })
  // The failed download is reported by the browser, and by the boundary that caught it.
  expect(errors.filter((e) => !/VoxelWorldView|the 3D view failed|Failed to load/.test(e))).toEqual(
    [],
  )
})

test('a browser without WebGL keeps the directory and says what to do', async ({ page }) => {
  await page.addInitScript(() => {
    const get = HTMLCanvasElement.prototype.getContext
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args) {
      return /webgl/i.test(String(args[0])) ? null : get.apply(this, args)
    } as typeof get
  })
  await page.goto('/')
  await expect(page.locator('.world-card')).toHaveCount(WORLDS.length)
  await page.locator('[data-world="block-park-village"]').click()
  const panel = page.getByTestId('error-panel')
  await expect(panel).toContainText(/cannot draw 3D|无法绘制 3D/)
  await expect(panel.getByTestId('error-advice')).toContainText(/hardware|硬件加速/)
  await page.screenshot({ path: 'test-results/screenshots/error-no-webgl.png' })
  await page.getByRole('button', { name: /返回世界列表|Back to the worlds/ }).click()
  await expect(page.locator('.world-card').first()).toBeVisible()
})

test('an unknown world says so', async ({ page }) => {
  await page.goto('/?world=no-such-world')
  await expect(page.getByTestId('error-panel')).toContainText(
    /没有找到这个世界|There is no such world/,
  )
})

test('settings persist across a reload', async ({ page }) => {
  await page.goto('/')
  await page.getByRole('button', { name: /设置|Settings/ }).click()
  const dialog = page.getByTestId('settings')
  await dialog.getByLabel(/语言|Language/).selectOption('en')
  await dialog.getByLabel(/Invert look/).check()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await page.reload()
  await expect(page.getByText('Choose a world')).toBeVisible()
  await page.getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByTestId('settings').getByLabel('Invert look')).toBeChecked()
})
