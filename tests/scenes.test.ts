// Every world in scenes/ is valid and consistent, and a broken file is reported by file and field.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScene, SceneError, type Scene } from '../src/protocol/scene'
import { sceneFileNames } from '../scripts/vite-plugin-scenes'

const dir = path.resolve('scenes')
const files = sceneFileNames(dir)
const scenes = new Map<string, Scene>()
for (const f of files)
  scenes.set(f, parseScene(fs.readFileSync(path.join(dir, f), 'utf8'), `scenes/${f}`))

describe('scenes/', () => {
  it('holds an HD world, a Block Park village and a scenic area', () => {
    const all = [...scenes.values()]
    expect(all.some((s) => s.style === 'hd')).toBe(true)
    expect(all.some((s) => s.style === 'voxel' && s.kind === 'village')).toBe(true)
    expect(all.some((s) => s.style === 'voxel' && s.kind === 'scenic')).toBe(true)
  })

  it.each(files)('%s: id matches the file name, portals lead to worlds that exist', (file) => {
    const scene = scenes.get(file)!
    expect(`${scene.id}.json`).toBe(file)
    const ids = new Set([...scenes.values()].map((s) => s.id))
    for (const p of scene.portals) expect(ids, `portal ${p.id}`).toContain(p.to)
  })

  it.each(files)('%s: spawn, points of interest and portals lie inside the world', (file) => {
    const s = scenes.get(file)!
    const [sx, sy, sz] = s.voxel ? s.voxel.size : [s.hd!.size, 1000, s.hd!.size]
    const [x0, z0] = s.voxel ? [0, 0] : [-sx / 2, -sz / 2]
    const points = [
      s.spawn.position,
      ...s.pois.map((p) => p.position),
      ...s.portals.map((p) => p.position),
    ]
    for (const [x, y, z] of points) {
      expect(x).toBeGreaterThanOrEqual(x0)
      expect(x).toBeLessThan(x0 + sx)
      expect(z).toBeGreaterThanOrEqual(z0)
      expect(z).toBeLessThan(z0 + sz)
      expect(y).toBeLessThan(sy)
    }
  })
})

describe('parseScene errors', () => {
  const good = JSON.parse(fs.readFileSync(path.join(dir, 'block-park-village.json'), 'utf8'))

  function errorOf(data: unknown): SceneError {
    try {
      parseScene(data, 'scenes/broken.json')
    } catch (err) {
      if (err instanceof SceneError) return err
      throw err
    }
    throw new Error('expected a SceneError')
  }

  it('names the file and the field', () => {
    const bad = structuredClone(good)
    bad.voxel.palette[2].color = 'grey'
    const err = errorOf(bad)
    expect(err.file).toBe('scenes/broken.json')
    expect(err.issues[0]).toMatchObject({ field: 'voxel.palette[2].color' })
    expect(err.message).toMatch(/scenes\/broken\.json: voxel\.palette\[2\]\.color/)
  })

  it('reports invalid JSON, unsupported versions and missing sections', () => {
    expect(errorOf('{ nope').issues[0]!.message).toMatch(/not valid JSON/)
    expect(errorOf({ ...good, version: 2 }).issues[0]).toMatchObject({ field: 'version' })
    const { voxel: _v, ...noVoxel } = good
    expect(errorOf(noVoxel).issues.map((i) => i.field)).toContain('voxel')
  })

  it('checks references between materials, prefabs and placements', () => {
    const bad = structuredClone(good)
    bad.voxel.placements[0].prefab = 'castle'
    bad.voxel.prefabs.tree.layers[0][0] = '..X..'
    bad.voxel.ops[0].material = 'marble'
    const fields = errorOf(bad).issues.map((i) => i.field)
    expect(fields).toContain('voxel.placements[0].prefab')
    expect(fields).toContain('voxel.prefabs.tree.layers[0][0]')
    expect(fields).toContain('voxel.ops[0].material')
  })
})
