// A collectible with a glTF model, exhibited on a pedestal: the creator places the demo Lantern
// Pagoda through the spaces panel and the model is drawn in place of its picture; a visitor
// who joins the room later gets the exhibit through it, walks up to the pedestal and sees the
// model, and its card says it is a 3D model.
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import {
  claimPlot,
  newSettingsPage,
  openWorld,
  signInDevWallet,
  waitForFrames,
  waitOnline,
  watchErrors,
} from './helpers'

const WORLD = 'block-park-village'
const WAIT = { timeout: 60_000 }
const VISITOR = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const SHOTS = 'test-results/screenshots/'
/** Close enough to the spot in front of a pedestal (m): a low frame rate walks in long steps. */
const NEAR = 1.2

/** Holds W until the visitor stands within NEAR m of (x, z), however slowly frames come. */
async function holdUntilNear(page: Page, x: number, z: number) {
  await page.keyboard.down('w')
  try {
    await page.waitForFunction(
      ([tx, tz, r]) => Math.hypot(window.__cq!.player.x - tx!, window.__cq!.player.z - tz!) < r!,
      [x, z, NEAR],
      { timeout: 120_000 },
    )
  } finally {
    await page.keyboard.up('w')
  }
  await page.waitForFunction(() => window.__cq!.player.speed < 0.05, undefined, WAIT)
}

async function modelsShown(page: Page, key: string) {
  await page.waitForFunction((k) => window.__cq!.spaces.models().shown.includes(k), key, WAIT)
}

test('a 3D model stands on a pedestal instead of its picture, and its card says so', async ({
  browser,
}, testInfo) => {
  // A ceiling: the chain's start alone took over five minutes on a busy 2-core machine.
  test.setTimeout(900_000)
  const settings = { language: 'en' as const, quality: 'low' as const }
  const creator = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  const errors = [watchErrors(creator)]
  try {
    // The chain starts beside the server (solc, anvil, seed): slow on a busy machine.
    // The server may not answer while it compiles the contracts: a request that times out is
    // asked again, not the end of the test.
    await expect
      .poll(
        async () =>
          (
            await creator.request.get('/api/chain', { timeout: 20_000 }).catch(() => null)
          )?.status(),
        { timeout: 480_000 },
      )
      .toBe(200)
    await openWorld(creator, WORLD)
    await waitOnline(creator)

    // The dev wallet's collectibles: two carry a 3D badge, the pagoda and the wearable avatar.
    const wallet = await signInDevWallet(creator)
    const withModel = wallet
      .getByTestId('collectible')
      .filter({ has: creator.getByTestId('has-model') })
    await expect(withModel).toHaveCount(2)
    const modelCards = withModel.filter({ hasText: 'Lantern Pagoda' })
    await expect(modelCards).toHaveCount(1)
    await modelCards.click()
    await expect(wallet.getByTestId('model-info')).toContainText('glTF')
    await creator.keyboard.press('Escape')
    await creator.keyboard.press('Escape')

    // Claim a plot and put the pagoda on its first pedestal.
    const { panel, plot, spaceId } = await claimPlot(creator)
    const slot = plot.locator('li[data-testid^="slot-pedestal-"]').first()
    const choose = slot.getByTestId('choose')
    const value = await choose
      .locator('option', { hasText: 'Lantern Pagoda' })
      .getAttribute('value')
    await choose.selectOption(value!)
    await slot.getByTestId('place').click()
    await expect(panel.getByTestId('spaces-status')).toContainText('Saved (version 1)', {
      timeout: 30_000,
    })
    const exhibit = await creator.waitForFunction(
      (id) => window.__cq!.spaces.state()[id]?.exhibits[0] ?? null,
      spaceId,
      WAIT,
    )
    const exhibitId = (await exhibit.jsonValue())!.id
    await modelsShown(creator, `${spaceId}:${exhibitId}`)
    expect(await creator.evaluate(() => window.__cq!.spaces.models())).toMatchObject({
      count: 1,
      failed: [],
    })
    await creator.keyboard.press('Escape')

    // A visitor who comes later joins the world's room and gets the layout there, in their first
    // state (nothing is put into their page), then walks to the pedestal: the model is drawn,
    // their picture of it is not. They asked for reduced motion: the model stands still, facing
    // out. One browser at a time: SwiftShader.
    const view = await creator.evaluate((id) => window.__cq!.spaces.state()[id], spaceId)
    expect(view!.owner!.toLowerCase()).toBe(VISITOR)
    expect(errors.flat()).toEqual([])
    await creator.context().close()
    const guest = await newSettingsPage(
      browser,
      { width: 960, height: 600 },
      { ...settings, reducedMotion: true },
    )
    errors.push(watchErrors(guest))
    await openWorld(guest, WORLD)
    await waitOnline(guest)
    await guest.waitForFunction(
      ([id, ex]) => window.__cq!.spaces.state()[id]?.exhibits.some((e) => e.id === ex) ?? false,
      [spaceId, exhibitId] as const,
      WAIT,
    )
    const scene = await guest.evaluate(async () => {
      const res = await fetch('/scenes/block-park-village.json')
      return (await res.json()) as {
        spaces: { id: string; slots: { id: string; position: number[] }[] }[]
      }
    })
    const pedestal = scene.spaces
      .find((s) => s.id === spaceId)!
      .slots.find((s) => s.id === (view!.exhibits[0]!.placement as { slot: string }).slot)!
    const [px, , pz] = pedestal.position as [number, number, number]
    // Walks (W held, the camera turned towards the spot every frame) to 2.4 m south of the
    // pedestal: the server sees an ordinary walk, not a jump it would refuse.
    await guest.evaluate(
      ([x, z, r]) => {
        const steer = () => {
          const p = window.__cq!.player
          window.__cq!.cameraRig.yaw = Math.atan2(-(x - p.x), -(z - p.z))
          if (Math.hypot(x - p.x, z - p.z) >= r) requestAnimationFrame(steer)
        }
        steer()
      },
      [px, pz + 2.4, NEAR] as const,
    )
    await holdUntilNear(guest, px, pz + 2.4)
    await modelsShown(guest, `${spaceId}:${exhibitId}`)
    await guest.evaluate(
      ([x, z]) => {
        const p = window.__cq!.player
        const rig = window.__cq!.cameraRig
        rig.yaw = Math.atan2(-(x - p.x), -(z - p.z))
        // Aimed as from 2.4 m with a pitch of 0.22: at the pagoda above the pedestal.
        rig.pitch = Math.atan2(0.53, Math.hypot(x - p.x, z - p.z))
        rig.firstPerson = true
      },
      [px, pz] as const,
    )
    await waitForFrames(guest, 20)
    for (const path of [
      testInfo.outputPath('model-on-pedestal.png'),
      SHOTS + 'model-on-pedestal.png',
    ])
      await guest.screenshot({ path })

    // Clicking the model opens the exhibit's card, which says it is a 3D model.
    const canvas = guest.locator('canvas').first()
    const box = (await canvas.boundingBox())!
    await canvas.click({ position: { x: box.width / 2, y: box.height * 0.42 } })
    const card = guest.getByTestId('exhibit-card')
    await expect(card).toBeVisible()
    await expect(card).toContainText('Lantern Pagoda')
    await expect(card.getByTestId('has-model')).toBeVisible()
    await expect(card.getByTestId('model-info')).toContainText('glTF')
    for (const path of [testInfo.outputPath('model-card.png'), SHOTS + 'model-card.png'])
      await guest.screenshot({ path })
    expect(errors.flat()).toEqual([])
    await guest.context().close()
  } finally {
    for (const c of browser.contexts()) await c.close()
  }
})
