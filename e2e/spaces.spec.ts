// A creator claims a plot with the development wallet and exhibits a verified collectible
// through the spaces panel; a second visitor in another browser sees the exhibit arrive.
import { expect, test, type Page } from '@playwright/test'
import { newSettingsPage, openWorld, watchErrors } from './helpers'

const WORLD = 'block-park-village'
/** waitForFunction has no timeout of its own: bound every wait. */
const WAIT = { timeout: 60_000 }

async function visitor(page: Page) {
  await openWorld(page, WORLD)
  await page.waitForFunction(() => window.__cq!.net.state().status === 'online', undefined, WAIT)
}

test('a creator claims a plot and exhibits a collectible that another visitor sees', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const settings = { language: 'en' as const, quality: 'low' as const }
  const creator = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  const guest = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
  const errors = [watchErrors(creator), watchErrors(guest)]
  try {
    await visitor(creator)
    await visitor(guest)

    // Sign in with the development wallet; its collectibles load.
    await creator.getByRole('button', { name: 'Wallet' }).first().click()
    const wallet = creator.getByTestId('wallet-panel')
    await wallet.getByTestId('connect-dev').click({ timeout: 60_000 })
    await wallet.getByTestId('sign-in').click()
    await creator.waitForFunction(
      () => window.__cq!.wallet.state().status === 'ready',
      undefined,
      WAIT,
    )
    await creator.keyboard.press('Escape')

    // Claim the first plot and exhibit the first verified collectible in its first slot.
    await creator.getByTestId('spaces-button').click()
    const panel = creator.getByTestId('spaces-panel')
    // A free plot (other tests in this run may hold some; SPACE_LIMIT is raised for them).
    const free = panel
      .locator('section[data-testid^="space-"]', { has: creator.getByTestId('claim') })
      .first()
    const spaceId = (await free.getAttribute('data-testid'))!.slice('space-'.length)
    // That plot by its id: once claimed it no longer matches "free".
    const plot = panel.getByTestId(`space-${spaceId}`)
    await plot.getByTestId('claim').click()
    await expect(plot).toContainText('Your space', { timeout: 30_000 })
    const slot = plot.locator('li[data-testid^="slot-"]').first()
    const choose = slot.getByTestId('choose')
    const first = await choose.locator('option').nth(1).getAttribute('value')
    await choose.selectOption(first!)
    await slot.getByTestId('place').click()
    await expect(panel.getByTestId('spaces-status')).toContainText('Saved (version 1)', {
      timeout: 30_000,
    })
    await expect(plot.getByTestId('budget')).toContainText('Exhibits 1/')
    await creator.screenshot({ path: 'test-results/screenshots/spaces-editor.png' })

    // The other visitor's room state has it, with no reload.
    const seen = await guest.waitForFunction(
      (id) => {
        const view = window.__cq!.spaces.state()[id]
        return view && view.exhibits.length === 1 ? view : null
      },
      spaceId,
      WAIT,
    )
    const view = (await seen.jsonValue())!
    expect(view.owner?.toLowerCase()).toBe('0x70997970c51812dc3a010c7d01b50e0d17dc79c8')
    expect(view.exhibits[0]!.hidden).toBeNull()

    // Undo is a restore of the previous version: the exhibit goes for everyone.
    await plot.getByTestId('remove').click()
    await expect(panel.getByTestId('spaces-status')).toContainText('Saved (version 2)', {
      timeout: 30_000,
    })
    await plot.getByTestId('undo').click()
    await expect(panel.getByTestId('spaces-status')).toContainText('Saved (version 3)', {
      timeout: 30_000,
    })
    await guest.waitForFunction(
      (id) => window.__cq!.spaces.state()[id]?.version === 3,
      spaceId,
      WAIT,
    )
    expect(errors.flat()).toEqual([])
  } finally {
    await creator.context().close()
    await guest.context().close()
  }
})
