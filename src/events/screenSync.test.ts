// The screen controller against simulated video elements (load and seek latency, a decoder that
// runs slow, frame-time jitter) and clocks with estimation errors: from the first frame a screen
// shows, the host's and attendees' screens are within 0.5 s of each other (README: "within half
// a second, late joiners included"), and settle much closer.
import { describe, expect, it } from 'vitest'
import type { ScreenState } from '../protocol/events'
import { MAX_RATE, MIN_RATE, ScreenSync, slideIndex, type SyncDecision } from './screenSync'

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A video element as far as the controller cares, on a simulated timeline. */
class FakeVideo {
  currentTime = 0
  paused = true
  readyState = 0
  seeking = false
  playbackRate = 1
  private seekTo = 0
  private seekDoneAt = 0
  private bufferedAt = 0
  constructor(
    public duration: number,
    private readonly loadedAt: number,
    /** How long a seek takes (ms), drawn per seek. */
    private readonly seekMs: () => number,
    /** Real speed of the decoder relative to the wall clock (1: exact). */
    private readonly speed = 1,
    /** Whether the decoder is frozen at this moment (a CPU-starved page). */
    private readonly frozen: (now: number) => boolean = () => false,
  ) {}

  tick(now: number, dt: number) {
    if (this.readyState === 0 && now >= this.loadedAt) this.readyState = 4
    if (this.seeking && now >= this.seekDoneAt) {
      this.seeking = false
      this.currentTime = this.seekTo
      this.readyState = 2
      this.bufferedAt = now + 60
    }
    if (this.readyState === 2 && !this.seeking && now >= this.bufferedAt) this.readyState = 4
    if (!this.paused && !this.seeking && this.readyState >= 3 && !this.frozen(now)) {
      this.currentTime += (dt / 1000) * this.playbackRate * this.speed
      if (this.currentTime >= this.duration) {
        this.currentTime = this.duration
        this.paused = true
      }
    }
  }

  apply(d: SyncDecision, now: number) {
    this.playbackRate = d.rate
    if (d.play === true) this.paused = false
    if (d.play === false) this.paused = true
    if (d.seekTo !== null) {
      // As the HTML spec has it: currentTime reads the new position at once, and playback
      // resumes from it when the seek completes.
      this.seeking = true
      this.seekTo = Math.min(d.seekTo, this.duration)
      this.currentTime = this.seekTo
      this.seekDoneAt = now + this.seekMs()
    }
  }
}

interface Screen {
  video: FakeVideo
  sync: ScreenSync
  /** This page's estimate of server time minus the true server time (ms). */
  clockError: number
  last?: SyncDecision
}

/**
 * Runs screens step by step (about 30 fps, jittered, unless `stepMs` says otherwise) over `ms`,
 * calling `check` after each step.
 */
function run(
  screens: Screen[],
  state: () => ScreenState,
  from: number,
  ms: number,
  check: (t: number) => void,
  r = rng(1),
  stepMs = () => 25 + r() * 20,
) {
  let t = from
  while (t < from + ms) {
    const dt = stepMs()
    t += dt
    for (const s of screens) {
      s.video.tick(t, dt)
      s.last = s.sync.step(state(), t + s.clockError, s.video, t)
      s.video.apply(s.last, t)
    }
    check(t)
  }
  return t
}

const T0 = 1_800_000_000_000
/** The README's bound between any two screens of an event, late joiners included (s). */
const BOUND = 0.5
const video = (url = '/assets/video/cangqiong-stage.webm') => ({ kind: 'video' as const, url })

