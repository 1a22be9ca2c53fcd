import { describe, expect, it } from 'vitest'
import { VOICE, voiceGain } from '../protocol/voice'
import { linearDistanceGain, pannerOptions } from './spatial'

describe('the voice panner', () => {
  it('is HRTF with the linear distance model from full level to the radius', () => {
    expect(pannerOptions(20)).toEqual({
      panningModel: 'HRTF',
      distanceModel: 'linear',
      refDistance: VOICE.fullLevelWithin,
      maxDistance: 20,
      rolloffFactor: 1,
    })
  })

  it.each([VOICE.radius, 12, 40])('follows voiceGain() at every distance (radius %d)', (radius) => {
    const o = pannerOptions(radius)
    for (const d of [0, 1, 2, 2.5, 3, 5, 8, 11, 15, 19.9, 20, 25, 39, 40, 60]) {
      expect(linearDistanceGain(d, o), `${d} m`).toBeCloseTo(voiceGain(d, radius), 10)
    }
  })

  it('is louder at 3 m than at 12 m and silent at the radius', () => {
    const o = pannerOptions(VOICE.radius)
    expect(linearDistanceGain(3, o)).toBeGreaterThan(linearDistanceGain(12, o))
    expect(linearDistanceGain(VOICE.radius, o)).toBe(0)
    expect(linearDistanceGain(1, o)).toBe(1)
  })

  it('never divides by zero for a radius within the full-level distance', () => {
    const o = pannerOptions(1)
    expect(o.maxDistance).toBeGreaterThan(o.refDistance)
    expect(Number.isFinite(linearDistanceGain(5, o))).toBe(true)
  })
})
