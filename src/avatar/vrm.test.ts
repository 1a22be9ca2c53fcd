// The avatar loader (vrm.ts) on the code-made avatar in Node: both VRM versions come out facing
// +Z with every normalized bone, their height and hips' height; only this server's avatar URLs
// are loaded. (The upload and a download from a real server: server/avatars/http.test.ts.)
import { describe, expect, it } from 'vitest'
import { Vector3 } from 'three'
import { VRM_FIXTURE_BONES, VRM_FIXTURE_HEIGHT, vrmFixture } from './vrmFixture'
import { isVrmUrl, parseVrm } from './vrm'
import { VRM_REQUIRED_BONES } from './vrmCheck'

describe('parseVrm', () => {
  for (const version of ['1.0', '0.x'] as const) {
    it(`VRM ${version}: normalized bones, height, facing +Z`, async () => {
      const loaded = await parseVrm(vrmFixture({ version }))
      expect(loaded.version).toBe(version)
      expect(loaded.scene).toBe(loaded.vrm.scene)
      for (const bone of [...VRM_REQUIRED_BONES, ...VRM_FIXTURE_BONES]) {
        expect(loaded.bones[bone as keyof typeof loaded.bones], bone).toBeTruthy()
      }
      // Normalized bones rest at identity: a clip's rotations are relative to the T-pose.
      expect(loaded.bones.leftUpperArm!.quaternion.toArray()).toEqual([0, 0, 0, 1])
      expect(loaded.height).toBeCloseTo(VRM_FIXTURE_HEIGHT, 2)
      expect(loaded.hipsHeight).toBeCloseTo(0.92, 2)
      // Facing +Z whatever the version: the avatar's left hand is on +X.
      const hand = loaded.bones.leftHand!.getWorldPosition(new Vector3())
      expect(hand.x).toBeGreaterThan(0.5)
      const skinned: boolean[] = []
      loaded.scene.traverse((o) => {
        if ('isSkinnedMesh' in o) skinned.push(o.frustumCulled)
      })
      expect(skinned.length).toBeGreaterThan(0)
      expect(skinned.every((culled) => !culled)).toBe(true)
      loaded.dispose()
    })
  }

  it('refuses a file the check refuses, before parsing it', async () => {
    await expect(parseVrm(new Uint8Array(16))).rejects.toThrow(/not an avatar file we load/)
  })
})

describe('isVrmUrl', () => {
  const id = 'ab'.repeat(32)
  const base = 'https://cangqiong.example/world'
  it('accepts only this server’s avatar files', () => {
    expect(isVrmUrl(`/api/avatars/vrm/${id}`, base)).toBe(true)
    expect(isVrmUrl(`https://cangqiong.example/api/avatars/vrm/${id}`, base)).toBe(true)
    expect(isVrmUrl(`https://elsewhere.example/api/avatars/vrm/${id}`, base)).toBe(false)
    expect(isVrmUrl(`/api/avatars/vrm/${id}?x=1`, base)).toBe(false)
    expect(isVrmUrl('/api/avatars/vrm/abc', base)).toBe(false)
    expect(isVrmUrl('https://elsewhere.example/avatar.vrm', base)).toBe(false)
    expect(isVrmUrl(`data:model/gltf-binary;base64,AAAA`, base)).toBe(false)
  })
})
