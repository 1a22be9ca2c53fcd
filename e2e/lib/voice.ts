// Voice in end-to-end tests: a visitor in a Chromium of its own whose fake microphone plays a
// tone (fake devices are launch flags, so two pitches need two browsers), what that visitor
// hears read through `window.__cq.voice` (installed by src/voice), and a plain-page WebRTC pair
// that proves this harness hears a pitch over loopback without the product.
import http from 'node:http'
import type net from 'node:net'
import { chromium, type Browser, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath } from '../chromium'
import { newSettingsPage, watchErrors } from '../helpers'
import { settleChecks } from '../a11y'

/** The project's launch flags plus a fake microphone playing `wav`, and ICE on loopback. */
export function voiceArgs(wav: string): string[] {
  return [
    ...CHROMIUM_ARGS,
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--allow-loopback-in-peer-connection',
  ]
}

export interface VoiceBrowser {
  browser: Browser
  page: Page
  errors: string[]
  close: () => Promise<void>
}

/**
 * A Chromium of its own whose microphone plays `wav`, with one page: lightest settings
 * (`settings` on top), English, a small viewport. `baseURL` is the server under test.
 */
export async function openVoiceBrowser(
  wav: string,
  baseURL: string | undefined,
  settings: Record<string, unknown> = {},
): Promise<VoiceBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: voiceArgs(wav) })
  try {
    const page = await newSettingsPage(
      browser,
      { width: 960, height: 600 },
      { language: 'en', quality: 'low', reducedMotion: true, ...settings },
      { baseURL },
    )
    const close = async () => {
      await settleChecks()
      await browser.close()
    }
    return { browser, page, errors: watchErrors(page), close }
  } catch (err) {
    await browser.close()
    throw err
  }
}

/** What `window.__cq.voice` gives (src/voice installs it; levels after gain and panner). */
export interface Heard {
  rms: number
  peakHz: number
}
export interface VoiceHooks {
  state(): string
  subscribed(): string[]
  heard(sessionId: string): Heard | null
  mix(): Heard
}

/** A short listening window on one voice: each sample, and their median level. */
export interface Listening {
  hooks: boolean
  state: string
  subscribed: string[]
  samples: (Heard | null)[]
  /** Median rms over the window (a missing voice counts as 0). */
  rms: number
  /** The most frequent peak over the samples that had one (NaN when none). */
  peakHz: number
}

/** Listens to `sessionId`'s voice at `page` for `samples` samples `everyMs` apart. */
export function listen(page: Page, sessionId: string, samples = 7, everyMs = 120) {
  return page.evaluate(
    async ([id, n, every]): Promise<Listening> => {
      const v = window.__cq?.voice as VoiceHooks | undefined
      if (!v) {
        return { hooks: false, state: 'none', subscribed: [], samples: [], rms: 0, peakHz: NaN }
      }
      const got: (Heard | null)[] = []
      for (let i = 0; i < n; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, every))
        const h = v.heard(id)
        got.push(h ? { rms: h.rms, peakHz: h.peakHz } : null)
      }
      const levels = got.map((h) => h?.rms ?? 0).sort((a, b) => a - b)
      const peaks = new Map<number, number>()
      for (const h of got) if (h) peaks.set(h.peakHz, (peaks.get(h.peakHz) ?? 0) + 1)
      let peakHz = NaN
      let best = 0
      for (const [hz, count] of peaks) if (count > best) [peakHz, best] = [hz, count]
      return {
        hooks: true,
        state: v.state(),
        subscribed: v.subscribed(),
        samples: got,
        rms: levels[Math.floor(levels.length / 2)] ?? 0,
        peakHz,
      }
    },
    [sessionId, samples, everyMs] as const,
  )
}

export function describeListening(l: Listening): string {
  if (!l.hooks) return 'window.__cq.voice is missing (the voice feature is not installed)'
  const s = l.samples
    .map((h) => (h ? `${h.rms.toFixed(4)}@${Math.round(h.peakHz)}Hz` : 'null'))
    .join(' ')
  return (
    `state=${l.state} subscribed=[${l.subscribed.join(', ')}] ` +
    `median rms=${l.rms.toFixed(4)} peak=${Math.round(l.peakHz)} Hz; samples: ${s}`
  )
}

/**
 * Listens until `ok` holds, or throws after `timeout` ms with `what` and the last thing heard:
 * a failure says exactly what was (not) heard.
 */
export async function listenUntil(
  page: Page,
  sessionId: string,
  ok: (l: Listening) => boolean,
  what: string,
  timeout = 30_000,
): Promise<Listening> {
  const until = Date.now() + timeout
  let last: Listening | null = null
  while (Date.now() < until) {
    last = await listen(page, sessionId)
    if (ok(last)) return last
    // Bounded by `until`; a listening window itself takes most of a second.
    await page.waitForTimeout(250)
  }
  throw new Error(
    `${what}: not so within ${timeout / 1000} s; last heard ${last ? describeListening(last) : 'nothing'}`,
  )
}

// ---------------------------------------------------------------------------------------------
// The harness proof: a plain page, one RTCPeerConnection per side, signalling through the test.

