// Worlds from height map PNGs: brightness becomes height in every PNG flavour (grey, RGB, RGBA,
// palette, 1–16 bits, interlaced), the world passes the store's check, and damaged, oversized or
// foreign bytes are bad_input, never another exception.
import { crc32, deflateSync } from 'node:zlib'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { decodeGrid } from '../../src/world/voxel/codec'
import { mulberry32 } from '../../src/world/voxel/generate'
import { KIND_LIQUID, KIND_SOLID, VoxelGrid, materialTable } from '../../src/world/voxel/grid'
import type { Scene } from '../../src/protocol/scene'
import {
  HEIGHTMAP_MAX_BYTES,
  HEIGHTMAP_SEA_LEVEL,
  HEIGHTMAP_WORLD_HEIGHT,
  heightmapWorld,
  type HeightmapOptions,
} from './heightmap'
import { BuilderError, checkContent } from './store'
import { templateWorld } from './templates'

const OPTS: HeightmapOptions = {
  worldId: 'bw-heightmap',
  title: { 'zh-CN': '高度图', en: 'Height Map' },
  kind: 'scenic',
}

/** An 8-bit RGBA image through pngjs; `grey(x, y)` gives each pixel's grey (0–255). */
function pngOf(
  width: number,
  height: number,
  grey: (x: number, y: number) => number,
  options: { colorType?: 0 | 2 | 4 | 6 } = {},
): Uint8Array {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      png.data.fill(grey(x, y), i, i + 3)
      png.data[i + 3] = 255
    }
  return PNG.sync.write(png, { colorType: options.colorType ?? 0 })
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0) {
  const b = Buffer.alloc(13)
  b.writeUInt32BE(width, 0)
  b.writeUInt32BE(height, 4)
  b.set([depth, colorType, 0, 0, interlace], 8)
  return chunk('IHDR', b)
}

/**
 * A PNG written by hand for what pngjs cannot write: palette, 1–4 and 16-bit samples, Adam7.
 * `sample(x, y)` is each pixel's samples at the given depth (one for grey or a palette index).
 */
