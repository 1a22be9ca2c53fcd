// `npm run stage-media`: makes the stage's demo media in code, in Debian's Chromium: a 20 s,
// 640×360, 25 fps VP8 title card of 苍穹 with a large running timecode (seconds.frames) and a
// moving bar, so screen sync is visible and measurable in screenshots, encoded with WebCodecs
// and muxed in Node by mediabunny into a seekable WebM (Duration, SeekHead, Cues, a cluster per
// key frame); and four slide images (PNG). Then it
// plays the video back in Chromium and checks the duration, seekability and a seek.
// Writes public/assets/video/cangqiong-stage.webm and public/assets/slides/cangqiong-{1..4}.png.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import {
  BufferTarget,
  EncodedPacket,
  EncodedVideoPacketSource,
  Output,
  WebMOutputFormat,
} from 'mediabunny'
import { chromium } from 'playwright'
import { CHROMIUM_ARGS, chromiumPath, chromiumProblem } from '../e2e/chromium'

export const VIDEO = { width: 640, height: 360, fps: 25, seconds: 20, bitrate: 380_000 }
const videoFile = path.join('public', 'assets', 'video', 'cangqiong-stage.webm')
const slidesDir = path.join('public', 'assets', 'slides')

// In-page code as plain JavaScript (a string, so no transpiler helper leaks into the page).
const DRAW = String.raw`
function drawCard(ctx, w, h, t, frame, fps, seconds) {
  const g = ctx.createLinearGradient(0, 0, 0, h)
  g.addColorStop(0, '#0b1533'); g.addColorStop(0.6, '#1c3a6b'); g.addColorStop(1, '#e0a458')
  ctx.fillStyle = g; ctx.fillRect(0, 0, w, h)
  // Stars, fixed, twinkling with time.
  for (let i = 0; i < 90; i++) {
    const x = (i * 7919) % w, y = (i * 104729) % Math.floor(h * 0.42)
    const a = 0.35 + 0.35 * Math.sin(t * 2 + i)
    ctx.fillStyle = 'rgba(255,255,255,' + a.toFixed(2) + ')'
    ctx.fillRect(x, y, i % 5 === 0 ? 2 : 1, i % 5 === 0 ? 2 : 1)
  }
  // Distant ridge.
  ctx.fillStyle = '#12223f'
  ctx.beginPath(); ctx.moveTo(0, h * 0.78)
  for (let x = 0; x <= w; x += 16) ctx.lineTo(x, h * 0.74 - 26 * Math.sin(x / 70) - 12 * Math.sin(x / 23))
  ctx.lineTo(w, h); ctx.lineTo(0, h); ctx.closePath(); ctx.fill()
  // Title.
  ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = '#f6e7c1'
  ctx.font = 'bold 64px "Noto Serif CJK SC", "Noto Sans CJK SC", serif'
  ctx.fillText('苍穹', 36, 92)
  ctx.font = '22px "Noto Sans CJK SC", sans-serif'
  ctx.fillStyle = '#cfe0ff'
  ctx.fillText('Cangqiong · 舞台演示 Stage demo', 40, 128)
  // The timecode: seconds.frames, large.
  const s = Math.floor(frame / fps), f = frame % fps
  const tc = String(s).padStart(2, '0') + '.' + String(f).padStart(2, '0')
  ctx.textAlign = 'right'
  ctx.font = 'bold 120px "DejaVu Sans Mono", monospace'
  ctx.lineWidth = 8; ctx.strokeStyle = '#0b1533'; ctx.strokeText(tc, w - 30, 230)
  ctx.fillStyle = '#ffffff'; ctx.fillText(tc, w - 30, 230)
  ctx.font = '18px "DejaVu Sans Mono", monospace'; ctx.fillStyle = '#cfe0ff'
  ctx.fillText('frame ' + String(frame).padStart(3, '0') + ' · ' + t.toFixed(2) + ' s', w - 34, 262)
  // The bar: position over the whole clip, with a tick per second.
  const y = h - 34, x0 = 30, x1 = w - 30
  ctx.fillStyle = 'rgba(11,21,51,0.75)'; ctx.fillRect(x0 - 4, y - 4, x1 - x0 + 8, 24)
  for (let k = 0; k <= seconds; k++) {
    const x = x0 + ((x1 - x0) * k) / seconds
    ctx.fillStyle = k % 5 === 0 ? '#f6e7c1' : '#6d86b8'; ctx.fillRect(x - 1, y - 10, 2, k % 5 === 0 ? 10 : 6)
  }
  const p = t / seconds
  ctx.fillStyle = '#f2a541'; ctx.fillRect(x0, y, (x1 - x0) * p, 16)
  ctx.fillStyle = '#ffffff'; ctx.fillRect(x0 + (x1 - x0) * p - 3, y - 6, 6, 28)
  // A square that sweeps once a second: sub-second motion at a glance.
  const q = (frame % fps) / fps
  ctx.fillStyle = '#7fd1ff'; ctx.fillRect(40 + q * 160, 196, 24, 24)
  ctx.strokeStyle = '#cfe0ff'; ctx.lineWidth = 2; ctx.strokeRect(38, 194, 188, 28)
}

function drawSlide(ctx, w, h, n) {
  // Flat colours: the PNGs stay small.
  ctx.fillStyle = '#0f1d40'; ctx.fillRect(0, 0, w, h)
  ctx.fillStyle = '#1c3463'
  ctx.beginPath(); ctx.arc(w * 0.86, h * 0.18, h * 0.42, 0, Math.PI * 2); ctx.fill()
  ctx.fillStyle = '#f6e7c1'
  ctx.beginPath(); ctx.arc(w * 0.8, h * 0.26, 34, 0, Math.PI * 2); ctx.fill()
  ctx.fillStyle = '#12223f'
  ctx.beginPath(); ctx.moveTo(0, h - 18)
  for (let x = 0; x <= w; x += 24) ctx.lineTo(x, h - 70 - 22 * Math.sin(x / 90) - 10 * Math.sin(x / 31))
  ctx.lineTo(w, h - 18); ctx.closePath(); ctx.fill()
  ctx.fillStyle = '#f2a541'; ctx.fillRect(0, h - 18, w * (n / 4), 18)
  const serif = '"Noto Serif CJK SC", serif', sans = '"Noto Sans CJK SC", sans-serif'
  const slides = [
    ['苍穹 · 湖畔舞台', 'Cangqiong · Lakeside Stage', ['欢迎来到现场活动', 'Welcome to a live gathering']],
    ['今晚节目', 'Tonight', ['1 · 开场 Opening', '2 · 创作者展示 Creator showcase', '3 · 问答 Q & A (举手 raise a hand)']],
    ['可信藏品', 'Verified collectibles', ['链上验证 · Checked on a trusted chain', '只展示真正拥有的 · Shown only when owned', '人人可见 · Seen by everyone in the world']],
    ['谢谢', 'Thank you', ['掌声 · 爱心 · 烟花', 'Applause · hearts · fireworks']],
  ][n - 1]
  ctx.textAlign = 'left'
  ctx.fillStyle = '#f6e7c1'; ctx.font = 'bold 84px ' + serif; ctx.fillText(slides[0], 70, 170)
  ctx.fillStyle = '#cfe0ff'; ctx.font = '40px ' + sans; ctx.fillText(slides[1], 74, 230)
  ctx.fillStyle = '#ffffff'; ctx.font = '36px ' + sans
  slides[2].forEach((line, i) => ctx.fillText(line, 78, 330 + i * 62))
  ctx.textAlign = 'right'; ctx.fillStyle = '#cfe0ff'; ctx.font = '28px ' + sans
  ctx.fillText(n + ' / 4', w - 50, h - 44)
}
`

