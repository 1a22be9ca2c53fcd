import { describe, expect, it } from 'vitest'
import { crowdedLabels, type LabelBox } from './declutter'

const box = (id: string, x: number, y: number, depth: number): LabelBox => ({
  id,
  x,
  y,
  w: 100,
  h: 40,
  depth,
})

describe('crowdedLabels', () => {
  it('hides the farther of two labels that overlap, whatever order they come in', () => {
    const near = box('ancestral-hall', 300, 100, 20)
    const far = box('old-well', 330, 80, 35)
    expect([...crowdedLabels([near, far], new Set())]).toEqual(['old-well'])
    expect([...crowdedLabels([far, near], new Set())]).toEqual(['old-well'])
  })

  it('keeps labels that only sit side by side', () => {
    const a = box('a', 100, 100, 10)
    const b = box('b', 205, 100, 30)
    const c = box('c', 100, 145, 40)
    expect(crowdedLabels([a, b, c], new Set()).size).toBe(0)
  })

  it('lets a label hidden by one that is itself hidden show again', () => {
    // a covers b, b covers c, a does not reach c: b goes, so c has room.
    const a = box('a', 100, 100, 10)
    const b = box('b', 180, 100, 20)
    const c = box('c', 260, 100, 30)
    expect([...crowdedLabels([a, b, c], new Set())]).toEqual(['b'])
  })

  it('gives a hidden label back only with room to spare (no blinking at the edge)', () => {
    const a = box('a', 100, 100, 10)
    const b = box('b', 205, 100, 30) // 5 px clear of a
    expect(crowdedLabels([a, b], new Set()).has('b')).toBe(false)
    expect(crowdedLabels([a, b], new Set(['b'])).has('b')).toBe(true)
    const farther = { ...b, x: 210 } // 10 px clear
    expect(crowdedLabels([a, farther], new Set(['b'])).has('b')).toBe(false)
  })

  it('hides a label that would sit under the HUD, and gives it back when it clears', () => {
    const chat = { x: 180, y: 80, w: 340, h: 40 }
    const under = box('village-square', 330, 70, 20)
    const clear = box('old-well', 600, 70, 30)
    expect([...crowdedLabels([under, clear], new Set(), [chat])]).toEqual(['village-square'])
    const moved = { ...under, y: 150 } // 130 px down: 20 px below the chat field
    expect(crowdedLabels([moved, clear], new Set(['village-square']), [chat]).size).toBe(0)
  })

  it('breaks a tie in depth the same way every time', () => {
    const a = box('a', 100, 100, 10)
    const b = box('b', 120, 100, 10)
    expect([...crowdedLabels([b, a], new Set())]).toEqual(['b'])
    expect([...crowdedLabels([a, b], new Set())]).toEqual(['b'])
  })
})
