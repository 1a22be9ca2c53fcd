// A visitor connects the built-in development wallet, signs in with Ethereum and sees the demo
// collectibles the two embedded local chains minted to it, grouped by chain: verified badges on
// the allowlisted collections, the copycat marked unverified with its reason, the proof behind a
// badge; when the second chain stops answering only its own items lose their badge.
import path from 'node:path'
import { expect, test } from './test'
import { newSettingsPage, openWorld, signInDevWallet, waitSignedIn, watchErrors } from './helpers'
import { processesWith } from './procs'

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
    // First chain: 6 pixels + 5 landmarks (one with a 3D model, one a wearable avatar) + 4
    // souvenir ids, verified, and 2 copycats, not; second chain (5555): 3 village seals, verified.
    expect(state).toMatchObject({
      items: 20,
      verified: 18,
      address: expect.stringMatching(/^0x70997970/i),
    })

    const cards = panel.getByTestId('collectible')
    await expect(cards).toHaveCount(20)
    const verifiedCards = (scope = panel) =>
      scope
        .getByTestId('collectible')
        .filter({ hasText: 'Verified' })
        .filter({ hasNotText: 'Unverified' })
    await expect(verifiedCards()).toHaveCount(18)
    const copies = cards.filter({ hasText: 'Unverified' })
    await expect(copies).toHaveCount(2)
    // One panel, each chain's items under its name, each card naming its platform.
    const groups = panel.getByTestId('chain-group')
    await expect(groups).toHaveCount(2)
    const second = panel.locator('[data-testid="chain-group"][data-chain="5555"]')
    await expect(second.getByRole('heading')).toContainText('Local consortium chain')
    await expect(second.getByTestId('collectible')).toHaveCount(3)
    await expect(second.getByTestId('collectible-platform')).toHaveText(
      Array(3).fill('Village Heritage Platform'),
    )
    await expect(
      panel.locator('[data-chain="31337"]').getByTestId('collectible-platform').first(),
    ).toHaveText('Cangqiong')
    await page.screenshot({ path: testInfo.outputPath('wallet-grid.png') })
    await page.screenshot({ path: 'test-results/screenshots/wallet-grid.png' })
    await second.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/screenshots/wallet-two-chains.png' })

    // The second chain stops answering (its anvil paused) while the cards are read: its seals
    // lose their badge and say why, the first chain's items stay verified; when it answers
    // again, so do the seals.
    const dataDir = path.resolve(process.env.E2E_DATA_DIR!)
    const partner = processesWith('anvil', path.join(dataDir, 'chain', 'partner'))
    expect(partner).toHaveLength(1)
    const checkAgain = panel.getByRole('button', { name: /Check again/ })
    const count = panel.getByTestId('collectibles-count')
    /** "Check again" until `then` holds: the server reads again at most every 5 s per wallet. */
    const checkUntil = (then: () => Promise<void>) =>
      expect(async () => {
        await checkAgain.click()
        // Ready again (a read of the paused chain ends at its 3 s timeout here), then look.
        await expect(count).toBeVisible({ timeout: 20_000 })
        await then()
      }).toPass({ ...WAIT, intervals: [1_000] })
    process.kill(partner[0]!, 'SIGSTOP')
    try {
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

      await checkUntil(() =>
        expect(second.getByRole('heading')).toContainText(/cannot be read now/, { timeout: 500 }),
      )
      await expect(verifiedCards(second)).toHaveCount(0)
      await expect(second.getByTestId('collectible')).toHaveCount(3)
      await expect(verifiedCards(panel.locator('[data-chain="31337"]'))).toHaveCount(15)
      await second.scrollIntoViewIfNeeded()
      await page.screenshot({ path: 'test-results/screenshots/wallet-chain-down.png' })
    } finally {
      process.kill(partner[0]!, 'SIGCONT')
    }

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
    await expect(cards).toHaveCount(20)
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

    await page.unroute('**/api/collectibles/**')
    await checkUntil(() => expect(verifiedCards(second)).toHaveCount(3, { timeout: 500 }))
    await expect(verifiedCards()).toHaveCount(18)

    // A reload keeps the tab's sign-in: the page resumes it as it starts, its panel closed.
    await page.reload()
    await page.waitForFunction(() => window.__cq!.wallet.state().signedIn, undefined, WAIT)
    await expect(page.getByTestId('wallet-panel')).toHaveCount(0)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
})

test('the holder wears a collectible whose model is a VRM avatar', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000)
  const page = await newSettingsPage(
    browser,
    { width: 960, height: 600 },
    { language: 'en', quality: 'low' },
  )
  const errors = watchErrors(page)
  try {
    await openWorld(page, 'block-park-village', 5, { solo: true })
    const panel = await signInDevWallet(page)
    await panel.getByTestId('collectible').filter({ hasText: 'Lantern Keeper' }).click()
    const detail = panel.getByTestId('collectible-detail')
    const status = detail.getByTestId('wear-status')
    await detail.getByTestId('wear-avatar').click()
    // The server checks the chain, reads and checks the file; the look in force then wears it.
    await expect(status).toContainText('You are wearing it as your avatar', WAIT)
    await expect(detail.getByTestId('wear-avatar')).toHaveCount(0)
    await page.waitForFunction(() => window.__cq!.avatars().vrmWorn === 1, undefined, WAIT)
    await detail.getByTestId('wear').scrollIntoViewIfNeeded()
    await page.screenshot({ path: testInfo.outputPath('wallet-wear.png') })
    await page.screenshot({ path: 'test-results/screenshots/wallet-wear.png' })
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('wallet-panel')).toHaveCount(0)
    await page.screenshot({ path: 'test-results/screenshots/wallet-wear-worn.png' })
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
})
