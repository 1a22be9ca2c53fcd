import { describe, expect, it } from 'vitest'
import { CLASSICS } from './works'

/** FNV-1a over the bytes: a fingerprint of a painting. */
function fingerprint(data: Uint8Array): number {
  let h = 0x811c9dc5
  for (const b of data) h = Math.imul(h ^ b, 0x01000193)
  return h >>> 0
}

describe('the classics painted in code', () => {
  it('paint the size they declare, opaque, and are real pictures rather than flat colour', () => {
    for (const work of CLASSICS) {
      const p = work.paint()
      expect([p.width, p.height]).toEqual([work.width, work.height])
      expect(p.data.length).toBe(work.width * work.height * 4)
      let sum = 0
      let sq = 0
      const n = p.width * p.height
      let opaque = 0
      for (let i = 0; i < n; i++) {
        if (p.data[i * 4 + 3] === 255) opaque++
        const y =
          0.2126 * p.data[i * 4]! + 0.7152 * p.data[i * 4 + 1]! + 0.0722 * p.data[i * 4 + 2]!
        sum += y
        sq += y * y
      }
      expect(opaque).toBe(n)
      const mean = sum / n
      const sd = Math.sqrt(sq / n - mean * mean)
      expect(sd, `${work.id} has contrast`).toBeGreaterThan(20)
      expect(mean, `${work.id} is neither black nor white`).toBeGreaterThan(40)
      expect(mean).toBeLessThan(230)
      expect(work.title['zh-CN'] && work.title.en && work.after.en).toBeTruthy()
    }
  })

  it('are the same pixels every time (every visitor sees the same work)', () => {
    const plum = CLASSICS.find((c) => c.id === 'plum')!
    expect(fingerprint(plum.paint().data)).toBe(fingerprint(plum.paint().data))
  })
})
