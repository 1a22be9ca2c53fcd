// A Block Park world used by the voxel tests and the quick build benchmark: noise terrain with
// sea and beach, every op kind, placed and scattered prefabs. Plain data, runs anywhere.
import { VoxelWorld } from '../../protocol/scene'

export function sampleWorld(sx = 128, sy = 48, sz = 128, seed = 7): VoxelWorld {
  const cx = Math.floor(sx / 2)
  const cz = Math.floor(sz / 2)
  return VoxelWorld.parse({
    size: [sx, sy, sz],
    palette: [
      { id: 'grass', color: '#6dbb4f' },
      { id: 'dirt', color: '#8b5a2b' },
      { id: 'stone', color: '#7a7f87' },
      { id: 'sand', color: '#d9c38c' },
      { id: 'water', color: '#3d7fd1', solid: false, liquid: true },
      { id: 'snow', color: '#f4f7fb' },
      { id: 'path', color: '#b79b6b' },
      { id: 'wood', color: '#7b4a26' },
      { id: 'leaves', color: '#3f8f3a' },
      { id: 'roof', color: '#2f4858' },
      { id: 'wall', color: '#e9dfc9' },
      { id: 'flower', color: '#e4572e', solid: false },
    ],
    terrain: {
      seed,
      base: Math.round(sy * 0.3),
      noise: [
        { scale: 64, amplitude: 8 },
        { scale: 24, amplitude: 2 },
      ],
      surface: 'grass',
      subsurface: 'dirt',
      deep: 'stone',
      beach: { level: Math.round(sy * 0.3) - 3, material: 'sand' },
      sea: { level: Math.round(sy * 0.3) - 4, material: 'water' },
    },
    ops: [
      {
        op: 'mountain',
        center: [Math.floor(sx * 0.8), Math.floor(sz * 0.25)],
        radius: Math.floor(sx * 0.15),
        height: Math.floor(sy * 0.45),
        material: 'stone',
        cap: 'snow',
        roughness: 0.4,
      },
      {
        op: 'lake',
        center: [Math.floor(sx * 0.25), Math.floor(sz * 0.7)],
        radius: Math.floor(sx * 0.08),
        level: Math.round(sy * 0.3),
        floor: Math.round(sy * 0.3) - 5,
        material: 'water',
        shore: 'sand',
      },
      {
        op: 'flatten',
        from: [cx - 10, cz - 10],
        to: [cx + 10, cz + 10],
        height: 15,
        material: 'grass',
      },
      {
        op: 'path',
        points: [
          [cx, cz],
          [Math.floor(sx * 0.8), Math.floor(sz * 0.4)],
          [Math.floor(sx * 0.9), Math.floor(sz * 0.9)],
        ],
        width: 3,
        material: 'path',
      },
      { op: 'box', from: [cx - 3, 15, cz - 3], to: [cx + 3, 15, cz + 3], material: 'path' },
    ],
    prefabs: {
      house: {
        keys: { w: 'wall', r: 'roof', d: 'wood' },
        layers: [
          ['wwwww', 'w...w', 'w...w', 'wwdww'],
          ['wwwww', 'w...w', 'w...w', 'ww.ww'],
          ['rrrrr', 'rrrrr', 'rrrrr', 'rrrrr'],
        ],
      },
      tree: {
        keys: { t: 'wood', l: 'leaves' },
        layers: [
          ['...', '.t.', '...'],
          ['...', '.t.', '...'],
          ['lll', 'ltl', 'lll'],
          ['.l.', 'lll', '.l.'],
        ],
      },
      flower: { keys: { f: 'flower' }, layers: [['f']] },
    },
    placements: [
      { prefab: 'house', at: [cx - 8, 'ground', cz - 8] },
      { prefab: 'house', at: [cx + 3, 'ground', cz - 8], rotate: 90 },
      { prefab: 'house', at: [cx - 8, 16, cz + 3], rotate: 180 },
    ],
    scatter: [
      {
        prefab: 'tree',
        from: [0, 0],
        to: [sx - 1, sz - 1],
        count: Math.round((sx * sz) / 800),
        seed: 3,
        on: ['grass'],
        minSpacing: 4,
      },
      {
        prefab: 'flower',
        from: [0, 0],
        to: [sx - 1, sz - 1],
        count: Math.round((sx * sz) / 600),
        seed: 5,
        on: ['grass'],
        minSpacing: 2,
      },
    ],
  })
}
