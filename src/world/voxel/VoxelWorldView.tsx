// Renders a Block Park world: meshes it in a Web Worker, adds chunk meshes as they arrive, lights
// it from the scene's environment and hands the voxel collider to the world store. Main thread.
// A stored world (a builder world) stays live: the worker keeps its grid, changes go to both
// copies in order (useLiveVoxels), and re-meshed chunks replace their old meshes.
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../frameOrder'
import {
  BufferAttribute,
  BufferGeometry,
  FrontSide,
  Mesh,
  MeshLambertMaterial,
  ShaderMaterial,
  UniformsLib,
  UniformsUtils,
  Vector3,
} from 'three'
import type { Group, Material } from 'three'
import waterVertex from '../../../shaders/voxel-water.vert.glsl?raw'
import waterFragment from '../../../shaders/voxel-water.frag.glsl?raw'
import seamChunk from '../../../shaders/voxel-seam.glsl?raw'
import type { Scene } from '../../protocol/scene'
import { useSettings } from '../../state/settings'
import { useWorld } from '../../state/world'
import { translate } from '../../i18n'
import { applyChange, type BuildMessage, type VoxelStats, type WorkerRequest } from './build'
import { decodeGrid } from './codec'
import { useLiveVoxels, type LiveVoxels } from './live'
import type { MeshPart } from './mesher'
import { VoxelCollider } from './collider'
import type { WorldCollider } from '../collision'
import { sceneLayers, type ColliderLayer } from '../extensions'
import { VoxelGrid, materialTable } from './grid'
import { PixelPass } from './PixelPass'

function publishStats(stats: VoxelStats): void {
  // `window.__cq` (src/app/frameStats.ts) is TestHooks & Record<string, unknown>: the benchmark
  // reads `window.__cq.voxelStats` as VoxelStats.
  if (typeof window !== 'undefined' && window.__cq) window.__cq.voxelStats = stats
}

/** Direction towards the sun: azimuth clockwise from north (−z) towards east (+x). */
export function sunDirection(elevationDeg: number, azimuthDeg: number): Vector3 {
  const el = (elevationDeg * Math.PI) / 180
  const az = (azimuthDeg * Math.PI) / 180
  return new Vector3(Math.sin(az) * Math.cos(el), Math.sin(el), -Math.cos(az) * Math.cos(el))
}

function geometryOf(part: MeshPart): BufferGeometry {
  const g = new BufferGeometry()
  g.setAttribute('position', new BufferAttribute(part.positions, 3))
  g.setAttribute('normal', new BufferAttribute(part.normals, 3, true))
  g.setAttribute('seam', new BufferAttribute(part.seams, 3))
  g.setAttribute('color', new BufferAttribute(part.colors, 3, true))
  g.setIndex(new BufferAttribute(part.indices, 1))
  g.computeBoundingSphere()
  g.computeBoundingBox()
  return g
}

/** Seam margin per metre of distance: a fraction of a low-resolution texel. */
const SEAM_PER_METRE = 0.0008

/** Splices the seam function into a vertex shader and applies it to `transformed`. */
function withSeams(vertexShader: string, apply: string): string {
  return vertexShader
    .replace('#include <common>', `#include <common>\n${seamChunk}`)
    .replace('#include <begin_vertex>', `#include <begin_vertex>\n${apply}`)
}

function makeMaterials() {
  const seamUniform = { value: SEAM_PER_METRE }
  const opaque = new MeshLambertMaterial({ vertexColors: true, side: FrontSide })
  opaque.onBeforeCompile = (shader) => {
    shader.uniforms.uSeamPerMetre = seamUniform
    shader.vertexShader = withSeams(shader.vertexShader, 'transformed = voxelSeam(transformed);')
  }
  opaque.customProgramCacheKey = () => 'voxel-seams'
  const water = new ShaderMaterial({
    vertexShader: waterVertex.replace('#include <common>', `#include <common>\n${seamChunk}`),
    fragmentShader: waterFragment,
    vertexColors: true,
    transparent: true,
    // Writing depth gives the pixel pass a water surface to outline against.
    depthWrite: true,
    fog: true,
    uniforms: UniformsUtils.merge([
      UniformsLib.fog,
      {
        uTime: { value: 0 },
        uSunDir: { value: new Vector3(0, 1, 0) },
        uOpacity: { value: 0.78 },
        uSeamPerMetre: { value: SEAM_PER_METRE },
      },
    ]),
  })
  return { opaque, water }
}

