// The voxel grid of a Block Park world and its material table. Plain TypeScript (no three, no
// React) so it runs in the mesher worker, on the main thread for collision, and in Vitest.
import type { VoxelWorld } from '../../protocol/scene'

export type PaletteEntry = VoxelWorld['palette'][number]
export type Dims = readonly [number, number, number]

/** How a material meshes and collides. Derived from the palette's `solid` and `liquid` flags. */
export const KIND_AIR = 0
export const KIND_SOLID = 1
export const KIND_LIQUID = 2
/** Drawn like a block but walked through (flowers, tall grass, glass panes…). */
export const KIND_DECOR = 3

/** Material id 0 is air; palette entry i has id i + 1 (so a grid cell fits in one byte). */
export interface MaterialTable {
  /** Names by id; ids[0] is "air". */
  readonly ids: readonly string[]
  /** sRGB bytes, 3 per id. */
  readonly rgb: Uint8Array
  /** One of the KIND_* values per id. */
  readonly kind: Uint8Array
  readonly byName: ReadonlyMap<string, number>
}

export function materialTable(palette: readonly PaletteEntry[]): MaterialTable {
  if (palette.length > 255) throw new Error('a palette holds at most 255 materials')
  const n = palette.length + 1
  const rgb = new Uint8Array(n * 3)
  const kind = new Uint8Array(n)
  const ids = ['air']
  const byName = new Map<string, number>([['air', 0]])
  palette.forEach((p, i) => {
    const id = i + 1
    ids.push(p.id)
    byName.set(p.id, id)
    const hex = Number.parseInt(p.color.slice(1), 16)
    rgb[id * 3] = (hex >> 16) & 255
    rgb[id * 3 + 1] = (hex >> 8) & 255
    rgb[id * 3 + 2] = hex & 255
    // Liquid wins over solid: `solid` defaults to true, and nobody should stand on water.
    kind[id] = p.liquid ? KIND_LIQUID : p.solid ? KIND_SOLID : KIND_DECOR
  })
  return { ids, rgb, kind, byName }
}

/** Material id by name; throws with the name so a bad scene reference is easy to find. */
export function materialId(table: MaterialTable, name: string): number {
  const id = table.byName.get(name)
  if (id === undefined) throw new Error(`unknown material "${name}"`)
  return id
}

/**
 * A dense voxel box. Layout: y varies fastest, then x, then z
 * (`index = (z * sx + x) * sy + y`), so a column is one contiguous run: terrain fills and
 * top-down column scans (heightmap, collision) are `fill`/linear loops, and the mesher's
 * x/z chunk windows are cheap to address.
 */
export class VoxelGrid {
  readonly sx: number
  readonly sy: number
  readonly sz: number
  readonly data: Uint8Array
  /** Replaced only by setMaterials (a builder world's palette grows). */
  materials: MaterialTable

  constructor(dims: Dims, materials: MaterialTable, data?: Uint8Array) {
    const [sx, sy, sz] = dims
    if (![sx, sy, sz].every((n) => Number.isInteger(n) && n > 0))
      throw new Error(`bad grid size ${dims.join('×')}`)
    this.sx = sx
    this.sy = sy
    this.sz = sz
    this.materials = materials
    const n = sx * sy * sz
    if (data && data.length !== n) throw new Error(`grid data has ${data.length} cells, not ${n}`)
    this.data = data ?? new Uint8Array(n)
  }

  /**
   * A new material table for the same cells (a builder world's palette grew, or a restore took
   * it back): every cell must still name one of its materials.
   */
  setMaterials(materials: MaterialTable) {
    const n = materials.ids.length
    if (n < this.materials.ids.length) {
      const d = this.data
      for (let i = 0; i < d.length; i++)
        if (d[i]! >= n) throw new Error(`material ${d[i]} is in the grid but not the palette`)
    }
    this.materials = materials
  }

  get dims(): [number, number, number] {
    return [this.sx, this.sy, this.sz]
  }

  inBounds(x: number, y: number, z: number): boolean {
    return x >= 0 && y >= 0 && z >= 0 && x < this.sx && y < this.sy && z < this.sz
  }

  /** Index of an in-bounds cell (no check: callers in hot loops check once for a range). */
  index(x: number, y: number, z: number): number {
    return (z * this.sx + x) * this.sy + y
  }

  /** Material id at a cell; 0 (air) outside the grid. */
  get(x: number, y: number, z: number): number {
    return this.inBounds(x, y, z) ? this.data[(z * this.sx + x) * this.sy + y]! : 0
  }

  /** Sets a cell; returns false (and does nothing) outside the grid. */
  set(x: number, y: number, z: number, material: number): boolean {
    if (!this.inBounds(x, y, z)) return false
    this.data[(z * this.sx + x) * this.sy + y] = material
    return true
  }

  kindAt(x: number, y: number, z: number): number {
    return this.materials.kind[this.get(x, y, z)]!
  }

  isSolid(x: number, y: number, z: number): boolean {
    return this.kindAt(x, y, z) === KIND_SOLID
  }

  isLiquid(x: number, y: number, z: number): boolean {
    return this.kindAt(x, y, z) === KIND_LIQUID
  }

  /** Fills y0..y1 (inclusive, clamped) of one column. */
  fillColumn(x: number, z: number, y0: number, y1: number, material: number): void {
    if (x < 0 || z < 0 || x >= this.sx || z >= this.sz) return
    const a = Math.max(0, y0)
    const b = Math.min(this.sy - 1, y1)
    if (b < a) return
    const base = (z * this.sx + x) * this.sy
    this.data.fill(material, base + a, base + b + 1)
  }

  /** Highest solid y in a column, or -1. */
  topSolid(x: number, z: number): number {
    if (x < 0 || z < 0 || x >= this.sx || z >= this.sz) return -1
    const base = (z * this.sx + x) * this.sy
    const kind = this.materials.kind
    for (let y = this.sy - 1; y >= 0; y--) if (kind[this.data[base + y]!] === KIND_SOLID) return y
    return -1
  }

  /** Count of solid cells (the benchmark's "voxels"). */
  countSolid(): number {
    const kind = this.materials.kind
    const data = this.data
    let n = 0
    for (let i = 0; i < data.length; i++) if (kind[data[i]!] === KIND_SOLID) n++
    return n
  }
}
