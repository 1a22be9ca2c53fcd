// Spatial audio for voice (lazy chunk, with src/voice/media.ts): one AudioContext, and per voice
// MediaStreamAudioSourceNode → GainNode (the visitor's volume for that person, 0 when blocked)
// → PannerNode (HRTF, linear fade to silence at the radius: src/voice/spatial.ts) → master →
// speakers. The listener stands at the local avatar's head and faces where the camera looks;
// each panner follows its avatar, every frame, without allocating. Analysers give the speaking
// level of each voice (before its gain) and what the visitor hears of it (after its panner).
import { remotes } from '../net/remotes'
import { localMotion } from '../state/player'
import type { Measure } from './frame'
import { pannerOptions } from './spatial'
import { useVoice, volumeOf } from './store'

/** Height of the mouth and ears above an avatar's feet, metres. */
export const HEAD_HEIGHT = 1.6
/** RMS (of samples in −1…1) above which a voice counts as speaking: about −36 dBFS. */
export const SPEAKING_RMS = 0.016

/** An analyser and the buffers it is read into (allocated once). */
class Meter {
  readonly node: AnalyserNode
  private readonly time: Float32Array<ArrayBuffer>
  private readonly freq: Float32Array<ArrayBuffer>

  constructor(ctx: BaseAudioContext, fftSize: number) {
    this.node = new AnalyserNode(ctx, { fftSize, smoothingTimeConstant: 0.2 })
    this.time = new Float32Array(fftSize)
    this.freq = new Float32Array(fftSize / 2)
  }

  rms(): number {
    this.node.getFloatTimeDomainData(this.time)
    let sum = 0
    for (let i = 0; i < this.time.length; i++) sum += this.time[i]! * this.time[i]!
    return Math.sqrt(sum / this.time.length)
  }

  measure(): Measure {
    const rms = this.rms()
    this.node.getFloatFrequencyData(this.freq)
    let best = 1
    for (let i = 2; i < this.freq.length; i++) if (this.freq[i]! > this.freq[best]!) best = i
    return { rms, peakHz: (best * this.node.context.sampleRate) / this.node.fftSize }
  }

  disconnect() {
    this.node.disconnect()
  }
}

/** One received voice and its nodes. */
export interface Voice {
  /** The speaker's session id and publisher id. */
  readonly id: string
  readonly feed: number
  /** The transceiver (m-line) of the subscription it arrives on. */
  readonly mid: string
  readonly track: MediaStreamTrack
  readonly element: HTMLAudioElement
  readonly source: MediaStreamAudioSourceNode
  readonly level: Meter
  readonly gain: GainNode
  readonly panner: PannerNode
  readonly heard: Meter
  /** The gain set last (so the frame loop writes the AudioParam only on a change). */
  volume: number
}

export class VoiceMixer {
  readonly master: GainNode
  private readonly mixMeter: Meter
  private micMeter: Meter | null = null
  private micSource: MediaStreamAudioSourceNode | null = null
  /** Every voice, in an array so the frame loop walks it without an iterator. */
  private list: Voice[] = []

  constructor(
    readonly ctx: AudioContext,
    private radius: number,
  ) {
    this.master = new GainNode(ctx)
    this.master.connect(ctx.destination)
    this.mixMeter = new Meter(ctx, 2048)
    this.master.connect(this.mixMeter.node)
  }

  get voices(): readonly Voice[] {
    return this.list
  }

  /** The microphone's level is measured for the visitor's own speaking ring (never played). */
  setMic(stream: MediaStream | null) {
    this.micSource?.disconnect()
    this.micMeter?.disconnect()
    this.micSource = null
    this.micMeter = null
    if (!stream) return
    this.micSource = this.ctx.createMediaStreamSource(stream)
    this.micMeter = new Meter(this.ctx, 512)
    this.micSource.connect(this.micMeter.node)
  }

  setRadius(radius: number) {
    this.radius = radius
    const o = pannerOptions(radius)
    for (const v of this.list) v.panner.maxDistance = o.maxDistance
  }

