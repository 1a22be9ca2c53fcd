// Voice in worlds, heard as a listener hears it. Each visitor runs in a Chromium of its own whose
// fake microphone plays a tone made here (A 440 Hz, B 660 Hz); what B hears is read after each
// voice's gain and panner (window.__cq.voice). First the harness proves itself without the
// product (two plain pages, one peer connection over loopback).
import { expect, test, type Page } from '@playwright/test'
import { writeTone } from './lib/tones'
import {
  connectionState,
  connectPair,
  harnessSetup,
  measure,
  openVoiceBrowser,
  servePlainPage,
  type Spectrum,
} from './lib/voice'

const WAIT = { timeout: 60_000 }
const A_HZ = 440
const B_HZ = 660
/** A voice is heard when its level (rms, full scale 1) is above this… */
const HEARD_RMS = 0.01

test('harness: two plain pages hear each other over a loopback peer connection', async () => {
  const testInfo = test.info()
  test.setTimeout(120_000)
  const tones = testInfo.outputPath('tones')
  const a440 = writeTone(tones, A_HZ)
  const b660 = writeTone(tones, B_HZ)
  const site = await servePlainPage()
  const a = await openVoiceBrowser(a440.file, site.url)
  const b = await openVoiceBrowser(b660.file, site.url).catch(async (err: unknown) => {
    await a.close()
    throw err
  })
  try {
    await a.page.goto('/')
    await b.page.goto('/')
    await harnessSetup(a.page)
    await harnessSetup(b.page)
    // Each fake microphone plays its own tone.
    await hearsPitch(a.page, 'local', A_HZ, B_HZ, "A's own microphone")
    await hearsPitch(b.page, 'local', B_HZ, A_HZ, "B's own microphone")

    await connectPair(a.page, b.page)
    await expect
      .poll(() => connectionState(b.page), { message: 'the peer connection', ...WAIT })
      .toBe('connected')
    // B hears A's pitch, not its own; and the other way round.
    const atB = await hearsPitch(b.page, 'remote', A_HZ, B_HZ, "A's tone received at B")
    const atA = await hearsPitch(a.page, 'remote', B_HZ, A_HZ, "B's tone received at A")
    testInfo.annotations.push({
      type: 'heard',
      description: `B: ${JSON.stringify(atB)}; A: ${JSON.stringify(atA)}`,
    })
    expect(a.errors.concat(b.errors)).toEqual([])
  } finally {
    await a.close()
    await b.close()
    await site.close()
  }
})

/**
 * Waits until the page's analyser (`which`) peaks within one FFT bin of `hz`, above the floor,
 * with `other` at least 30 dB lower; throws with what it heard instead.
 */
async function hearsPitch(
  page: Page,
  which: 'local' | 'remote',
  hz: number,
  other: number,
  what: string,
) {
  const until = Date.now() + 30_000
  let last: Spectrum | null = null
  const ok = (s: Spectrum | null) =>
    s !== null &&
    Math.abs(s.peakHz - hz) <= s.binHz &&
    s.rms > HEARD_RMS &&
    s.at[hz]! - s.at[other]! >= 30
  while (Date.now() < until) {
    last = await measure(page, which, [hz, other])
    if (ok(last)) return last
    await page.waitForTimeout(200)
  }
  throw new Error(
    `${what}: expected ${hz} Hz (±1 bin) above rms ${HEARD_RMS} with ${other} Hz 30 dB lower; ` +
      `heard ${last ? JSON.stringify(last) : 'no track at all'}`,
  )
}
