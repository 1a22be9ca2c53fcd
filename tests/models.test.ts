// The client's checks on untrusted glTF files (src/spaces/gltf.ts) and the choice of which
// exhibits stand a model (modelState.ts), against GLBs from the devchain's writer and hostile
// variations of them.
import { describe, expect, it } from 'vitest'
import { boxesToMesh, encodeGlb, type Box } from '../server/devchain/glb'
import { modelContent } from '../server/devchain/models'
import { MODEL_MAX_TRIANGLES, checkGltf, fitModel, gltfJson } from '../src/spaces/gltf'
import { modelExhibits } from '../src/spaces/modelState'
import type { FrameSpot } from '../src/spaces/layout'
import type { ResolvedExhibit } from '../src/spaces/resolve'
import type { Collectible } from '../src/chain/types'

const cube = (x: number): Box => ({ min: [x, 0, 0], max: [x + 1, 1, 1], color: '#c8312b' })

/** A GLB with its JSON replaced (the BIN chunk kept). */
function withJson(glb: Uint8Array, change: (doc: Record<string, unknown>) => void): Uint8Array {
  const parsed = gltfJson(glb)
  if ('error' in parsed) throw new Error(parsed.error)
  change(parsed.json)
  const view = new DataView(glb.buffer, glb.byteOffset)
  const oldJson = view.getUint32(12, true)
  const bin = glb.subarray(20 + oldJson)
  let text = JSON.stringify(parsed.json)
  text += ' '.repeat((4 - (text.length % 4)) % 4)
  const out = new Uint8Array(20 + text.length + bin.byteLength)
  const v = new DataView(out.buffer)
  v.setUint32(0, 0x46546c67, true)
  v.setUint32(4, 2, true)
  v.setUint32(8, out.byteLength, true)
  v.setUint32(12, text.length, true)
  v.setUint32(16, 0x4e4f534a, true)
  out.set(new TextEncoder().encode(text), 20)
  out.set(bin, 20 + text.length)
  return out
}

const two = await encodeGlb(boxesToMesh([cube(0), cube(2)]), { name: 'two' })

describe('checkGltf', () => {
  it('accepts the demo model and counts its triangles', () => {
    const glb = modelContent().files.get('lantern-pagoda.glb')!
    const r = checkGltf(glb)
    expect(r).toMatchObject({ ok: true, binary: true })
    expect(r.ok && r.triangles).toBeGreaterThan(100)
    expect(checkGltf(two)).toEqual({ ok: true, triangles: 24, binary: true })
  })

  it('counts a mesh once per node that draws it, and refuses past the budget', () => {
    const many = withJson(two, (doc) => {
      doc.nodes = Array.from({ length: 2000 }, () => ({ mesh: 0 }))
    })
    expect(checkGltf(many)).toMatchObject({ ok: false, reason: /triangles/ })
    expect(checkGltf(two, 23)).toMatchObject({ ok: false, reason: /more than 23 triangles/ })
    expect(MODEL_MAX_TRIANGLES).toBeGreaterThanOrEqual(10_000)
    const huge = withJson(two, (doc) => {
      ;(doc.accessors as { count: number }[])[3]!.count = 3 * (MODEL_MAX_TRIANGLES + 1)
    })
    expect(checkGltf(huge)).toMatchObject({ ok: false })
  })

  it('refuses files that would fetch from elsewhere or need decoders', () => {
    for (const [what, change] of [
      [
        'external buffer',
        (d) => ((d.buffers as { uri?: string }[])[0]!.uri = 'https://x.example/b.bin'),
      ],
      ['relative buffer', (d) => ((d.buffers as { uri?: string }[])[0]!.uri = 'b.bin')],
      ['external image', (d) => (d.images = [{ uri: 'http://127.0.0.1:9/evil.png' }])],
      ['javascript image', (d) => (d.images = [{ uri: 'javascript:alert(1)' }])],
      ['draco', (d) => (d.extensionsRequired = ['KHR_draco_mesh_compression'])],
      ['meshopt', (d) => (d.extensionsRequired = ['EXT_meshopt_compression'])],
      ['glTF 1', (d) => (d.asset = { version: '1.0' })],
      ['no asset', (d) => delete d.asset],
      ['no nodes', (d) => (d.nodes = [])],
      ['bad mesh index', (d) => (d.nodes = [{ mesh: 7 }])],
    ] as [string, (d: Record<string, unknown>) => void][]) {
      expect(checkGltf(withJson(two, change)).ok, what).toBe(false)
    }
    const dataImage = withJson(two, (d) => {
      d.images = [{ uri: 'data:image/png;base64,iVBORw0KGgo=' }]
    })
    expect(checkGltf(dataImage).ok).toBe(true)
  })

  it('refuses what is not glTF 2.0 at all', () => {
    const enc = (s: string) => new TextEncoder().encode(s)
    expect(checkGltf(enc('<html><script>alert(1)</script>')).ok).toBe(false)
    expect(checkGltf(enc('[]')).ok).toBe(false)
    expect(checkGltf(new Uint8Array(0)).ok).toBe(false)
    const short = two.slice(0, two.byteLength - 4)
    expect(checkGltf(short)).toMatchObject({ ok: false, reason: /length/ })
    const v1 = two.slice()
    new DataView(v1.buffer).setUint32(4, 1, true)
    expect(checkGltf(v1).ok).toBe(false)
    const json = enc(JSON.stringify({ asset: { version: '2.0' }, nodes: [] }))
    expect(checkGltf(json)).toMatchObject({ ok: false, reason: 'nothing to draw' })
  })
})

