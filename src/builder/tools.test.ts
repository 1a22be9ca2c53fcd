import { describe, expect, it } from 'vitest'
import { emptyGrid, GRASS, STONE } from '../world/voxel/testing'
import { brushBox, clipSize, pieceSize, toolAction, type ToolState } from './tools'
import type { VoxelHit } from './raycast'

const hit: VoxelHit = { cell: [4, 2, 4], before: [4, 3, 4], distance: 5 }
const state = (over: Partial<ToolState> = {}): ToolState => ({
  tool: 'place',
  material: STONE,
  brush: 1,
  corner: null,
  prefab: null,
  rotate: 0,
  ...over,
})

describe('builder tools', () => {
  it('place puts the block on the face clicked, remove takes the block, right click removes', () => {
    const g = emptyGrid(16, 16, 16)
    g.set(4, 2, 4, GRASS)
    expect(toolAction(state(), g, hit, 0)).toEqual({
      kind: 'edit',
      edit: { from: [4, 3, 4], to: [4, 3, 4], material: STONE },
    })
    expect(toolAction(state({ tool: 'remove' }), g, hit, 0)).toMatchObject({
      edit: { from: [4, 2, 4], to: [4, 2, 4], material: 0 },
    })
    expect(toolAction(state(), g, hit, 2)).toMatchObject({ edit: { material: 0 } })
  })

  it('brushes are cubes around the cell, clipped to the world', () => {
    const g = emptyGrid(16, 16, 16)
    expect(brushBox(g, [4, 4, 4], 3)).toEqual({ from: [3, 3, 3], to: [5, 5, 5] })
    expect(brushBox(g, [0, 0, 15], 3)).toEqual({ from: [0, 0, 14], to: [1, 1, 15] })
  })

  it('box fill takes two corners and refuses boxes over 32³', () => {
    const g = emptyGrid(64, 40, 64)
    const first = toolAction(state({ tool: 'box' }), g, hit, 0)
    expect(first).toEqual({ kind: 'corner', at: [4, 3, 4] })
    const second = toolAction(state({ tool: 'box', corner: [0, 0, 0] }), g, hit, 0)
    expect(second).toEqual({
      kind: 'edit',
      edit: { from: [0, 0, 0], to: [4, 3, 4], material: STONE },
    })
    const far: VoxelHit = { cell: [40, 35, 40], before: [40, 36, 40], distance: 9 }
    expect(toolAction(state({ tool: 'box', corner: [0, 0, 0] }), g, far, 0)).toMatchObject({
      kind: 'none',
    })
  })

  it('replace changes only the clicked material; the eyedropper picks it up', () => {
    const g = emptyGrid(16, 16, 16)
    g.set(4, 2, 4, GRASS)
    expect(toolAction(state({ tool: 'replace' }), g, hit, 0)).toMatchObject({
      edit: { material: STONE, only: GRASS },
    })
    expect(toolAction(state({ tool: 'pick' }), g, hit, 0)).toEqual({
      kind: 'pick',
      material: GRASS,
    })
    expect(toolAction(state({ tool: 'replace', material: GRASS }), g, hit, 0).kind).toBe('none')
  })

  it('places a piece centred on the cell clicked, turned as chosen', () => {
    const g = emptyGrid(16, 16, 16)
    const house = { keys: { s: 'stone' }, layers: [['sss', 'sss'], ['s']] }
    expect(pieceSize(house, 0)).toEqual([3, 2, 2])
    expect(pieceSize(house, 90)).toEqual([2, 2, 3])
    const prefabs = { house }
    expect(toolAction(state({ tool: 'prefab' }), g, hit, 0, prefabs).kind).toBe('none')
    expect(
      toolAction(state({ tool: 'prefab', prefab: 'house', rotate: 90 }), g, hit, 0, prefabs),
    ).toEqual({
      kind: 'prefab',
      prefab: 'house',
      at: [3, 3, 3],
      rotate: 90,
    })
  })

  it('terrain brushes at the block clicked; copy takes two corners, then pastes turned', () => {
    const g = emptyGrid(16, 16, 16)
    expect(
      toolAction(state({ tool: 'terrain', terrainOp: 'flatten', brush: 3 }), g, hit, 0),
    ).toEqual({
      kind: 'terrain',
      op: 'flatten',
      at: [4, 2, 4],
      radius: 3,
    })
    expect(toolAction(state({ tool: 'copy' }), g, hit, 0)).toEqual({
      kind: 'corner',
      at: [4, 2, 4],
    })
    expect(toolAction(state({ tool: 'copy', corner: [1, 1, 1] }), g, hit, 0)).toEqual({
      kind: 'clip',
      from: [1, 1, 1],
      to: [4, 2, 4],
    })
    const clip = {
      from: [1, 1, 1] as [number, number, number],
      to: [4, 2, 4] as [number, number, number],
    }
    expect(toolAction(state({ tool: 'copy', clip, rotate: 90, mirror: true }), g, hit, 0)).toEqual({
      kind: 'paste',
      ...clip,
      at: [4, 3, 4],
      turn: 90,
      mirror: true,
    })
    expect(clipSize(clip.from, clip.to, 90)).toEqual([4, 2, 4])
  })
})
