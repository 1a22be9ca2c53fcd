// The avatar check (vrmCheck.ts) against the code-made avatar and hostile variations of it:
// each refusal with its reason, each bound at its edge.
import { describe, expect, it } from 'vitest'
import { PNG } from 'pngjs'
import { gltfJson, type Json } from '../protocol/gltfFile'
import {
  checkVrm,
  isVrmId,
  VRM_MAX_BYTES,
  VRM_MAX_IMAGE_SIDE,
  VRM_MAX_IMAGES,
  VRM_MAX_JOINTS,
  VRM_MAX_TRIANGLES,
} from './vrmCheck'
import { encodeGlb, vrmFixture } from './vrmFixture'

const good = vrmFixture()
const good0 = vrmFixture({ version: '0.x' })

/** The GLB with its JSON changed (the BIN chunk kept, or replaced). */
function edit(glb: Uint8Array, change: (json: Json) => void, bin?: Uint8Array): Uint8Array {
  const parsed = gltfJson(glb)
  if ('error' in parsed) throw new Error(parsed.error)
  change(parsed.json)
  return encodeGlb(parsed.json, bin ?? parsed.bin ?? new Uint8Array())
}

const reason = (bytes: Uint8Array) => {
  const r = checkVrm(bytes)
  return r.ok ? 'accepted' : r.reason
}

const png = (width: number, height: number) =>
  new Uint8Array(PNG.sync.write(new PNG({ width, height })))

/** A JPEG's start and frame header only (the check reads no further). */
function jpeg(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x00,
    0x00,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xd9,
  ])
}

const accessors = (json: Json) => json.accessors as Json[]
const ext1 = (json: Json) => (json.extensions as Json).VRMC_vrm as Json
const bones1 = (json: Json) => (ext1(json).humanoid as Json).humanBones as Json

