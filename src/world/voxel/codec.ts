// A Block Park grid as bytes, for worlds made in the builder: stored in the database, sent to
// visitors, exported. Run-length coded per chunk (the mesher's chunks: full height, 64² or 128²
// columns), so one edit re-encodes one chunk and a chunk can be sent or replaced on its own.
// Decoding trusts nothing: the bytes may come from a client, a file or an old version.
//
// Layout (little-endian):
//   "CQV1"  u16 sx  u16 sy  u16 sz  u8 materials (palette size + 1, air included)
//   per chunk, in chunk order (cz, then cx): u32 byteLength, then runs
//   a run: varint count (≥ 1), u8 material id (< materials)
// A chunk's cells are its columns in grid order (z, then x; each column y = 0 upwards), so a
// column's runs follow on from the one before: all-air rows above the ground stay one run.
import { VOXEL_MAX_SIZE } from '../../protocol/scene'
import type { VoxelGrid } from './grid'
import { chunkLayout, type ChunkLayout } from './mesher'

const MAGIC = [0x43, 0x51, 0x56, 0x31] // "CQV1"
const HEADER_BYTES = 4 + 2 * 3 + 1

export class VoxelCodecError extends Error {}

/** Runs of one chunk, appended to `out`. */
function encodeChunk(grid: VoxelGrid, layout: ChunkLayout, cx: number, cz: number, out: Bytes) {
  const { data, sx, sy, sz } = grid
  const x0 = cx * layout.size
  const z0 = cz * layout.size
  const x1 = Math.min(sx, x0 + layout.size)
  const z1 = Math.min(sz, z0 + layout.size)
  let material = -1
  let count = 0
  for (let z = z0; z < z1; z++) {
    for (let x = x0; x < x1; x++) {
      const base = (z * sx + x) * sy
      for (let y = 0; y < sy; y++) {
        const m = data[base + y]!
        if (m === material) {
          count++
        } else {
          if (count > 0) out.run(count, material)
          material = m
          count = 1
        }
      }
    }
  }
  if (count > 0) out.run(count, material)
}

/** Encodes every chunk of `grid`. */
export function encodeGrid(grid: VoxelGrid): Uint8Array {
  const layout = chunkLayout(grid.sx, grid.sz)
  const out = new Bytes()
  out.raw(MAGIC)
  out.u16(grid.sx)
  out.u16(grid.sy)
  out.u16(grid.sz)
  out.u8(grid.materials.ids.length)
  for (let cz = 0; cz < layout.nz; cz++) {
    for (let cx = 0; cx < layout.nx; cx++) {
      const at = out.reserveU32()
      const start = out.length
      encodeChunk(grid, layout, cx, cz, out)
      out.patchU32(at, out.length - start)
    }
  }
  return out.bytes()
}

export interface DecodedGrid {
  dims: [number, number, number]
  /** Materials the bytes were written with (air included); the caller checks its palette. */
  materials: number
  /** Cells in VoxelGrid order (`(z * sx + x) * sy + y`). */
  data: Uint8Array
}

/**
 * Decodes bytes written by encodeGrid. Throws VoxelCodecError naming what is wrong (a bad
 * header, dimensions out of range, a material id past the palette, a chunk whose runs do not
 * fill it exactly, bytes left over) instead of returning a grid that is partly garbage.
 */
