// Everything a visitor does, with the keyboard alone: Tab, Shift+Tab, Enter, arrows, Escape and
// typing, never a click. A visitor in the village signs in with the development wallet, claims
// a plot and exhibits a collectible in it, hosts an event through the form and joins it. At every
// Tab stop the focus is shown on screen; dialogs take the focus, keep it when the control under
// it is replaced (Connect, Claim, Sign in), and give it back on Escape.
import { expect, test } from './test'
import {
  expectFocused,
  newSettingsPage,
  openWorld,
  tabTo,
  waitInEvent,
  waitOnline,
  waitSignedIn,
  watchErrors,
} from './helpers'

const WORLD = 'block-park-village'
const WAIT = { timeout: 60_000 }

test('sign in, exhibit a collectible and join an event with the keyboard alone', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const page = await newSettingsPage(
    browser,
    { width: 1280, height: 720 },
    { language: 'en', quality: 'low', reducedMotion: true, hintDone: true },
  )
  const errors = watchErrors(page)
  try {
    await openWorld(page, WORLD, 2)
    await waitOnline(page)

    // Sign in: the wallet's button, Connect, then Sign in, which takes the focus once connected.
    const walletButton = page.getByRole('button', { name: 'Wallet' }).first()
    await tabTo(page, walletButton)
    await page.keyboard.press('Enter')
    const wallet = page.getByTestId('wallet-panel')
    await expect(wallet).toBeVisible()
    await expect(wallet.getByTestId('connect-dev')).toBeEnabled(WAIT)
    await tabTo(page, wallet.getByTestId('connect-dev'))
    await page.keyboard.press('Enter')
    await expect(wallet.getByTestId('wallet-address')).toHaveText(/^0x7099…79C8$/, WAIT)
    await expectFocused(wallet.getByTestId('sign-in'))
    await page.keyboard.press('Enter')
    await waitSignedIn(page, WAIT.timeout)
    // The focus stayed in the panel through the change (on Sign out, in Sign in's place).
    await expectFocused(wallet.getByTestId('sign-out'))
    await page.keyboard.press('Escape')
    await expect(wallet).toBeHidden()
    await expectFocused(walletButton)

    // Exhibit: the spaces panel, Claim on a free plot, a collectible chosen with the arrows.
    const spacesButton = page.getByTestId('spaces-button')
    await tabTo(page, spacesButton)
    await page.keyboard.press('Enter')
    const spaces = page.getByTestId('spaces-panel')
    const free = spaces
      .locator('section[data-testid^="space-"]', { has: page.getByTestId('claim') })
      .first()
    const spaceId = (await free.getAttribute('data-testid', WAIT))!.slice('space-'.length)
    const plot = spaces.getByTestId(`space-${spaceId}`)
    await tabTo(page, plot.getByTestId('claim'))
    await page.keyboard.press('Enter')
    await expect(plot).toContainText('Your space', { timeout: 30_000 })
    const slot = plot.locator('li[data-testid^="slot-"]').first()
    const choose = slot.getByTestId('choose')
    // Claim gave its place to the plot's controls: the focus is still inside the panel.
    await expect.poll(() => spaces.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    await tabTo(page, choose)
    await page.keyboard.press('ArrowDown')
    await expect(choose).not.toHaveValue('')
    await tabTo(page, slot.getByTestId('place'))
    await page.keyboard.press('Enter')
    await expect(spaces.getByTestId('spaces-status')).toContainText('Saved (version 1)', {
      timeout: 30_000,
    })
    await expect(plot.getByTestId('budget')).toContainText('Exhibits 1/')
    await page.keyboard.press('Escape')
    await expect(spaces).toBeHidden()
    await expectFocused(spacesButton)

    // Host an event through the form (Enter in a field submits it), then join it.
    const eventsButton = page.getByTestId('events-button')
    await tabTo(page, eventsButton)
    await page.keyboard.press('Enter')
    const events = page.getByTestId('events-panel')
    await tabTo(page, events.getByTestId('event-create'))
    await page.keyboard.press('Enter')
    const form = page.getByTestId('create-event')
    await expect(form.getByLabel('Stage')).not.toHaveValue('', WAIT)
    await tabTo(page, form.getByLabel('Title (Chinese)'))
    await page.keyboard.type('键盘讲座')
    await tabTo(page, form.getByLabel('Title (English)'))
    await page.keyboard.type('A lecture by keyboard')
    await page.keyboard.press('Enter')
    await expect(form).toBeHidden({ timeout: 30_000 })
    const item = events.locator('li', { hasText: 'A lecture by keyboard' })
    await expect(item).toBeVisible({ timeout: 30_000 })
    const eventId = (await item.getAttribute('data-testid'))!.slice('event-'.length)
    await tabTo(page, item.getByTestId('event-join'))
    await page.keyboard.press('Enter')
    await waitInEvent(page, eventId, WAIT.timeout)
    await page.screenshot({ path: 'test-results/screenshots/keyboard-joined.png' })
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
})
