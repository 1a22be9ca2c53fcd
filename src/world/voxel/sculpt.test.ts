import { describe, expect, it } from 'vitest'
import { applyBoxPatch, checkPatch, type BoxPatch } from './patch'
import { linePatch, pastePatch, terrainPatch } from './sculpt'
import { emptyGrid, GRASS, STONE } from './testing'

/** A 24×16×24 grid of ground 4 high, grass on stone. */
function ground() {
  const g = emptyGrid(24, 16, 24)
  for (let z = 0; z < 24; z++)
    for (let x = 0; x < 24; x++) {
      g.fillColumn(x, z, 0, 3, STONE)
      g.set(x, 4, z, GRASS)
    }
  return g
}

function apply(g: ReturnType<typeof ground>, p: BoxPatch | string) {
  expect(typeof p).not.toBe('string')
  expect(checkPatch(g, p as BoxPatch)).toBeNull()
  return applyBoxPatch(g, p as BoxPatch)
}

describe('terrain brushes', () => {
  it('raise and lower move a disc of ground by one, building with its own top block', () => {
    const g = ground()
    apply(g, terrainPatch(g, 'raise', [10, 4, 10], 2, STONE))
    expect(g.topSolid(10, 10)).toBe(5)
    expect(g.get(10, 5, 10)).toBe(GRASS)
    expect(g.topSolid(12, 10)).toBe(5) // radius 2 reaches it
    expect(g.topSolid(13, 10)).toBe(4) // not this one
    expect(g.topSolid(12, 12)).toBe(4) // nor the disc's corner
    apply(g, terrainPatch(g, 'lower', [10, 5, 10], 0, STONE))
    expect(g.topSolid(10, 10)).toBe(4)
  })

  it('flatten levels to the height clicked; smooth evens out a spike; paint recolours the top', () => {
    const g = ground()
    g.fillColumn(5, 5, 5, 9, STONE)
    apply(g, terrainPatch(g, 'flatten', [5, 6, 5], 1, STONE))
    expect(g.topSolid(5, 5)).toBe(6)
    expect(g.topSolid(6, 5)).toBe(6)
    const h = ground()
    h.fillColumn(5, 5, 5, 12, STONE)
    apply(h, terrainPatch(h, 'smooth', [5, 4, 5], 0, STONE))
    expect(h.topSolid(5, 5)).toBe(Math.round((4 * 8 + 12) / 9))
    apply(h, terrainPatch(h, 'paint', [8, 4, 8], 1, STONE))
    expect(h.get(8, 4, 8)).toBe(STONE)
    expect(h.get(8, 4, 10)).toBe(GRASS)
  })

  it('refuses what cannot be: outside, air as paint, nothing to change', () => {
    const g = ground()
    expect(terrainPatch(g, 'raise', [30, 4, 3], 1, STONE)).toMatch(/outside/)
    expect(terrainPatch(g, 'paint', [3, 4, 3], 1, 0)).toMatch(/not a block/)
    expect(terrainPatch(g, 'paint', [3, 4, 3], 1, GRASS)).toMatch(/nothing to change/)
  })
})

describe('paste', () => {
  it('copies a box elsewhere, turned and mirrored, air included', () => {
    const g = ground()
    // An L of stone above the ground: (2..4, 5, 2) and (2, 5, 3).
    for (const [x, z] of [
      [2, 2],
      [3, 2],
      [4, 2],
      [2, 3],
    ] as const)
      g.set(x, 5, z, STONE)
    apply(g, pastePatch(g, [2, 5, 2], [4, 5, 3], [10, 5, 10], 0, false))
    expect([g.get(10, 5, 10), g.get(12, 5, 10), g.get(10, 5, 11), g.get(11, 5, 11)]).toEqual([
      STONE,
      STONE,
      STONE,
      0,
    ])
    // Turned 90° the 3×2 box is 2 wide and 3 deep; mirrored the L's foot is on the other side.
    apply(g, pastePatch(g, [2, 5, 2], [4, 5, 3], [16, 5, 16], 90, false))
    expect([g.get(17, 5, 16), g.get(17, 5, 17), g.get(17, 5, 18), g.get(16, 5, 16)]).toEqual([
      STONE,
      STONE,
      STONE,
      STONE,
    ])
    apply(g, pastePatch(g, [2, 5, 2], [4, 5, 3], [10, 5, 18], 0, true))
    expect([g.get(12, 5, 19), g.get(10, 5, 19)]).toEqual([STONE, 0])
    expect(pastePatch(g, [0, 0, 0], [40, 0, 0], [1, 1, 1], 0, false)).toMatch(/outside/)
  })
})

describe('line', () => {
  it('draws every cell from one end to the other, as thick as the brush, and no other', () => {
    const g = ground()
    apply(g, linePatch(g, [2, 5, 2], [12, 10, 7], 1, STONE))
    // Both ends, and one cell per step along the longest axis (x: 11 cells).
    expect(g.get(2, 5, 2)).toBe(STONE)
    expect(g.get(12, 10, 7)).toBe(STONE)
    let above = 0
    for (let z = 0; z < 24; z++)
      for (let x = 0; x < 24; x++) for (let y = 5; y < 16; y++) if (g.get(x, y, z)) above++
    expect(above).toBe(11)
    // A line of air (remove) three thick digs through the ground.
    apply(g, linePatch(g, [0, 4, 12], [23, 4, 12], 3, 0))
    expect([g.get(5, 3, 11), g.get(5, 4, 12), g.get(5, 5, 13)]).toEqual([0, 0, 0])
    expect(g.get(5, 4, 14)).toBe(GRASS)
  })

  it('refuses a line outside the world, of no block, or too big a box', () => {
    const g = ground()
    expect(linePatch(g, [0, 5, 0], [30, 5, 0], 1, STONE)).toMatch(/outside/)
    expect(linePatch(g, [0, 5, 0], [3, 5, 0], 1, 99)).toMatch(/not a block/)
    const big = emptyGrid(64, 40, 64)
    expect(linePatch(big, [0, 0, 0], [63, 39, 63], 1, STONE)).toMatch(/at most 32768/)
  })
})
