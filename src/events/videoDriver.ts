// Owns a stage screen's hidden <video> element and applies ScreenSync's decisions to it once a
// frame, and between frames when they come slowly (a weak GPU draws a frame a second, and the
// sound must stay on the host's timeline all the same): seeks, playback rate, play and pause.
// Handles autoplay refusal by playing muted and asking for a tap (useStageSound.needsTap, shown
// by TapForSound). Browser only; no React state per frame: what the screen does now is mirrored
// into `screenProbe` for tests and the HUD.
import { create } from 'zustand'
import type { ScreenState } from '../protocol/events'
import { ScreenSync, type SyncDecision } from './screenSync'

/** Whether the stage's video plays muted because the browser wants a gesture first. */
export const useStageSound = create<{ needsTap: boolean; unmute: (() => void) | null }>(() => ({
  needsTap: false,
  unmute: null,
}))

/** What the screen shows now (mutated every frame; read by window.__cq.event.screen()). */
export const screenProbe = {
  url: null as string | null,
  mediaTime: 0,
  paused: true,
  expected: 0,
  drift: 0,
  readyState: 0,
  ended: false,
  muted: true,
  rate: 1,
  slide: -1,
  /** The current slide's picture: drawn, still loading (idle card) or failed (a card says so). */
  slideState: 'none' as 'none' | 'loading' | 'shown' | 'failed',
  /** The screen draws the video's frame now (not the idle picture). */
  shown: false,
  /** The first frame drawn since the load: media time, where it belonged, Date.now() (ms). */
  firstShown: null as { mediaTime: number; expected: number; wall: number } | null,
}

/** The element of the screen that plays now, for live reads between frames (test hooks). */
export let activeVideo: HTMLVideoElement | null = null

/** Whether the page has had a user gesture (so unmuted playback may start). */
function hasGesture(): boolean {
  const ua = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } })
    .userActivation
  return ua?.hasBeenActive ?? false
}

/** Steps apart (ms) beyond which the driver steps on a timer of its own, not only per frame. */
const STEP_EVERY_MS = 100

export class VideoDriver {
  readonly video: HTMLVideoElement
  private readonly sync = new ScreenSync()
  private playing: Promise<void> | null = null
  private rate = 1
  private lastStep = -Infinity
  private timer: ReturnType<typeof setInterval> | null = null
  last: SyncDecision | null = null
  /** The screen may draw the element's frame (ScreenSync's `show`, with a frame decoded). */
  shown = false

  constructor(readonly url: string) {
    const v = document.createElement('video')
    v.crossOrigin = 'anonymous'
    v.playsInline = true
    v.preload = 'auto'
    v.loop = false
    // Muted playback is always allowed; with a gesture behind us, try with sound.
    v.muted = !hasGesture()
    v.src = url
    this.video = v
    activeVideo = v
    screenProbe.url = url
    screenProbe.muted = v.muted
    screenProbe.shown = false
    screenProbe.firstShown = null
    useStageSound.setState({ needsTap: v.muted, unmute: () => this.unmute() })
  }

  /**
   * Keeps stepping between frames: whenever no frame stepped for STEP_EVERY_MS, `screen()`'s
   * state (null: nothing to play now) is applied on a timer. Until dispose().
   */
  keepInStep(screen: () => ScreenState | null, serverNow: () => number): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = setInterval(() => {
      const now = performance.now()
      if (now - this.lastStep < STEP_EVERY_MS) return
      const state = screen()
      if (state) this.frame(state, serverNow(), now)
    }, STEP_EVERY_MS)
  }

  /** One frame: bring the element to where the screen state says it should be. */
  frame(state: ScreenState, serverNow: number, nowMs: number): void {
    this.lastStep = nowMs
    const v = this.video
    const d = this.sync.step(state, serverNow, v, nowMs)
    this.last = d
    if (d.seekTo !== null && Number.isFinite(d.seekTo)) v.currentTime = d.seekTo
    if (d.rate !== this.rate) {
      this.rate = d.rate
      v.playbackRate = d.rate
    }
    if (d.play === true && !this.playing) this.play()
    else if (d.play === false && !v.paused) v.pause()
    this.shown = d.show && v.readyState >= 2
    if (this.shown && !screenProbe.firstShown)
      screenProbe.firstShown = { mediaTime: v.currentTime, expected: d.expected, wall: Date.now() }
    screenProbe.shown = this.shown
    screenProbe.mediaTime = v.currentTime
    screenProbe.paused = v.paused
    screenProbe.expected = d.expected
    screenProbe.drift = d.drift
    screenProbe.readyState = v.readyState
    screenProbe.ended = d.ended
    screenProbe.muted = v.muted
    screenProbe.rate = d.rate
  }

  private play() {
    const v = this.video
    this.playing = v
      .play()
      .catch((err: unknown) => {
        // Refused with sound: play muted and let the visitor turn the sound on.
        if (err instanceof DOMException && err.name === 'NotAllowedError' && !v.muted) {
          v.muted = true
          useStageSound.setState({ needsTap: true })
        }
      })
      .finally(() => {
        this.playing = null
      })
  }

  /** From a click or tap: sound on. */
  unmute(): void {
    const v = this.video
    v.muted = false
    useStageSound.setState({ needsTap: false })
    if (!v.paused || this.last?.play === true) void v.play().catch(() => {})
  }

  /** Loudness by distance from the screen (m): full within 12 m, silent beyond 60 m. */
  setDistance(m: number): void {
    const volume = Math.min(1, Math.max(0, 1 - (m - 12) / 48))
    if (Math.abs(this.video.volume - volume) > 0.02) this.video.volume = volume
  }

  dispose(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    const v = this.video
    v.pause()
    v.removeAttribute('src')
    v.load()
    if (activeVideo === v) activeVideo = null
    if (screenProbe.url === this.url) {
      screenProbe.url = null
      screenProbe.readyState = 0
      screenProbe.shown = false
    }
    useStageSound.setState({ needsTap: false, unmute: null })
  }
}
