import { describe, expect, it } from 'vitest'
import { Space } from '../protocol/scene'
import { buildSpacesGeometry, rangeAt, type FramePart } from './geometry'
import { frameSpot, layoutSpace } from './layout'

const space = Space.parse({
  id: 'plot',
  kind: 'plot',
  title: { 'zh-CN': '地块', en: 'Plot' },
  area: [0, 0, 10, 8],
  floorY: 21,
  slots: [
    { id: 'a', kind: 'wall', position: [3, 22.6, 0.5], rotY: 0, size: 1.5 },
    { id: 'b', kind: 'wall', position: [6, 22.6, 0.5], rotY: 0, size: 1.5 },
    { id: 'p', kind: 'pedestal', position: [5, 22, 4], rotY: 0, size: 0.8 },
  ],
})

describe('buildSpacesGeometry', () => {
  for (const style of ['voxel', 'hd'] as const) {
    it(`${style}: one vertex-coloured geometry, frames findable by triangle`, () => {
      const layout = layoutSpace(space, style)
      const frames: FramePart[] = ['a', 'p'].map((slot) => ({
        spaceId: 'plot',
        exhibitId: `x-${slot}`,
        spot: frameSpot(layout, { kind: 'slot', slot })!,
        status: 'verified',
      }))
      const empty = buildSpacesGeometry([layout], [])
      const { geometry, ranges } = buildSpacesGeometry([layout], frames)
      const count = geometry.getAttribute('position').count
      expect(geometry.getAttribute('color').count).toBe(count)
      expect(geometry.getAttribute('normal').count).toBe(count)
      expect(count).toBeGreaterThan(empty.geometry.getAttribute('position').count)
      expect(ranges.map((r) => r.exhibitId)).toEqual(['x-a', 'x-p'])
      expect(ranges[0]!.start).toBe(empty.geometry.getIndex()!.count / 3)
      expect(rangeAt(ranges, ranges[1]!.start)?.exhibitId).toBe('x-p')
      expect(rangeAt(ranges, ranges[0]!.start - 1)).toBeNull()
      expect(rangeAt(ranges, ranges[1]!.end)).toBeNull()
      // Everything lies within the area (walls, caps overhang by less than a metre) and above
      // the floor slab's skirt.
      geometry.computeBoundingBox()
      const box = geometry.boundingBox!
      expect(box.min.x).toBeGreaterThan(-1)
      expect(box.max.x).toBeLessThan(11)
      expect(box.min.y).toBeGreaterThan(21 - 2)
      geometry.dispose()
      empty.geometry.dispose()
    })
  }
})
