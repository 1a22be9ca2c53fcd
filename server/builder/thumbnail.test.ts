import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { emptyGrid, GRASS, STONE, TEST_PALETTE, WATER } from '../../src/world/voxel/testing'
import { renderThumbnail, THUMBNAIL_SIZE } from './thumbnail'

describe('builder world thumbnails', () => {
  it('draw the top block of every column in its colour, scaled to fit, margin in sky colour', () => {
    const g = emptyGrid(64, 16, 32)
    for (let z = 0; z < 32; z++)
      for (let x = 0; x < 64; x++) g.fillColumn(x, z, 0, 4, x < 32 ? GRASS : STONE)
    for (let z = 10; z < 20; z++) g.fillColumn(50, z, 5, 8, WATER)
    const png = PNG.sync.read(renderThumbnail(g, TEST_PALETTE, '#000080'))
    expect([png.width, png.height]).toEqual([THUMBNAIL_SIZE, THUMBNAIL_SIZE])
    const at = (px: number, py: number) => [
      ...png.data.subarray((py * png.width + px) * 4, (py * png.width + px) * 4 + 3),
    ]
    // 64 wide in 256: 4 px a column; 32 deep: 128 px tall, centred (64 px of margin above).
    expect(at(10, 10)).toEqual([0, 0, 128])
    const grass = at(40, 128)
    const stone = at(150, 128)
    expect(grass[1]).toBeGreaterThan(grass[0]!) // green
    expect(stone[0]).toBe(stone[2]) // grey
    const water = at(50 * 4 + 2, 64 + 15 * 4)
    expect(water[2]).toBeGreaterThan(water[0]!) // blue
  })
})
