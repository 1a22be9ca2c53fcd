import { describe, expect, it } from 'vitest'
import { EMPTY_LIVE, STAGE } from '../../protocol/stage'
import {
  WATCH_MAX_TRIES,
  WATCH_OFF,
  backoffMs,
  cameraConstraints,
  deviceProblem,
  onAir,
  readPublishTicket,
  readWatchTicket,
  renewDelay,
  stageError,
  wantsToWatch,
  watchStep,
  type WatchEvent,
  type WatchState,
} from './wire'

const publish = {
  url: 'ws://127.0.0.1:18188/',
  room: 5678,
  token: '1700000600,janus,janus.plugin.videoroom:abc=',
  expires: 1_700_000_600_000,
  pass: 'p-1',
  feed: 4_000_000_000,
}
const watch = {
  url: 'wss://media.example.org/janus',
  mountpoint: 42,
  pin: 'pin-1',
  token: '1700000600,janus,janus.plugin.streaming:abc=',
  expires: 1_700_000_600_000,
}

describe('tickets', () => {
  it('takes well-formed tickets as they are', () => {
    expect(readPublishTicket(publish)).toEqual(publish)
    expect(readWatchTicket(watch)).toEqual(watch)
  })

  it.each([
    ['no object', null],
    ['an http url', { ...publish, url: 'http://127.0.0.1:18188' }],
    ['a fractional room', { ...publish, room: 1.5 }],
    ['a huge token', { ...publish, token: 'x'.repeat(2000) }],
    ['no pass', { ...publish, pass: '' }],
    ['a feed beyond uint32', { ...publish, feed: 2 ** 32 }],
    ['no expiry', { ...publish, expires: Number.NaN }],
  ])('refuses a publish ticket with %s, saying why', (_, bad) => {
    expect(typeof readPublishTicket(bad)).toBe('string')
  })

  it.each([
    ['no object', 'x'],
    ['a javascript url', { ...watch, url: 'javascript:alert(1)' }],
    ['no mountpoint', { ...watch, mountpoint: 0 }],
    ['a pin that is no string', { ...watch, pin: 7 }],
    ['an empty token', { ...watch, token: '' }],
  ])('refuses a watch ticket with %s, saying why', (_, bad) => {
    expect(typeof readWatchTicket(bad)).toBe('string')
  })
})

describe('renewDelay', () => {
  const now = 1_000_000
  it('renews renewBeforeSeconds before the token expires, at least a second from now', () => {
    expect(renewDelay(now + STAGE.tokenSeconds * 1000, now)).toBe(
      (STAGE.tokenSeconds - STAGE.renewBeforeSeconds) * 1000,
    )
    expect(renewDelay(now - 1, now)).toBe(1000)
    expect(renewDelay(now + 1e12, now)).toBe(STAGE.tokenSeconds * 1000)
  })
})

describe('stageError', () => {
  it('sorts stage errors by the request they answer and leaves others alone', () => {
    expect(stageError({ code: 'stage_off', type: 'stage.watch', message: 'nobody' })).toEqual({
      to: 'watch',
      code: 'stage_off',
      message: 'nobody',
    })
    expect(stageError({ code: 'stage_busy', type: 'stage.golive', message: 'busy' })?.to).toBe(
      'publish',
    )
    expect(stageError({ code: 'not_allowed', type: 'stage.level', message: 'no' })?.to).toBe(
      'control',
    )
    expect(stageError({ code: 'not_allowed', type: 'event.screen', message: 'no' })).toBeNull()
    expect(stageError({ code: 'rate_limited', message: 'slow' })).toBeNull()
  })
  it('bounds what it shows of a server message', () => {
    const e = stageError({ code: 'stage_off', type: 'stage.watch', message: 'x'.repeat(5000) })
    expect(e!.message.length).toBeLessThanOrEqual(301)
  })
})

describe('deviceProblem', () => {
  const err = (name: string) => Object.assign(new Error('x'), { name })
  it('says what a refused or missing device means', () => {
    expect(deviceProblem(err('NotAllowedError'))).toBe('stage.err.denied')
    expect(deviceProblem(err('NotFoundError'))).toBe('stage.err.missing')
    expect(deviceProblem(err('NotReadableError'))).toBe('stage.err.busy')
    expect(deviceProblem(new Error('stage.err.noScreen'))).toBe('stage.err.noScreen')
    expect(deviceProblem(new Error('odd'))).toBe('odd')
  })
  it('asks the camera for no more than a publisher may send', () => {
    expect(cameraConstraints()).toMatchObject({
      width: { max: STAGE.video.width },
      height: { max: STAGE.video.height },
      frameRate: { max: STAGE.video.fps },
    })
  })
})

