import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { parseScene } from '../protocol/scene'
import { encodeGrid } from './voxel/codec'
import { sampleWorld } from './voxel/fixtures'
import { buildGrid } from './voxel/generate'
import { withStoredGrid } from './loadScene'

describe('scene files with a stored grid', () => {
  it('give the scene without the grid and the grid codec bytes; other scenes none', async () => {
    const voxel = sampleWorld(32, 16, 32)
    const bytes = encodeGrid(buildGrid(voxel).grid)
    const base = {
      format: 'cangqiong-scene',
      version: 1,
      id: 'exported',
      name: { 'zh-CN': '导出', en: 'Exported' },
      summary: { 'zh-CN': '导出', en: 'Exported' },
      style: 'voxel',
      kind: 'village',
      spawn: { position: [4, 10, 4] },
    }
    const grid = deflateRawSync(bytes).toString('base64')
    const scene = parseScene({ ...base, voxel: { ...voxel, grid } }, 'exported.json')
    const out = await withStoredGrid(scene)
    expect(out.scene.voxel!.grid).toBeUndefined()
    expect(Buffer.from(out.voxels!).equals(bytes)).toBe(true)
    const plain = parseScene({ ...base, voxel }, 'plain.json')
    expect((await withStoredGrid(plain)).voxels).toBeNull()
    expect(() => parseScene({ ...base, voxel: { ...voxel, grid: 'not base64!' } }, 'x')).toThrow(
      /base64/,
    )
  })
})