function rawPng(o: {
  width: number
  height: number
  depth: number
  colorType: number
  sample: (x: number, y: number) => number[]
  palette?: number[][]
  interlace?: boolean
}): Buffer {
  const passes = o.interlace
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]]
  const rows: number[] = []
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    for (let y = y0; y < o.height; y += dy) {
      if (x0 >= o.width) break
      rows.push(0) // filter: none
      let acc = 0
      let bits = 0
      for (let x = x0; x < o.width; x += dx) {
        for (const s of o.sample(x, y)) {
          if (o.depth === 16) rows.push(s >> 8, s & 255)
          else {
            acc = (acc << o.depth) | s
            bits += o.depth
            if (bits === 8) [acc, bits] = [rows.push(acc) && 0, 0]
          }
        }
      }
      if (bits > 0) rows.push((acc << (8 - bits)) & 255)
    }
  }
  return Buffer.concat([
    SIGNATURE,
    ihdr(o.width, o.height, o.depth, o.colorType, o.interlace ? 1 : 0),
    ...(o.palette ? [chunk('PLTE', Buffer.from(o.palette.flat()))] : []),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function gridOf(scene: Scene, voxels: Uint8Array): VoxelGrid {
  const d = decodeGrid(voxels)
  return new VoxelGrid(d.dims, materialTable(scene.voxel!.palette), d.data)
}

/** Top solid y per column, row by row (z), as a plain array. */
function tops(grid: VoxelGrid): number[][] {
  return Array.from({ length: grid.sz }, (_, z) =>
    Array.from({ length: grid.sx }, (_, x) => grid.topSolid(x, z)),
  )
}

/** Runs `fn`; passes when it throws BuilderError bad_input, and returns its message. */
function badInput(fn: () => unknown): string {
  let err: unknown
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err, 'expected a BuilderError').toBeInstanceOf(BuilderError)
  expect((err as BuilderError).code).toBe('bad_input')
  return (err as Error).message
}

const ramp = (w: number) => (x: number) => Math.round((x * 255) / (w - 1))

describe('heightmapWorld', () => {
  it('maps a ramp to rising ground, x along the width and z down the rows', () => {
    const world = heightmapWorld(
      pngOf(48, 20, (x) => ramp(48)(x)),
      OPTS,
    )
    const grid = gridOf(world.scene, world.voxels)
    expect(grid.dims).toEqual([48, HEIGHTMAP_WORLD_HEIGHT, 20])
    const t = tops(grid)
    for (const row of t) {
      expect(row).toEqual(t[0])
      for (let x = 1; x < row.length; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!)
    }
    // Black is the lowest ground, white the highest, with air above it.
    expect(t[0]![0]).toBe(1)
    expect(t[0]![47]).toBe(48)
    expect(t[0]![47]! + 12).toBeLessThan(HEIGHTMAP_WORLD_HEIGHT)

    const down = gridOf(
      world.scene,
      heightmapWorld(
        pngOf(20, 48, (_, y) => ramp(48)(y)),
        OPTS,
      ).voxels,
    )
    expect(down.dims).toEqual([20, HEIGHTMAP_WORLD_HEIGHT, 48])
    expect(tops(down).map((row) => row[0])).toEqual(t[0])
  })

  it('fills water to the sea level, sand by it, grass over dirt over stone above it', () => {
    const world = heightmapWorld(
      pngOf(64, 16, (x) => ramp(64)(x)),
      OPTS,
    )
    const grid = gridOf(world.scene, world.voxels)
    const id = (name: string) => grid.materials.byName.get(name)!
    const sea = HEIGHTMAP_SEA_LEVEL
    for (let x = 0; x < 64; x++) {
      const top = grid.topSolid(x, 8)
      if (top < sea) {
        for (let y = top + 1; y <= sea; y++) expect(grid.kindAt(x, y, 8)).toBe(KIND_LIQUID)
        expect(grid.get(x, sea + 1, 8)).toBe(0)
      }
      if (top <= sea + 1) expect(grid.get(x, top, 8)).toBe(id('sand'))
      if (top > sea + 1 && top < 40) {
        expect(grid.get(x, top, 8)).toBe(id('grass'))
        expect(grid.get(x, top - 1, 8)).toBe(id('dirt'))
        expect(grid.get(x, top - 4, 8)).toBe(id('stone'))
      }
    }
    expect(grid.get(63, grid.topSolid(63, 8), 8)).toBe(id('snow'))
    // The scene says what the grid holds, for the record.
    expect(world.scene.voxel!.terrain.sea).toEqual({ level: sea, material: 'water' })

    const higher = gridOf(
      world.scene,
      heightmapWorld(
        pngOf(64, 16, (x) => ramp(64)(x)),
        { ...OPTS, seaLevel: 30 },
      ).voxels,
    )
    expect(higher.kindAt(20, 30, 8)).toBe(KIND_LIQUID)
    expect(higher.get(20, 31, 8)).toBe(0)
  })

  it('reads colour as luminance: green above red above blue', () => {
    const png = new PNG({ width: 24, height: 16 })
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]
    for (let i = 0; i < 24 * 16; i++)
      png.data.set([...colours[Math.floor((i % 24) / 8)]!, 255], i * 4)
    for (const colorType of [2, 6] as const) {
      const world = heightmapWorld(PNG.sync.write(png, { colorType }), OPTS)
      const row = tops(gridOf(world.scene, world.voxels))[0]!
      const [red, green, blue] = [row[0]!, row[8]!, row[16]!]
      expect(green).toBeGreaterThan(red)
      expect(red).toBeGreaterThan(blue)
    }
  })

  it('reads 16-bit, palette, 1- to 4-bit and interlaced PNGs as their 8-bit grey twin', () => {
    // An odd width, so rows of 1–4-bit samples end inside a byte.
    const [w, h] = [37, 19]
    const grey = (x: number, y: number) => (ramp(w)(x) + 7 * y) % 256
    const topsOf = (png: Uint8Array) => {
      const world = heightmapWorld(png, OPTS)
      return tops(gridOf(world.scene, world.voxels))
    }
    const twin = (f: (x: number, y: number) => number) => topsOf(pngOf(w, h, f))
    const base = twin(grey)
    const raw = (depth: number, colorType: number, sample: typeof grey, more = {}) =>
      topsOf(
        rawPng({
          width: w,
          height: h,
          depth,
          colorType,
          sample: (x, y) => [sample(x, y)],
          ...more,
        }),
      )

    // 16 bits: by hand (grey) and through pngjs (RGB).
    expect(raw(16, 0, (x, y) => grey(x, y) * 257)).toEqual(base)
    const png16 = new PNG({ width: w, height: h, bitDepth: 16 })
    const samples = new Uint16Array(w * h * 4)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        samples.set([grey(x, y) * 257, grey(x, y) * 257, grey(x, y) * 257, 65535], (y * w + x) * 4)
    png16.data = Buffer.from(samples.buffer)
    const written = PNG.sync.write(png16, { bitDepth: 16, colorType: 2, inputColorType: 6 })
    expect(written[24]).toBe(16)
    expect(topsOf(written)).toEqual(base)

    // Palettes of 256 and of 16 greys.
    const greys = (n: number) =>
      Array.from({ length: n }, (_, i) => Array(3).fill((i * 255) / (n - 1)))
    expect(raw(8, 3, grey, { palette: greys(256) })).toEqual(base)
    expect(raw(4, 3, (x, y) => grey(x, y) >> 4, { palette: greys(16) })).toEqual(
      twin((x, y) => (grey(x, y) >> 4) * 17),
    )
    // 1, 2 and 4-bit grey, scaled up to 8 bits.
    expect(raw(1, 0, (x, y) => grey(x, y) >> 7)).toEqual(twin((x, y) => (grey(x, y) >> 7) * 255))
    expect(raw(2, 0, (x, y) => grey(x, y) >> 6)).toEqual(twin((x, y) => (grey(x, y) >> 6) * 85))
    expect(raw(4, 0, (x, y) => grey(x, y) >> 4)).toEqual(twin((x, y) => (grey(x, y) >> 4) * 17))
    // Adam7, 8 and 16 bits.
    expect(raw(8, 0, grey, { interlace: true })).toEqual(base)
    expect(raw(16, 0, (x, y) => grey(x, y) * 257, { interlace: true })).toEqual(base)
  })

  it('spawns on dry, flat ground near the centre', () => {
    // A bowl: sea in the middle, land rising to the rim.
    const bowl = (x: number, y: number) => Math.min(255, Math.hypot(x - 40, y - 30) * 4)
    const world = heightmapWorld(pngOf(80, 60, bowl), OPTS)
    const grid = gridOf(world.scene, world.voxels)
    const [sx, sy, sz] = world.scene.spawn.position
    const [x, y, z] = [Math.floor(sx), sy, Math.floor(sz)]
    expect(grid.topSolid(x, z)).toBe(y - 1)
    expect(grid.kindAt(x, y - 1, z)).toBe(KIND_SOLID)
    expect(y - 1).toBeGreaterThan(HEIGHTMAP_SEA_LEVEL)
    expect([grid.get(x, y, z), grid.get(x, y + 1, z)]).toEqual([0, 0])
    // Dry land begins about 15 voxels out: the spawn is there, not at an edge of the map.
    expect(Math.hypot(x - 40, z - 30)).toBeGreaterThan(14)
    expect(Math.hypot(x - 40, z - 30)).toBeLessThan(20)
  })

  it('raises an island when everything is under water', () => {
    const world = heightmapWorld(
      pngOf(32, 32, () => 0),
      OPTS,
    )
    const grid = gridOf(world.scene, world.voxels)
    const [x, y, z] = world.scene.spawn.position.map(Math.floor) as [number, number, number]
    expect(Math.abs(x - 16) + Math.abs(z - 16)).toBeLessThanOrEqual(6)
    expect(grid.kindAt(x, y - 1, z)).toBe(KIND_SOLID)
    expect(y - 1).toBe(HEIGHTMAP_SEA_LEVEL + 1)
    expect(grid.kindAt(0, HEIGHTMAP_SEA_LEVEL, 0)).toBe(KIND_LIQUID)
  })

  it('makes a world the store accepts, with the village palette and prefabs, every time alike', () => {
    const png = pngOf(512, 512, (x, y) => (x * 3 + y * 5) % 256)
    const world = heightmapWorld(png, { ...OPTS, kind: 'town' })
    const { scene, stored } = checkContent(OPTS.worldId, world.scene, world.voxels)
    expect(scene.voxel!.size).toEqual([512, 64, 512])
    expect(stored.length).toBeLessThan(2 * 1024 * 1024)
    expect(scene.kind).toBe('village')
    expect(scene.name).toEqual(OPTS.title)
    expect(scene.pois).toEqual([])
    const village = templateWorld('village', 'bw-v', OPTS.title).scene
    expect(scene.voxel!.palette).toEqual(village.voxel!.palette)
    expect(scene.voxel!.prefabs).toEqual(village.voxel!.prefabs)
    expect(scene.environment).toEqual(village.environment)
    const again = heightmapWorld(png, { ...OPTS, kind: 'town' })
    expect(Buffer.from(again.voxels).equals(Buffer.from(world.voxels))).toBe(true)
    expect(
      heightmapWorld(
        pngOf(16, 16, () => 99),
        OPTS,
      ).scene.kind,
    ).toBe('scenic')
  })
})

