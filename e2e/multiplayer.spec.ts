// Two visitors in one world, each in their own browser context: they see each other's avatar
// move (with a name tag), each other's chat (log and bubble) and gestures, the same instance
// and occupancy, and a dropped connection comes back to the same seat.
import { type Browser, type Page } from '@playwright/test'
import { expect, test } from './test'
import { holdUntilMoved, newSettingsPage, openWorld, shootCanvas, watchErrors } from './helpers'

const WORLD = 'block-park-village'

async function visitor(browser: Browser, name: string, color: string) {
  const page = await newSettingsPage(
    browser,
    { width: 960, height: 600 },
    { displayName: name, avatarColor: color, quality: 'low' },
  )
  return { page, errors: watchErrors(page), close: () => page.context().close() }
}

/** waitForFunction has no timeout of its own: bound every wait (generously: pages share 2 CPUs). */
const WAIT = { timeout: 60_000 }

function net(page: Page) {
  return page.evaluate(() => window.__cq!.net.state())
}

function remoteOf(page: Page, id: string) {
  return page.evaluate((want) => window.__cq!.net.remotes().find((r) => r.id === want), id)
}

test('two visitors see each other move, talk and wave', async ({ browser }, testInfo) => {
  test.setTimeout(240_000)
  const alice = await visitor(browser, 'Alice 小红', '#e4572e')
  const bob = await visitor(browser, 'Bob', '#669bbc')
  try {
    await openWorld(alice.page, WORLD)
    await openWorld(bob.page, WORLD)
    for (const p of [alice.page, bob.page]) {
      await p.waitForFunction(
        () => {
          const n = window.__cq!.net.state()
          return n.status === 'online' && n.people === 2
        },
        undefined,
        WAIT,
      )
    }
    const a = await net(alice.page)
    const b = await net(bob.page)
    expect(a.instance).toBe(1)
    expect(b.instance).toBe(1)
    await expect(bob.page.getByTestId('occupancy')).toContainText('2/100')

    // Bob receives Alice's avatar, with her name over it.
    await bob.page.waitForFunction(
      (id) => window.__cq!.net.remotes().some((r) => r.id === id),
      a.sessionId,
      WAIT,
    )
    await expect(bob.page.locator('.avatar-tag .name', { hasText: 'Alice 小红' })).toBeVisible()
    const start = (await remoteOf(bob.page, a.sessionId!))!

    // Alice walks; Bob sees her avatar arrive where she is.
    await holdUntilMoved(
      alice.page,
      () => alice.page.keyboard.down('w'),
      () => alice.page.keyboard.up('w'),
      3,
    )
    await alice.page.waitForFunction(() => window.__cq!.player.speed < 0.05, null, WAIT)
    const there = await alice.page.evaluate(() => ({
      x: window.__cq!.player.x,
      z: window.__cq!.player.z,
    }))
    expect(Math.hypot(there.x - start.x, there.z - start.z), 'Alice walked').toBeGreaterThan(2)
    await bob.page.waitForFunction(
      ([id, x, z]) => {
        const r = window.__cq!.net.remotes().find((o) => o.id === id)
        return r && Math.hypot(r.x - (x as number), r.z - (z as number)) < 0.5
      },
      [a.sessionId, there.x, there.z] as const,
      WAIT,
    )

    // Alice chats: Bob reads it in the log and in a bubble over her head.
    await alice.page.keyboard.press('Enter')
    await alice.page.keyboard.type('Hello 你好!')
    await alice.page.keyboard.press('Enter')
    await expect(bob.page.getByTestId('chat')).toContainText('Hello 你好!')
    await expect(bob.page.locator('.avatar-tag .bubble', { hasText: 'Hello 你好!' })).toBeVisible()
    await expect(alice.page.getByTestId('chat-input')).toHaveValue('')

    // Alice waves: Bob's copy of her avatar plays it.
    await alice.page.getByTestId('emote-wave').click()
    await bob.page.waitForFunction(
      (id) => window.__cq!.net.remotes().find((r) => r.id === id)?.emote === 'wave',
      a.sessionId,
      WAIT,
    )
    const shot = await shootCanvas(bob.page, testInfo, 'multiplayer-bob-sees-alice')
    expect(shot.stats.litFraction).toBeGreaterThan(0.5)
    await bob.page.screenshot({ path: 'test-results/screenshots/multiplayer-bob-page.png' })

    // The people list names both.
    await bob.page.getByTestId('net-chip').click()
    await expect(bob.page.getByTestId('people')).toContainText('Alice 小红')
    await expect(bob.page.getByTestId('people')).toContainText('Bob')

    // Alice's connection drops; she gets her seat back, and Bob never sees two of her.
    await alice.page.evaluate(() => window.__cq!.net.drop())
    await alice.page.waitForFunction(
      () => {
        const n = window.__cq!.net.state()
        return n.status === 'online' && n.reconnects === 1
      },
      null,
      WAIT,
    )
    expect((await net(alice.page)).sessionId).toBe(a.sessionId)
    expect((await net(bob.page)).people).toBe(2)

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  } finally {
    await alice.close()
    await bob.close()
  }
})
