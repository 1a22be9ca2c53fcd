import { describe, expect, it } from 'vitest'
import { VOICE } from '../protocol/voice'
import { NO_JANUS } from './store'
import { readSeats, readTicket, renewDelay, sameSeats, voiceError } from './wire'

const ticket = {
  url: 'ws://127.0.0.1:18188/',
  room: 1234,
  token: '1700000600,janus,janus.plugin.videoroom:abc=',
  expires: 1_700_000_600_000,
  pass: 'p-123',
  feed: 4_000_000_000,
  radius: 20,
  cap: 8,
}

describe('readTicket', () => {
  it('takes a well-formed ticket as it is', () => {
    expect(readTicket(ticket)).toEqual(ticket)
    expect(readTicket({ ...ticket, url: 'wss://voice.example.org/janus' })).toMatchObject({
      url: 'wss://voice.example.org/janus',
    })
  })

  it.each([
    ['no object', null],
    ['an http url', { ...ticket, url: 'http://127.0.0.1:18188' }],
    ['no url', { ...ticket, url: 'not a url' }],
    ['a fractional room', { ...ticket, room: 1.5 }],
    ['an empty token', { ...ticket, token: '' }],
    ['a huge token', { ...ticket, token: 'x'.repeat(2000) }],
    ['no pass', { ...ticket, pass: 7 }],
    ['a feed of 0', { ...ticket, feed: 0 }],
    ['a feed beyond uint32', { ...ticket, feed: 2 ** 32 }],
    ['a negative radius', { ...ticket, radius: -1 }],
    ['a cap of 0', { ...ticket, cap: 0 }],
    ['no expiry', { ...ticket, expires: Number.NaN }],
  ])('refuses %s with a reason', (_, bad) => {
    expect(typeof readTicket(bad)).toBe('string')
  })
})

describe('renewDelay', () => {
  const now = 1_000_000
  it('renews renewBeforeSeconds before the token expires', () => {
    const expires = now + VOICE.tokenSeconds * 1000
    expect(renewDelay(expires, now)).toBe((VOICE.tokenSeconds - VOICE.renewBeforeSeconds) * 1000)
  })
  it('renews within a second when the token is (nearly) expired', () => {
    expect(renewDelay(now + 5_000, now)).toBe(1000)
    expect(renewDelay(now - 60_000, now)).toBe(1000)
  })
  it('waits no longer than a whole token life, whatever the expiry says', () => {
    expect(renewDelay(now + 1e12, now)).toBe(VOICE.tokenSeconds * 1000)
  })
})

describe('readSeats', () => {
  const map = (entries: [string, unknown][]) => ({
    forEach(fn: (seat: { feed: number; muted: boolean }, id: string) => void) {
      for (const [id, seat] of entries) fn(seat as { feed: number; muted: boolean }, id)
    },
  })

  it('reads the voice map by session id and leaves out feeds that make no sense', () => {
    const seats = readSeats(
      map([
        ['a', { feed: 17, muted: false }],
        ['b', { feed: 18, muted: true }],
        ['c', { feed: 0, muted: false }],
        ['d', { feed: 1.5, muted: false }],
      ]),
    )
    expect(seats).toEqual({ a: { feed: 17, muted: false }, b: { feed: 18, muted: true } })
  })

  it('is empty without a map (a server without voice)', () => {
    expect(readSeats(undefined)).toEqual({})
  })

  it('compares seats by content', () => {
    const a = { x: { feed: 1, muted: false } }
    expect(sameSeats(a, { x: { feed: 1, muted: false } })).toBe(true)
    expect(sameSeats(a, { x: { feed: 1, muted: true } })).toBe(false)
    expect(sameSeats(a, {})).toBe(false)
  })
})

describe('voiceError', () => {
  it('turns voice_off into off with the reason, or the install hint without one', () => {
    expect(voiceError({ code: 'voice_off', message: 'no janus here' })).toEqual({
      status: 'off',
      message: 'no janus here',
    })
    expect(voiceError({ code: 'voice_off', message: '' })).toEqual({
      status: 'off',
      message: NO_JANUS,
    })
  })

  it('turns voice_refused and refused voice messages into an error, and leaves others alone', () => {
    expect(voiceError({ code: 'voice_refused', message: 'muted' })?.status).toBe('error')
    expect(voiceError({ code: 'rate_limited', type: 'voice.join', message: 'slow' })).toEqual({
      status: 'error',
      message: 'slow',
    })
    expect(voiceError({ code: 'rate_limited', type: 'chat', message: 'slow' })).toBeNull()
  })

  it('clips a long server message', () => {
    const e = voiceError({ code: 'voice_refused', message: 'x'.repeat(5000) })
    expect(e!.message.length).toBeLessThanOrEqual(301)
  })
})
