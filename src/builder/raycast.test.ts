import { describe, expect, it } from 'vitest'
import { emptyGrid, STONE, WATER, FLOWER } from '../world/voxel/testing'
import { raycastVoxels } from './raycast'

describe('raycastVoxels', () => {
  it('hits the first block on the ray, with the cell in front of the face it came through', () => {
    const g = emptyGrid(16, 16, 16)
    g.fillColumn(5, 5, 0, 3, STONE)
    // Straight down onto the column's top.
    expect(raycastVoxels(g, [5.5, 10.5, 5.5], [0, -1, 0])).toEqual({
      cell: [5, 3, 5],
      before: [5, 4, 5],
      distance: 6.5,
    })
    // From the side (−x towards +x), at y 2: the west face.
    const side = raycastVoxels(g, [0.5, 2.5, 5.5], [1, 0, 0])!
    expect(side.cell).toEqual([5, 2, 5])
    expect(side.before).toEqual([4, 2, 5])
    // A diagonal from above and outside the grid still finds it.
    const diag = raycastVoxels(g, [-3.5, 9.5, -3.5], [9, -6, 9])!
    expect(diag.cell[0]).toBe(5)
    expect(diag.cell[2]).toBe(5)
  })

  it('passes through water and air, stops on decorations, and gives up past `far`', () => {
    const g = emptyGrid(16, 16, 16)
    g.fillColumn(2, 2, 0, 1, STONE)
    g.fillColumn(2, 2, 2, 6, WATER)
    expect(raycastVoxels(g, [2.5, 12, 2.5], [0, -1, 0])!.cell).toEqual([2, 1, 2])
    g.set(8, 0, 8, FLOWER)
    expect(raycastVoxels(g, [8.5, 5, 8.5], [0, -1, 0])!.cell).toEqual([8, 0, 8])
    expect(raycastVoxels(g, [2.5, 12, 2.5], [0, -1, 0], 5)).toBeNull()
    expect(raycastVoxels(g, [2.5, 12, 2.5], [0, 1, 0])).toBeNull()
    expect(raycastVoxels(g, [2.5, 12, 2.5], [0, 0, 0])).toBeNull()
  })
})
