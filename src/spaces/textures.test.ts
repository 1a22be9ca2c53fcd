import { describe, expect, it } from 'vitest'
import { loadableUrl, maxTextureSide, rasterPlan, textureBytes, textureKey } from './textures'

describe('rasterPlan', () => {
  it('upscales pixel art by whole texels, up to the cap', () => {
    expect(rasterPlan(16, 16, 512, false)).toEqual({ width: 512, height: 512, pixelArt: true })
    expect(rasterPlan(24, 16, 512, false)).toEqual({ width: 504, height: 336, pixelArt: true })
    expect(rasterPlan(100, 50, 512, false)).toEqual({ width: 500, height: 250, pixelArt: true })
  })

  it('shrinks large pictures to fit and leaves mid-sized ones alone', () => {
    expect(rasterPlan(4000, 2000, 1024, false)).toEqual({
      width: 1024,
      height: 512,
      pixelArt: false,
    })
    expect(rasterPlan(300, 200, 1024, false)).toEqual({ width: 300, height: 200, pixelArt: false })
  })

  it('renders SVG at the full size, square when it has no size of its own', () => {
    expect(rasterPlan(320, 320, 512, true)).toEqual({ width: 512, height: 512, pixelArt: false })
    expect(rasterPlan(0, 0, 512, true)).toEqual({ width: 512, height: 512, pixelArt: false })
  })
})

describe('texture budget', () => {
  it('counts RGBA8 bytes with the mipmap chain', () => {
    expect(textureBytes(512, 512, false)).toBe(1_048_576)
    expect(textureBytes(512, 512)).toBe(Math.ceil((1_048_576 * 4) / 3))
  })

  it('shares a space budget between its exhibits, within bounds', () => {
    const side = maxTextureSide(64, 16)
    expect(textureBytes(side, side) * 16).toBeLessThanOrEqual(64 * 1024 * 1024)
    expect(maxTextureSide(64, 1)).toBe(1024)
    expect(maxTextureSide(64, 1, 512)).toBe(512)
    expect(maxTextureSide(1, 64)).toBe(64)
    expect(maxTextureSide(64, 16)).toBe(maxTextureSide(64, 15))
  })
})

describe('loadableUrl', () => {
  it('loads only http(s) and data:image/ URLs', () => {
    expect(loadableUrl('https://example.org/a.png')).toBe(true)
    expect(loadableUrl('data:image/svg+xml;base64,AAAA')).toBe(true)
    expect(loadableUrl('javascript:alert(1)')).toBe(false)
    expect(loadableUrl('data:text/html,<script>')).toBe(false)
    expect(loadableUrl('ipfs://bafy/x.png')).toBe(false)
  })

  it('keys textures by everything that changes their pixels', () => {
    const base = { url: 'https://a/b.png', maxSide: 512, veiled: false, pixelWorld: true }
    const keys = new Set([
      textureKey(base),
      textureKey({ ...base, veiled: true }),
      textureKey({ ...base, maxSide: 256 }),
      textureKey({ ...base, pixelWorld: false }),
    ])
    expect(keys.size).toBe(4)
  })
})
