// A layout outlives its server: a creator exhibits through the panel (on a server of this test's
// own, with its own data folder), adds a collaborator, restores an earlier version from the
// history, and after the whole server (chain included) is stopped and started again a new
// visitor finds the exhibit there, still verified.
import { spawn, type ChildProcess } from 'node:child_process'
import { type Page } from '@playwright/test'
import { expect, test } from './test'
import {
  claimPlot,
  newSettingsPage,
  signInDevWallet,
  waitForFrames,
  waitForWorld,
  waitOnline,
  watchErrors,
} from './helpers'
import { freePort, groupMembers } from './procs'

const WORLD = 'block-park-village'
const FRIEND = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const WAIT = { timeout: 60_000 }

interface Server {
  child: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

function startServer(port: number, dataDir: string): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    detached: true,
    env: {
      ...process.env,
      CLIENT: 'dist',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      ANVIL_PORT: '0',
      // Nobody speaks here: no embedded Janus to start twice and to stop twice.
      VOICE: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return {
    child,
    output: () => out,
    // SIGTERM to the group, as a service manager restarting it would; then make sure.
    stop: async () => {
      if (groupMembers(child.pid!).length === 0) return
      process.kill(-child.pid!, 'SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))])
      await expect.poll(() => groupMembers(child.pid!), { timeout: 30_000 }).toEqual([])
    },
  }
}

async function ready(base: string, server: Server) {
  // A bound, not an expectation: on a busy 2-core machine anvil alone may take minutes.
  const until = Date.now() + 240_000
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/api/chain`)).ok) return
    } catch {
      // not listening yet
    }
    if (server.child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`the server did not come up:\n${server.output()}`)
}

async function visit(page: Page, base: string) {
  await page.goto(`${base}/?world=${WORLD}`)
  await waitForWorld(page, WORLD)
  await waitForFrames(page, 3)
  await waitOnline(page)
}

test('an exhibit placed through the panel is still there after the server restarts', async ({
  browser,
}, testInfo) => {
  test.setTimeout(600_000)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const dataDir = testInfo.outputPath('data')
  const settings = { language: 'en' as const, quality: 'low' as const }
  let server = startServer(port, dataDir)
  try {
    await ready(base, server)
    const creator = await newSettingsPage(browser, { width: 960, height: 700 }, settings)
    const errors = watchErrors(creator)
    await visit(creator, base)

    await signInDevWallet(creator)
    await creator.keyboard.press('Escape')

    // This server's plots are all free: the first one.
    const { panel, plot, spaceId } = await claimPlot(creator)
    const status = panel.getByTestId('spaces-status')

    // Two exhibits, in the first two slots: versions 1 and 2.
    const slots = plot.locator('li[data-testid^="slot-"]')
    for (const [i, option] of [1, 2].entries()) {
      const slot = slots.nth(i)
      const choose = slot.getByTestId('choose')
      await choose.selectOption((await choose.locator('option').nth(option).getAttribute('value'))!)
      await slot.getByTestId('place').click()
      await expect(status).toContainText(`Saved (version ${i + 1})`, { timeout: 30_000 })
    }

    // A collaborator, by address (owner only); the layout keeps its version.
    await plot.getByTestId('collaborators').locator('summary').click()
    const address = plot.getByTestId('collaborator-address')
    await address.fill('0x1234')
    await expect(plot.getByTestId('collaborator-add')).toBeDisabled()
    await address.fill(FRIEND)
    await plot.getByTestId('collaborator-add').click()
    await expect(plot.getByTestId('collaborators')).toContainText('0x3C44…93BC')
    await expect(status).toContainText('Saved (version 2)')

    // The history lists every version; restoring version 1 makes version 3 with one exhibit.
    await plot.getByTestId('history').locator('summary').click()
    const history = plot.getByTestId('history')
    await expect(history.getByTestId('version-2')).toContainText('current')
    await expect(history.getByTestId('version-2')).toContainText('2 exhibits')
    await creator.screenshot({ path: 'test-results/screenshots/spaces-history.png' })
    await history.getByTestId('version-1').getByTestId('restore').click()
    await expect(status).toContainText('Saved (version 3)', { timeout: 30_000 })
    await expect(history.getByTestId('version-3')).toContainText('restored version 1')
    await expect(plot.getByTestId('budget')).toContainText('Exhibits 1/')
    const before = await creator.evaluate((id) => window.__cq!.spaces.state()[id]!, spaceId)
    expect(before.exhibits).toHaveLength(1)
    expect(errors).toEqual([])

    // Restart everything: server, chain and storage come back from the data folder. The
    // creator's page stays open: it is told, with the seconds left, and comes back by itself.
    await creator.keyboard.press('Escape')
    await expect(panel).toBeHidden()
    const stopping = server.stop()
    const notice = creator.getByTestId('restart-notice')
    await expect(notice).toBeVisible({ timeout: 60_000 })
    await expect(notice).toContainText(/restarts in \d+ s/)
    await creator.screenshot({ path: 'test-results/screenshots/restart-notice.png' })
    await stopping
    await expect(notice).toContainText(/restarting; rejoining/)
    server = startServer(port, dataDir)
    await ready(base, server)
    await waitOnline(creator, 120_000)
    await expect(notice).toHaveCount(0)
    await creator.context().close()

    const guest = await newSettingsPage(browser, { width: 960, height: 600 }, settings)
    await visit(guest, base)
    const after = await guest.waitForFunction(
      (id) => {
        const view = window.__cq!.spaces.state()[id]
        return view?.exhibits[0]?.status === 'verified' ? view : null
      },
      spaceId,
      WAIT,
    )
    const view = (await after.jsonValue())!
    expect(view.version).toBe(3)
    expect(view.collaborators.map((c) => c.toLowerCase())).toEqual([FRIEND.toLowerCase()])
    expect(view.exhibits.map((e) => [e.tokenId, e.contract, e.placement])).toEqual(
      before.exhibits.map((e) => [e.tokenId, e.contract, e.placement]),
    )
    await guest.context().close()
  } finally {
    await server.stop()
  }
})