export interface VoxelWorldViewProps {
  scene: Scene
  /** The stored grid (codec bytes) of a builder world: it is live; null: generated. */
  voxels?: Uint8Array | null
  /** The features' collider layers (creator spaces' floors and walls, event stages). */
  layers: () => Promise<readonly ColliderLayer[]>
  /** The pixel-art pass (on by default: Block Park is drawn in pixels). */
  pixelated?: boolean
}

export function VoxelWorldView({
  scene,
  voxels = null,
  layers,
  pixelated = true,
}: VoxelWorldViewProps) {
  // A live builder world's palette grows while it is shown (custom colours): that reaches the
  // worker and the grid through LiveVoxels.setPalette, not as a new world to build.
  const built = useRef<{ id: string; voxels: Uint8Array | null; world: Scene['voxel'] } | null>(
    null,
  )
  if (!voxels || !built.current || built.current.id !== scene.id || built.current.voxels !== voxels)
    built.current = { id: scene.id, voxels, world: scene.voxel }
  const world = built.current.world
  const env = scene.environment
  // A builder world's visitor layer (points, spawn) changes while it is shown: that is a new
  // scene object, not a new world to build. The build reads the scene as it was when it began.
  const sceneNow = useRef(scene)
  sceneNow.current = scene
  const group = useRef<Group>(null)
  const materials = useMemo(makeMaterials, [])
  const sun = useMemo(
    () => sunDirection(env.sunElevation, env.sunAzimuth),
    [env.sunElevation, env.sunAzimuth],
  )
  const centre = useMemo<[number, number, number]>(
    () => (world ? [world.size[0] / 2, 0, world.size[2] / 2] : [0, 0, 0]),
    [world],
  )

  useEffect(() => {
    materials.water.uniforms.uSunDir!.value.copy(sun)
  }, [materials, sun])

  useEffect(
    () => () => {
      materials.opaque.dispose()
      materials.water.dispose()
    },
    [materials],
  )

  useEffect(() => {
    const root = group.current
    if (!world || !root) return
    const scene = sceneNow.current
    const [spawnX, , spawnZ] = scene.spawn.position
    const store = useWorld.getState()
    // Fetched while the worker meshes; the collider needs them once it is done.
    const loading = layers()
    const worker = new Worker(new URL('./mesher.worker.ts', import.meta.url), { type: 'module' })
    const editable = voxels !== null
    /** Chunk meshes by key ("cx,cz" and "cx,cz-water"), replaced when a chunk is meshed again. */
    const meshes = new Map<string, Mesh>()
    let live = true
    let rev = 0
    let disposed = false
    let collider: WorldCollider | null = null
    let stopFollowing = () => {}
    const fail = (message: string) => {
      live = false
      worker.terminate()
      store.failed({
        title: translate(useSettings.getState().language, 'error.build'),
        issues: [{ field: 'voxel', message }],
        advice: 'build',
      })
    }
    const add = (part: MeshPart | null, material: Material, liquid: boolean, chunk: string) => {
      const key = `${chunk}${liquid ? '-water' : ''}`
      const old = meshes.get(key)
      if (old) {
        root.remove(old)
        old.geometry.dispose()
        meshes.delete(key)
      }
      if (!part) return
      const mesh = new Mesh(geometryOf(part), material)
      mesh.name = `voxel-${key}`
      mesh.matrixAutoUpdate = false
      // The avatar's click-to-move raycasts walkable meshes.
      mesh.userData.walkable = true
      mesh.userData.liquid = liquid
      root.add(mesh)
      meshes.set(key, mesh)
    }

    store.setLoading({ progress: 0.1, label: 'loading.meshing' })
    worker.onmessage = (event: MessageEvent<BuildMessage>) => {
      if (!live) return
      const msg = event.data
      switch (msg.type) {
        case 'progress':
          store.setLoading({
            progress: 0.1 + (0.85 * msg.done) / msg.total,
            label: 'loading.meshing',
          })
          break
        case 'chunk':
          add(msg.opaque, materials.opaque, false, `${msg.cx},${msg.cz}`)
          add(msg.liquid, materials.water, true, `${msg.cx},${msg.cz}`)
          break
        case 'done': {
          const grid = new VoxelGrid(msg.dims, materialTable(world.palette), msg.grid)
          if (editable) {
            // The worker stays, with its own copy: changes go to both, in the same order.
            let palette = world.palette
            const changes: LiveVoxels = {
              world: scene.id,
              grid,
              get palette() {
                return palette
              },
              setPalette(next) {
                grid.setMaterials(materialTable(next))
                palette = next
                post({ type: 'palette', palette: next })
              },
              apply(list) {
                let changed = 0
                for (const c of list) if (applyChange(grid, c)) changed++
                if (changed > 0) post({ type: 'apply', rev: ++rev, changes: [...list] })
                return changed
              },
              replace(bytes) {
                const decoded = decodeGrid(bytes, palette.length + 1)
                if (decoded.dims.join() !== grid.dims.join()) throw new Error('wrong grid size')
                grid.data.set(decoded.data)
                post({ type: 'replace', rev: ++rev, grid: bytes })
              },
            }
            useLiveVoxels.getState().set(changes)
          } else {
            live = false
            worker.terminate()
          }
          publishStats(msg.stats)
          // The features' layers (creator spaces' floors and walls, event stages) join the
          // voxels in the collision.
          loading.then(
            (loaded) => {
              if (disposed) return
              collider = sceneLayers(loaded, scene, 'voxel').collider(new VoxelCollider(grid))
              useWorld.getState().ready(collider)
              // A builder marks out, moves or takes away a plot or a stage while people walk:
              // their floors follow (the voxels are the same grid, changed in place).
              stopFollowing = useWorld.subscribe((now, before) => {
                const next = now.scene
                if (disposed || !collider || !next || next === before.scene) return
                if (next.id !== scene.id) return
                const was = before.scene
                if (was && next.spaces === was.spaces && next.stages === was.stages) return
                const rebuilt = sceneLayers(loaded, next, 'voxel').collider(new VoxelCollider(grid))
                useWorld.getState().replaceCollider(collider, rebuilt)
                collider = rebuilt
              })
            },
            (err: unknown) => !disposed && fail(err instanceof Error ? err.message : String(err)),
          )
          break
        }
        case 'remeshed':
          useLiveVoxels.getState().meshed(msg.rev, msg.ms)
          break
        case 'error':
          fail(msg.message)
          break
      }
    }
    worker.onerror = (event) => fail(event.message || 'the mesher worker failed to start')
    const post = (request: WorkerRequest) => worker.postMessage(request)
    post({
      type: 'build',
      world,
      focus: [spawnX, spawnZ],
      ...(voxels && { grid: voxels, editable: true }),
    })

    return () => {
      live = false
      disposed = true
      stopFollowing()
      worker.terminate()
      for (const mesh of meshes.values()) {
        root.remove(mesh)
        mesh.geometry.dispose()
      }
      const liveNow = useLiveVoxels.getState()
      if (liveNow.live?.world === scene.id) liveNow.set(null)
      // A collider over a grid that is no longer shown must not outlive it.
      if (collider) useWorld.getState().dropCollider(collider)
    }
  }, [world, voxels, layers, materials])

  useFrame((_, dt) => {
    // Motion-sensitive visitors get still water; nothing else here moves.
    if (useSettings.getState().reducedMotion) return
    materials.water.uniforms.uTime!.value += dt
  }, FRAME.scene)

  return (
    <>
      <color attach="background" args={[env.skyColor]} />
      <fog attach="fog" args={[env.fog.color, env.fog.near, env.fog.far]} />
      <hemisphereLight args={[env.skyColor, '#6b5a45', 1.4]} />
      <directionalLight
        position={[centre[0] + sun.x * 200, sun.y * 200, centre[2] + sun.z * 200]}
        intensity={2.2}
      >
        <object3D attach="target" position={centre} />
      </directionalLight>
      <group ref={group} />
      {pixelated && <PixelPass />}
    </>
  )
}
