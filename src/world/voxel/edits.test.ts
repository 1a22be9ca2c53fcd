import { describe, expect, it } from 'vitest'
import { encodeGrid } from './codec'
import { applyEdit, applyPatch, checkEdit, MAX_EDIT_CELLS, VoxelEdit } from './edits'
import { Mesher, chunkLayout } from './mesher'
import { emptyGrid, GRASS, STONE, WATER } from './testing'

const edit = (e: unknown) => VoxelEdit.parse(e)

describe('builder edits', () => {
  it('fill a box, remove with air, and replace only one material', () => {
    const grid = emptyGrid(16, 8, 16)
    const put = applyEdit(grid, edit({ from: [3, 2, 3], to: [1, 0, 1], material: STONE }))
    expect(put.changed).toBe(27)
    expect(grid.get(1, 0, 1)).toBe(STONE)
    expect(grid.get(3, 2, 3)).toBe(STONE)
    expect(grid.get(4, 2, 3)).toBe(0)
    // Filling with what is there already changes nothing: nothing to send or mesh.
    expect(
      applyEdit(grid, edit({ from: [1, 0, 1], to: [3, 2, 3], material: STONE })),
    ).toMatchObject({
      changed: 0,
      chunks: [],
    })
    applyEdit(grid, edit({ from: [2, 0, 2], to: [2, 0, 2], material: 0 }))
    expect(grid.get(2, 0, 2)).toBe(0)
    // Replace: stone becomes grass, the hole stays air.
    const swap = applyEdit(
      grid,
      edit({ from: [0, 0, 0], to: [5, 5, 5], material: GRASS, only: STONE }),
    )
    expect(swap.changed).toBe(26)
    expect(grid.get(2, 0, 2)).toBe(0)
    expect(grid.get(1, 1, 1)).toBe(GRASS)
  })

  it('undo and redo give back the grid exactly, byte for byte', () => {
    const grid = emptyGrid(80, 8, 20)
    grid.fillColumn(10, 10, 0, 4, WATER)
    const start = encodeGrid(grid)
    const { undo } = applyEdit(grid, edit({ from: [0, 0, 0], to: [70, 3, 10], material: STONE }))
    const edited = encodeGrid(grid)
    const { redo } = applyPatch(grid, undo)
    expect(encodeGrid(grid)).toEqual(start)
    applyPatch(grid, redo)
    expect(encodeGrid(grid)).toEqual(edited)
  })

  it('refuse boxes outside the world, too big, or with a material past the palette', () => {
    const grid = emptyGrid(64, 16, 64)
    expect(checkEdit(grid, edit({ from: [0, 0, 0], to: [0, 0, 0], material: STONE }))).toBeNull()
    expect(checkEdit(grid, edit({ from: [-1, 0, 0], to: [0, 0, 0], material: 1 }))).toMatch(
      /outside the world \(64×16×64\)/,
    )
    expect(checkEdit(grid, edit({ from: [0, 16, 0], to: [0, 0, 0], material: 1 }))).toMatch(
      /outside/,
    )
    expect(checkEdit(grid, edit({ from: [0, 0, 0], to: [40, 15, 63], material: 1 }))).toMatch(
      new RegExp(`at most ${MAX_EDIT_CELLS}`),
    )
    expect(checkEdit(grid, edit({ from: [0, 0, 0], to: [0, 0, 0], material: 5 }))).toMatch(
      /material 5 is not in the palette/,
    )
    expect(checkEdit(grid, edit({ from: [0, 0, 0], to: [0, 0, 0], material: 1, only: 9 }))).toMatch(
      /material 9/,
    )
    // The wire format itself: integers, three axes, nothing else.
    for (const bad of [
      { from: [0, 0], to: [0, 0, 0], material: 1 },
      { from: [0.5, 0, 0], to: [0, 0, 0], material: 1 },
      { from: [0, 0, 0], to: [0, 0, 0], material: 256 },
      { from: [0, 0, 0], to: [0, 0, 0], material: 1, script: 'x' },
    ])
      expect(VoxelEdit.safeParse(bad).success).toBe(false)
  })

  it('name the chunks to mesh again: the edited one, and a neighbour only across a touched border', () => {
    const grid = emptyGrid(192, 8, 192)
    const layout = chunkLayout(192, 192)
    expect(layout).toMatchObject({ size: 64, nx: 3, nz: 3 })
    const at = (x: number, z: number) =>
      applyEdit(grid, edit({ from: [x, 1, z], to: [x, 1, z], material: STONE })).chunks
    expect(at(100, 100)).toEqual([4])
    expect(at(64, 100)).toEqual([3, 4])
    expect(at(127, 127)).toEqual([4, 5, 7, 8])
    expect(at(0, 0)).toEqual([0])
    expect(at(191, 191)).toEqual([8])
  })

  it('meshing only the named chunks gives the same meshes as meshing everything again', () => {
    const grid = emptyGrid(128, 8, 128)
    for (let x = 0; x < 128; x++) for (let z = 0; z < 128; z++) grid.fillColumn(x, z, 0, 2, GRASS)
    const layout = chunkLayout(128, 128)
    const meshAll = () => {
      const m = new Mesher(grid)
      const out: number[] = []
      for (let cz = 0; cz < layout.nz; cz++)
        for (let cx = 0; cx < layout.nx; cx++) out.push(m.mesh(cx, cz, layout.size, true).faces)
      return out
    }
    const before = meshAll()
    // A wall across the border between chunks 0 and 1 (x = 63 | 64).
    const { chunks } = applyEdit(
      grid,
      edit({ from: [60, 3, 10], to: [63, 5, 10], material: STONE }),
    )
    const after = meshAll()
    const changed = after.map((f, i) => (f !== before[i] ? i : -1)).filter((i) => i >= 0)
    expect(changed).toContain(0)
    for (const c of changed) expect(chunks).toContain(c)
  })
})