describe('fitModel', () => {
  it('stands a model on its spot: footprint centred, bottom at zero, within the size box', () => {
    const fit = fitModel({ min: [-7, 0, -7], max: [7, 16, 7] }, 0.72)!
    const radius = Math.hypot(7, 7) * fit.scale
    expect(radius).toBeLessThanOrEqual(0.62 * 0.72 + 1e-9)
    expect(fit.height).toBeLessThanOrEqual(1.5 * 0.72 + 1e-9)
    expect(fit.offset).toEqual([-0, -0, -0])
    const tall = fitModel({ min: [1, 2, 3], max: [2, 102, 4] }, 1)!
    expect(tall.height).toBeCloseTo(1.5)
    expect(tall.offset[0]).toBeCloseTo(-1.5 * tall.scale)
    expect(tall.offset[1]).toBeCloseTo(-2 * tall.scale)
    expect(tall.offset[2]).toBeCloseTo(-3.5 * tall.scale)
  })

  it('gives up on empty or broken bounds', () => {
    expect(fitModel({ min: [0, 0, 0], max: [0, 0, 0] }, 1)).toBeNull()
    expect(fitModel({ min: [0, 0, 0], max: [NaN, 1, 1] }, 1)).toBeNull()
    expect(fitModel({ min: [0, 0, 0], max: [Infinity, 1, 1] }, 1)).toBeNull()
  })
})

describe('modelExhibits', () => {
  const spot = (mount: 'wall' | 'stand'): FrameSpot => ({
    center: [0, 1, 0],
    rotY: 0,
    size: 0.72,
    mount,
    base: 1,
  })
  const resolved = (id: string, model: string | null, status: ResolvedExhibit['status']) =>
    ({
      view: { id },
      status,
      item: { model } as Collectible,
    }) as ResolvedExhibit

  it('takes standing exhibits with a model; walls keep pictures; veiled ones are marked', () => {
    const out = modelExhibits([
      {
        spaceId: 's',
        r: resolved('a', 'https://x/m.glb', 'verified'),
        spot: spot('stand'),
        maxSide: 256,
      },
      {
        spaceId: 's',
        r: resolved('b', 'https://x/m.glb', 'verified'),
        spot: spot('wall'),
        maxSide: 256,
      },
      { spaceId: 's', r: resolved('c', null, 'verified'), spot: spot('stand'), maxSide: 256 },
      {
        spaceId: 's',
        r: resolved('d', 'https://x/m.glb', 'unverified'),
        spot: spot('stand'),
        maxSide: 256,
      },
    ])
    expect(out.map((m) => [m.key, m.veiled])).toEqual([
      ['s:a', false],
      ['s:d', true],
    ])
  })
})
