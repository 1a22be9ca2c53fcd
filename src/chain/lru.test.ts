import { describe, expect, it } from 'vitest'
import { Lru } from './lru'

describe('Lru', () => {
  it('holds at most max entries and forgets the least recently used first', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1).set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now the most recent
    lru.set('c', 3)
    expect(lru.has('b')).toBe(false)
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
    expect(lru.size).toBe(2)
    for (let i = 0; i < 1000; i++) lru.set(`k${i}`, i)
    expect(lru.size).toBe(2)
  })
})
