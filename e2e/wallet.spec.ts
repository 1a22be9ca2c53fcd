// A visitor connects the built-in development wallet, signs in with Ethereum and sees the demo
// collectibles the embedded local chain minted to it: verified badges on the allowlisted
// collections, the copycat marked unverified with its reason, and the proof behind a badge.
import { expect, test } from './test'
import { newSettingsPage, openWorld, waitSignedIn, watchErrors } from './helpers'

/** waitForFunction has no timeout of its own: bound every wait. */
const WAIT = { timeout: 60_000 }

test('the development wallet signs in and shows verified and unverified collectibles', async ({
  browser,
}, testInfo) => {
  test.setTimeout(240_000)
  const page = await newSettingsPage(
    browser,
    { width: 960, height: 600 },
    { language: 'en', quality: 'low' },
  )
  const errors = watchErrors(page)
  try {
    await openWorld(page, 'block-park-village', 5, { solo: true })
    await page.getByRole('button', { name: 'Wallet' }).first().click()
    const panel = page.getByTestId('wallet-panel')
    await expect(panel).toBeVisible()
    // Offered only because this server runs the embedded local chain, and labelled as such.
    await expect(panel.getByTestId('dev-wallet')).toContainText(/local only/i, { timeout: 60_000 })
    await panel.getByTestId('connect-dev').click()
    await expect(panel.getByTestId('wallet-address')).toHaveText(/^0x7099…79C8$/)
    await panel.getByTestId('sign-in').click()
    await waitSignedIn(page, WAIT.timeout)
    const state = await page.evaluate(() => window.__cq!.wallet.state())
    // 6 pixels + 4 landmarks (one with a 3D model) + 4 souvenir ids, verified; 2 copycats, not.
    expect(state).toMatchObject({
      items: 16,
      verified: 14,
      address: expect.stringMatching(/^0x70997970/i),
    })

    const cards = panel.getByTestId('collectible')
    await expect(cards).toHaveCount(16)
    await expect(
      cards.filter({ hasText: 'Verified' }).filter({ hasNotText: 'Unverified' }),
    ).toHaveCount(14)
    const copies = cards.filter({ hasText: 'Unverified' })
    await expect(copies).toHaveCount(2)
    await page.screenshot({ path: testInfo.outputPath('wallet-grid.png') })
    await page.screenshot({ path: 'test-results/screenshots/wallet-grid.png' })

    // The copycat's detail says why it is not verified.
    await copies.first().click()
    const detail = panel.getByTestId('collectible-detail')
    await expect(detail.getByTestId('proof')).toContainText(/not on the trusted issuer list/i)
    await page.screenshot({ path: 'test-results/screenshots/wallet-unverified.png' })
    await page.keyboard.press('Escape')

    // A verified item's proof names the chain and the block of the owner check.
    await cards.filter({ hasNotText: 'Unverified' }).first().click()
    await expect(detail.getByTestId('proof')).toBeVisible()
    await expect(detail).toContainText('31337')
    await expect(detail).toContainText(/block/i)
    // Its issuer's rules for giving it on, and its history: issued to this wallet at a block.
    await expect(detail.getByTestId('giving')).toContainText(/given as a gift|does not allow/)
    await expect(detail.getByTestId('history')).toContainText(
      /Issued to 0x7099…79c8 · block \d+ · /i,
      WAIT,
    )
    await page.screenshot({ path: 'test-results/screenshots/wallet-verified.png' })
    await detail.getByTestId('history').scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/screenshots/wallet-history.png' })
    await page.keyboard.press('Escape')

    // A whole listing says nothing of truncation; a listing the server cut (over 4 MiB of JSON,
    // which the demo wallet cannot reach: the server's own answer with its flag set) says so.
    await expect(panel.getByTestId('collectibles-truncated')).toHaveCount(0)
    await page.route('**/api/collectibles/**', async (route) => {
      const real = await route.fetch()
      const body = { ...((await real.json()) as object), truncated: true }
      await route.fulfill({ response: real, json: body })
    })
    await panel.getByRole('button', { name: /Check again/ }).click()
    await expect(panel.getByTestId('collectibles-truncated')).toContainText(/left out/)
    await expect(cards).toHaveCount(16)
    // The refreshed cards are new elements: their (lazy) images load again before the picture.
    await expect
      .poll(() =>
        cards
          .first()
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBeGreaterThan(0)
    await page.screenshot({ path: 'test-results/screenshots/wallet-truncated.png' })

    // A reload keeps the tab's sign-in: the page resumes it as it starts, its panel closed.
    await page.unroute('**/api/collectibles/**')
    await page.reload()
    await page.waitForFunction(() => window.__cq!.wallet.state().signedIn, undefined, WAIT)
    await expect(page.getByTestId('wallet-panel')).toHaveCount(0)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
})
