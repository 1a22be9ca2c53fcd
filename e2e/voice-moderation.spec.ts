// Moderation heard in the ear: in an event, attendee A (440 Hz) and the host B (660 Hz), each in
// a Chromium of its own with a fake microphone, stand in the audience and join voice; B hears
// A. B mutes A from the host panel's people list: B hears silence within seconds, A's voice
// panel says a moderator muted them, and A's own mute and unmute do not bring the sound back.
// B lifts the mute (Unmute in the panel): B hears A again. B kicks A: A's voice ends and B's
// subscription to A goes away. The event is made through the API (its form is events.spec's);
// B signs in with the development wallet in the page, as a person would. Every wait is on state;
// what B heard at each step goes to the report and the log.
import fs from 'node:fs'
import { type Locator, type Page } from '@playwright/test'
import { expect, test } from './test'
import { createEvent, signIn } from '../server/events/testKit'
import { playerPosition, signInDevWallet, waitForWorld, waitInEvent, waitOnline } from './helpers'
import { writeTone } from './lib/tones'
import {
  describeListening,
  listen,
  listenUntil,
  openVoiceBrowser,
  type Listening,
  type VoiceHooks,
} from './lib/voice'

const WORLD = 'block-park-village'
const STAGE = 'village-stage'
/** The host's development wallet (the wallet panel offers 1 to 3). */
const HOST_WALLET = 2
const WAIT = { timeout: 120_000 }
const A_HZ = 440
const B_HZ = 660
/** As voice.spec: heard above this rms, silent below this one, a pitch within this many Hz. */
const HEARD_RMS = 0.01
const SILENT_RMS = 0.003
const PITCH_TOLERANCE_HZ = 25
/** Listening windows in a row that must all be silent while A is held muted. */
const HELD_WINDOWS = 3
const SHOTS = 'test-results/screenshots'

const UI = {
  voiceButton: (p: Page): Locator => p.getByTestId('voice-button'),
  voicePanel: (p: Page): Locator => p.getByTestId('voice-panel'),
  selfMute: (p: Page): Locator => p.getByTestId('voice-mute'),
  hostPanel: (p: Page): Locator => p.getByTestId('host-panel'),
  person: (p: Page, id: string): Locator => UI.hostPanel(p).getByTestId(`person-${id}`),
}

const isPitch = (l: Listening, hz: number) => Math.abs(l.peakHz - hz) <= PITCH_TOLERANCE_HZ
const silent = (l: Listening) => l.samples.every((h) => h === null || h.rms < SILENT_RMS)

function voiceState(page: Page) {
  return page.evaluate(() => (window.__cq?.voice as VoiceHooks | undefined)?.state() ?? 'none')
}

function subscribed(page: Page) {
  return page.evaluate(() => (window.__cq?.voice as VoiceHooks | undefined)?.subscribed() ?? [])
}

async function joinVoice(page: Page, who: string) {
  await expect(UI.voiceButton(page), `${who} sees Join voice`).toHaveAttribute(
    'data-status',
    'idle',
    WAIT,
  )
  await UI.voiceButton(page).click()
  await expect
    .poll(() => voiceState(page), { message: `${who} is in voice (state live)`, ...WAIT })
    .toBe('live')
}

async function openVoicePanel(page: Page) {
  if (!(await UI.voicePanel(page).isVisible())) await UI.voiceButton(page).click()
  await expect(UI.voicePanel(page)).toBeVisible()
}

/** The visitor's own mute in the voice panel. */
async function setSelfMuted(page: Page, muted: boolean) {
  await openVoicePanel(page)
  await UI.selfMute(page).click()
  await expect(UI.selfMute(page)).toHaveAttribute('aria-pressed', String(muted))
}

async function shoot(page: Page, name: string) {
  const file = `${SHOTS}/${name}.png`
  await page.screenshot({ path: file })
  await test.info().attach(name, { body: fs.readFileSync(file), contentType: 'image/png' })
}

