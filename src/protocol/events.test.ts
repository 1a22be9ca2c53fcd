import { describe, expect, it } from 'vitest'
import { parseClientMessage } from './messages'
import {
  EventDraft,
  MediaUrl,
  onStage,
  roleOf,
  screenPosition,
  stageSpawn,
  type ScreenState,
} from './events'

const HOST = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const PERFORMER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

describe('event protocol', () => {
  it('takes media from /assets/ or http(s) only', () => {
    for (const ok of [
      '/assets/video/stage.webm',
      'https://example.org/a.mp4',
      'http://127.0.0.1/x',
    ])
      expect(MediaUrl.safeParse(ok).success, ok).toBe(true)
    for (const bad of [
      'javascript:alert(1)',
      'data:video/webm;base64,AAAA',
      '/assets/../server/secret',
      '/etc/passwd',
      'https://user:pw@example.org/a.mp4',
      'ftp://example.org/a.mp4',
    ])
      expect(MediaUrl.safeParse(bad).success, bad).toBe(false)
  })

  it('checks a draft: a title, an end after the start, a day at most, a sane capacity', () => {
    const draft = {
      title: { 'zh-CN': '', en: 'Lakeside concert' },
      description: { 'zh-CN': '', en: '' },
      world: 'cangqiong',
      stage: 'lakeside-stage',
      startsAt: 1_800_000_000_000,
      endsAt: 1_800_000_000_000 + 3600_000,
    }
    expect(EventDraft.parse(draft).capacity).toBe(100)
    const bad = (over: object) => EventDraft.safeParse({ ...draft, ...over }).success
    expect(bad({ title: { 'zh-CN': ' ', en: '' } })).toBe(false)
    expect(bad({ endsAt: draft.startsAt })).toBe(false)
    expect(bad({ endsAt: draft.startsAt + 25 * 3600_000 })).toBe(false)
    expect(bad({ capacity: 1 })).toBe(false)
    expect(bad({ capacity: 501 })).toBe(false)
  })

  it('gives roles by address, case-insensitively; anonymous visitors are audience', () => {
    const event = { host: HOST, performers: [PERFORMER], moderators: [] }
    expect(roleOf(event, HOST.toLowerCase())).toBe('host')
    expect(roleOf(event, PERFORMER)).toBe('performer')
    expect(roleOf(event, '0x0000000000000000000000000000000000000001')).toBe('audience')
    expect(roleOf(event, null)).toBe('audience')
  })

  it('places a playing video by server time, a paused one where it stopped', () => {
    const s: ScreenState = {
      media: { kind: 'video', url: '/assets/v.webm' },
      playing: true,
      position: 10,
      at: 1000,
      slide: 0,
    }
    expect(screenPosition(s, 3500)).toBe(12.5)
    expect(screenPosition({ ...s, playing: false }, 3500)).toBe(10)
    // A server time before `at` (a skewed clock) never goes backwards past the anchor.
    expect(screenPosition(s, 0)).toBe(10)
  })

  it('seats the cast on the stage facing the audience, the audience in front facing it', () => {
    const stage = {
      area: [0, 0, 12, 6] as [number, number, number, number],
      floorY: 2,
      audience: { position: [6, 0, 16] as [number, number, number], heading: Math.PI },
    }
    const host = stageSpawn(stage, 'host')
    expect(onStage(stage.area, host.x, host.z)).toBe(true)
    expect(host.y).toBe(2)
    // Heading h faces (-sin h, -cos h): from (6, 3) that points at the audience (6, 16).
    expect(-Math.sin(host.heading)).toBeCloseTo(0)
    expect(-Math.cos(host.heading)).toBeCloseTo(1)
    expect(stageSpawn(stage, 'moderator')).toEqual({ x: 6, y: 0, z: 16, heading: Math.PI })
    expect(stageSpawn(stage, 'audience')).toEqual({ x: 6, y: 0, z: 16, heading: Math.PI })
  })

  it('validates event room messages like every other message', () => {
    expect(parseClientMessage('event.react', { reaction: 'hearts' }).type).toBe('event.react')
    expect(() => parseClientMessage('event.react', { reaction: 'tomatoes' })).toThrow()
    expect(() =>
      parseClientMessage('event.screen', { action: 'load', media: { kind: 'video', url: 'x' } }),
    ).toThrow()
    const mute = parseClientMessage('event.moderate', { action: 'mute', session: 'abc' })
    expect(mute.payload).toEqual({ action: 'mute', session: 'abc', minutes: 10 })
  })
})
