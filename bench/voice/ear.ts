// Part 3 of the voice bench: mouth-to-ear by tone onset, in Chromium. One browser (one clock):
// a publisher page makes a 440 Hz tone with WebAudio (OscillatorNode → GainNode →
// MediaStreamAudioDestinationNode) and sends it with an RTCPeerConnection; listener pages
// receive it and watch the received audio with an AnalyserNode polled every 2 ms. The bench
// switches the tone on at a recorded time (performance.timeOrigin + performance.now() in the
// publisher page), a listener records when the level crosses the onset threshold (same clock),
// and the difference is mouth-to-ear: WebAudio into the encoder, opus, the media server's path,
// the jitter buffer, decoding, and the analyser's window (~6 ms). Not RTP timestamps.
//
// The Janus signalling runs in Node (src/protocol/janus.ts with the tickets the game server
// gave); the pages only hold the peer connections, so no client bundle is needed.
import http from 'node:http'
import type net from 'node:net'
import type { Browser, Page } from '@playwright/test'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath, chromiumProblem } from '../../e2e/chromium'

const PAGE = '<!doctype html><meta charset="utf-8"><title>ear</title><button id="go">go</button>'

/** Level (rms) above which the tone is on, and below which it is off again. */
const ON_RMS = 0.05
const OFF_RMS = 0.01

export interface EarBrowser {
  browser: Browser
  url: string
  close(): Promise<void>
}

export async function openEarBrowser(): Promise<EarBrowser> {
  const problem = chromiumProblem()
  if (problem) throw new Error(problem)
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(PAGE)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection', '--mute-audio'],
  })
  return {
    browser,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await browser.close().catch(() => {})
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

interface EarWindow {
  __ear?: {
    pc: RTCPeerConnection
    ctx: AudioContext
    gain: GainNode | null
    onsets: number[]
    rmsMax: number
  }
}

/** Opens a page whose AudioContext may run (a click first) and a peer connection in it. */
async function earPage(b: EarBrowser): Promise<Page> {
  const page = await b.browser.newPage()
  await page.goto(b.url)
  await page.locator('#go').click()
  return page
}

/** The page's local description once ICE gathering is complete (loopback candidates only). */
async function gathered(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const pc = (window as unknown as EarWindow).__ear!.pc
    const deadline = Date.now() + 10_000
    while (pc.iceGatheringState !== 'complete' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    return (pc.localDescription?.sdp ?? '')
      .split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:') || / 127\.0\.0\.1 /.test(l))
      .join('\r\n')
  })
}

/** A page sending a silent tone (gain 0 until toneOn); returns it and its offer. */
export async function publisherPage(b: EarBrowser): Promise<{ page: Page; offer: string }> {
  const page = await earPage(b)
  await page.evaluate(async () => {
    const ctx = new AudioContext()
    await ctx.resume()
    const osc = ctx.createOscillator()
    osc.frequency.value = 440
    const gain = ctx.createGain()
    gain.gain.value = 0
    const dest = ctx.createMediaStreamDestination()
    osc.connect(gain).connect(dest)
    osc.start()
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' })
    for (const t of dest.stream.getAudioTracks())
      pc.addTransceiver(t, { direction: 'sendonly', streams: [dest.stream] })
    await pc.setLocalDescription(await pc.createOffer())
    ;(window as unknown as EarWindow).__ear = { pc, ctx, gain, onsets: [], rmsMax: 0 }
  })
  return { page, offer: await gathered(page) }
}

export async function acceptAnswer(page: Page, sdp: string) {
  await page.evaluate(
    (s) =>
      (window as unknown as EarWindow).__ear!.pc.setRemoteDescription({ type: 'answer', sdp: s }),
    sdp,
  )
}

/** Switches the tone on or off; returns when (the page's clock, ms since the epoch). */
export function tone(page: Page, on: boolean): Promise<number> {
  return page.evaluate(
    (level) => {
      const ear = (window as unknown as EarWindow).__ear!
      const at = performance.timeOrigin + performance.now()
      ear.gain!.gain.setValueAtTime(level, ear.ctx.currentTime)
      return at
    },
    on ? 0.5 : 0,
  )
}

/**
 * A listener page: answers the media server's offer, feeds what arrives into an analyser and
 * records every onset (rms rising above ON_RMS after falling below OFF_RMS), polled every 2 ms.
 */