const PLAIN_PAGE =
  '<!doctype html><meta charset="utf-8"><title>voice harness</title>' +
  '<button id="go">start audio</button>'

/** Serves the plain page on a free loopback port until `close`. */
export async function servePlainPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(PLAIN_PAGE)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A measurement of one AnalyserNode: level, loudest bin, and the level at a few pitches. */
export interface Spectrum {
  rms: number
  peakHz: number
  binHz: number
  sampleRate: number
  /** dB at each asked pitch (its nearest bin). */
  at: Record<string, number>
}

interface HarnessWindow {
  __h?: {
    pc: RTCPeerConnection
    ctx: AudioContext
    local: AnalyserNode
    remote: AnalyserNode | null
    measure: (which: 'local' | 'remote', probes: number[]) => Spectrum | null
  }
}

/**
 * Sets the page up: the microphone (the fake tone), a peer connection sending it, and analysers
 * on the local and the received track. Clicks first, so the AudioContext may start.
 */
export async function harnessSetup(page: Page) {
  await page.locator('#go').click()
  await page.evaluate(async () => {
    const w = window as unknown as HarnessWindow
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    const ctx = new AudioContext()
    await ctx.resume()
    const analyser = (source: AudioNode) => {
      const a = ctx.createAnalyser()
      a.fftSize = 4096
      a.smoothingTimeConstant = 0
      source.connect(a)
      return a
    }
    const pc = new RTCPeerConnection({ iceServers: [] })
    for (const t of stream.getAudioTracks()) pc.addTrack(t, stream)
    const h: NonNullable<HarnessWindow['__h']> = {
      pc,
      ctx,
      local: analyser(ctx.createMediaStreamSource(stream)),
      remote: null,
      measure: (which, probes) => {
        const a = which === 'local' ? h.local : h.remote
        if (!a) return null
        const time = new Float32Array(a.fftSize)
        a.getFloatTimeDomainData(time)
        let sum = 0
        for (const s of time) sum += s * s
        const freq = new Float32Array(a.frequencyBinCount)
        a.getFloatFrequencyData(freq)
        let peak = 1
        for (let i = 2; i < freq.length; i++) if (freq[i]! > freq[peak]!) peak = i
        const binHz = ctx.sampleRate / a.fftSize
        const at: Record<string, number> = {}
        for (const hz of probes) at[hz] = freq[Math.round(hz / binHz)] ?? -Infinity
        return {
          rms: Math.sqrt(sum / time.length),
          peakHz: peak * binHz,
          binHz,
          sampleRate: ctx.sampleRate,
          at,
        }
      },
    }
    pc.ontrack = (e) => {
      const remote = e.streams[0] ?? new MediaStream([e.track])
      // Chromium feeds a remote track into WebAudio only while a media element plays it.
      const el = new Audio()
      el.muted = true
      el.srcObject = remote
      el.play().catch(() => {})
      h.remote = analyser(ctx.createMediaStreamSource(remote))
    }
    w.__h = h
  })
}

/** Keeps only loopback candidates: the media of this test never leaves the machine. */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split(/\r\n/)
    .filter((line) => !line.startsWith('a=candidate:') || / 127\.0\.0\.1 /.test(line))
    .join('\r\n')
}

/** The page's local description once ICE gathering is complete (or 10 s have passed). */
function gatheredDescription(page: Page, make: 'offer' | 'answer', remote?: string) {
  return page.evaluate(
    async ([kind, sdp]) => {
      const pc = (window as unknown as HarnessWindow).__h!.pc
      if (sdp) await pc.setRemoteDescription({ type: kind === 'answer' ? 'offer' : 'answer', sdp })
      const desc = kind === 'offer' ? await pc.createOffer() : await pc.createAnswer()
      await pc.setLocalDescription(desc)
      if (pc.iceGatheringState !== 'complete') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000)
          pc.addEventListener('icegatheringstatechange', () => {
            if (pc.iceGatheringState === 'complete') {
              clearTimeout(timer)
              resolve()
            }
          })
        })
      }
      return pc.localDescription!.sdp
    },
    [make, remote] as const,
  )
}

/** Offer from `a`, answer from `b`, both with gathered loopback candidates only. */
export async function connectPair(a: Page, b: Page) {
  const offer = loopbackOnly(await gatheredDescription(a, 'offer'))
  if (!offer.includes('a=candidate:')) throw new Error(`no loopback ICE candidate in:\n${offer}`)
  const answer = loopbackOnly(await gatheredDescription(b, 'answer', offer))
  await a.evaluate(async (sdp) => {
    await (window as unknown as HarnessWindow).__h!.pc.setRemoteDescription({ type: 'answer', sdp })
  }, answer)
}

export function measure(page: Page, which: 'local' | 'remote', probes: number[]) {
  return page.evaluate(([w, p]) => (window as unknown as HarnessWindow).__h!.measure(w, p), [
    which,
    probes,
  ] as const)
}

export function connectionState(page: Page) {
  return page.evaluate(() => (window as unknown as HarnessWindow).__h!.pc.connectionState)
}