export function decodeGrid(bytes: Uint8Array, maxMaterials = 256): DecodedGrid {
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b))
    throw new VoxelCodecError('not a voxel grid (no CQV1 header)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dims: [number, number, number] = [
    view.getUint16(4, true),
    view.getUint16(6, true),
    view.getUint16(8, true),
  ]
  dims.forEach((n, i) => {
    if (n < 1 || n > VOXEL_MAX_SIZE[i]!)
      throw new VoxelCodecError(
        `grid size ${dims.join('×')} is outside 1×1×1 to ${VOXEL_MAX_SIZE.join('×')}`,
      )
  })
  const materials = bytes[10]!
  if (materials < 1 || materials > maxMaterials)
    throw new VoxelCodecError(`the grid names ${materials} materials; at most ${maxMaterials}`)
  const [sx, sy, sz] = dims
  const data = new Uint8Array(sx * sy * sz)
  const layout = chunkLayout(sx, sz)
  let at = HEADER_BYTES
  for (let cz = 0; cz < layout.nz; cz++) {
    for (let cx = 0; cx < layout.nx; cx++) {
      const where = `chunk ${cx},${cz}`
      if (at + 4 > bytes.length) throw new VoxelCodecError(`${where} is missing`)
      const length = view.getUint32(at, true)
      at += 4
      const end = at + length
      if (end > bytes.length) throw new VoxelCodecError(`${where} runs past the end of the data`)
      at = decodeChunk(bytes, at, end, data, dims, layout, cx, cz, materials, where)
    }
  }
  if (at !== bytes.length)
    throw new VoxelCodecError(`${bytes.length - at} bytes after the last chunk`)
  return { dims, materials, data }
}

function decodeChunk(
  bytes: Uint8Array,
  start: number,
  end: number,
  data: Uint8Array,
  [sx, sy, sz]: [number, number, number],
  layout: ChunkLayout,
  cx: number,
  cz: number,
  materials: number,
  where: string,
): number {
  const x0 = cx * layout.size
  const z0 = cz * layout.size
  const x1 = Math.min(sx, x0 + layout.size)
  const z1 = Math.min(sz, z0 + layout.size)
  const cells = (x1 - x0) * (z1 - z0) * sy
  // Position within the chunk's cells, and the column it is in.
  let filled = 0
  let x = x0
  let z = z0
  let y = 0
  let at = start
  while (at < end) {
    // varint: 7 bits a byte, at most 4 bytes (a chunk holds at most 128 × 128 × 128 cells).
    let count = 0
    let shift = 0
    for (;;) {
      if (at >= end || shift > 21) throw new VoxelCodecError(`${where}: a run's length is cut off`)
      const b = bytes[at++]!
      count |= (b & 0x7f) << shift
      shift += 7
      if (b < 0x80) break
    }
    if (at >= end) throw new VoxelCodecError(`${where}: a run has no material`)
    const material = bytes[at++]!
    if (count < 1) throw new VoxelCodecError(`${where}: a run of length 0`)
    if (material >= materials)
      throw new VoxelCodecError(`${where}: material ${material} is not in the palette`)
    if (filled + count > cells) throw new VoxelCodecError(`${where}: runs overfill the chunk`)
    filled += count
    // Write the run column by column.
    while (count > 0) {
      const take = Math.min(count, sy - y)
      const base = (z * sx + x) * sy
      if (material !== 0) data.fill(material, base + y, base + y + take)
      count -= take
      y += take
      if (y === sy) {
        y = 0
        if (++x === x1) {
          x = x0
          z++
        }
      }
    }
  }
  if (filled !== cells) throw new VoxelCodecError(`${where}: runs fill ${filled} of ${cells} cells`)
  return end
}

/** A growable byte buffer. */
class Bytes {
  private buf = new Uint8Array(1 << 16)
  length = 0

  private room(n: number) {
    if (this.length + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  u8(v: number) {
    this.room(1)
    this.buf[this.length++] = v
  }

  u16(v: number) {
    this.room(2)
    this.buf[this.length++] = v & 0xff
    this.buf[this.length++] = v >> 8
  }

  raw(values: readonly number[]) {
    for (const v of values) this.u8(v)
  }

  reserveU32(): number {
    this.room(4)
    const at = this.length
    this.length += 4
    return at
  }

  patchU32(at: number, v: number) {
    new DataView(this.buf.buffer).setUint32(at, v, true)
  }

  run(count: number, material: number) {
    this.room(6)
    while (count >= 0x80) {
      this.buf[this.length++] = (count & 0x7f) | 0x80
      count >>>= 7
    }
    this.buf[this.length++] = count
    this.buf[this.length++] = material
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}
