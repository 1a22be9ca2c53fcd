// A builder world's thumbnail: a map of the world seen from straight above, drawn on the server
// from its grid (no browser, no GPU) as a PNG for the directory. Each pixel is the top visible
// block of its column in the block's palette colour, lit from the north-west by the slope and a
// little by height, water darker where it is deep. Square, THUMBNAIL_SIZE pixels a side (the
// world scaled to fit, its aspect kept, the margin the sky's colour).
import { PNG } from 'pngjs'
import { decodeGrid } from '../../src/world/voxel/codec'
import { KIND_AIR, KIND_LIQUID, materialTable, VoxelGrid } from '../../src/world/voxel/grid'
import type { WorldContent } from './store'

export const THUMBNAIL_SIZE = 256

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** The thumbnail of `grid` (its palette's colours; `sky` for the margin) as PNG bytes. */
export function renderThumbnail(
  grid: VoxelGrid,
  palette: readonly { color: string }[],
  sky = '#8ec5ff',
): Buffer {
  const { sx, sy, sz, data } = grid
  const kinds = grid.materials.kind
  const colors = [[0, 0, 0] as [number, number, number], ...palette.map((p) => rgb(p.color))]
  // Per column: the top visible cell's material, its height, and the ground under water.
  const top = new Int16Array(sx * sz).fill(-1)
  const mat = new Uint8Array(sx * sz)
  const depth = new Uint8Array(sx * sz)
  for (let z = 0; z < sz; z++)
    for (let x = 0; x < sx; x++) {
      const base = (z * sx + x) * sy
      let y = sy - 1
      while (y >= 0 && kinds[data[base + y]!] === KIND_AIR) y--
      if (y < 0) continue
      const c = z * sx + x
      top[c] = y
      mat[c] = data[base + y]!
      if (kinds[mat[c]!] === KIND_LIQUID) {
        let g = y
        while (g >= 0 && kinds[data[base + g]!] === KIND_LIQUID) g--
        depth[c] = Math.min(255, y - g)
      }
    }
  const scale = Math.max(sx, sz) / THUMBNAIL_SIZE
  const ox = (THUMBNAIL_SIZE - sx / scale) / 2
  const oz = (THUMBNAIL_SIZE - sz / scale) / 2
  const png = new PNG({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE })
  const margin = rgb(sky)
  const height = (x: number, z: number) =>
    x >= 0 && z >= 0 && x < sx && z < sz ? top[z * sx + x]! : -1
  for (let py = 0; py < THUMBNAIL_SIZE; py++)
    for (let px = 0; px < THUMBNAIL_SIZE; px++) {
      const o = (py * THUMBNAIL_SIZE + px) * 4
      const x = Math.floor((px - ox) * scale)
      const z = Math.floor((py - oz) * scale)
      let out = margin
      if (x >= 0 && z >= 0 && x < sx && z < sz && top[z * sx + x]! >= 0) {
        const c = z * sx + x
        const h = top[c]!
        const base = colors[mat[c]!] ?? margin
        // Lit from the north-west: brighter where the ground rises towards the light.
        const up = height(x - 1, z - 1)
        const slope = up < 0 ? 0 : h - up
        let light = 1 + Math.max(-0.35, Math.min(0.35, slope * 0.12)) + (h / sy - 0.5) * 0.2
        if (depth[c]) light *= Math.max(0.55, 1 - depth[c]! * 0.05)
        out = base.map((v) => Math.max(0, Math.min(255, Math.round(v * light)))) as typeof out
      }
      png.data[o] = out[0]
      png.data[o + 1] = out[1]
      png.data[o + 2] = out[2]
      png.data[o + 3] = 255
    }
  return PNG.sync.write(png)
}

/** The thumbnail of stored content (its scene's palette and sky). */
export function thumbnailOf(content: WorldContent): Buffer {
  const voxel = content.scene.voxel!
  const d = decodeGrid(content.voxels, voxel.palette.length + 1)
  const grid = new VoxelGrid(d.dims, materialTable(voxel.palette), d.data)
  return renderThumbnail(grid, voxel.palette, content.scene.environment.skyColor)
}
