// The Block Park builder as people use it: a builder signs in on the start page, makes a village
// from the template, builds with blocks (place, box fill, undo), invites a friend who builds
// alongside from a second browser (each sees the other's edits live), publishes it; a fresh visitor in
// another browser finds it by pinyin in the directory, walks in, and sees the builder's next
// edit appear live (the same grid on both pages, and the view changes on screen).
import fs from 'node:fs'
import type { Page } from '@playwright/test'
import { PNG } from 'pngjs'
import { expect, test } from './test'
import type { BuilderHooks } from '../src/builder/testHooks'
import {
  holdUntilMoved,
  newSettingsPage,
  playerPosition,
  shootCanvas,
  waitForFrames,
  waitOnline,
  watchErrors,
  imageDifference,
} from './helpers'

const WAIT = { timeout: 120_000 }

type State = ReturnType<BuilderHooks['state']>

function builderState(page: Page): Promise<State> {
  return page.evaluate(() => (window.__cq!.builder as BuilderHooks).state())
}
function gridHash(page: Page): Promise<number | null> {
  return page.evaluate(() => (window.__cq!.builder as BuilderHooks).gridHash())
}

/** Waits until the page's grid is the one with `hash` (another page's, or an earlier one). */
async function sameGrid(page: Page, hash: number | null) {
  await page.waitForFunction(
    (h) => (window.__cq!.builder as BuilderHooks).gridHash() === h,
    hash,
    WAIT,
  )
}

/** Waits until the page shows a builder world, ready, online. */
async function waitInBuilderWorld(page: Page) {
  await page.waitForFunction(
    () => {
      const w = window.__cq?.world()
      return !!w && /^bw-/.test(w.worldId ?? '') && w.status === 'ready'
    },
    undefined,
    { timeout: 150_000 },
  )
  await waitOnline(page)
  await page.waitForFunction(
    () => (window.__cq!.builder as BuilderHooks).state().world !== null,
    undefined,
    WAIT,
  )
}

/** Clicks the canvas at (fx, fy) of its size with `button`, and waits for the room's answer. */
async function buildAt(page: Page, fx: number, fy: number, button: 'left' | 'right' = 'left') {
  const before = (await builderState(page)).seq
  const box = (await page.locator('canvas').first().boundingBox())!
  await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy, { button })
  await page.waitForFunction(
    (seq) => (window.__cq!.builder as BuilderHooks).state().seq > seq,
    before,
    WAIT,
  )
}

/** A PNG of coloured stripes, as a builder's photo of a place would be. */
function stripes(width: number, height: number): Buffer {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const band = Math.floor(x / 16) % 3
      png.data.set([band === 0 ? 200 : 60, band === 1 ? 170 : 70, band === 2 ? 210 : 90, 255], i)
    }
  return PNG.sync.write(png)
}

/** Where (fx, fy) of the canvas is on the page. */
async function canvasPoint(page: Page, fx: number, fy: number) {
  const box = (await page.locator('canvas').first().boundingBox())!
  return { x: box.x + box.width * fx, y: box.y + box.height * fy }
}

/**
 * A finger on the canvas at (fx, fy): a tap, or held until the room answers (a long press is
 * the builder's remove on a touch screen), and waits for the room's answer.
 */
async function touchAt(page: Page, fx: number, fy: number, hold = false) {
  const before = (await builderState(page)).seq
  const { x, y } = await canvasPoint(page, fx, fy)
  if (!hold) await page.touchscreen.tap(x, y)
  else {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] })
    await page.waitForFunction(
      (seq) => (window.__cq!.builder as BuilderHooks).state().seq > seq,
      before,
      WAIT,
    )
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
    await cdp.detach()
  }
  await page.waitForFunction(
    (seq) => (window.__cq!.builder as BuilderHooks).state().seq > seq,
    before,
    WAIT,
  )
}

