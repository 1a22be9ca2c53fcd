// A Block Park builder world from an uploaded height map: a PNG whose brightness is the ground's
// height (black lowest, white highest), one pixel a column. The bytes are untrusted: the header
// and every chunk are checked, and the image data is inflated with a cap, before pngjs decodes
// it; whatever is wrong comes back as BuilderError('bad_input'), never as another exception.
import { crc32, inflateSync } from 'node:zlib'
import { PNG } from 'pngjs'
import { SCENE_FORMAT, SCENE_VERSION, VOXEL_MAX_SIZE, type Scene } from '../../src/protocol/scene'
import { encodeGrid } from '../../src/world/voxel/codec'
import { VoxelGrid, materialId, materialTable } from '../../src/world/voxel/grid'
import { BuilderError, WORLD_KINDS, type WorldKind } from './store'
import { cleanTitle, sceneOrBadInput, templateStyle, type Title } from './templates'

/** Largest upload, bytes. */
export const HEIGHTMAP_MAX_BYTES = 1024 * 1024
/** Sides of the image (and of the world, in voxels). */
export const HEIGHTMAP_MIN_SIDE = 16
export const HEIGHTMAP_MAX_SIDE = Math.min(512, VOXEL_MAX_SIZE[0], VOXEL_MAX_SIZE[2])
/** The world's height in voxels; ground reaches FLOOR (black) to PEAK (white), air above. */
export const HEIGHTMAP_WORLD_HEIGHT = 64
const FLOOR = 1
const PEAK = 48
/** Water fills every column up to this y unless the upload names another level. */
export const HEIGHTMAP_SEA_LEVEL = 12
/** Ground this high or higher is snow; a column this much above a neighbour is bare rock. */
const SNOW_FROM = PEAK - 4
const CLIFF = 3
const DIRT_DEPTH = 3

export interface HeightmapOptions {
  worldId: string
  title: Title
  /** One of the store's WORLD_KINDS. */
  kind: string
  /** Water level, a voxel y from 0 to PEAK (0: no sea). */
  seaLevel?: number
}

const bad = (message: string): BuilderError => new BuilderError('bad_input', message)

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Samples per pixel by colour type; and the bit depths each type allows. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

interface Header {
  width: number
  height: number
  depth: number
  colorType: number
  interlaced: boolean
}

const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0

/** A chunk type for a message: four letters, or "?" where the bytes are not letters. */
const chunkName = (b: Uint8Array, at: number) =>
  String.fromCharCode(...b.subarray(at, at + 4)).replace(/[^A-Za-z]/g, '?')

/** Checks the signature and the IHDR before anything else is read. */
function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8 + 25 || SIGNATURE.some((b, i) => bytes[i] !== b))
    throw bad('the height map is not a PNG file')
  if (u32(bytes, 8) !== 13 || chunkName(bytes, 12) !== 'IHDR')
    throw bad('the PNG does not start with its header (IHDR)')
  if (crc32(bytes.subarray(12, 29)) !== u32(bytes, 29))
    throw bad('the PNG header fails its checksum (the file is damaged)')
  const width = u32(bytes, 16)
  const height = u32(bytes, 20)
  const [depth, colorType, compression, filter, interlace] = bytes.subarray(24, 29)
  const min = HEIGHTMAP_MIN_SIDE
  const max = HEIGHTMAP_MAX_SIDE
  if (width < min || width > max || height < min || height > max)
    throw bad(`the height map is ${width}×${height} pixels; each side must be ${min} to ${max}`)
  if (!DEPTHS[colorType!]?.includes(depth!))
    throw bad(`a PNG of colour type ${colorType} with ${depth}-bit samples is not supported`)
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1))
    throw bad('the PNG names a compression, filter or interlace method that does not exist')
  return { width, height, depth: depth!, colorType: colorType!, interlaced: interlace === 1 }
}

/** Bytes the image data inflates to: each row (of each interlace pass) with its filter byte. */
function inflatedSize(h: Header): number {
  const bits = CHANNELS[h.colorType]! * h.depth
  const rows = (w: number, n: number) => (w > 0 && n > 0 ? n * (1 + Math.ceil((w * bits) / 8)) : 0)
  if (!h.interlaced) return rows(h.width, h.height)
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) =>
      sum + rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)),
    0,
  )
}