describe('heightmapWorld refuses, always with bad_input', () => {
  const good = pngOf(40, 24, (x, y) => (x * 6 + y * 3) % 256)
  /** A PNG whose header names `width`×`height` (nothing after it needs to be right). */
  const headerOnly = (width: number, height: number) =>
    Buffer.concat([SIGNATURE, ihdr(width, height, 8, 0), chunk('IEND', Buffer.alloc(0))])

  it('more than 1 MiB of bytes', () => {
    const big = Buffer.concat([good, Buffer.alloc(HEIGHTMAP_MAX_BYTES)])
    expect(badInput(() => heightmapWorld(big, OPTS))).toMatch(/at most 1048576/)
  })

  it('an image too large or too small, read from the header before anything is decoded', () => {
    for (const [w, h] of [
      [513, 64],
      [64, 513],
      [4096, 4096],
      [0x7fffffff, 0x7fffffff],
      [15, 64],
      [64, 8],
      [0, 0],
    ] as const)
      expect(badInput(() => heightmapWorld(headerOnly(w, h), OPTS))).toMatch(/16 to 512/)
    const tooBig = new PNG({ width: 600, height: 20 })
    expect(badInput(() => heightmapWorld(PNG.sync.write(tooBig), OPTS))).toMatch(/600×20/)
  })

  it('bytes that are not a PNG', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array(60).fill(0)])
    for (const bytes of [new Uint8Array(0), Buffer.from('hello, world'), jpeg, good.subarray(8)])
      expect(badInput(() => heightmapWorld(bytes, OPTS))).toMatch(/not a PNG|header/)
    expect(badInput(() => heightmapWorld('PNG' as unknown as Uint8Array, OPTS))).toMatch(/PNG/)
  })

  it('a PNG cut short anywhere', () => {
    for (let n = 0; n < good.length; n++) badInput(() => heightmapWorld(good.subarray(0, n), OPTS))
  })

  it('a damaged byte (checksums) or damaged image data (zlib) with a right checksum', () => {
    const flipped = Buffer.from(good)
    flipped[good.length - 20] = flipped[good.length - 20]! ^ 0x40
    expect(badInput(() => heightmapWorld(flipped, OPTS))).toMatch(/checksum/)
    const header = Buffer.from(good)
    header[17] = header[17]! ^ 1
    expect(badInput(() => heightmapWorld(header, OPTS))).toMatch(/checksum/)
    // Garbage in IDAT with its CRC recomputed: only zlib can tell.
    const w = 40
    const h = 24
    const garbage = Buffer.alloc(200, 0x5a)
    const bad = Buffer.concat([
      SIGNATURE,
      ihdr(w, h, 8, 0),
      chunk('IDAT', garbage),
      chunk('IEND', Buffer.alloc(0)),
    ])
    expect(badInput(() => heightmapWorld(bad, OPTS))).toMatch(/damaged/)
    // A valid stream of the wrong length: too short, and a bomb far past the image's size.
    for (const [size, why] of [
      [h * (w + 1) - 1, /cut short/],
      [64 * 1024 * 1024, /more than its size/],
    ] as const) {
      const png = Buffer.concat([
        SIGNATURE,
        ihdr(w, h, 8, 0),
        chunk('IDAT', deflateSync(Buffer.alloc(size))),
        chunk('IEND', Buffer.alloc(0)),
      ])
      expect(png.length).toBeLessThan(HEIGHTMAP_MAX_BYTES)
      expect(badInput(() => heightmapWorld(png, OPTS))).toMatch(why)
    }
  })

  it('what pngjs refuses: a palette image without its palette, an index past it', () => {
    const sample = () => [5]
    const base = { width: 16, height: 16, depth: 8, colorType: 3, sample }
    badInput(() => heightmapWorld(rawPng(base), OPTS))
    badInput(() => heightmapWorld(rawPng({ ...base, palette: [[1, 2, 3]] }), OPTS))
  })

  it('impossible header fields', () => {
    for (const [depth, colorType] of [
      [16, 3],
      [4, 2],
      [3, 0],
      [8, 5],
    ]) {
      const png = Buffer.concat([SIGNATURE, ihdr(16, 16, depth!, colorType!), good.subarray(33)])
      expect(badInput(() => heightmapWorld(png, OPTS))).toMatch(/not supported/)
    }
    const interlace2 = Buffer.concat([SIGNATURE, ihdr(16, 16, 8, 0, 2), good.subarray(33)])
    expect(badInput(() => heightmapWorld(interlace2, OPTS))).toMatch(/does not exist/)
  })

  it('bad options: kind, sea level, title', () => {
    expect(badInput(() => heightmapWorld(good, { ...OPTS, kind: 'city' }))).toMatch(/kind/)
    for (const seaLevel of [-1, 1.5, 49, Number.NaN])
      expect(badInput(() => heightmapWorld(good, { ...OPTS, seaLevel }))).toMatch(/sea level/)
    badInput(() => heightmapWorld(good, { ...OPTS, title: { 'zh-CN': '', en: 'x' } }))
    badInput(() => heightmapWorld(good, { ...OPTS, worldId: 'NOT VALID' }))
  })

  it('random damage: bad_input or a world, nothing else', () => {
    const rng = mulberry32(7)
    let refused = 0
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(good)
      for (let k = 0; k <= i % 4; k++) bytes[Math.floor(rng() * bytes.length)] = rng() * 256
      try {
        heightmapWorld(bytes, OPTS)
      } catch (err) {
        expect(err).toBeInstanceOf(BuilderError)
        refused++
      }
    }
    expect(refused).toBeGreaterThan(250)
  })
})
