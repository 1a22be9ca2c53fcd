// Keeps a stage screen's <video> on the host's timeline: given the screen state, server time and
// what the element reports, decides whether to seek, nudge the playback rate, play or pause.
// Pure TypeScript with no DOM access; src/events/videoDriver.ts applies its decisions (every frame,
// and every 100 ms between slow frames).
//
// Policy:
// - The video belongs at screenPosition(state, serverNow) (src/protocol/events.ts).
// - Drift above SEEK_DRIFT (0.2 s: two screens each that close to the timeline, one of them
//   perhaps reading a seek's target a little ahead, stay within the README's half second of each
//   other), a fresh load, or a host seek: seek, aiming a little ahead by the time seeks take on
//   this machine (learned from the last seeks), then wait for the seek to finish before judging
//   again.
// - Smaller drift while playing: playbackRate between 0.95 and 1.05, proportional to the drift,
//   1 inside a small dead band (so the picture does not wobble); audio pitch is kept by the
//   browser (preservesPitch).
// - Paused: the element pauses, and seeks to the exact position when off by more than a frame.
// - Past the end: clamped, not looped. A stage video is a performance: when the host's
//   position runs beyond the file (the host let it end, or the file is shorter than the
//   position a late joiner computes), every screen holds the last frame, paused, until the host
//   seeks or loads something else. `ended` tells the UI.
// - Autoplay: the driver starts muted (always allowed) and unmutes when the page has a user
//   gesture; the controller only says play/pause. See videoDriver.ts for "tap for sound".

import { screenPosition, type ScreenState } from '../protocol/events'

/** What the controller reads from a video element (HTMLMediaElement's fields). */
export interface VideoProbe {
  currentTime: number
  paused: boolean
  /** HTMLMediaElement.readyState: 0 nothing, 1 metadata, 2 current data, 3 future data, 4 enough. */
  readyState: number
  /** Seconds; NaN before metadata, Infinity for a live stream. */
  duration: number
  seeking: boolean
}

export interface SyncDecision {
  /** Set currentTime to this (seconds), or null. */
  seekTo: number | null
  /** The playbackRate to hold. */
  rate: number
  /** Call play() (true), pause() (false) or neither (null). */
  play: boolean | null
  /** Where the video should be now (seconds, clamped to the file). */
  expected: number
  /** currentTime − expected (seconds); 0 while a seek is under way or nothing is loaded. */
  drift: number
  /** The position is at or past the end of the file. */
  ended: boolean
  /**
   * The element's frame may be drawn: since this media loaded it has landed on the timeline
   * (within SEEK_DRIFT) with a frame decoded. Until then the screen keeps its idle picture, so a
   * late joiner never shows the file's first frames or a frame from before its first seek.
   */
  show: boolean
}

/**
 * Drift beyond this is fixed by seeking (s). Under half the bound between any two screens: the
 * host's may be off one way while an attendee's is off the other, or mid-seek a little ahead.
 */
export const SEEK_DRIFT = 0.2
/** Inside this, the rate stays 1 (s). */
export const DEAD_BAND = 0.025
/** Outside this, the rate is corrected; between the two bands the current rate holds. */
const NUDGE_FROM = 0.05
export const MIN_RATE = 0.95
export const MAX_RATE = 1.05
/** Rate change per second of drift: 0.1 s behind plays at 1.05. */
const GAIN = 0.5
/** A paused screen seeks when off by more than this (about a frame). */
const PAUSED_TOLERANCE = 0.05
/** The last frame is at duration minus this (seeking exactly to duration shows nothing). */
const END_MARGIN = 0.05
/** Seek lead: never aim more than this far ahead of the timeline (s). */
const MAX_LEAD = 1.5
/** After a seek, hold off another for this long (ms) unless the drift is gross. */
const SEEK_COOLDOWN_MS = 1200
const GROSS_DRIFT = 2

const HAVE_METADATA = 1
const HAVE_CURRENT_DATA = 2
const HAVE_FUTURE_DATA = 3

export class ScreenSync {
  /** Seconds a seek costs here (learned): aim this far ahead when seeking a playing video. */
  private lead = 0.1
  private rate = 1
  private seekStartedAt = -Infinity
  private seekPending = false
  private measureAfterSeek = false
  /** Whether a playing video has been judged since the load (the first look seeks readily). */
  private judged = false
  /** The screen state last seen, to notice a host's seek or a new media. */
  private lastState: ScreenState | null = null
  /** Whether a frame on the timeline has been shown since the load (see SyncDecision.show). */
  private shown = false