/**
 * Walks the chunks (lengths inside the file, checksums right, IDAT present, IEND reached) and
 * inflates the image data with a cap at the size the header implies. Returns the bytes up to
 * IEND (anything after it is ignored).
 */
function checkChunks(bytes: Uint8Array, header: Header): Uint8Array {
  const idat: Uint8Array[] = []
  let at = 8
  for (;;) {
    if (at + 12 > bytes.length) throw bad('the PNG is cut short (it has no IEND chunk)')
    const length = u32(bytes, at)
    const name = chunkName(bytes, at + 4)
    if (length > bytes.length - at - 12) throw bad(`the PNG is cut short (in its ${name} chunk)`)
    const end = at + 8 + length
    if (crc32(bytes.subarray(at + 4, end)) !== u32(bytes, end))
      throw bad(`the PNG's ${name} chunk fails its checksum (the file is damaged)`)
    if (name === 'IDAT') idat.push(bytes.subarray(at + 8, end))
    at = end + 4
    if (name === 'IEND') break
  }
  if (idat.length === 0) throw bad('the PNG has no image data (IDAT)')
  const expected = inflatedSize(header)
  let data: Buffer
  try {
    data = inflateSync(Buffer.concat(idat), { maxOutputLength: expected })
  } catch (err) {
    if (err instanceof RangeError)
      throw bad('the PNG image data inflates to more than its size allows')
    throw bad('the PNG image data is damaged (it does not inflate)')
  }
  if (data.length !== expected) throw bad('the PNG image data is cut short')
  return bytes.subarray(0, at)
}

/** Luminance per pixel, 0–255 (Rec. 709 weights; a grey image is its grey). */
function decode(bytes: Uint8Array): { width: number; height: number; luma: Float32Array } {
  if (!(bytes instanceof Uint8Array)) throw bad('the height map is not a PNG file')
  if (bytes.length > HEIGHTMAP_MAX_BYTES)
    throw bad(`the height map takes ${bytes.length} bytes; at most ${HEIGHTMAP_MAX_BYTES}`)
  const header = readHeader(bytes)
  const png = checkChunks(bytes, header)
  let image: { width: number; height: number; data: Uint8Array }
  try {
    image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength))
  } catch (err) {
    const why = err instanceof Error ? err.message.slice(0, 80) : 'unknown error'
    throw bad(`the PNG could not be decoded (${why})`)
  }
  const { width, height, data } = image
  if (width !== header.width || height !== header.height || data.length < width * height * 4)
    throw bad('the PNG could not be decoded')
  const luma = new Float32Array(width * height)
  for (let i = 0; i < luma.length; i++)
    luma[i] = 0.2126 * data[i * 4]! + 0.7152 * data[i * 4 + 1]! + 0.0722 * data[i * 4 + 2]!
  return { width, height, luma }
}

/** Column heights: black is FLOOR, white is PEAK. */
function heights(luma: Float32Array): Int16Array {
  const out = new Int16Array(luma.length)
  for (let i = 0; i < luma.length; i++)
    out[i] = FLOOR + Math.round((Math.min(255, Math.max(0, luma[i]!)) / 255) * (PEAK - FLOOR))
  return out
}

/** The column nearest the centre that stands above the water, preferring flat ground. */
function spawnColumn(h: Int16Array, sx: number, sz: number, sea: number): [number, number] {
  const cx = (sx - 1) / 2
  const cz = (sz - 1) / 2
  let best: [number, number] | null = null
  let bestFlat: [number, number] | null = null
  let d = Infinity
  let dFlat = Infinity
  for (let z = 0; z < sz; z++) {
    for (let x = 0; x < sx; x++) {
      const y = h[z * sx + x]!
      if (y <= sea) continue
      const dist = (x - cx) ** 2 + (z - cz) ** 2
      if (dist < d) [d, best] = [dist, [x, z]]
      if (dist >= dFlat || x === 0 || z === 0 || x === sx - 1 || z === sz - 1) continue
      let flat = true
      for (let dz = -1; dz <= 1 && flat; dz++)
        for (let dx = -1; dx <= 1; dx++)
          if (Math.abs(h[(z + dz) * sx + x + dx]! - y) > 1) flat = false
      if (flat) [dFlat, bestFlat] = [dist, [x, z]]
    }
  }
  // Flat ground a little further off beats a slope; not flat ground across the map.
  return bestFlat && Math.sqrt(dFlat) <= Math.sqrt(d) + 16 ? bestFlat : best!
}

