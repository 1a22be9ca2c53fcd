// A small HD world for unit tests: every landmark kind once, the default-ish terrain.
import { HdWorld } from '../../protocol/scene'

export function testHd(overrides: Partial<HdWorld> = {}): HdWorld {
  return HdWorld.parse({
    size: 1024,
    terrain: { seed: 3, height: 180, valleyRadius: 130, resolution: 160 },
    waterLevel: 0,
    vegetation: { trees: 600, grass: 6000, seed: 7 },
    landmarks: [
      { kind: 'pavilion', position: [22, 0, -30] },
      { kind: 'pagoda', position: [-70, 0, -60], scale: 1.1 },
      { kind: 'bridge', position: [45, 0, 30], rotation: 30 },
      { kind: 'gate', position: [0, 0, 38] },
      { kind: 'hall', position: [-20, 0, -105], rotation: 10 },
    ],
    ...overrides,
  })
}