test('a moderator’s mute is silence at B until lifted, and a kick ends A’s voice', async ({
  baseURL,
}, testInfo) => {
  // A ceiling for two visitors rendering on two shared cores, plus Janus and the chain.
  test.setTimeout(600_000)
  fs.mkdirSync(SHOTS, { recursive: true })
  // Sign-in needs the chain, which starts beside the server (minutes on a busy machine).
  await expect
    .poll(async () => (await fetch(new URL('/api/chain', baseURL))).status, { timeout: 480_000 })
    .toBe(200)
  const now = Date.now()
  const event = await createEvent(baseURL!, await signIn(baseURL!, HOST_WALLET), {
    world: WORLD,
    stage: STAGE,
    startsAt: now - 60_000,
    endsAt: now + 3600_000,
  })
  const tones = testInfo.outputPath('tones')
  const a = await openVoiceBrowser(writeTone(tones, A_HZ).file, baseURL, { displayName: 'Ann' })
  const b = await openVoiceBrowser(writeTone(tones, B_HZ).file, baseURL, {
    displayName: 'Bo',
  }).catch(async (err: unknown) => {
    await a.close()
    throw err
  })
  try {
    // Both follow the event's link and land in the audience, side by side; B then signs in
    // and, as the event's host, gets the host controls. They follow it at once: one after the
    // other, the first page drew the world on the CPU all the while the second loaded it.
    await Promise.all(
      [a.page, b.page].map(async (p) => {
        await p.goto(`/?event=${event.id}`)
        await waitForWorld(p, WORLD, 300_000)
        await waitInEvent(p, event.id, WAIT.timeout)
        await waitOnline(p)
      }),
    )
    await signInDevWallet(b.page, HOST_WALLET)
    await b.page.keyboard.press('Escape')
    await expect
      .poll(
        () =>
          b.page.evaluate(() => (window.__cq!.events as { state: () => { role: string } }).state()),
        { message: 'B is the host', ...WAIT },
      )
      .toMatchObject({ role: 'host' })
    const aId = (await a.page.evaluate(() => window.__cq!.net.state().sessionId))!
    const pa = await playerPosition(a.page)
    const pb = await playerPosition(b.page)
    const d = Math.hypot(pa.x - pb.x, pa.z - pb.z)
    expect(d, 'A and B stand near each other in the audience').toBeLessThan(10)

    const note = (step: string, l: Listening) => {
      const description = `${step} (${d.toFixed(1)} m): ${describeListening(l)}`
      testInfo.annotations.push({ type: 'voice', description })
      console.log(description)
    }
    const hearsA = (l: Listening) =>
      l.subscribed.includes(aId) && isPitch(l, A_HZ) && l.rms > HEARD_RMS

    await joinVoice(a.page, 'A')
    await joinVoice(b.page, 'B')
    note('before', await listenUntil(b.page, aId, hearsA, `B hears A's ${A_HZ} Hz`))

    // B mutes A from the host panel's people list.
    await b.page.getByTestId('host-controls').click()
    await expect(UI.person(b.page, aId)).toContainText('Ann', WAIT)
    await UI.person(b.page, aId).getByTestId('mute').click()
    note(
      'muted by the host',
      await listenUntil(b.page, aId, silent, 'A muted by the host: B hears silence', 10_000),
    )
    // A's HUD says so.
    await openVoicePanel(a.page)
    await expect(UI.voicePanel(a.page)).toContainText('A moderator muted you until', WAIT)
    await shoot(a.page, 'voice-mod-a-muted')
    await shoot(b.page, 'voice-mod-b-host')

    // A's own mute and unmute do not lift it: still silence at B, and still said at A.
    await setSelfMuted(a.page, true)
    await setSelfMuted(a.page, false)
    await expect(UI.voicePanel(a.page)).toContainText('A moderator muted you until')
    for (let i = 0; i < HELD_WINDOWS; i++) {
      const l = await listen(b.page, aId)
      note(`A unmuted itself, window ${i + 1}`, l)
      expect(silent(l), `A's own unmute lets nothing through: ${describeListening(l)}`).toBe(true)
    }

    // B lifts the mute: A is heard again, and A's panel no longer says muted.
    await UI.person(b.page, aId).getByTestId('unmute').click()
    note(
      'mute lifted',
      await listenUntil(b.page, aId, hearsA, `the mute lifted: B hears A's ${A_HZ} Hz again`),
    )
    await expect(UI.voicePanel(a.page)).not.toContainText('A moderator muted you')
    // What B plays in all is A, not B's own pitch.
    const mix = await b.page.evaluate(() => (window.__cq!.voice as VoiceHooks).mix())
    expect(Math.abs(mix.peakHz - A_HZ), `B's mix: ${JSON.stringify(mix)}`).toBeLessThanOrEqual(
      PITCH_TOLERANCE_HZ,
    )
    const errorsBeforeKick = [...a.errors, ...b.errors]

    // B kicks A: A is removed, A's voice ends, B no longer subscribes to A and hears nothing.
    await UI.person(b.page, aId).getByTestId('kick').click()
    await b.page.getByTestId('confirm-ok').click()
    await expect(a.page.getByTestId('event-removed')).toBeVisible(WAIT)
    await expect
      .poll(() => voiceState(a.page), { message: "A's voice ended", ...WAIT })
      .not.toBe('live')
    await expect
      .poll(() => subscribed(b.page), { message: "B's subscription to A is gone", ...WAIT })
      .not.toContain(aId)
    note(
      'A kicked',
      await listenUntil(b.page, aId, (l) => silent(l) && !l.subscribed.includes(aId), 'A kicked'),
    )
    expect(await voiceState(b.page), 'B stays in voice').toBe('live')
    expect(errorsBeforeKick.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
    expect(b.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  } finally {
    await a.close()
    await b.close()
  }
})