/**
 * A new world from a height map PNG: the world is the image's size (x = width, z = height) and
 * 64 voxels high; grass over dirt over stone, rock on cliffs, snow on the peaks, sand by the
 * water, water up to the sea level. Palette, prefabs, movement and environment are the village
 * template's. Throws BuilderError('bad_input') for anything it cannot use.
 */
export function heightmapWorld(
  png: Uint8Array,
  opts: HeightmapOptions,
): { scene: Scene; voxels: Uint8Array } {
  if (!(WORLD_KINDS as readonly string[]).includes(opts.kind))
    throw bad(`kind is one of ${WORLD_KINDS.join(', ')}`)
  const kind = opts.kind as WorldKind
  const sea = opts.seaLevel ?? HEIGHTMAP_SEA_LEVEL
  if (!Number.isInteger(sea) || sea < 0 || sea > PEAK)
    throw bad(`the sea level is a whole number from 0 to ${PEAK}`)
  const name = cleanTitle(opts.title)
  const { width: sx, height: sz, luma } = decode(png)
  const sy = HEIGHTMAP_WORLD_HEIGHT
  const h = heights(luma)
  // All under water: raise an island in the middle, so there is somewhere to stand.
  if (!h.some((y) => y > sea)) {
    for (let z = (sz >> 1) - 3; z <= (sz >> 1) + 3; z++)
      for (let x = (sx >> 1) - 3; x <= (sx >> 1) + 3; x++) h[z * sx + x] = sea + 1
  }

  const style = templateStyle('village')
  const mats = materialTable(style.palette)
  const m = (id: string) => materialId(mats, id)
  const [grass, dirt, stone, sand, rock, snow, water] = [
    'grass',
    'dirt',
    'stone',
    'sand',
    'rock',
    'snow',
    'water',
  ].map(m) as [number, number, number, number, number, number, number]
  const grid = new VoxelGrid([sx, sy, sz], mats)
  for (let z = 0; z < sz; z++) {
    for (let x = 0; x < sx; x++) {
      const y = h[z * sx + x]!
      let drop = 0
      if (x > 0) drop = Math.max(drop, y - h[z * sx + x - 1]!)
      if (x < sx - 1) drop = Math.max(drop, y - h[z * sx + x + 1]!)
      if (z > 0) drop = Math.max(drop, y - h[(z - 1) * sx + x]!)
      if (z < sz - 1) drop = Math.max(drop, y - h[(z + 1) * sx + x]!)
      let top = grass
      let under = dirt
      if (y <= sea + 1) top = under = sand
      else if (y >= SNOW_FROM) [top, under] = [snow, stone]
      else if (drop >= CLIFF) [top, under] = [rock, stone]
      grid.fillColumn(x, z, 0, y - DIRT_DEPTH - 1, stone)
      grid.fillColumn(x, z, y - DIRT_DEPTH, y - 1, under)
      grid.set(x, y, z, top)
      if (y < sea) grid.fillColumn(x, z, y + 1, sea, water)
    }
  }

  const [spawnX, spawnZ] = spawnColumn(h, sx, sz, sea)
  const spawnY = h[spawnZ * sx + spawnX]! + 1
  const scene = sceneOrBadInput(
    {
      format: SCENE_FORMAT,
      version: SCENE_VERSION,
      id: opts.worldId,
      name,
      summary: {
        'zh-CN': '由高度图生成的方块世界，等你来建设。',
        en: 'A voxel world raised from a height map, ready to build on.',
      },
      style: 'voxel',
      // The scene format groups worlds as villages or scenic areas; a town is a village there.
      kind: kind === 'scenic' ? 'scenic' : 'village',
      spawn: { position: [spawnX + 0.5, spawnY, spawnZ + 0.5], heading: 0 },
      movement: style.movement,
      environment: style.environment,
      voxel: {
        size: [sx, sy, sz],
        palette: style.palette,
        // What the grid was made with, for the record: the grid is authoritative, nothing re-runs.
        terrain: {
          seed: 1,
          base: sea,
          surface: 'grass',
          subsurface: 'dirt',
          subsurfaceDepth: DIRT_DEPTH,
          deep: 'stone',
          beach: { level: sea + 1, material: 'sand' },
          sea: { level: sea, material: 'water' },
        },
        prefabs: style.prefabs,
      },
    },
    `world ${opts.worldId}`,
  )
  return { scene, voxels: encodeGrid(grid) }
}
