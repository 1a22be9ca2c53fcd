import { describe, expect, it } from 'vitest'
import { InterestGrid, selectSmallest } from './interest'
import { PoseGuard } from './poseGuard'
import type { WorldRules } from '../worlds'

describe('InterestGrid', () => {
  it('picks the nearest within the radius, capped', () => {
    const grid = new InterestGrid<string>({ radius: 10, max: 2 })
    const me = grid.insert('me', 0, 0)
    grid.insert('a', 1, 0)
    grid.insert('b', 0, 3)
    grid.insert('c', 5, 5)
    grid.insert('far', 30, 0)
    const seen = grid.select(me, new Set()).map((m) => m.item)
    expect(seen.sort()).toEqual(['a', 'b'])
  })

  it('keeps those already seen a little longer (hysteresis)', () => {
    const grid = new InterestGrid<string>({ radius: 10, max: 1 })
    const me = grid.insert('me', 0, 0)
    const a = grid.insert('a', 11, 0)
    expect(grid.select(me, new Set())).toEqual([])
    grid.move(a, 9, 0)
    const b = grid.insert('b', 8.5, 0)
    // a is seen first; b, barely nearer, does not displace it.
    expect(grid.select(me, new Set([a]))).toEqual([a])
    grid.move(a, 10.5, 0)
    expect(grid.select(me, new Set([a]))).toEqual([a])
    grid.move(a, 13, 0)
    expect(grid.select(me, new Set([a]))).toEqual([b])
  })

  it('finds neighbours across cell borders and forgets the deleted', () => {
    const grid = new InterestGrid<number>({ radius: 8, max: 100 })
    const me = grid.insert(0, 9.9, 9.9)
    const other = grid.insert(1, 10.1, 10.1)
    expect(grid.select(me, new Set())).toEqual([other])
    grid.delete(other)
    expect(grid.select(me, new Set())).toEqual([])
  })

  it('sees everyone with an infinite radius and no cap', () => {
    const grid = new InterestGrid<number>({ radius: Infinity, max: Infinity })
    const me = grid.insert(0, 0, 0)
    for (let i = 1; i < 50; i++) grid.insert(i, i * 100, -i * 1000)
    expect(grid.select(me, new Set())).toHaveLength(49)
  })

  it('quickselect puts the k smallest first', () => {
    const n = 500
    const keys = new Float64Array(n)
    const items: number[] = []
    for (let i = 0; i < n; i++) {
      keys[i] = (i * 7919) % n
      items.push(keys[i]!)
    }
    selectSmallest(keys, items, n, 32)
    expect(items.slice(0, 32).sort((a, b) => a - b)).toEqual([...Array(32).keys()])
  })
})

describe('PoseGuard', () => {
  const rules: WorldRules = {
    id: 'w',
    bounds: { min: [0, 0, 0], max: [100, 50, 100] },
    movement: { walkSpeed: 4, runSpeed: 8, jumpSpeed: 6, gravity: 20 },
    spawn: { x: 50, y: 10, z: 50, heading: 0 },
    spaces: new Map(),
    stages: new Map(),
    tours: new Map(),
  }

  it('accepts running at the world speed and refuses teleports', () => {
    const g = new PoseGuard(rules, 0)
    let x = 50
    for (let t = 83; t < 3000; t += 83) {
      x += 8 * 0.083
      expect(g.check(x, 10, 50, t)).toBe('ok')
    }
    expect(g.check(x + 20, 10, 50, 3083)).toBe('too_fast')
    expect(g.x).toBeCloseTo(x)
  })

  it('tolerates poses bunched by the network', () => {
    const g = new PoseGuard(rules, 0)
    // 250 ms of silence, then three poses at once, each 83 ms of running.
    expect(g.check(50.66, 10, 50, 250)).toBe('ok')
    expect(g.check(51.33, 10, 50, 252)).toBe('ok')
    expect(g.check(52, 10, 50, 254)).toBe('ok')
  })

  it('refuses positions outside the world', () => {
    const g = new PoseGuard(rules, 0)
    expect(g.check(-1, 10, 50, 1000)).toBe('out_of_bounds')
    expect(g.check(50, 60, 50, 1000)).toBe('out_of_bounds')
  })

  it('allows falling, not flying up', () => {
    const g = new PoseGuard(rules, 0)
    expect(g.check(50, 8, 50, 100)).toBe('ok')
    expect(g.check(50, 40, 50, 200)).toBe('too_fast')
  })
})