const ENCODE = String.raw`async ({ width, height, fps, seconds, bitrate }) => {
  ${DRAW}
  await document.fonts.ready
  const canvas = document.createElement('canvas')
  canvas.width = width; canvas.height = height
  const ctx = canvas.getContext('2d')
  const chunks = []
  let failure = null
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength)
      chunk.copyTo(data)
      let bin = ''
      for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000))
      chunks.push({ timestampUs: chunk.timestamp, key: chunk.type === 'key', data: btoa(bin) })
    },
    error: (e) => { failure = String(e) },
  })
  const config = { codec: 'vp8', width, height, bitrate, framerate: fps, latencyMode: 'quality' }
  const support = await VideoEncoder.isConfigSupported(config)
  if (!support.supported) throw new Error('VP8 encoding is not supported here')
  encoder.configure(config)
  const frameUs = 1e6 / fps
  for (let i = 0; i < fps * seconds; i++) {
    drawCard(ctx, width, height, i / fps, i, fps, seconds)
    const frame = new VideoFrame(canvas, { timestamp: Math.round(i * frameUs), duration: Math.round(frameUs) })
    encoder.encode(frame, { keyFrame: i % fps === 0 })
    frame.close()
    if (encoder.encodeQueueSize > 8) await new Promise((r) => setTimeout(r, 5))
  }
  await encoder.flush()
  encoder.close()
  if (failure) throw new Error(failure)
  // A few frames as PNG for looking at.
  const stills = []
  for (const i of [0, 137, 499]) {
    drawCard(ctx, width, height, i / fps, i, fps, seconds)
    stills.push(canvas.toDataURL('image/png'))
  }
  const slides = []
  const sc = document.createElement('canvas')
  sc.width = 960; sc.height = 540
  for (let n = 1; n <= 4; n++) {
    drawSlide(sc.getContext('2d'), sc.width, sc.height, n)
    slides.push(sc.toDataURL('image/png'))
  }
  return { chunks, stills, slides }
}`

