// The code-made avatar (vrmFixture.ts) as three and three-vrm load it: both variants parse with
// GLTFLoader + VRMLoaderPlugin in Node (the fixture has no images, so no image decoder is
// needed) into a humanoid whose normalized bones exist, and the avatar check accepts both.
import { describe, expect, it } from 'vitest'
import { GLTFLoader, type GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js'
import { VRMLoaderPlugin, type VRM } from '@pixiv/three-vrm'
import { Box3, Vector3 } from 'three'
import { checkVrm, VRM_REQUIRED_BONES } from './vrmCheck'
import { VRM_FIXTURE_BONES, VRM_FIXTURE_HEIGHT, vrmFixture } from './vrmFixture'

async function load(bytes: Uint8Array): Promise<VRM> {
  const loader = new GLTFLoader()
  loader.register((parser) => new VRMLoaderPlugin(parser))
  const copy = bytes.slice().buffer
  const gltf = await new Promise<GLTF>((resolve, reject) => loader.parse(copy, '', resolve, reject))
  const vrm = gltf.userData.vrm as VRM | undefined
  if (!vrm) throw new Error('no VRM in the file')
  return vrm
}

describe('vrmFixture', () => {
  for (const version of ['1.0', '0.x'] as const) {
    it(`VRM ${version}: three-vrm loads a humanoid with every bone, and the check accepts it`, async () => {
      const bytes = vrmFixture({ version, name: `fixture ${version}` })
      expect(checkVrm(bytes)).toEqual({
        ok: true,
        version,
        name: `fixture ${version}`,
        triangles: VRM_FIXTURE_BONES.length * 12,
        joints: VRM_FIXTURE_BONES.length,
        images: 0,
      })
      const vrm = await load(bytes)
      expect(vrm.meta.metaVersion).toBe(version === '1.0' ? '1' : '0')
      for (const bone of [...VRM_REQUIRED_BONES, ...VRM_FIXTURE_BONES]) {
        const node = vrm.humanoid.getNormalizedBoneNode(bone as never)
        expect(node, bone).toBeTruthy()
        expect(vrm.humanoid.getRawBoneNode(bone as never)?.name).toBe(bone)
      }
      vrm.scene.updateMatrixWorld(true)
      const head = vrm.humanoid.getNormalizedBoneNode('head')!.getWorldPosition(new Vector3())
      expect(head.y).toBeCloseTo(1.48, 2)
      const size = new Box3().setFromObject(vrm.scene).getSize(new Vector3())
      expect(size.y).toBeCloseTo(VRM_FIXTURE_HEIGHT, 1)
      // The avatar's left hand is on its left: +X facing +Z (1.0), −X facing −Z (0.x).
      const hand = vrm.humanoid.getRawBoneNode('leftHand')!.getWorldPosition(new Vector3())
      expect(Math.sign(hand.x)).toBe(version === '1.0' ? 1 : -1)
    })
  }
})