describe('who watches', () => {
  const on = { ...EMPTY_LIVE, on: true, by: { address: '0xabc', name: 'Ada' } }
  const w = { inEvent: true, live: on, publishing: false, roomOpen: true }
  it('watches while someone else is on air, in the event, connected', () => {
    expect(wantsToWatch(w)).toBe(true)
    expect(wantsToWatch({ ...w, live: EMPTY_LIVE })).toBe(false)
    expect(wantsToWatch({ ...w, publishing: true })).toBe(false)
    expect(wantsToWatch({ ...w, roomOpen: false })).toBe(false)
    expect(wantsToWatch({ ...w, inEvent: false })).toBe(false)
  })
  it('names who is on stage only while on air', () => {
    expect(onAir(on)).toEqual({ name: 'Ada', video: 'none', audio: false })
    expect(onAir({ ...on, on: false })).toBeNull()
  })
})

describe('the watcher', () => {
  const run = (events: WatchEvent[], from: WatchState = WATCH_OFF) => {
    let s = from
    const done: string[] = []
    for (const ev of events) {
      const r = watchStep(s, ev, 0.5)
      s = r.next
      for (const e of r.effects) done.push(e.do === 'retry' ? `retry ${e.inMs}` : e.do)
    }
    return { s, done }
  }

  it('asks, connects on the ticket and is live once media arrives', () => {
    const { s, done } = run([
      { type: 'want', on: true, since: 10 },
      { type: 'ticket' },
      { type: 'media' },
    ])
    expect(s).toMatchObject({ phase: 'live', tries: 0, why: null, since: 10 })
    expect(done).toEqual(['stop', 'ask', 'connect'])
  })

  it('ignores a ticket it did not ask for, and media of a stopped watch', () => {
    expect(run([{ type: 'ticket' }]).done).toEqual([])
    expect(run([{ type: 'media' }]).s.phase).toBe('off')
  })

  it('after a loss fails with the reason, then asks again with a growing backoff', () => {
    const { s, done } = run([
      { type: 'want', on: true, since: 1 },
      { type: 'ticket' },
      { type: 'media' },
      { type: 'lost', why: 'the host took over' },
    ])
    expect(s).toMatchObject({ phase: 'failed', why: 'the host took over', tries: 1 })
    expect(done.slice(-2)).toEqual(['stop', 'retry 500'])
    const again = run([{ type: 'retry' }, { type: 'lost', why: 'stage_off' }], s)
    expect(again.done).toEqual(['ask', 'stop', 'retry 1000'])
    expect(again.s.tries).toBe(2)
  })

  it('backs off to at most 30 s, spread around the step', () => {
    expect(backoffMs(1, 0.5)).toBe(500)
    expect(backoffMs(20, 0.5)).toBe(30_000)
    expect(backoffMs(3, 0)).toBe(1500)
    expect(backoffMs(3, 1)).toBe(2500)
  })

  it('gives up after WATCH_MAX_TRIES failures in a row, until a new broadcast', () => {
    let s: WatchState = run([{ type: 'want', on: true, since: 1 }]).s
    for (let i = 0; i < WATCH_MAX_TRIES + 1; i++) {
      s = watchStep(s, { type: 'lost', why: 'gone' }).next
      s = watchStep(s, { type: 'retry' }).next
    }
    expect(s).toMatchObject({ phase: 'failed', tries: WATCH_MAX_TRIES + 1 })
    expect(watchStep(s, { type: 'retry' }).effects).toEqual([])
    expect(watchStep(s, { type: 'want', on: true, since: 1 }).effects).toEqual([])
    expect(watchStep(s, { type: 'want', on: true, since: 2 }).next).toMatchObject({
      phase: 'watching',
      tries: 0,
    })
  })

  it('stops when watching is no longer wanted, whatever it was doing', () => {
    for (const from of [
      run([{ type: 'want', on: true, since: 1 }]).s,
      run([{ type: 'want', on: true, since: 1 }, { type: 'ticket' }, { type: 'media' }]).s,
      run([
        { type: 'want', on: true, since: 1 },
        { type: 'lost', why: 'x' },
      ]).s,
    ]) {
      const r = watchStep(from, { type: 'want', on: false, since: 0 })
      expect(r.next).toEqual(WATCH_OFF)
      expect(r.effects).toEqual([{ do: 'stop' }])
    }
    // A retry timer that fires after that does nothing.
    expect(watchStep(WATCH_OFF, { type: 'retry' }).effects).toEqual([])
  })

  it('a loss while off or already failed changes nothing', () => {
    expect(watchStep(WATCH_OFF, { type: 'lost', why: 'x' }).effects).toEqual([])
  })
})
