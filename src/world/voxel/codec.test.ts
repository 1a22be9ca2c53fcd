import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScene } from '../../protocol/scene'
import { decodeGrid, encodeGrid, VoxelCodecError } from './codec'
import { sampleWorld } from './fixtures'
import { buildGrid } from './generate'
import { mulberry32 } from './generate'
import { emptyGrid, GRASS, STONE, WATER } from './testing'

function roundTrip(grid: ReturnType<typeof emptyGrid>) {
  const decoded = decodeGrid(encodeGrid(grid))
  expect(decoded.dims).toEqual(grid.dims)
  expect(decoded.materials).toBe(grid.materials.ids.length)
  expect(Buffer.from(decoded.data).equals(Buffer.from(grid.data))).toBe(true)
}

describe('voxel grid bytes', () => {
  it('give back the same grid: a generated world, edge chunks, noise and long runs', () => {
    roundTrip(buildGrid(sampleWorld(128, 48, 128)).grid)
    // 200 × 70 columns: chunks of 64 with narrower ones at the far edges.
    const noisy = emptyGrid(200, 20, 70)
    const random = mulberry32(3)
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] = Math.floor(random() * 5)
    roundTrip(noisy)
    // One run longer than three varint bytes hold (a chunk of air 128 × 128 × 128 columns).
    roundTrip(emptyGrid(512, 128, 512))
  })

  it('keep a 256 × 64 × 256 village under 1 MB, and the built-in village far under it', () => {
    const village = buildGrid(sampleWorld(256, 64, 256)).grid
    const bytes = encodeGrid(village).length
    expect(bytes).toBeLessThan(1024 * 1024)
    const scene = parseScene(fs.readFileSync('scenes/block-park-village.json', 'utf8'), 'village')
    const builtIn = buildGrid(scene.voxel!).grid
    expect(encodeGrid(builtIn).length).toBeLessThan(512 * 1024)
  })

  it('refuse what encodeGrid would never write, saying what is wrong', () => {
    const grid = emptyGrid(70, 8, 8)
    grid.fillColumn(1, 1, 0, 3, STONE)
    grid.fillColumn(66, 2, 0, 5, WATER)
    const good = encodeGrid(grid)
    const bad = (mutate: (b: Uint8Array) => Uint8Array) => () => decodeGrid(mutate(good.slice()))
    expect(bad((b) => b.subarray(0, 3))).toThrow(/no CQV1 header/)
    expect(
      bad((b) => {
        b[0] = 0x50
        return b
      }),
    ).toThrow(/no CQV1 header/)
    expect(
      bad((b) => {
        new DataView(b.buffer).setUint16(6, 129, true)
        return b
      }),
    ).toThrow(/grid size 70×129×8 is outside/)
    expect(
      bad((b) => {
        b[10] = 0
        return b
      }),
    ).toThrow(/names 0 materials/)
    expect(bad((b) => b.subarray(0, b.length - 1))).toThrow(/chunk 1,0 runs past the end/)
    expect(bad((b) => Uint8Array.from([...b, 0]))).toThrow(/1 bytes after the last chunk/)
    expect(decodeGrid(good, 5).materials).toBe(5)
    expect(() => decodeGrid(good, 4)).toThrow(/names 5 materials; at most 4/)
  })

  it('refuse runs that do not fill their chunk exactly with known materials', () => {
    // A 16 × 4 × 16 grid is one chunk of 1,024 cells; `runs` are [count bytes…, material].
    const file = (...runs: number[][]) => {
      const body = runs.flat()
      const b = new Uint8Array(11 + 4 + body.length)
      b.set([0x43, 0x51, 0x56, 0x31])
      const v = new DataView(b.buffer)
      v.setUint16(4, 16, true)
      v.setUint16(6, 4, true)
      v.setUint16(8, 16, true)
      b[10] = 5
      v.setUint32(11, body.length, true)
      b.set(body, 15)
      return b
    }
    // 1,024 = 0x400: varint 0x80 0x08.
    expect(decodeGrid(file([0x80, 0x08, STONE])).data.every((m) => m === STONE)).toBe(true)
    expect(() => decodeGrid(file([0x80, 0x08, 5]))).toThrow(/chunk 0,0: material 5 is not in/)
    expect(() => decodeGrid(file([0, 1], [0x80, 0x08, 1]))).toThrow(/a run of length 0/)
    expect(() => decodeGrid(file([0x81, 0x08, 1]))).toThrow(/runs overfill the chunk/)
    expect(() => decodeGrid(file([0xff, 0x07, 1]))).toThrow(/runs fill 1023 of 1024 cells/)
    expect(() => decodeGrid(file([0x80, 0x08]))).toThrow(/a run has no material/)
    expect(() => decodeGrid(file([0x80, 0x80, 0x80, 0x80, 0x80, 1]))).toThrow(/length is cut off/)
    // The run goes up each column before the next: 4 cells of grass fill column (0, 0).
    const g = decodeGrid(file([4, GRASS], [0xfc, 0x07, 0]))
    expect([...g.data.subarray(0, 5)]).toEqual([GRASS, GRASS, GRASS, GRASS, 0])
  })

  it('any damaged byte gives a VoxelCodecError or a grid of the right size, never anything else', () => {
    const good = encodeGrid(buildGrid(sampleWorld(64, 24, 64)).grid)
    const random = mulberry32(11)
    for (let i = 0; i < 2000; i++) {
      const b = good.slice()
      const at = Math.floor(random() * b.length)
      b[at] = Math.floor(random() * 256)
      try {
        const g = decodeGrid(b)
        expect(g.data.length).toBe(g.dims[0] * g.dims[1] * g.dims[2])
      } catch (err) {
        expect(err).toBeInstanceOf(VoxelCodecError)
      }
    }
  })
})
