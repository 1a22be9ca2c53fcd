import { describe, expect, it } from 'vitest'
import { EMPTY_SCREEN } from '../protocol/events'
import type { CastMemberState } from '../protocol/state'
import { CLOSE_CODES } from '../protocol/messages'
import {
  castId,
  castToShow,
  eventScalars,
  isCastId,
  parseAnnouncement,
  parseScreen,
  removalFor,
} from './wire'

const member = (instance: number, x = 1): CastMemberState => ({
  name: 'Host',
  color: 0xff0000,
  role: 'host',
  instance,
  x,
  y: 2,
  z: 3,
  h: 0.5,
  a: 'walk',
})

describe('event room state → event store', () => {
  it('parses the screen JSON, and shows an empty screen for anything malformed', () => {
    const screen = {
      media: { kind: 'video', url: '/assets/video/demo.mp4' },
      playing: true,
      position: 12.5,
      at: 1_700_000_000_000,
      slide: 0,
    }
    expect(parseScreen(JSON.stringify(screen))).toEqual(screen)
    expect(parseScreen('')).toBe(EMPTY_SCREEN)
    expect(parseScreen('{')).toBe(EMPTY_SCREEN)
    expect(
      parseScreen(
        JSON.stringify({ ...screen, media: { kind: 'video', url: 'javascript:alert(1)' } }),
      ),
    ).toBe(EMPTY_SCREEN)
  })

  it('parses the latest announcement', () => {
    const a = { seq: 3, text: 'Welcome!', from: 'Host', at: 5 }
    expect(parseAnnouncement(JSON.stringify(a))).toEqual(a)
    expect(parseAnnouncement('')).toBeNull()
    expect(parseAnnouncement('{"seq":"x"}')).toBeNull()
  })

  it('keeps attendance and status in range', () => {
    expect(eventScalars({ status: 'live', attendance: 1024, instances: 5 })).toEqual({
      status: 'live',
      attendance: 1024,
      instances: 5,
    })
    expect(eventScalars({ status: 'weird', attendance: -1, instances: 0 }).status).toBe('upcoming')
  })

  it('draws the cast of other instances only, by a distinct id', () => {
    const cast: [string, CastMemberState][] = [
      ['0xAbC', member(1)],
      ['0xdef', member(2)],
    ]
    const shown = castToShow(cast, 1)
    expect([...shown.keys()]).toEqual([castId('0xdef')])
    expect(shown.get('cast:0xdef')).toMatchObject({ address: '0xdef', instance: 2, x: 1 })
    expect(isCastId('cast:0xdef')).toBe(true)
    expect(isCastId('abc123')).toBe(false)
    // Before the welcome names this instance, nothing is drawn.
    expect(castToShow(cast, 0).size).toBe(0)
  })

  it('maps close codes to removals, and nothing else', () => {
    expect(removalFor(CLOSE_CODES.kicked)).toBe('kicked')
    expect(removalFor(CLOSE_CODES.banned)).toBe('banned')
    expect(removalFor(CLOSE_CODES.ended)).toBe('ended')
    expect(removalFor(1006)).toBeNull()
    expect(removalFor(CLOSE_CODES.flood)).toBeNull()
  })
})