/** Serves one file with Range support, as a CDN would (Chromium's media stack asks for ranges). */
function serveFile(file: string): Promise<{ url: string; close: () => Promise<void> }> {
  const body = fs.readFileSync(file)
  const server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>stage media</title><body style="margin:0;background:#000">')
      return
    }
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '')
    const start = m ? Number(m[1]) : 0
    const end = m && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1
    res.writeHead(m ? 206 : 200, {
      'content-type': 'video/webm',
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
      ...(m ? { 'content-range': `bytes ${start}-${end}/${body.length}` } : {}),
    })
    res.end(body.subarray(start, end + 1))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(() => r())),
      })
    }),
  )
}

/** The encoder's chunks (in order, the first a key frame) as one VP8 track in a WebM file. */
async function muxWebm(chunks: { timestampUs: number; key: boolean; data: string }[]) {
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() })
  const track = new EncodedVideoPacketSource('vp8')
  output.addVideoTrack(track, { frameRate: VIDEO.fps })
  await output.start()
  const config = { codec: 'vp8', codedWidth: VIDEO.width, codedHeight: VIDEO.height }
  for (const [i, c] of chunks.entries()) {
    const data = new Uint8Array(Buffer.from(c.data, 'base64'))
    const packet = new EncodedPacket(
      data,
      c.key ? 'key' : 'delta',
      c.timestampUs / 1e6,
      1 / VIDEO.fps,
    )
    await track.add(packet, i === 0 ? { decoderConfig: config } : undefined)
  }
  await output.finalize()
  return new Uint8Array(output.target.buffer!)
}

const decodeDataUrl = (u: string) => Buffer.from(u.slice(u.indexOf(',') + 1), 'base64')

async function main() {
  const problem = chromiumProblem()
  if (problem) throw new Error(problem)
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
  try {
    // A secure context (WebCodecs needs one) without any server: a routed localhost page.
    const page = await browser.newPage()
    await page.route('http://localhost/make', (r) =>
      r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>make</title>' }),
    )
    await page.goto('http://localhost/make')
    const made = (await page.evaluate(`(${ENCODE})(${JSON.stringify(VIDEO)})`)) as {
      chunks: { timestampUs: number; key: boolean; data: string }[]
      stills: string[]
      slides: string[]
    }
    const webm = await muxWebm(made.chunks)
    fs.mkdirSync(path.dirname(videoFile), { recursive: true })
    fs.writeFileSync(videoFile, webm)
    console.log(
      `wrote ${videoFile}: ${made.chunks.length} frames, ${made.chunks.filter((c) => c.key).length} key frames, ${(webm.length / 1024).toFixed(0)} KiB`,
    )
    fs.mkdirSync(slidesDir, { recursive: true })
    made.slides.forEach((s, i) => {
      const file = path.join(slidesDir, `cangqiong-${i + 1}.png`)
      fs.writeFileSync(file, decodeDataUrl(s))
      console.log(`wrote ${file}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`)
    })
    const stillsDir = process.env.STILLS_DIR
    if (stillsDir) {
      fs.mkdirSync(stillsDir, { recursive: true })
      made.stills.forEach((s, i) =>
        fs.writeFileSync(path.join(stillsDir, `still-${i}.png`), decodeDataUrl(s)),
      )
    }
    await page.close()

    // Play it back: finite duration, seekable to the end, a seek lands where asked.
    const served = await serveFile(videoFile)
    try {
      const check = await browser.newPage({ viewport: { width: 640, height: 360 } })
      await check.goto(`${served.url}/`)
      const result = (await check.evaluate(`(async (src) => {
        const v = document.createElement('video')
        v.muted = true; v.playsInline = true; v.crossOrigin = 'anonymous'; v.preload = 'auto'
        v.style.width = '640px'; v.style.height = '360px'
        document.body.appendChild(v)
        v.src = src
        await new Promise((ok, fail) => { v.onloadedmetadata = ok; v.onerror = () => fail(new Error('load: ' + (v.error && v.error.message))) })
        const duration = v.duration
        await v.play()
        await new Promise((r) => setTimeout(r, 1200))
        const playedTo = v.currentTime
        v.pause()
        const seekStart = performance.now()
        v.currentTime = 13.4
        await new Promise((r) => { v.onseeked = r })
        const seekMs = performance.now() - seekStart
        return { duration, seekableEnd: v.seekable.length ? v.seekable.end(v.seekable.length - 1) : -1, playedTo, afterSeek: v.currentTime, seekMs, w: v.videoWidth, h: v.videoHeight }
      })(${JSON.stringify(`${served.url}/video.webm`)})`)) as Record<string, number>
      console.log('playback check:', JSON.stringify(result))
      if (stillsDir) await check.screenshot({ path: path.join(stillsDir, 'seek-13.4.png') })
      const ok =
        Number.isFinite(result.duration) &&
        Math.abs(result.duration! - VIDEO.seconds) < 0.1 &&
        Math.abs(result.seekableEnd! - result.duration!) < 0.1 &&
        result.playedTo! > 0.5 &&
        Math.abs(result.afterSeek! - 13.4) < 0.05
      if (!ok) throw new Error('the video does not play or seek as it should')
    } finally {
      await served.close()
    }
  } finally {
    await browser.close()
  }
}

await main()
