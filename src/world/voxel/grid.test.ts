import { describe, expect, it } from 'vitest'
import { KIND_DECOR, KIND_LIQUID, KIND_SOLID, materialId, materialTable } from './grid'
import { FLOWER, STONE, TEST_PALETTE, WATER, emptyGrid } from './testing'

describe('VoxelGrid', () => {
  it('stores material ids with bounds checks', () => {
    const g = emptyGrid(4, 5, 6)
    expect(g.set(1, 2, 3, STONE)).toBe(true)
    expect(g.get(1, 2, 3)).toBe(STONE)
    expect(g.set(4, 0, 0, STONE)).toBe(false)
    expect(g.set(0, -1, 0, STONE)).toBe(false)
    expect(g.get(-1, 0, 0)).toBe(0)
    expect(g.get(0, 5, 0)).toBe(0)
    expect(g.data.reduce((a, b) => a + b, 0)).toBe(STONE)
  })

  it('keeps each column contiguous (y fastest)', () => {
    const g = emptyGrid(4, 5, 6)
    expect(g.index(1, 3, 2) - g.index(1, 2, 2)).toBe(1)
    g.fillColumn(2, 1, 1, 3, STONE)
    expect([0, 1, 2, 3, 4].map((y) => g.get(2, y, 1))).toEqual([0, 1, 1, 1, 0])
    expect(g.topSolid(2, 1)).toBe(3)
    expect(g.topSolid(0, 0)).toBe(-1)
  })

  it('builds a material table from the palette', () => {
    const t = materialTable(TEST_PALETTE)
    expect(t.ids[0]).toBe('air')
    expect(materialId(t, 'stone')).toBe(STONE)
    expect(t.kind[STONE]).toBe(KIND_SOLID)
    expect(t.kind[WATER]).toBe(KIND_LIQUID)
    expect(t.kind[FLOWER]).toBe(KIND_DECOR)
    expect([...t.rgb.subarray(STONE * 3, STONE * 3 + 3)]).toEqual([128, 128, 128])
    expect(() => materialId(t, 'lava')).toThrow(/lava/)
    // `solid` defaults to true in scenes; a liquid must still never be stood on.
    const both = materialTable([{ id: 'w', color: '#000000', solid: true, liquid: true }])
    expect(both.kind[1]).toBe(KIND_LIQUID)
  })
})
