// A visitor's own avatar (VRM 1.0 or 0.x) loaded for the rig: fetched from this server only,
// with a byte cap, checked (vrmCheck.ts), parsed by three's GLTFLoader with three-vrm, turned
// to face +Z like every VRM 1.0 and trimmed; the rig drives its normalized humanoid bones and
// calls `vrm.update(dt)` each frame. Browser, main thread. Import it with import(): three-vrm
// stays out of the first-load chunk.
import { Box3, LoadingManager, SkinnedMesh, Vector3, type Object3D } from 'three'
import { GLTFLoader, type GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js'
import {
  VRMHumanBoneList,
  VRMLoaderPlugin,
  VRMUtils,
  type VRM,
  type VRMHumanBoneName,
} from '@pixiv/three-vrm'
import { readBody } from '../protocol/body'
import { checkVrm, isVrmId, VRM_MAX_BYTES, type VrmVersion } from './vrmCheck'

export { uploadVrm, vrmUrl, type VrmUpload } from './vrmUpload'

export interface LoadedVrm {
  vrm: VRM
  /** `vrm.scene`: add it to the scene graph. */
  scene: Object3D
  version: VrmVersion
  /** The normalized humanoid bone nodes (T-pose rest, identity rotations): what clips drive. */
  bones: Partial<Record<VRMHumanBoneName, Object3D>>
  /** Standing height in the rest pose (m): the top of the skinned meshes above the feet. */
  height: number
  /** The hips' height above the feet in the rest pose (m): scales the clips' hip motion. */
  hipsHeight: number
  /** Frees its geometries, materials and textures (remove `scene` from its parent first). */
  dispose(): void
}

const LOAD_TIMEOUT_MS = 30_000
const scratch = new Vector3()

/** Whether `url` is an avatar file on this server (`/api/avatars/vrm/<id>`): no other is loaded. */
export function isVrmUrl(url: string, base = globalThis.location?.href ?? 'http://localhost/') {
  let parsed: URL
  try {
    parsed = new URL(url, base)
  } catch {
    return false
  }
  const m = /^\/api\/avatars\/vrm\/([^/]+)$/.exec(parsed.pathname)
  return !!m && isVrmId(m[1]) && parsed.origin === new URL(base).origin && !parsed.search
}

/** Parses checked VRM bytes (a download, or a local file shown before it is uploaded). */
export async function parseVrm(bytes: Uint8Array): Promise<LoadedVrm> {
  const check = checkVrm(bytes)
  if (!check.ok) throw new Error(`not an avatar file we load: ${check.reason}`)
  // The check refused every URI; only the loader's own blob: URLs (its images) are fetched.
  const manager = new LoadingManager()
  manager.setURLModifier((u) => (/^blob:/i.test(u) ? u : 'data:,'))
  const loader = new GLTFLoader(manager)
  loader.register((parser) => new VRMLoaderPlugin(parser))
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const gltf = await new Promise<GLTF>((resolve, reject) =>
    loader.parse(buffer as ArrayBuffer, '', resolve, reject),
  )
  const vrm = gltf.userData.vrm as VRM | undefined
  if (!vrm) {
    VRMUtils.deepDispose(gltf.scene)
    throw new Error('three-vrm found no VRM in the file')
  }
  try {
    return prepare(vrm, check.version)
  } catch (err) {
    VRMUtils.deepDispose(vrm.scene)
    throw err
  }
}

function prepare(vrm: VRM, version: VrmVersion): LoadedVrm {
  // 0.x avatars face −Z: turned to face +Z, as 1.0 avatars and the clips do.
  VRMUtils.rotateVRM0(vrm)
  // Unused vertices cost morph texture memory; one skeleton per avatar is one bone update.
  VRMUtils.removeUnnecessaryVertices(vrm.scene)
  VRMUtils.combineSkeletons(vrm.scene)
  const bones: LoadedVrm['bones'] = {}
  for (const name of VRMHumanBoneList) {
    const node = vrm.humanoid.getNormalizedBoneNode(name)
    if (node) bones[name] = node
  }
  if (!bones.hips || !bones.head) throw new Error('the avatar has no hips or head bone')
  vrm.scene.updateMatrixWorld(true)
  // Skinned bounds follow the rest pose here; once animated, a limb can leave them, so skinned
  // meshes are never culled (an avatar is one small draw list, always near someone).
  const box = new Box3()
  vrm.scene.traverse((o) => {
    if (o instanceof SkinnedMesh) {
      o.frustumCulled = false
      o.computeBoundingBox()
      box.union(o.boundingBox!.clone().applyMatrix4(o.matrixWorld))
    }
  })
  const hipsY = bones.hips.getWorldPosition(scratch).y
  const headY = bones.head.getWorldPosition(scratch).y
  const floor = box.isEmpty() ? 0 : Math.min(box.min.y, 0)
  // The head bone sits at the base of the skull: without skinned bounds, a head above it.
  const top = box.isEmpty() ? headY + (headY - hipsY) * 0.3 : Math.max(box.max.y, headY)
  const height = top - floor
  if (!(height > 0.1 && height < 100)) throw new Error(`the avatar is ${height} m tall`)
  return {
    vrm,
    scene: vrm.scene,
    version,
    bones,
    height,
    hipsHeight: hipsY - floor,
    dispose: () => VRMUtils.deepDispose(vrm.scene),
  }
}

/**
 * Fetches an avatar file from this server (`isVrmUrl`), at most VRM_MAX_BYTES, checks and
 * parses it. Rejects with what went wrong. `base`: the page's address (tests pass the server's).
 */
export async function loadVrm(
  url: string,
  options: { signal?: AbortSignal; base?: string } = {},
): Promise<LoadedVrm> {
  if (!isVrmUrl(url, options.base)) throw new Error('avatars load from this server only')
  const timeout = AbortSignal.timeout(LOAD_TIMEOUT_MS)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const res = await fetch(new URL(url, options.base ?? globalThis.location?.href), {
    signal,
    credentials: 'omit',
  })
  if (!res.ok) {
    res.body?.cancel().catch(() => {})
    throw new Error(`the avatar file: HTTP ${res.status}`)
  }
  return parseVrm(await readBody(res, VRM_MAX_BYTES))
}
