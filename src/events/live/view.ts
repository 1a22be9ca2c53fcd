// The live stage on a screen (stage chunk): a muted <video> playing the received MediaStream as
// a VideoTexture, and the stage's sound through WebAudio from the screen: source → gain
// (dbGain of the host's level) → PannerNode at the picture ('linear' distance model, full level
// within STAGE.fullLevelWithin, silence at STAGE.radius) → speakers, with analysers on what
// arrives and on what the visitor hears. The listener follows the visitor's head and camera.
import { NearestFilter, SRGBColorSpace, VideoTexture } from 'three'
import { STAGE, dbGain } from '../../protocol/stage'
import { activeVideo, useStageSound } from '../videoDriver'

/** What the live screen does (read by window.__cq.stage). */
export const liveProbe = {
  /** The screen draws the live video now. */
  shown: false,
  /** Scene frames drawn with the live texture since the feed arrived. */
  drawn: 0,
  /** Video frames decoded from the feed (requestVideoFrameCallback). */
  frames: 0,
  width: 0,
  height: 0,
}

export interface Measure {
  rms: number
  peakHz: number
}

/** An analyser and its buffers (allocated once). */
class Meter {
  readonly node: AnalyserNode
  private readonly time: Float32Array<ArrayBuffer>
  private readonly freq: Float32Array<ArrayBuffer>

  constructor(ctx: BaseAudioContext) {
    this.node = new AnalyserNode(ctx, { fftSize: 2048, smoothingTimeConstant: 0.2 })
    this.time = new Float32Array(2048)
    this.freq = new Float32Array(1024)
  }

  measure(): Measure {
    this.node.getFloatTimeDomainData(this.time)
    let sum = 0
    for (let i = 0; i < this.time.length; i++) sum += this.time[i]! * this.time[i]!
    this.node.getFloatFrequencyData(this.freq)
    let best = 1
    for (let i = 2; i < this.freq.length; i++) if (this.freq[i]! > this.freq[best]!) best = i
    return {
      rms: Math.sqrt(sum / this.time.length),
      peakHz: (best * this.node.context.sampleRate) / this.node.fftSize,
    }
  }
}

/** One AudioContext for the stage, made on the first live sound and kept for the page. */
let stageCtx: AudioContext | null = null

interface Sound {
  element: HTMLAudioElement
  source: MediaStreamAudioSourceNode
  gain: GainNode
  panner: PannerNode
  received: Meter
  heard: Meter
  db: number
}

let readback: CanvasRenderingContext2D | null = null

export class LiveView {
  readonly video: HTMLVideoElement
  readonly texture: VideoTexture
  private sound: Sound | null = null
  private disposed = false

  /**
   * `audible`: false for the publisher's own preview (hearing oneself from the stage would
   * feed back into the microphone).
   */
  constructor(
    readonly stream: MediaStream,
    pixelated: boolean,
    at: readonly [number, number, number],
    audible: boolean,
  ) {
    const v = document.createElement('video')
    v.muted = true
    v.playsInline = true
    v.autoplay = true
    v.srcObject = stream
    v.play().catch(() => {})
    this.video = v
    this.texture = new VideoTexture(v)
    this.texture.colorSpace = SRGBColorSpace
    if (pixelated) this.texture.magFilter = NearestFilter
    liveProbe.drawn = liveProbe.frames = 0
    const count = () => {
      if (this.disposed) return
      liveProbe.frames++
      liveProbe.width = v.videoWidth
      liveProbe.height = v.videoHeight
      v.requestVideoFrameCallback(count)
    }
    if ('requestVideoFrameCallback' in v) v.requestVideoFrameCallback(count)
    if (audible && stream.getAudioTracks().length > 0) this.sound = this.makeSound(at)
  }

  /** A frame of the video is there to draw. */
  get ready(): boolean {
    return this.video.readyState >= 2 && this.stream.getVideoTracks().length > 0
  }