test('a builder makes a village, builds, publishes; a visitor finds it and sees edits live', async ({
  browser,
}, testInfo) => {
  const settings = { language: 'en' as const, quality: 'low' as const }
  const builder = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  // Every page is closed at the end: a page left open goes on rendering on the CPU and slowed
  // every later spec of the run about 2.5 times.
  const opened = [builder]
  try {
    const errors = [watchErrors(builder)]

    // Signed out, the section offers the wallet; signed in, the form.
    await builder.goto('/')
    const section = builder.getByTestId('builder-section')
    await section.getByTestId('builder-sign-in').click()
    const wallet = builder.getByTestId('wallet-panel')
    await wallet.getByTestId('connect-dev').click({ timeout: 60_000 })
    await wallet.getByTestId('sign-in').click()
    await builder.waitForFunction(() => window.__cq!.wallet.state().signedIn, undefined, WAIT)
    await builder.keyboard.press('Escape')
    const form = section.getByTestId('builder-create')
    await form.getByLabel('Template').selectOption('village')
    await form.getByLabel('Chinese name').fill('云峰村')
    await form.getByLabel('English name').fill('Yunfeng Village')
    await form.getByLabel('Province or region').fill('浙江')
    await form.getByTestId('builder-create-submit').click()
    await waitInBuilderWorld(builder)
    const world = (await builderState(builder)).world!
    expect(await builderState(builder)).toMatchObject({ status: 'draft', canEdit: true })
    await waitForFrames(builder, 3)

    // Build mode: the toolbar; a block of brick placed where the view's centre meets the ground.
    await builder.getByTestId('builder-button').click()
    const toolbar = builder.getByTestId('builder-toolbar')
    await expect(toolbar).toBeVisible()
    await toolbar.getByTestId('builder-block-brick').click()
    const before = await shootCanvas(builder, testInfo, 'builder-before')
    const hashAtStart = await gridHash(builder)
    await buildAt(builder, 0.5, 0.5)
    // A box fill: two corners.
    await toolbar.getByTestId('builder-tool-box').click()
    await builder
      .locator('canvas')
      .first()
      .click({ position: { x: 420, y: 330 } })
    await expect(toolbar.getByTestId('builder-status')).toContainText('second corner')
    await buildAt(builder, 0.56, 0.56)
    const afterBox = await gridHash(builder)
    expect(afterBox).not.toBe(hashAtStart)
    // Undo takes the box back; redo brings it again.
    await toolbar.getByTestId('builder-undo').click()
    await builder.waitForFunction(
      (h) => (window.__cq!.builder as BuilderHooks).gridHash() !== h,
      afterBox,
      WAIT,
    )
    await toolbar.getByTestId('builder-redo').click()
    await sameGrid(builder, afterBox)
    await builder.waitForFunction(
      () => {
        const s = (window.__cq!.builder as BuilderHooks).state()
        return s.meshedRev >= 4
      },
      undefined,
      WAIT,
    )
    // A piece from the library, turned once, and a point of interest.
    await toolbar.getByTestId('builder-tool-prefab').click()
    await toolbar.getByTestId('builder-piece').selectOption('pavilion')
    await toolbar.getByTestId('builder-turn').click()
    await buildAt(builder, 0.3, 0.5)
    await toolbar.getByTestId('builder-tool-poi').click()
    const box = (await builder.locator('canvas').first().boundingBox())!
    await builder.mouse.click(box.x + box.width * 0.62, box.y + box.height * 0.5)
    const poi = builder.getByTestId('builder-poi-dialog')
    await poi.getByLabel('Chinese title').fill('古亭')
    await poi.getByLabel('English title').fill('Old pavilion')
    await poi.getByLabel('Chinese text').fill('村民纳凉的地方。')
    await poi.getByLabel('English text').fill('Where the village sits in the shade.')
    await poi.getByTestId('builder-poi-picture').setInputFiles({
      name: 'pavilion.png',
      mimeType: 'image/png',
      buffer: stripes(96, 64),
    })
    await poi.getByTestId('builder-poi-add').click()
    await builder.waitForFunction(
      () => (window.__cq!.builder as BuilderHooks).pois().includes('Old pavilion'),
      undefined,
      WAIT,
    )
    // A portal to a built-in world, labelled with its name.
    await toolbar.getByTestId('builder-tool-portal').click()
    await builder.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.6)
    const portal = builder.getByTestId('builder-portal-dialog')
    await portal
      .getByTestId('builder-portal-to')
      .selectOption({ label: 'Block Park · Cloud Ridge Scenic Area' }, WAIT)
    await expect(portal.getByLabel('English label')).toHaveValue(
      'Block Park · Cloud Ridge Scenic Area',
    )
    await portal.getByTestId('builder-portal-add').click()
    await builder.waitForFunction(
      () => (window.__cq!.builder as BuilderHooks).portals().includes('block-park-cloud-ridge'),
      undefined,
      WAIT,
    )
    // A creator plot, marked out by two corners, for people to claim and exhibit on.
    await toolbar.getByTestId('builder-tool-plot').click()
    await builder.mouse.click(box.x + box.width * 0.12, box.y + box.height * 0.66)
    await expect(toolbar.getByTestId('builder-status')).toContainText('opposite corner')
    await builder.mouse.click(box.x + box.width * 0.42, box.y + box.height * 0.42)
    const plotDialog = builder.getByTestId('builder-plot-dialog')
    await expect(plotDialog.getByLabel('English name')).toHaveValue('Creator plot 1')
    await plotDialog.getByLabel('English name').fill('Makers corner')
    await plotDialog.getByTestId('builder-plot-add').click()
    await builder.waitForFunction(
      () => (window.__cq!.builder as BuilderHooks).plots().includes('Makers corner'),
      undefined,
      WAIT,
    )
    // A stage for the village's evenings, facing the way the builder looks.
    await toolbar.getByTestId('builder-tool-stage').click()
    await builder.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.66)
    await builder.mouse.click(box.x + box.width * 0.86, box.y + box.height * 0.44)
    await builder.getByTestId('builder-stage-add').click()
    await builder.waitForFunction(
      () => (window.__cq!.builder as BuilderHooks).stages().includes('Stage 1'),
      undefined,
      WAIT,
    )
    // A line of blocks between two clicks (last: it may stand between the camera and the
    // avatar, and the camera comes closer).
    await toolbar.getByTestId('builder-tool-line').click()
    await builder.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.6)
    await expect(toolbar.getByTestId('builder-status')).toContainText('other end')
    const beforeLine = await gridHash(builder)
    await buildAt(builder, 0.6, 0.62)
    expect(await gridHash(builder)).not.toBe(beforeLine)
    await builder.waitForFunction(
      (n) => (window.__cq!.builder as BuilderHooks).state().meshedRev >= n,
      6,
      WAIT,
    )
    await waitForFrames(builder, 3)
    const built = {
      ...(await shootCanvas(builder, testInfo, 'builder-built')),
      hash: await gridHash(builder),
    }
    expect(imageDifference(before.png, built.png)).toBeGreaterThan(0.5)

    // A friend on a phone opens the world's link, which the owner sends, signed out: the draft
    // asks for a sign-in. Their wallet panel shows their address (the development wallet's account
    // 2); they tell the owner, who invites it; signed in, the draft opens. (The friend's page loads
    // once, at the link: the start page is not on the friend's way.)
    await toolbar.getByTestId('builder-settings').click()
    const dialog = builder.getByTestId('builder-settings-dialog')
    const link = (await dialog.getByTestId('builder-link').textContent())!
    const friend = await newSettingsPage(browser, { width: 390, height: 844 }, settings, {
      hasTouch: true,
      isMobile: true,
    })
    opened.push(friend)
    const friendErrors = watchErrors(friend)
    await friend.goto(link)
    const refused = friend.getByTestId('error-panel')
    await expect(refused.getByTestId('error-advice')).toContainText('sign in', WAIT)
    await refused.getByTestId('error-sign-in').click()
    const friendWallet = friend.getByTestId('wallet-panel')
    await friendWallet.getByTestId('dev-account').selectOption('2', { timeout: 60_000 })
    await friendWallet.getByTestId('connect-dev').click()
    const friendAddress = (await friendWallet.getByTestId('wallet-address').getAttribute('title'))!

    await dialog.getByTestId('builder-invite-address').fill(friendAddress)
    await dialog.getByTestId('builder-invite').click()
    await expect(
      dialog.getByRole('listitem').filter({ hasText: friendAddress.slice(0, 6) }),
    ).toHaveCount(1, WAIT)
    await builder.keyboard.press('Escape')

    await friendWallet.getByTestId('sign-in').click()
    await waitInBuilderWorld(friend)
    await expect(friendWallet).toBeHidden()
    expect(await builderState(friend)).toMatchObject({ world, status: 'draft', canEdit: true })
    await sameGrid(friend, built.hash)
    // The friend builds with a finger: a tap places (the owner's grid follows at once, and the
    // owner's view changes), a long press removes.
    await friend.getByTestId('builder-button').tap()
    const friendTools = friend.getByTestId('builder-toolbar')
    await expect(friendTools.getByTestId('builder-hint')).toContainText('press and hold')
    await friendTools.getByTestId('builder-block-gold').tap()
    await friendTools.getByRole('radio', { name: 'Brush size 3' }).tap()
    await waitForFrames(friend, 3)
    await friend.screenshot({ path: 'test-results/screenshots/builder-phone.png' })
    const beforeTouch = await gridHash(friend)
    await touchAt(friend, 0.5, 0.3, true)
    expect(await gridHash(friend)).not.toBe(beforeTouch)
    await touchAt(friend, 0.5, 0.3)
    const byFriend = await gridHash(friend)
    await sameGrid(builder, byFriend)
    await waitForFrames(builder, 3)
    const ownerSees = await shootCanvas(builder, testInfo, 'builder-owner-sees-friend')
    expect(imageDifference(built.png, ownerSees.png)).toBeGreaterThan(0.2)
    // And the owner builds: the friend's grid follows.
    await toolbar.getByTestId('builder-tool-place').click()
    await buildAt(builder, 0.4, 0.55, 'right')
    const byOwner = await gridHash(builder)
    expect(byOwner).not.toBe(byFriend)
    await sameGrid(friend, byOwner)
    expect(await builderState(friend)).toMatchObject({ problem: null })
    // The refused draft was one 404 in the friend's console; nothing else went wrong there.
    expect(friendErrors.filter((e) => !e.includes('status of 404'))).toEqual([])
    // The friend's page has done its part; closed, it stops rendering on the CPU.
    await friend.context().close()
    const shared = byOwner

    // Publish from the world's settings.
    await toolbar.getByTestId('builder-settings').click()
    await dialog.getByTestId('builder-publish').click()
    await expect(dialog.getByTestId('builder-world-status')).toHaveText('Published', WAIT)
    await builder.keyboard.press('Escape')

    // A fresh visitor: the directory finds it by pinyin initials, and the link walks in.
    const visitor = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
    opened.push(visitor)
    errors.push(watchErrors(visitor))
    await visitor.goto('/')
    const directory = visitor.getByTestId('builder-directory')
    await directory.getByTestId('builder-search').fill('yfc')
    const result = directory.getByTestId('builder-results').getByRole('listitem').first()
    await expect(result).toContainText('Yunfeng Village', WAIT)
    // A thumbnail at once: its map from above, drawn by the server when it was published (its
    // picture from the server's headless browser replaces it when done, checked at the end).
    await expect
      .poll(() => result.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT)
      .toBe(256)
    await directory.screenshot({ path: 'test-results/screenshots/builder-directory.png' })
    await result.getByRole('link', { name: 'Enter' }).click()
    await waitInBuilderWorld(visitor)
    expect((await builderState(visitor)).world).toBe(world)
    expect(await builderState(visitor)).toMatchObject({ canEdit: false, status: 'published' })
    await sameGrid(visitor, shared)
    expect(await visitor.evaluate(() => (window.__cq!.builder as BuilderHooks).pois())).toContain(
      'Old pavilion',
    )
    expect(await visitor.evaluate(() => (window.__cq!.builder as BuilderHooks).portals())).toEqual([
      'block-park-cloud-ridge',
    ])
    expect(await visitor.evaluate(() => (window.__cq!.builder as BuilderHooks).plots())).toEqual([
      'Makers corner',
    ])
    await expect(visitor.getByTestId('spaces-button')).toBeVisible()
    expect(await visitor.evaluate(() => (window.__cq!.builder as BuilderHooks).stages())).toEqual([
      'Stage 1',
    ])
    // Its card, from the places list, shows the picture the builder uploaded.
    await visitor.getByRole('button', { name: /Scenic spot/ }).click()
    await visitor
      .getByTestId('places')
      .getByRole('button', { name: /Old pavilion/ })
      .click()
    const picture = visitor.getByTestId('info-card').getByRole('img', { name: 'Old pavilion' })
    await expect
      .poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT)
      .toBe(96)
    await visitor.getByTestId('info-card').screenshot({
      path: 'test-results/screenshots/builder-poi-card.png',
    })
    await visitor.keyboard.press('Escape')
    await waitForFrames(visitor, 3)

    // The visitor steps away from the spawn: a change to the world's palette (below) must not
    // send them back there.
    await holdUntilMoved(
      visitor,
      () => visitor.keyboard.down('w'),
      () => visitor.keyboard.up('w'),
      1.5,
    )
    await visitor.waitForFunction(() => window.__cq!.player.speed < 0.05, null, WAIT)
    const stood = await playerPosition(visitor)

    // The builder builds again: the visitor's grid follows at once, and its view changes.
    // In a colour of the builder's own: added to the world's palette, picked at once.
    await toolbar.getByTestId('builder-tool-place').click()
    await toolbar.getByTestId('builder-colour').fill('#d0306a')
    await toolbar.getByTestId('builder-colour-add').click()
    await expect(toolbar.getByRole('radio', { name: 'Colour #d0306a' })).toHaveAttribute(
      'aria-checked',
      'true',
      WAIT,
    )
    await toolbar.getByRole('radio', { name: 'Brush size 3' }).click()
    const seen = await shootCanvas(visitor, testInfo, 'builder-visitor-before')
    await buildAt(builder, 0.5, 0.5)
    await buildAt(builder, 0.5, 0.45)
    const latest = await gridHash(builder)
    await sameGrid(visitor, latest)
    expect(latest).not.toBe(shared)
    await visitor.waitForFunction(
      (n) => (window.__cq!.builder as BuilderHooks).state().meshedRev >= n,
      1,
      WAIT,
    )
    await waitForFrames(visitor, 3)
    const live = await shootCanvas(visitor, testInfo, 'builder-visitor-live')
    expect(imageDifference(seen.png, live.png)).toBeGreaterThan(0.2)
    expect(await builderState(visitor)).toMatchObject({ problem: null })
    const after = await playerPosition(visitor)
    expect(Math.hypot(after.x - stood.x, after.z - stood.z)).toBeLessThan(0.5)
    expect(errors.flat()).toEqual([])
    // The visitor may not build.
    expect(await visitor.getByTestId('builder-button').count()).toBe(0)

    // The directory's thumbnail is now the world as a visitor sees it, rendered by the server's
    // own headless Chromium from its page (a JPEG; the map it replaced is a PNG).
    const thumbnail = `/api/builder/worlds/${world}/thumbnail`
    await expect
      .poll(async () => (await visitor.request.get(thumbnail)).headers()['content-type'], {
        timeout: 180_000,
      })
      .toBe('image/jpeg')
    fs.writeFileSync(
      'test-results/screenshots/builder-thumbnail.jpg',
      await (await visitor.request.get(thumbnail)).body(),
    )
    await visitor.goto('/')
    await visitor.getByTestId('builder-directory').getByTestId('builder-search').fill('yfc')
    const card = visitor
      .getByTestId('builder-directory')
      .getByTestId('builder-results')
      .getByRole('listitem')
      .first()
    await expect
      .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT)
      .toBe(256)
    expect(await card.locator('img').getAttribute('src')).toMatch(/\?v=\d+$/)
    await card.screenshot({ path: 'test-results/screenshots/builder-directory-card.png' })
  } finally {
    for (const page of opened) await page.context().close()
  }
})
