import { describe, expect, it } from 'vitest'
import { ANIMS, POS_SCALE, quantizeHeading } from '../protocol/messages'
import { INTERP_DELAY_MS, RemoteAvatar } from './remotes'

const q = (x: number, z: number, a = 1, h = 0) => ({
  x: x * POS_SCALE,
  y: 0,
  z: z * POS_SCALE,
  h: quantizeHeading(h),
  a,
})

describe('RemoteAvatar', () => {
  it('buffers longer than one send interval', () => {
    expect(INTERP_DELAY_MS).toBeGreaterThan(2 * (1000 / 12))
  })

  it('appears at its first pose, then interpolates in the past', () => {
    const r = new RemoteAvatar('a')
    r.push(1000, q(0, 0))
    expect(r.motion.x).toBe(0)
    r.push(1100, q(1, 0))
    r.push(1200, q(2, 0))
    r.sample(1150 + INTERP_DELAY_MS)
    expect(r.motion.x).toBeCloseTo(1.5)
    expect(r.motion.anim).toBe('walk')
    expect(r.motion.speed).toBeCloseTo(10)
  })

  it('holds the newest pose when starved, at rest', () => {
    const r = new RemoteAvatar('a')
    r.push(0, q(0, 0))
    r.push(100, q(3, 4, 0))
    r.sample(5000)
    expect([r.motion.x, r.motion.z, r.motion.speed, r.motion.anim]).toEqual([3, 4, 0, 'idle'])
  })

  it('turns the short way round', () => {
    const r = new RemoteAvatar('a')
    r.push(0, q(0, 0, 0, 3.0))
    r.push(100, q(0, 0, 0, -3.0))
    r.sample(50 + INTERP_DELAY_MS)
    expect(Math.abs(r.motion.heading)).toBeGreaterThan(3.0)
  })

  it('keeps bunched updates in order', () => {
    const r = new RemoteAvatar('a')
    r.push(0, q(0, 0))
    r.push(0, q(1, 0))
    r.push(0, q(2, 0))
    r.sample(1 + INTERP_DELAY_MS)
    expect(r.motion.x).toBeCloseTo(1)
  })

  it('sits while its poses say so, and gets up with the first pose that does not', () => {
    const r = new RemoteAvatar('a')
    const sit = ANIMS.indexOf('sit')
    r.push(0, q(1, 1, 0))
    r.push(100, q(1, 1, sit))
    r.push(200, q(1, 1, sit))
    r.sample(140 + INTERP_DELAY_MS)
    expect([r.motion.anim, r.motion.emote]).toEqual(['idle', 'sit'])
    // A late arrival's first pose is a sitting one: it sits too.
    const late = new RemoteAvatar('a')
    late.push(0, q(1, 1, sit))
    expect([late.motion.anim, late.motion.emote]).toEqual(['idle', 'sit'])
    r.push(300, q(2, 1, 1))
    r.sample(290 + INTERP_DELAY_MS)
    expect([r.motion.anim, r.motion.emote]).toEqual(['walk', null])
  })
})