describe('checkVrm', () => {
  it('accepts both fixture versions', () => {
    expect(checkVrm(good)).toMatchObject({ ok: true, version: '1.0', triangles: 228, joints: 19 })
    expect(checkVrm(good0)).toMatchObject({ ok: true, version: '0.x', triangles: 228 })
  })

  it('refuses what is not a GLB, or a broken one', () => {
    expect(reason(new Uint8Array())).toMatch(/binary glTF/)
    expect(reason(new TextEncoder().encode('{"asset":{"version":"2.0"}}'))).toMatch(/binary glTF/)
    const wrongMagic = good.slice()
    wrongMagic[0] = 0x47 // "GlTF"
    expect(reason(wrongMagic)).toMatch(/binary glTF/)
    expect(reason(good.subarray(0, good.length - 10))).toMatch(/GLB length mismatch/)
    const truncated = good.slice(0, 64)
    new DataView(truncated.buffer).setUint32(8, 64, true)
    expect(reason(truncated)).toMatch(/JSON chunk/)
    const version1 = good.slice()
    new DataView(version1.buffer).setUint32(4, 1, true)
    expect(reason(version1)).toMatch(/not glTF 2.0/)
  })

  it('refuses chunk lengths that lie', () => {
    const jsonLie = good.slice()
    new DataView(jsonLie.buffer).setUint32(12, good.length, true)
    expect(reason(jsonLie)).toMatch(/JSON chunk/)
    const binLie = good.slice()
    const view = new DataView(binLie.buffer)
    const binAt = 20 + view.getUint32(12, true)
    view.setUint32(binAt, view.getUint32(binAt, true) + 4, true)
    expect(reason(binLie)).toMatch(/BIN chunk runs past/)
    const badJson = good.slice()
    badJson[21] = 0xff
    expect(reason(badJson)).toMatch(/JSON does not parse/)
  })

  it('refuses a buffer, view or accessor that reaches past the data', () => {
    expect(reason(edit(good, (j) => ((j.buffers as Json[])[0]!.byteLength = 1e9)))).toMatch(
      /longer than the GLB BIN chunk/,
    )
    expect(reason(edit(good, (j) => ((j.bufferViews as Json[])[0]!.byteLength = 1e8)))).toMatch(
      /buffer view runs past/,
    )
    expect(reason(edit(good, (j) => ((j.bufferViews as Json[])[0]!.buffer = 1)))).toMatch(
      /outside the GLB BIN chunk/,
    )
    expect(reason(edit(good, (j) => (accessors(j)[0]!.count = 1e6)))).toMatch(
      /accessor runs past the end/,
    )
    expect(reason(edit(good, (j) => (accessors(j)[0]!.componentType = 5130)))).toMatch(
      /malformed accessor/,
    )
    expect(reason(edit(good, (j) => (accessors(j)[0]!.bufferView = 99)))).toMatch(
      /without its buffer view/,
    )
  })

  it('refuses huge accessor counts, with or without a view', () => {
    // Indices claiming more triangles than the budget (the view lie is caught first).
    expect(
      reason(edit(good, (j) => (accessors(j)[4]!.count = 3 * (VRM_MAX_TRIANGLES + 1)))),
    ).toMatch(/runs past|triangles/)
    // A view-less (zero-filled) accessor: nothing to read past, but it would allocate.
    expect(
      reason(
        edit(good, (j) => {
          accessors(j).push({ componentType: 5126, count: 1e8, type: 'MAT4' })
        }),
      ),
    ).toMatch(/decode to more than 64 MiB/)
    expect(
      reason(
        edit(good, (j) => {
          accessors(j).push({
            componentType: 5126,
            count: 10,
            type: 'VEC3',
            sparse: {
              count: 1e6,
              indices: { bufferView: 0, componentType: 5125 },
              values: { bufferView: 0 },
            },
          })
        }),
      ),
    ).toMatch(/malformed sparse/)
    expect(
      reason(
        edit(good, (j) => {
          accessors(j).push({
            componentType: 5126,
            count: 100_000,
            type: 'VEC3',
            sparse: {
              count: 50_000,
              indices: { bufferView: 0, componentType: 5125 },
              values: { bufferView: 0 },
            },
          })
        }),
      ),
    ).toMatch(/sparse accessor runs past/)
    expect(
      reason(
        edit(good, (j) => {
          accessors(j).push({
            componentType: 5126,
            count: 10,
            type: 'VEC3',
            sparse: {
              count: 1,
              indices: { bufferView: 0, componentType: 5126 },
              values: { bufferView: 0 },
            },
          })
        }),
      ),
    ).toMatch(/malformed sparse/)
  })

  it('counts triangles per drawing node and refuses past the budget', () => {
    const many = edit(good, (j) => {
      const nodes = j.nodes as Json[]
      for (let i = 0; i < 400; i++) nodes.push({ mesh: 0 })
    })
    expect(reason(many)).toBe(`more than ${VRM_MAX_TRIANGLES} triangles`)
  })

  it('refuses anything outside the file', () => {
    expect(
      reason(edit(good, (j) => ((j.buffers as Json[])[0]!.uri = 'https://evil.example/x.bin'))),
    ).toMatch(/buffers outside the file/)
    // data: URIs too: a VRM keeps everything in its BIN chunk.
    expect(reason(edit(good, (j) => ((j.buffers as Json[])[0]!.uri = 'data:,')))).toMatch(
      /buffers outside the file/,
    )
    const withImage = vrmFixture({ images: [{ mimeType: 'image/png', bytes: png(4, 4) }] })
    expect(reason(edit(withImage, (j) => ((j.images as Json[])[0]!.uri = 'face.png')))).toMatch(
      /images outside the file/,
    )
    expect(reason(edit(good, (j) => (j.buffers as Json[]).push({ byteLength: 4 })))).toMatch(
      /more than one buffer/,
    )
  })

  it('refuses required extensions that need a decoder', () => {
    for (const ext of [
      'KHR_draco_mesh_compression',
      'EXT_meshopt_compression',
      'KHR_texture_basisu',
    ]) {
      expect(reason(edit(good, (j) => (j.extensionsRequired = [ext])))).toBe(
        `needs the extension ${ext}`,
      )
    }
    expect(
      reason(edit(good, (j) => (j.extensionsRequired = ['VRMC_vrm', 'KHR_materials_unlit']))),
    ).toBe('accepted')
  })

  it('needs a VRM 1.0 or 0.x humanoid mapping every required bone to a node', () => {
    expect(reason(edit(good, (j) => delete j.extensions))).toMatch(/not a VRM/)
    // three-vrm reads VRMC_vrm only when extensionsUsed names it.
    expect(reason(edit(good, (j) => (j.extensionsUsed = [])))).toMatch(/not a VRM/)
    expect(reason(edit(good, (j) => (ext1(j).specVersion = '2.0')))).toMatch(/specVersion "2.0"/)
    expect(reason(edit(good, (j) => delete bones1(j).leftFoot))).toBe(
      'the humanoid has no leftFoot bone',
    )
    expect(reason(edit(good, (j) => (bones1(j).hips = { node: 999 })))).toBe(
      "the humanoid's hips bone is not a node",
    )
    expect(reason(edit(good, (j) => (bones1(j).leftEye = { node: -1 })))).toBe(
      "the humanoid's leftEye bone is not a node",
    )
    const v0 = edit(good0, (j) => {
      const humanoid = ((j.extensions as Json).VRM as Json).humanoid as Json
      humanoid.humanBones = (humanoid.humanBones as Json[]).filter((b) => b.bone !== 'head')
    })
    expect(reason(v0)).toBe('the humanoid has no head bone')
    expect(reason(edit(good0, (j) => delete ((j.extensions as Json).VRM as Json).humanoid))).toBe(
      'the humanoid has no hips bone',
    )
  })

  it('refuses a broken node tree', () => {
    expect(reason(edit(good, (j) => ((j.nodes as Json[])[4]!.children = [0])))).toMatch(
      /cycle|two parents/,
    )
    expect(reason(edit(good, (j) => ((j.nodes as Json[])[4]!.children = [4])))).toMatch(/broken/)
    expect(reason(edit(good, (j) => ((j.nodes as Json[])[4]!.children = [5000])))).toMatch(/broken/)
  })

  it('bounds skin joints across the file', () => {
    const joints = edit(good, (j) => {
      const nodes = j.nodes as Json[]
      const extra = Array.from({ length: VRM_MAX_JOINTS }, (_, i) => nodes.length + i)
      for (let i = 0; i < VRM_MAX_JOINTS; i++) nodes.push({ name: `j${i}` })
      ;(j.skins as Json[]).push({ joints: extra })
    })
    expect(reason(joints)).toBe(`more than ${VRM_MAX_JOINTS} skin joints`)
    expect(reason(edit(good, (j) => ((j.skins as Json[])[0]!.joints = [9999])))).toBe(
      'a skin joint that is not a node',
    )
  })

  it('reads image sizes from their headers and bounds them', () => {
    const ok = vrmFixture({
      images: [
        { mimeType: 'image/png', bytes: png(8, 4) },
        { mimeType: 'image/jpeg', bytes: jpeg(VRM_MAX_IMAGE_SIDE, 16) },
      ],
    })
    expect(checkVrm(ok)).toMatchObject({ ok: true, images: 2 })
    const big = (bytes: Uint8Array, mimeType = 'image/png') =>
      vrmFixture({ images: [{ mimeType, bytes }] })
    expect(reason(big(png(VRM_MAX_IMAGE_SIDE + 1, 2)))).toBe(
      `image 0 is ${VRM_MAX_IMAGE_SIDE + 1}×2: at most ${VRM_MAX_IMAGE_SIDE} pixels a side`,
    )
    expect(reason(big(jpeg(16, 4096), 'image/jpeg'))).toMatch(/16×4096/)
    expect(reason(big(new TextEncoder().encode('GIF89a......'), 'image/gif'))).toBe(
      'image 0 is not a PNG or JPEG',
    )
    expect(reason(big(png(2, 2), 'image/jpeg'))).toBe(
      'image 0 says it is image/jpeg but is image/png',
    )
    expect(reason(big(jpeg(2, 2).subarray(0, 12), 'image/jpeg'))).toMatch(/broken JPEG/)
    expect(reason(big(png(2, 2).subarray(0, 16)))).toMatch(/broken PNG/)
    expect(reason(big(png(2, 2).map((b, i) => (i >= 16 && i < 24 ? 0 : b))))).toMatch(/no pixels/)
    expect(reason(edit(ok, (j) => delete (j.images as Json[])[0]!.bufferView))).toBe(
      'image 0 is not inside the file',
    )
  })

  it('bounds the number of images and textures', () => {
    const images = Array.from({ length: VRM_MAX_IMAGES + 1 }, () => ({
      mimeType: 'image/png',
      bytes: png(1, 1),
    }))
    expect(reason(vrmFixture({ images }))).toBe(`more than ${VRM_MAX_IMAGES} images`)
    expect(reason(vrmFixture({ images: images.slice(1) }))).toBe('accepted')
    const textures = edit(vrmFixture({ images: images.slice(1) }), (j) => {
      ;(j.textures as Json[]).push({ source: 0 })
    })
    expect(reason(textures)).toBe(`more than ${VRM_MAX_IMAGES} textures`)
  })

  it('bounds the parts and the file size', () => {
    expect(
      reason(
        edit(good, (j) => (j.nodes as Json[]).push(...Array.from({ length: 1100 }, () => ({})))),
      ),
    ).toMatch(/more than 1024 nodes/)
    expect(
      reason(edit(good, (j) => (j.materials = Array.from({ length: 300 }, () => ({}))))),
    ).toMatch(/more than 256 materials/)
    const huge = new Uint8Array(VRM_MAX_BYTES + 1)
    huge.set(good)
    expect(reason(huge)).toBe(`the file is ${VRM_MAX_BYTES + 1} bytes: at most ${VRM_MAX_BYTES}`)
  })
})

describe('isVrmId', () => {
  it('is 64 lowercase hex digits', () => {
    expect(isVrmId('a'.repeat(64))).toBe(true)
    expect(isVrmId('A'.repeat(64))).toBe(false)
    expect(isVrmId('a'.repeat(63))).toBe(false)
    expect(isVrmId(`${'a'.repeat(63)}g`)).toBe(false)
    expect(isVrmId(null)).toBe(false)
  })
})
