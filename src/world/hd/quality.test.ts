import { describe, expect, it } from 'vitest'
import { HD_PRESETS, initialAutoLevel, LEVELS, pixelRatio } from './quality'

describe('quality presets', () => {
  it('grow in cost from low to high', () => {
    const [low, medium, high] = LEVELS.map((l) => HD_PRESETS[l])
    expect(low!.shadowMapSize).toBe(0)
    expect(low!.post).toBe('none')
    expect(medium!.shadowMapSize).toBe(1024)
    expect(high!.shadowMapSize).toBe(2048)
    expect(high!.post).toBe('bloom-smaa')
    expect(low!.treeFraction).toBeLessThan(medium!.treeFraction)
    expect(medium!.grassFraction).toBeLessThan(high!.grassFraction)
    expect(high!.treeFraction).toBe(1)
  })

  it('caps the pixel ratio per level and shrinks it only down to half', () => {
    expect(pixelRatio('low', 3, 1)).toBe(1)
    expect(pixelRatio('medium', 3, 1)).toBe(1.5)
    expect(pixelRatio('high', 3, 1)).toBe(2)
    expect(pixelRatio('high', 1, 1)).toBe(1)
    expect(pixelRatio('low', 1, 0.2)).toBe(0.5)
  })

  it('starts software renderers and phones low', () => {
    expect(initialAutoLevel('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))', false)).toBe('low')
    expect(initialAutoLevel('llvmpipe (LLVM 15.0.6, 256 bits)', false)).toBe('low')
    expect(initialAutoLevel('Apple GPU', true)).toBe('low')
    expect(initialAutoLevel('NVIDIA GeForce RTX 3060', false)).toBe('medium')
  })
})
