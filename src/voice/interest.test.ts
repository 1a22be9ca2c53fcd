import { describe, expect, it } from 'vitest'
import { KEEP_MARGIN, pickVoices, type SpeakerAt } from './interest'

const at = (id: string, x: number, z = 0): SpeakerAt => ({ id, x, z })

describe('pickVoices', () => {
  it('subscribes to speakers within the radius, nearest first', () => {
    const pick = pickVoices([at('far', 25), at('b', 10), at('a', 3)], 0, 0, new Set(), 20, 8)
    expect(pick.keep).toEqual(['a', 'b'])
    expect(pick.subscribe).toEqual(['a', 'b'])
    expect(pick.unsubscribe).toEqual([])
  })

  it('keeps a voice until it is 10 % beyond the radius, but takes no newcomer there', () => {
    expect(KEEP_MARGIN).toBe(1.1)
    const speakers = [at('kept', 21), at('new', 0, 21)]
    const pick = pickVoices(speakers, 0, 0, new Set(['kept']), 20, 8)
    expect(pick.keep).toEqual(['kept'])
    expect(pick.subscribe).toEqual([])
    expect(pick.unsubscribe).toEqual([])
    const gone = pickVoices([at('kept', 22.5)], 0, 0, new Set(['kept']), 20, 8)
    expect(gone.keep).toEqual([])
    expect(gone.unsubscribe).toEqual(['kept'])
  })

  it('never receives more than the cap, and drops the farthest for a nearer newcomer', () => {
    const speakers = Array.from({ length: 12 }, (_, i) => at(`s${i}`, 1 + i))
    const first = pickVoices(speakers, 0, 0, new Set(), 20, 8)
    expect(first.keep).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'])
    // Everyone walks: s11 is now much nearer than s7.
    const moved = speakers.map((s) => (s.id === 's11' ? at('s11', 0.5) : s))
    const next = pickVoices(moved, 0, 0, new Set(first.keep), 20, 8)
    expect(next.keep).toHaveLength(8)
    expect(next.subscribe).toEqual(['s11'])
    expect(next.unsubscribe).toEqual(['s7'])
  })

  it('does not swap a received voice for a newcomer at nearly the same distance', () => {
    const pick = pickVoices([at('old', 10), at('new', 9.5)], 0, 0, new Set(['old']), 20, 1)
    expect(pick.keep).toEqual(['old'])
    expect(pick.subscribe).toEqual([])
  })

  it('unsubscribes from everyone who left or went silent, and a zero cap receives nobody', () => {
    const pick = pickVoices([at('a', 1)], 0, 0, new Set(['a', 'gone']), 20, 8)
    expect(pick.unsubscribe).toEqual(['gone'])
    expect(pickVoices([at('a', 1)], 0, 0, new Set(['a']), 20, 0)).toEqual({
      keep: [],
      subscribe: [],
      unsubscribe: ['a'],
    })
  })

  it('measures from the listener, in x and z', () => {
    const pick = pickVoices([at('a', 100, 103)], 100, 100, new Set(), 20, 8)
    expect(pick.keep).toEqual(['a'])
  })
})
