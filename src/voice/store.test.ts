import { beforeEach, describe, expect, it } from 'vitest'
import { VOICE } from '../protocol/voice'
import {
  PREFS_MAX,
  VOLUME_MAX,
  micOpen,
  parsePrefs,
  serializePrefs,
  useVoice,
  volumeOf,
} from './store'

const s = () => useVoice.getState()

describe('the voice store', () => {
  beforeEach(() => {
    s().voiceOff('x')
    s().available()
    s().sessionEnded()
  })

  it('goes idle → joining → live with the ticket radius and cap → idle on leaving', () => {
    expect(s().status).toBe('idle')
    s().joining()
    expect(s().status).toBe('joining')
    s().live({ radius: 12, cap: 4 })
    expect(s()).toMatchObject({ status: 'live', radius: 12, cap: 4, message: null })
    s().setSubscribed(['b', 'a'])
    s().left()
    expect(s()).toMatchObject({ status: 'idle', message: null, subscribed: [] })
  })

  it('says why voice ended or failed, and stays off with its reason until voice is available', () => {
    s().left('kicked')
    expect(s()).toMatchObject({ status: 'error', message: 'kicked' })
    s().failed('voice.micDenied')
    expect(s()).toMatchObject({ status: 'error', message: 'voice.micDenied' })
    s().voiceOff('Voice needs the Janus media server: apt-get install janus')
    s().left('anything')
    expect(s().status).toBe('off')
    s().sessionEnded()
    expect(s()).toMatchObject({ status: 'off', message: expect.stringContaining('janus') })
    s().available()
    expect(s()).toMatchObject({ status: 'idle', message: null })
  })

  it('keeps volumes within 0–1.5 and blocks by session id', () => {
    s().setVolume('a', 3)
    s().setVolume('b', -1)
    s().setVolume('c', Number.NaN)
    expect(s().volumes).toMatchObject({ a: VOLUME_MAX, b: 0, c: 1 })
    s().setBlocked('a', true)
    expect(volumeOf(s(), 'a')).toBe(0)
    expect(volumeOf(s(), 'nobody')).toBe(1)
    s().setBlocked('a', false)
    expect(volumeOf(s(), 'a')).toBe(VOLUME_MAX)
  })

  it('changes the subscribed and speaking lists only when they differ', () => {
    s().setSpeaking(['a'])
    const before = s().speaking
    s().setSpeaking(['a'])
    expect(s().speaking).toBe(before)
    s().setSpeaking([])
    expect(s().speaking).toEqual([])
  })

  it('opens the microphone only when live, unmuted, not muted by a moderator, and held with push-to-talk', () => {
    const now = 1000
    const base = {
      status: 'live',
      muted: false,
      mutedUntil: 0,
      pushToTalk: false,
      talking: false,
    } as const
    expect(micOpen(base, now)).toBe(true)
    expect(micOpen({ ...base, status: 'joining' }, now)).toBe(false)
    expect(micOpen({ ...base, muted: true }, now)).toBe(false)
    expect(micOpen({ ...base, mutedUntil: now + 1 }, now)).toBe(false)
    expect(micOpen({ ...base, mutedUntil: now - 1 }, now)).toBe(true)
    expect(micOpen({ ...base, pushToTalk: true }, now)).toBe(false)
    expect(micOpen({ ...base, pushToTalk: true, talking: true }, now)).toBe(true)
  })

  it('starts with the protocol radius and cap', () => {
    expect(s().radius).toBe(VOICE.radius)
    expect(s().cap).toBe(VOICE.cap)
  })
})

describe('voice preferences kept per browser', () => {
  it('round-trips volumes, blocks and push-to-talk', () => {
    const p = { volumes: { a: 0.5 }, blocked: { b: true as const }, pushToTalk: true }
    expect(parsePrefs(serializePrefs(p))).toEqual(p)
  })

  it('drops anything malformed', () => {
    expect(parsePrefs('not json')).toEqual({ volumes: {}, blocked: {}, pushToTalk: false })
    expect(
      parsePrefs(
        JSON.stringify({ volumes: { a: 9, b: 'x', c: 1 }, blocked: [1, 'd'], pushToTalk: 1 }),
      ),
    ).toEqual({ volumes: { c: 1 }, blocked: { d: true }, pushToTalk: false })
  })

  it('keeps at most PREFS_MAX people, the newest', () => {
    const volumes: Record<string, number> = {}
    for (let i = 0; i < PREFS_MAX + 10; i++) volumes[`id${i}`] = 1
    const p = parsePrefs(JSON.stringify({ volumes, blocked: [] }))
    expect(Object.keys(p.volumes)).toHaveLength(PREFS_MAX)
    expect(p.volumes[`id${PREFS_MAX + 9}`]).toBe(1)
    expect(p.volumes.id0).toBeUndefined()
  })
})
