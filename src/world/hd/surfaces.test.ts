// The landmarks' physically based surfaces: world-scale texture coordinates and the textures
// made in code for stone and lacquered wood.
import { describe, expect, it } from 'vitest'
import { BoxGeometry } from 'three'
import { projectUvs } from './landmarkMeshes'
import { createLacquerTextures, createStoneTextures } from './textures'

describe('world-scale texture coordinates', () => {
  it('give a wall and a floor one texture size whatever the box', () => {
    const g = new BoxGeometry(4, 2, 1).toNonIndexed()
    g.translate(10, 1, 0)
    projectUvs(g, 2)
    const pos = g.getAttribute('position')
    const uv = g.getAttribute('uv')
    for (let i = 0; i < pos.count; i++) {
      const [x, y, z] = [pos.getX(i), pos.getY(i), pos.getZ(i)]
      const [u, v] = [uv.getX(i), uv.getY(i)]
      // Each corner maps to two of its world coordinates over the repeat.
      const candidates = [
        [x / 2, z / 2],
        [z / 2, y / 2],
        [x / 2, y / 2],
      ]
      expect(candidates.some(([a, b]) => a === u && b === v)).toBe(true)
    }
    // The top face (y = 2) runs over x and z.
    for (let i = 0; i < pos.count; i++)
      if (pos.getY(i) === 2 && uv.getY(i) === pos.getZ(i) / 2)
        expect(uv.getX(i)).toBe(pos.getX(i) / 2)
  })
})

describe('surface textures made in code', () => {
  for (const [name, make] of [
    ['stone', createStoneTextures],
    ['lacquer', createLacquerTextures],
  ] as const)
    it(`${name}: a near-white colour multiplier, varied roughness and tilted normals`, () => {
      const t = make(7)
      const colour = t.map.image.data as Uint8Array
      const rough = t.roughnessMap.image.data as Uint8Array
      const normal = t.normalMap.image.data as Uint8Array
      let minColour = 255
      let minRough = 255
      let maxRough = 0
      let tilted = 0
      for (let i = 0; i < colour.length; i += 4) {
        minColour = Math.min(minColour, colour[i]!)
        minRough = Math.min(minRough, rough[i + 1]!)
        maxRough = Math.max(maxRough, rough[i + 1]!)
        if (Math.abs(normal[i]! - 128) > 8 || Math.abs(normal[i + 1]! - 128) > 8) tilted++
      }
      // Keeps the vertex colours' hue: never darker than about half.
      expect(minColour).toBeGreaterThan(120)
      expect(maxRough - minRough).toBeGreaterThan(40)
      expect(tilted).toBeGreaterThan(colour.length / 4 / 20)
      // Made twice from one seed, the same.
      expect(make(7).map.image.data).toEqual(colour)
    })
})