  add(id: string, feed: number, mid: string, track: MediaStreamTrack): Voice {
    const stream = new MediaStream([track])
    // Chromium gives WebAudio silence from a remote WebRTC track unless a media element also
    // plays it; muted, so only the spatial path is heard.
    const element = new Audio()
    element.muted = true
    element.srcObject = stream
    element.play().catch(() => {})
    const ctx = this.ctx
    const source = ctx.createMediaStreamSource(stream)
    const level = new Meter(ctx, 512)
    const volume = volumeOf(useVoice.getState(), id)
    const gain = new GainNode(ctx, { gain: volume })
    const panner = new PannerNode(ctx, pannerOptions(this.radius))
    const heard = new Meter(ctx, 2048)
    source.connect(level.node)
    source.connect(gain).connect(panner).connect(this.master)
    panner.connect(heard.node)
    const voice: Voice = {
      id,
      feed,
      mid,
      track,
      element,
      source,
      level,
      gain,
      panner,
      heard,
      volume,
    }
    this.place(voice)
    this.list = [...this.list, voice]
    return voice
  }

  remove(voice: Voice) {
    this.list = this.list.filter((v) => v !== voice)
    voice.source.disconnect()
    voice.gain.disconnect()
    voice.panner.disconnect()
    voice.level.disconnect()
    voice.heard.disconnect()
    voice.element.srcObject = null
  }

  clear() {
    for (const v of this.list) this.remove(v)
  }

  /** Puts a voice's panner where its avatar is (it stays put while the avatar is out of view). */
  private place(v: Voice) {
    const m = remotes.get(v.id)?.motion
    if (!m) return
    v.panner.positionX.value = m.x
    v.panner.positionY.value = m.y + HEAD_HEIGHT
    v.panner.positionZ.value = m.z
  }

  /** Each frame: the listener at the avatar's head facing along the camera; panners follow. */
  frame(fx: number, fy: number, fz: number, ux: number, uy: number, uz: number) {
    const l = this.ctx.listener
    const x = localMotion.x
    const y = localMotion.y + HEAD_HEIGHT
    const z = localMotion.z
    if (l.positionX) {
      l.positionX.value = x
      l.positionY.value = y
      l.positionZ.value = z
      l.forwardX.value = fx
      l.forwardY.value = fy
      l.forwardZ.value = fz
      l.upX.value = ux
      l.upY.value = uy
      l.upZ.value = uz
    } else {
      // Browsers without the listener's AudioParams (older Firefox).
      l.setPosition(x, y, z)
      l.setOrientation(fx, fy, fz, ux, uy, uz)
    }
    const s = useVoice.getState()
    const list = this.list
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!
      this.place(v)
      const volume = volumeOf(s, v.id)
      if (volume !== v.volume) {
        v.volume = volume
        v.gain.gain.value = volume
      }
    }
  }

  /** Who speaks now: voices by their own level, and `self` when the microphone sends. */
  speaking(self: string, micOpen: boolean): string[] {
    const ids: string[] = []
    for (const v of this.list) if (v.level.rms() > SPEAKING_RMS) ids.push(v.id)
    if (micOpen && this.micMeter && this.micMeter.rms() > SPEAKING_RMS) ids.push(self)
    return ids.sort()
  }

  /**
   * How loud each voice is now, 0–1 (the microphone's under `self` when it sends), for mouths
   * that move with it.
   */
  levels(self: string, micOpen: boolean, into: Map<string, number>): void {
    into.clear()
    const scale = (rms: number) => Math.min(1, Math.max(0, (rms - SPEAKING_RMS) * 8))
    for (const v of this.list) into.set(v.id, scale(v.level.rms()))
    if (micOpen && this.micMeter) into.set(self, scale(this.micMeter.rms()))
  }

  heard(id: string): Measure | null {
    const v = this.list.find((x) => x.id === id)
    return v ? v.heard.measure() : null
  }

  mix(): Measure {
    return this.mixMeter.measure()
  }

  close() {
    this.clear()
    this.setMic(null)
    this.master.disconnect()
    this.mixMeter.disconnect()
  }
}
