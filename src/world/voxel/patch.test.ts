import { describe, expect, it } from 'vitest'
import { encodeGrid } from './codec'
import { applyEdit, VoxelEdit } from './edits'
import {
  applyBoxPatch,
  applyEditAsPatch,
  BoxPatch,
  checkPatch,
  prefabPatch,
  readBox,
} from './patch'
import { compilePrefab, mulberry32, stampPrefab } from './generate'
import { emptyGrid, GRASS, STONE, WATER } from './testing'

const edit = (e: unknown) => VoxelEdit.parse(e)

describe('box patches', () => {
  it('an edit as a patch changes the grid as applyEdit does, and its inverse undoes it', () => {
    const a = emptyGrid(40, 10, 40)
    const b = emptyGrid(40, 10, 40)
    for (const g of [a, b]) g.fillColumn(5, 5, 0, 6, WATER)
    const e = edit({ from: [0, 0, 0], to: [9, 3, 9], material: STONE })
    const before = encodeGrid(a)
    const r = applyEditAsPatch(a, e)
    applyEdit(b, e)
    expect(encodeGrid(a)).toEqual(encodeGrid(b))
    expect(r.changed).toBe(10 * 4 * 10)
    expect(checkPatch(a, r.inverse)).toBeNull()
    const redo = applyBoxPatch(a, r.inverse)
    expect(encodeGrid(a)).toEqual(before)
    applyBoxPatch(a, redo.inverse)
    expect(encodeGrid(a)).toEqual(encodeGrid(b))
  })

  it('an undo leaves cells it did not change to whoever changed them since', () => {
    const g = emptyGrid(16, 8, 16)
    // Builder A fills a box where one cell already held stone; builder B then paints it grass.
    g.set(2, 0, 2, STONE)
    const mine = applyEditAsPatch(g, edit({ from: [0, 0, 0], to: [3, 0, 3], material: STONE }))
    g.set(2, 0, 2, GRASS)
    applyBoxPatch(g, mine.inverse)
    expect(g.get(0, 0, 0)).toBe(0)
    // A's fill did not change that cell, so A's undo does not touch B's grass.
    expect(g.get(2, 0, 2)).toBe(GRASS)
  })

  it('readBox copies a region that pastes elsewhere exactly', () => {
    const g = emptyGrid(32, 8, 32)
    const rand = mulberry32(7)
    for (let i = 0; i < 200; i++)
      g.set(Math.floor(rand() * 8), Math.floor(rand() * 8), Math.floor(rand() * 8), 1 + (i % 3))
    const copy = readBox(g, { min: [0, 0, 0], max: [7, 7, 7] })
    expect(checkPatch(g, copy)).toBeNull()
    const moved = {
      ...copy,
      min: [20, 0, 20] as [number, number, number],
      max: [27, 7, 27] as [number, number, number],
    }
    applyBoxPatch(g, moved)
    for (let x = 0; x < 8; x++)
      for (let y = 0; y < 8; y++)
        for (let z = 0; z < 8; z++) expect(g.get(20 + x, y, 20 + z)).toBe(g.get(x, y, z))
  })

  it('refuses patches that do not fit the world, the palette or their box', () => {
    const g = emptyGrid(16, 8, 16)
    const ok: BoxPatch = { min: [0, 0, 0], max: [1, 1, 1], runs: [8, STONE] }
    expect(checkPatch(g, ok)).toBeNull()
    expect(checkPatch(g, { ...ok, max: [16, 1, 1] })).toMatch(/outside/)
    expect(checkPatch(g, { ...ok, min: [2, 0, 0] })).toMatch(/wrong way/)
    expect(checkPatch(g, { ...ok, runs: [7, STONE] })).toMatch(/cover 7 cells, the box 8/)
    expect(checkPatch(g, { ...ok, runs: [8, 200] })).toMatch(/palette/)
    expect(checkPatch(g, { ...ok, runs: [0, 1, 8, 1] })).toMatch(/empty/)
    expect(checkPatch(g, { ...ok, runs: [8] })).toMatch(/pairs/)
    expect(BoxPatch.safeParse({ ...ok, runs: [8, -2] }).success).toBe(false)
    expect(BoxPatch.safeParse({ ...ok, extra: 1 }).success).toBe(false)
  })
})

describe('prefab patches', () => {
  const prefab = compilePrefab(
    { keys: { s: 'stone', g: 'grass' }, layers: [['ss', 's.'], ['g']] },
    emptyGrid().materials,
  )
  it('set the piece cells, keep its blanks, and turn with the rotation', () => {
    const g = emptyGrid(16, 8, 16)
    g.set(5, 0, 6, GRASS) // under the piece's blank: kept
    const p = prefabPatch(g, prefab, [4, 0, 5], 0) as BoxPatch
    expect(checkPatch(g, p)).toBeNull()
    const r = applyBoxPatch(g, p)
    expect(r.changed).toBe(4)
    expect([g.get(4, 0, 5), g.get(5, 0, 5), g.get(4, 0, 6), g.get(5, 0, 6)]).toEqual([
      STONE,
      STONE,
      STONE,
      GRASS,
    ])
    expect(g.get(4, 1, 5)).toBe(GRASS)
    // The same as the generator's own stamping, at every rotation.
    for (const rotate of [0, 90, 180, 270] as const) {
      const a = emptyGrid(16, 8, 16)
      const b = emptyGrid(16, 8, 16)
      applyBoxPatch(a, prefabPatch(a, prefab, [3, 2, 7], rotate) as BoxPatch)
      stampPrefab(b, prefab, 3, 2, 7, rotate)
      expect(Buffer.from(a.data).equals(b.data)).toBe(true)
    }
  })
  it('clips at the world edge and refuses a piece wholly outside', () => {
    const g = emptyGrid(16, 8, 16)
    const p = prefabPatch(g, prefab, [15, 7, 15], 0) as BoxPatch
    expect(p.max).toEqual([15, 7, 15])
    expect(checkPatch(g, p)).toBeNull()
    expect(prefabPatch(g, prefab, [16, 0, 0], 0)).toMatch(/outside/)
  })
})