describe('screen sync', () => {
  it('host and an attendee with opposite clock errors play within 0.5 s from their first frame (0.2 s settled)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed)
      const seek = () => 80 + r() * 300
      const host: Screen = {
        video: new FakeVideo(20, T0 + 100, seek),
        sync: new ScreenSync(),
        clockError: -40,
      }
      const attendee: Screen = {
        video: new FakeVideo(20, T0 + 100 + r() * 800, seek, 0.985 + r() * 0.03),
        sync: new ScreenSync(),
        clockError: 45,
      }
      const state: ScreenState = { media: video(), playing: true, position: 0, at: T0, slide: 0 }
      let worstSettled = 0
      let bothShown = Infinity
      run(
        [host, attendee],
        () => state,
        T0,
        15_000,
        (t) => {
          // Every frame both screens draw counts, from the first one.
          if (!host.last!.show || !attendee.last!.show) return
          bothShown = Math.min(bothShown, t - T0)
          const gap = Math.abs(host.video.currentTime - attendee.video.currentTime)
          expect(gap, `seed ${seed} at ${t - T0} ms`).toBeLessThan(BOUND)
          if (t >= T0 + 4000) worstSettled = Math.max(worstSettled, gap)
        },
        r,
      )
      expect(bothShown, `seed ${seed}`).toBeLessThan(3000)
      // The clocks alone put them 85 ms apart; the rate's dead band lets each drift up to 50 ms.
      expect(worstSettled, `seed ${seed}`).toBeLessThan(0.2)
    }
  })

  it('a late joiner shows its first frame within 0.5 s of the host’s position, and every frame after', () => {
    const r = rng(5)
    const state: ScreenState = { media: video(), playing: true, position: 3, at: T0, slide: 0 }
    // Joins 9.3 s after the host pressed play at 3 s: should be near 12.3 s.
    const joinAt = T0 + 9300
    const late: Screen = {
      video: new FakeVideo(20, joinAt + 300, () => 250 + r() * 150),
      sync: new ScreenSync(),
      clockError: 30,
    }
    let firstShown = Infinity
    run(
      [late],
      () => state,
      joinAt,
      8000,
      (t) => {
        if (!late.last!.show) return
        firstShown = Math.min(firstShown, t - joinAt)
        const truth = 3 + (t - T0) / 1000
        const off = Math.abs(late.video.currentTime - truth)
        expect(off, `${t - joinAt} ms after joining`).toBeLessThan(BOUND)
      },
      r,
    )
    expect(firstShown).toBeLessThan(2000)
    // It learned what its seeks cost.
    expect(late.sync.seekLead).toBeGreaterThan(0.15)
  })

  it('two starved pages (decoders that freeze, a step every 100 ms) stay within 0.5 s of each other', () => {
    // A loaded machine (CI run 31): frames a second apart, decoders that stop now and then. The
    // driver steps on its own 100 ms timer between frames (videoDriver.ts), and each screen seeks
    // once it is a fifth of a second off, so the pair stays inside the half second. Stepping
    // only with 1 s frames puts them 1.56 s apart here; seeking at 0.5 s, 0.61 s.
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(100 + seed)
      const stalls = () => {
        // Freezes of 100–200 ms, starting every 2–4 s.
        const list: [number, number][] = []
        for (let t = T0 + 2000; t < T0 + 20_000; t += 2000 + r() * 2000)
          list.push([t, t + 100 + r() * 100])
        return (now: number) => list.some(([a, b]) => now >= a && now < b)
      }
      const seek = () => 80 + r() * 150
      const host: Screen = {
        video: new FakeVideo(30, T0 + 100, seek, 1, stalls()),
        sync: new ScreenSync(),
        clockError: -40,
      }
      const attendee: Screen = {
        video: new FakeVideo(30, T0 + 100 + r() * 800, seek, 0.99, stalls()),
        sync: new ScreenSync(),
        clockError: 45,
      }
      const state: ScreenState = { media: video(), playing: true, position: 0, at: T0, slide: 0 }
      let worst = 0
      run(
        [host, attendee],
        () => state,
        T0,
        18_000,
        () => {
          if (!host.last!.show || !attendee.last!.show) return
          worst = Math.max(worst, Math.abs(host.video.currentTime - attendee.video.currentTime))
        },
        r,
        () => 95 + r() * 15,
      )
      expect(worst, `seed ${seed}`).toBeLessThan(BOUND)
    }
  })

  it('follows the host’s seek, pause and resume', () => {
    const r = rng(9)
    let state: ScreenState = { media: video(), playing: true, position: 0, at: T0, slide: 0 }
    const a: Screen = {
      video: new FakeVideo(20, T0 + 200, () => 120 + r() * 100),
      sync: new ScreenSync(),
      clockError: -35,
    }
    let t = run(
      [a],
      () => state,
      T0,
      4000,
      () => {},
      r,
    )
    // The host seeks to 14 s.
    state = { ...state, position: 14, at: t }
    t = run(
      [a],
      () => state,
      t,
      1500,
      () => {},
      r,
    )
    expect(Math.abs(a.video.currentTime - (14 + 1.5 - 0.035))).toBeLessThan(0.2)
    // Pauses at 16.2 s.
    state = { ...state, playing: false, position: 16.2, at: t }
    t = run(
      [a],
      () => state,
      t,
      1000,
      () => {},
      r,
    )
    expect(a.video.paused).toBe(true)
    expect(Math.abs(a.video.currentTime - 16.2)).toBeLessThanOrEqual(0.05)
    expect(a.last!.rate).toBe(1)
    // Resumes from 16.2 s.
    state = { ...state, playing: true, at: t }
    const resumedAt = t
    run(
      [a],
      () => state,
      t,
      2000,
      (now) => {
        if (now - resumedAt > 600) {
          const truth = 16.2 + (now - resumedAt) / 1000
          expect(Math.abs(a.video.currentTime - truth)).toBeLessThan(0.5)
        }
      },
      r,
    )
  })

  it('nudges the rate within 0.95–1.05 for small drift and holds 1 when in step', () => {
    const sync = new ScreenSync()
    const state: ScreenState = { media: video(), playing: true, position: 10, at: T0, slide: 0 }
    const probe = { currentTime: 10, paused: false, readyState: 4, duration: 20, seeking: false }
    // First look: in step.
    expect(sync.step(state, T0, probe, 0)).toMatchObject({ seekTo: null, rate: 1, play: null })
    // 0.15 s behind: faster, capped at 1.05; 0.15 s ahead: slower, capped at 0.95.
    const behind = sync.step(state, T0 + 2000, { ...probe, currentTime: 11.85 }, 2000)
    expect(behind.seekTo).toBeNull()
    expect(behind.rate).toBe(MAX_RATE)
    const ahead = sync.step(state, T0 + 3000, { ...probe, currentTime: 13.15 }, 3000)
    expect(ahead.rate).toBe(MIN_RATE)
    // Back inside the dead band: 1.
    const inStep = sync.step(state, T0 + 4000, { ...probe, currentTime: 14.02 }, 4000)
    expect(inStep.rate).toBe(1)
    // 0.3 s off: a seek (each screen within a fifth of a second keeps any two within half).
    const far = sync.step(state, T0 + 9000, { ...probe, currentTime: 18.7 }, 9000)
    expect(far.seekTo).not.toBeNull()
    expect(far.seekTo!).toBeGreaterThanOrEqual(19)
  })

  it('clamps past the end: holds the last frame, paused, ended (no loop)', () => {
    const sync = new ScreenSync()
    // A late joiner's position is 31 s into a 20 s video.
    const state: ScreenState = { media: video(), playing: true, position: 25, at: T0, slide: 0 }
    const d = sync.step(
      state,
      T0 + 6000,
      { currentTime: 0, paused: true, readyState: 4, duration: 20, seeking: false },
      0,
    )
    expect(d.ended).toBe(true)
    expect(d.expected).toBeCloseTo(19.95)
    expect(d.seekTo).toBeCloseTo(19.95)
    expect(d.play).toBeNull() // already paused; never play
    const playing = sync.step(
      state,
      T0 + 7000,
      { currentTime: 19.95, paused: false, readyState: 4, duration: 20, seeking: false },
      1000,
    )
    expect(playing.play).toBe(false)
  })

  it('waits for metadata, and does not stack seeks while one is under way', () => {
    const sync = new ScreenSync()
    const state: ScreenState = { media: video(), playing: true, position: 5, at: T0, slide: 0 }
    const none = sync.step(
      state,
      T0,
      { currentTime: 0, paused: true, readyState: 0, duration: NaN, seeking: false },
      0,
    )
    expect(none).toMatchObject({ seekTo: null, play: null })
    const first = sync.step(
      state,
      T0 + 100,
      { currentTime: 0, paused: true, readyState: 1, duration: 20, seeking: false },
      100,
    )
    expect(first.seekTo).not.toBeNull()
    expect(first.play).toBe(true)
    const during = sync.step(
      state,
      T0 + 400,
      { currentTime: 0, paused: false, readyState: 1, duration: 20, seeking: true },
      400,
    )
    expect(during.seekTo).toBeNull()
  })

  it('shows the slide the host chose, clamped to the deck', () => {
    const slides = (n: number, slide: number): ScreenState => ({
      media: {
        kind: 'slides',
        urls: Array.from({ length: n }, (_, i) => `/assets/slides/${i}.png`),
      },
      playing: false,
      position: 0,
      at: 0,
      slide,
    })
    expect(slideIndex(slides(4, 2))).toBe(2)
    expect(slideIndex(slides(4, 9))).toBe(3)
    expect(slideIndex({ ...slides(1, 0), media: video() })).toBe(-1)
  })
})