  /** Forget everything: a new media URL (the element reloads). */
  reset(): void {
    this.rate = 1
    this.seekStartedAt = -Infinity
    this.seekPending = false
    this.measureAfterSeek = false
    this.judged = false
    this.lastState = null
    this.shown = false
  }

  /** The learned seek lead (s), for tests and debugging. */
  get seekLead(): number {
    return this.lead
  }

  /**
   * One frame. `serverNow` is server time (ms), `nowMs` a local monotonic time (ms) for the
   * cool-downs. Returns what to do to the element; applying it is the caller's job.
   */
  step(state: ScreenState, serverNow: number, v: VideoProbe, nowMs: number): SyncDecision {
    const hostMoved =
      this.lastState !== null &&
      (this.lastState.position !== state.position ||
        this.lastState.at !== state.at ||
        this.lastState.playing !== state.playing)
    this.lastState = state

    const duration = Number.isFinite(v.duration) && v.duration > 0 ? v.duration : Infinity
    const raw = screenPosition(state, serverNow)
    const end = Math.max(0, duration - END_MARGIN)
    const ended = raw >= end
    const expected = Math.min(raw, end)
    const wantPlaying = state.playing && !ended

    const out: SyncDecision = {
      seekTo: null,
      rate: 1,
      play: null,
      expected,
      drift: 0,
      ended,
      show: this.shown,
    }

    // Nothing to judge before metadata: the first seek happens once the duration is known.
    if (v.readyState < HAVE_METADATA) {
      this.rate = 1
      return out
    }

    // Seeking, or a seek landed but no frame is there yet: wait rather than seek again (a server
    // without byte ranges makes that take a while, and every new seek starts it over).
    if (v.seeking || (this.seekPending && v.readyState < HAVE_CURRENT_DATA)) {
      this.seekPending = true
      out.rate = this.rate = 1
      out.play = wantPlaying ? (v.paused ? true : null) : v.paused ? null : false
      return out
    }
    if (this.seekPending) {
      // The seek finished: what it cost is how far behind the timeline it landed.
      this.seekPending = false
      this.measureAfterSeek = wantPlaying
    }

    const drift = v.currentTime - expected
    out.drift = drift

    if (this.measureAfterSeek && v.readyState >= HAVE_FUTURE_DATA) {
      this.measureAfterSeek = false
      // Landed `drift` off while aiming `lead` ahead: the seek took lead − drift seconds.
      const cost = this.lead - drift
      this.lead = Math.min(MAX_LEAD, Math.max(0, this.lead * 0.5 + cost * 0.5))
    }

    if (!wantPlaying) {
      out.rate = this.rate = 1
      if (!v.paused) out.play = false
      if (Math.abs(drift) > PAUSED_TOLERANCE) {
        out.seekTo = expected
        this.noteSeek(nowMs)
      } else this.showFrom(v, out)
      return out
    }

    if (v.paused) out.play = true

    const cooling = nowMs - this.seekStartedAt < SEEK_COOLDOWN_MS
    const firstLook = !this.judged
    this.judged = true
    if (
      Math.abs(drift) > (cooling ? GROSS_DRIFT : SEEK_DRIFT) ||
      (hostMoved && Math.abs(drift) > NUDGE_FROM) ||
      (firstLook && Math.abs(drift) > NUDGE_FROM)
    ) {
      const target = Math.min(end, expected + this.lead)
      out.seekTo = target
      this.noteSeek(nowMs)
      out.rate = this.rate = 1
      return out
    }

    // Small drift: lean on the playback rate. Hysteresis between DEAD_BAND and NUDGE_FROM.
    const a = Math.abs(drift)
    if (a <= DEAD_BAND) this.rate = 1
    else if (a >= NUDGE_FROM || this.rate !== 1)
      this.rate = Math.min(MAX_RATE, Math.max(MIN_RATE, 1 - drift * GAIN))
    out.rate = this.rate
    if (Math.abs(drift) <= SEEK_DRIFT) this.showFrom(v, out)
    return out
  }

  /** The element holds a frame on the timeline: from now on it may be drawn. */
  private showFrom(v: VideoProbe, out: SyncDecision) {
    if (v.readyState >= HAVE_CURRENT_DATA) out.show = this.shown = true
  }

  private noteSeek(nowMs: number) {
    this.seekStartedAt = nowMs
    this.seekPending = true
  }
}

/** The slide a screen shows: the state's index, clamped to the deck (−1: no slides). */
export function slideIndex(state: ScreenState): number {
  if (state.media?.kind !== 'slides') return -1
  return Math.min(Math.max(0, state.slide), state.media.urls.length - 1)
}
