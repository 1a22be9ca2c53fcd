// The GLB writer against the spec's container rules and three's own GLTFLoader
// (the loader the client uses), parsing the demo model back in Node.
import { describe, expect, it } from 'vitest'
import { GLTFLoader, type GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js'
import { Box3, Color, Mesh, Vector3, type BufferGeometry } from 'three'
import { boxesToMesh, encodeGlb, srgbToLinear, type Box } from './glb'
import { LANTERN_PAGODA, frontView, landmarkModelTokens, modelContent } from './models'

function chunks(glb: Uint8Array) {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength)
  const out: { type: number; data: Uint8Array }[] = []
  for (let at = 12; at < glb.byteLength;) {
    const length = view.getUint32(at, true)
    out.push({ type: view.getUint32(at + 4, true), data: glb.subarray(at + 8, at + 8 + length) })
    at += 8 + length
  }
  return { view, chunks: out }
}

function parse(glb: Uint8Array): Promise<GLTF> {
  const copy = glb.slice().buffer
  return new Promise((resolve, reject) => new GLTFLoader().parse(copy, '', resolve, reject))
}

const TWO: Box[] = [
  { min: [0, 0, 0], max: [1, 2, 3], color: '#ff0000' },
  { min: [-1, -1, -1], max: [0, 0, 0], color: '#808080' },
]

describe('glb writer', () => {
  it('writes a GLB 2.0 container: header, padded JSON chunk, BIN chunk', async () => {
    const glb = await encodeGlb(boxesToMesh(TWO), { name: 'two' })
    const {
      view,
      chunks: [json, bin, ...rest],
    } = chunks(glb)
    expect(view.getUint32(0, true)).toBe(0x46546c67)
    expect(view.getUint32(4, true)).toBe(2)
    expect(view.getUint32(8, true)).toBe(glb.byteLength)
    expect(glb.byteLength % 4).toBe(0)
    expect(rest).toEqual([])
    expect(json!.type).toBe(0x4e4f534a)
    expect(bin!.type).toBe(0x004e4942)
    expect(json!.data.byteLength % 4).toBe(0)
    const doc = JSON.parse(new TextDecoder().decode(json!.data))
    expect(doc.asset.version).toBe('2.0')
    expect(doc.buffers).toEqual([{ byteLength: bin!.data.byteLength }])
    for (const v of doc.bufferViews) {
      expect(v.byteOffset % 4).toBe(0)
      expect(v.byteOffset + v.byteLength).toBeLessThanOrEqual(bin!.data.byteLength)
    }
    expect(doc.accessors[0]).toMatchObject({ count: 48, min: [-1, -1, -1], max: [1, 2, 3] })
    expect(doc.accessors[3]).toMatchObject({ count: 72, type: 'SCALAR' })
  })

  it('parses back with three.js GLTFLoader: one mesh, colours, normals, the right size', async () => {
    const gltf = await parse(await encodeGlb(boxesToMesh(TWO), { name: 'two' }))
    const meshes: Mesh[] = []
    gltf.scene.traverse((o) => {
      if (o instanceof Mesh) meshes.push(o)
    })
    expect(meshes).toHaveLength(1)
    const geometry = meshes[0]!.geometry as BufferGeometry
    expect(geometry.index!.count / 3).toBe(24)
    expect(geometry.getAttribute('color').count).toBe(48)
    expect(geometry.getAttribute('normal').count).toBe(48)
    const [r, g, b] = srgbToLinear('#ff0000')
    expect([...geometry.getAttribute('color').array.slice(0, 3)]).toEqual([r, g, b])
    const size = new Box3().setFromObject(gltf.scene)
    expect(size.min.toArray()).toEqual([-1, -1, -1])
    expect(size.max.toArray()).toEqual([1, 2, 3])
    expect(meshes[0]!.material).toMatchObject({ vertexColors: true, metalness: 0 })
  })

  it('turns sRGB colours into linear ones like three does', () => {
    for (const hex of ['#c8312b', '#f2c14e', '#000000', '#ffffff']) {
      const c = new Color(hex) // three converts CSS hex (sRGB) to its linear working space
      srgbToLinear(hex).forEach((v, i) => expect(v).toBeCloseTo([c.r, c.g, c.b][i]!, 6))
    }
    expect(() => srgbToLinear('red')).toThrow()
  })

  it('refuses boxes with no volume', () => {
    expect(() => boxesToMesh([{ min: [0, 0, 0], max: [1, 0, 1], color: '#ffffff' }])).toThrow()
  })
})

describe('the Lantern Pagoda model', () => {
  it('is a small, deterministic GLB that three parses, with its 2D picture and metadata', async () => {
    const { cid, files } = modelContent()
    const glb = files.get('lantern-pagoda.glb')!
    expect(await encodeGlb(boxesToMesh(LANTERN_PAGODA), { name: 'lantern-pagoda' })).toEqual(glb)
    expect(glb.byteLength).toBeLessThan(128 * 1024)
    const gltf = await parse(glb)
    let triangles = 0
    gltf.scene.traverse((o) => {
      if (o instanceof Mesh) triangles += (o.geometry as BufferGeometry).index!.count / 3
    })
    expect(triangles).toBe(LANTERN_PAGODA.length * 12)
    const size = new Box3().setFromObject(gltf.scene).getSize(new Vector3())
    expect(size.y).toBeCloseTo(16)
    expect(frontView(LANTERN_PAGODA).rows.join('')).toMatch(/[^.]/)
    const [token] = landmarkModelTokens()
    const meta = JSON.parse(token!.json)
    expect(meta.animation_url).toBe(`ipfs://${cid}/lantern-pagoda.glb`)
    expect(meta.image).toMatch(/^data:image\/svg\+xml;base64,/)
  })
})