export async function listenerPage(
  b: EarBrowser,
  offer: string,
): Promise<{ page: Page; answer: string }> {
  const page = await earPage(b)
  await page.evaluate(
    async ([sdp, on, off]) => {
      const ctx = new AudioContext()
      await ctx.resume()
      const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' })
      const ear = { pc, ctx, gain: null, onsets: [] as number[], rmsMax: 0 }
      ;(window as unknown as EarWindow).__ear = ear
      pc.ontrack = (e) => {
        if (e.track.kind !== 'audio') return
        const stream = e.streams[0] ?? new MediaStream([e.track])
        // Chromium feeds a remote track into WebAudio only while a media element plays it.
        const el = new Audio()
        el.muted = true
        el.srcObject = stream
        el.play().catch(() => {})
        const a = ctx.createAnalyser()
        a.fftSize = 256
        a.smoothingTimeConstant = 0
        ctx.createMediaStreamSource(stream).connect(a)
        const buf = new Float32Array(a.fftSize)
        let loud = false
        setInterval(() => {
          a.getFloatTimeDomainData(buf)
          let sum = 0
          for (const s of buf) sum += s * s
          const rms = Math.sqrt(sum / buf.length)
          ear.rmsMax = Math.max(ear.rmsMax, rms)
          if (!loud && rms > on) {
            loud = true
            ear.onsets.push(performance.timeOrigin + performance.now())
          } else if (loud && rms < off) loud = false
        }, 2)
      }
      await pc.setRemoteDescription({ type: 'offer', sdp })
      await pc.setLocalDescription(await pc.createAnswer())
    },
    [offer, ON_RMS, OFF_RMS] as const,
  )
  return { page, answer: await gathered(page) }
}

export function onsets(page: Page): Promise<{ onsets: number[]; rmsMax: number }> {
  return page.evaluate(() => {
    const ear = (window as unknown as EarWindow).__ear!
    return { onsets: [...ear.onsets], rmsMax: ear.rmsMax }
  })
}

export interface EarResult {
  listeners: number
  onsetsSent: number
  /** Onsets matched per listener (heard within the tone's on time). */
  matched: number
  msP50: number | null
  msP95: number | null
  msMax: number | null
  samples: number[]
  /** The first onsets, left out of the percentiles (the jitter buffer settling). */
  warmupSamples: number[]
  rmsMax: number[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Switches the tone on `warmup` + `repeats` times (on for onMs, off for offMs) and matches each
 * listener's onsets to the switch times: the first onset after a switch and before the next is
 * its arrival. The warm-up onsets are reported apart: a fresh connection's jitter buffer starts
 * deep and drains over the first ten seconds or so (seen here: 640 ms falling to ~190 ms).
 */
export async function measureOnsets(
  publisher: Page,
  listeners: Page[],
  repeats: number,
  warmup = 5,
  onMs = 800,
  offMs = 1200,
): Promise<EarResult> {
  await tone(publisher, false)
  await sleep(1500)
  // Earlier onsets (the connection starting) are not ours.
  const skip = await Promise.all(listeners.map(async (l) => (await onsets(l)).onsets.length))
  const sent: number[] = []
  for (let k = 0; k < warmup + repeats; k++) {
    sent.push(await tone(publisher, true))
    await sleep(onMs)
    await tone(publisher, false)
    await sleep(offMs)
  }
  const samples: number[] = []
  const warmupSamples: number[] = []
  const rmsMax: number[] = []
  let matched = 0
  for (const [i, l] of listeners.entries()) {
    const got = await onsets(l)
    rmsMax.push(Math.round(got.rmsMax * 1000) / 1000)
    const heard = got.onsets.slice(skip[i])
    for (const [k, t] of sent.entries()) {
      const first = heard.find((h) => h >= t && h < t + onMs + offMs)
      if (first === undefined) continue
      const ms = Math.round((first - t) * 10) / 10
      if (k < warmup) warmupSamples.push(ms)
      else {
        matched++
        samples.push(ms)
      }
    }
  }
  const sorted = [...samples].sort((a, b) => a - b)
  const pct = (p: number) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
      : null
  return {
    listeners: listeners.length,
    onsetsSent: repeats,
    matched,
    msP50: pct(50),
    msP95: pct(95),
    msMax: sorted.length ? sorted[sorted.length - 1]! : null,
    samples,
    warmupSamples,
    rmsMax,
  }
}
