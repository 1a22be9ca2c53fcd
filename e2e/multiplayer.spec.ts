// Two visitors in one world, each in their own browser context: one dresses her avatar in the
// editor (hanfu, a bun with a hairpin) and the other sees that look on her figure; they see each
// other's avatar move (with a name tag), each other's chat (log and bubble), gestures and sitting, the
// same instance and occupancy, and a dropped connection comes back to the same seat in the same
// look.
import { type Browser, type Page } from '@playwright/test'
import { expect, test } from './test'
import {
  holdUntilMoved,
  imageDifference,
  newSettingsPage,
  openWorld,
  shootCanvas,
  signInDevWallet,
  waitForFrames,
  watchErrors,
} from './helpers'
import { writeVrmFixture } from './lib/vrm'

const WORLD = 'block-park-village'

async function visitor(browser: Browser, name: string, color: string) {
  const page = await newSettingsPage(
    browser,
    { width: 960, height: 600 },
    // Reduced motion: the editor's preview stands still, so a change in it is the clothes'.
    { displayName: name, avatarColor: color, quality: 'low', reducedMotion: true },
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
    expect(start.look, 'no look chosen yet: everyday clothes in her colour').toBeNull()

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

    // Alice dresses her avatar: the preview shows each choice, Save shows it to Bob.
    await alice.page.getByTestId('avatar-button').click()
    const editor = alice.page.getByTestId('avatar-editor')
    await expect(editor).toBeVisible()
    const preview = editor.getByTestId('avatar-preview').locator('canvas')
    await expect(preview).toBeVisible()
    const before = await preview.screenshot()
    await editor.getByTestId('avatar-outfit').selectOption('hanfu')
    await editor.getByTestId('avatar-hair').selectOption('bun')
    await editor.getByTestId('avatar-accessory').selectOption('hairpin')
    await editor.getByTestId('avatar-top').getByRole('radio', { name: '#2e8b57' }).click()
    await editor.getByTestId('avatar-bottom').getByRole('radio', { name: '#f3a712' }).click()
    // The preview redraws with the new clothes (compared as pixels, not waited on a clock).
    await expect
      .poll(async () => imageDifference(before, await preview.screenshot()), WAIT)
      .toBeGreaterThan(3)
    await alice.page.screenshot({ path: 'test-results/screenshots/avatar-editor.png' })
    await editor.getByTestId('avatar-save').click()
    await expect(editor).toBeHidden()
    await bob.page.waitForFunction(
      (id) => window.__cq!.net.remotes().find((r) => r.id === id)?.look?.outfit === 'hanfu',
      a.sessionId,
      WAIT,
    )
    expect((await remoteOf(bob.page, a.sessionId!))!.look).toMatchObject({
      outfit: 'hanfu',
      hair: 'bun',
      accessory: 'hairpin',
      top: '#2e8b57',
      bottom: '#f3a712',
    })

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

    // Alice sits down, and stays seated (her avatar file below is worn sitting too): Bob's copy
    // sits, carried by her poses.
    await alice.page.getByTestId('emote-sit').click()
    await bob.page.waitForFunction(
      (id) => {
        const r = window.__cq!.net.remotes().find((o) => o.id === id)
        return r?.emote === 'sit' && r.anim === 'idle'
      },
      a.sessionId,
      WAIT,
    )
    // Bob looks down over his own figure's head to see her.
    await bob.page.evaluate(() => {
      window.__cq!.cameraRig.pitch = 0.75
    })
    await waitForFrames(bob.page, 10)
    await shootCanvas(bob.page, testInfo, 'multiplayer-bob-sees-alice-sit')

    // Alice signs in and wears an avatar file of her own: checked, uploaded, worn in the preview,
    // and Bob's page loads the same file from the server for her figure.
    await signInDevWallet(alice.page, 3)
    await alice.page.keyboard.press('Escape')
    await alice.page.getByTestId('avatar-button').click()
    await expect(editor).toBeVisible()
    await editor.getByTestId('avatar-vrm').setInputFiles(writeVrmFixture({ name: 'Alice VRM' }))
    await expect(editor.getByTestId('avatar-vrm-worn')).toBeVisible(WAIT)
    await alice.page.waitForFunction(() => window.__cq!.avatars().vrmWorn >= 1, null, WAIT)
    await editor.getByTestId('avatar-save').click()
    await bob.page.waitForFunction(
      (id) => !!window.__cq!.net.remotes().find((r) => r.id === id)?.look?.vrm,
      a.sessionId,
      WAIT,
    )
    await bob.page.waitForFunction(() => window.__cq!.avatars().vrmWorn === 1, null, WAIT)
    // Still sitting: a sit lasts until she moves, not a few seconds like the other gestures.
    expect((await remoteOf(bob.page, a.sessionId!))!.emote).toBe('sit')
    await shootCanvas(bob.page, testInfo, 'multiplayer-bob-sees-alice-vrm')

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
    expect((await remoteOf(bob.page, a.sessionId!))!.look?.outfit).toBe('hanfu')

    // Alice leaves account 3 no avatar file for a later spec that signs in with it to put on
    // (spaces' guest): she stops wearing it and saves, and Bob sees the look without it (the
    // server keeps a signed-in visitor's saved look for the address: server/avatars/looks.test.ts
    // checks a second device puts it on at sign-in).
    await alice.page.getByTestId('avatar-button').click()
    await expect(editor).toBeVisible()
    await editor.getByRole('button', { name: 'Stop wearing it' }).click()
    await expect(editor.getByTestId('avatar-vrm-worn')).toBeHidden()
    await editor.getByTestId('avatar-save').click()
    await expect(editor).toBeHidden()
    await bob.page.waitForFunction(
      (id) => {
        const look = window.__cq!.net.remotes().find((r) => r.id === id)?.look
        return look?.outfit === 'hanfu' && !look.vrm
      },
      a.sessionId,
      WAIT,
    )
    await bob.page.waitForFunction(() => window.__cq!.avatars().vrmWorn === 0, null, WAIT)

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  } finally {
    await alice.close()
    await bob.close()
  }
})