  private makeSound(at: readonly [number, number, number]): Sound {
    stageCtx ??= new AudioContext()
    const ctx = stageCtx
    // Chromium gives WebAudio silence from a remote WebRTC track unless an element plays it too.
    const element = new Audio()
    element.muted = true
    element.srcObject = this.stream
    element.play().catch(() => {})
    const source = ctx.createMediaStreamSource(this.stream)
    const received = new Meter(ctx)
    const gain = new GainNode(ctx, { gain: dbGain(STAGE.levelDb.default) })
    const panner = new PannerNode(ctx, {
      panningModel: 'equalpower',
      distanceModel: 'linear',
      refDistance: STAGE.fullLevelWithin,
      maxDistance: STAGE.radius,
      rolloffFactor: 1,
      positionX: at[0],
      positionY: at[1],
      positionZ: at[2],
    })
    const heard = new Meter(ctx)
    source.connect(received.node)
    source.connect(gain).connect(panner).connect(ctx.destination)
    panner.connect(heard.node)
    if (ctx.state !== 'running') {
      // Without a gesture behind it the context stays suspended: ask for a tap, as the file does.
      const before = useStageSound.getState().unmute
      const unmute = () => {
        ctx.resume().catch(() => {})
        before?.()
        useStageSound.setState({ needsTap: false })
      }
      useStageSound.setState({ needsTap: true, unmute })
      ctx
        .resume()
        .then(() => {
          // Allowed after all (an earlier gesture): the file's own need for a tap stays.
          if (ctx.state === 'running' && useStageSound.getState().unmute === unmute)
            useStageSound.setState({ needsTap: activeVideo?.muted ?? false, unmute: before })
        })
        .catch(() => {})
    }
    return { element, source, gain, panner, received, heard, db: STAGE.levelDb.default }
  }

  /** Each frame: the listener at the visitor's head facing the camera's way, the stage level. */
  frame(x: number, y: number, z: number, fx: number, fy: number, fz: number, levelDb: number) {
    const s = this.sound
    if (!s) return
    const l = s.panner.context.listener
    if (l.positionX) {
      l.positionX.value = x
      l.positionY.value = y
      l.positionZ.value = z
      l.forwardX.value = fx
      l.forwardY.value = fy
      l.forwardZ.value = fz
      l.upX.value = 0
      l.upY.value = 1
      l.upZ.value = 0
    } else {
      l.setPosition(x, y, z)
      l.setOrientation(fx, fy, fz, 0, 1, 0)
    }
    if (levelDb !== s.db) {
      s.db = levelDb
      s.gain.gain.value = dbGain(levelDb)
    }
  }

  /** The stage's sound as it arrives and as the visitor hears it (null: no sound). */
  measure(): { received: Measure; heard: Measure; running: boolean } | null {
    const s = this.sound
    if (!s) return null
    return {
      received: s.received.measure(),
      heard: s.heard.measure(),
      running: s.panner.context.state === 'running',
    }
  }

  /** The mean colour (0…255) of a small readback of the received video, or null. */
  colour(): { r: number; g: number; b: number } | null {
    if (!this.ready) return null
    readback ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true })
    if (!readback) return null
    const w = 32
    const h = 18
    readback.canvas.width = w
    readback.canvas.height = h
    readback.drawImage(this.video, 0, 0, w, h)
    const px = readback.getImageData(0, 0, w, h).data
    let r = 0
    let g = 0
    let b = 0
    for (let i = 0; i < px.length; i += 4) {
      r += px[i]!
      g += px[i + 1]!
      b += px[i + 2]!
    }
    const n = px.length / 4
    return { r: r / n, g: g / n, b: b / n }
  }

  dispose() {
    this.disposed = true
    liveProbe.shown = false
    const s = this.sound
    if (s) {
      s.source.disconnect()
      s.gain.disconnect()
      s.panner.disconnect()
      s.received.node.disconnect()
      s.heard.node.disconnect()
      s.element.srcObject = null
    }
    this.sound = null
    this.video.pause()
    this.video.srcObject = null
    this.texture.dispose()
  }
}

/** The live view on the attended stage's screen now, for the test hooks. */
export const liveViews: { current: LiveView | null } = { current: null }
