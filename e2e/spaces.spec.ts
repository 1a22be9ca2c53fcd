// A creator claims a plot with the development wallet and exhibits a verified collectible
// through the spaces panel; a second visitor in another browser sees the exhibit arrive.
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import { claimPlot, creatorAndGuest, openWorld, signInDevWallet, waitOnline } from './helpers'

const WORLD = 'block-park-village'
/** waitForFunction has no timeout of its own: bound every wait. */
const WAIT = { timeout: 60_000 }

async function visitor(page: Page) {
  await openWorld(page, WORLD)
  await waitOnline(page)
}

test('a creator claims a plot and exhibits a collectible that another visitor sees', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const { creator, guest, errors } = await creatorAndGuest(browser)
  try {
    await visitor(creator)
    await visitor(guest)

    // Sign in with the development wallet; its collectibles load.
    await signInDevWallet(creator)
    await creator.keyboard.press('Escape')

    // Claim a free plot and exhibit the first verified collectible in its first slot.
    const { panel, plot, spaceId } = await claimPlot(creator)
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
