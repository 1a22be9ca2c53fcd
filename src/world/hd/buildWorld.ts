// Builds Cangqiong's three objects from the scene data in a few steps (reporting progress in
// between): terrain, water, landmarks, trees, grass patches and mist under one group, some
// fifteen draw calls per pass. Owns everything it creates and frees it in dispose(). Each part
// is a named step below; buildHdWorld runs them in order. Features' collider layers and the
// ground they keep clear come in as `layers` (src/world/extensions.ts). One file although over
// 400 lines: the steps share the Owner and the meshes' quality switches, and only this build
// runs them.
import {
  BufferGeometry,
  Color,
  DoubleSide,
  FrontSide,
  Group,
  InstancedMesh,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  MeshStandardMaterial,
  RingGeometry,
  Float32BufferAttribute,
  Vector2,
} from 'three'
import type { Light, Material, Object3D, Texture, Vector3 } from 'three'
import { Water } from 'three/examples/jsm/objects/Water.js'
import type { HdWorld } from '../../protocol/scene'
import type { WorldCollider } from '../collision'
import { NO_LAYERS, type SceneLayers } from '../extensions'
import { HdCollider } from './collider'
import type { Environment } from './lighting'
import { bakeLighting, lightRig, sunDirection } from './lighting'
import { createLandmarkGeometries } from './landmarkMeshes'
import type { LandmarkLayout } from './landmarks'
import { layoutLandmarks } from './landmarks'
import { hashSeed, smoothstep } from './noise'
import type { HdPreset } from './quality'
import { createHeightField } from './terrain'
import type { HeightField } from './terrain'
import { createTerrainGeometry, createWaterGeometry } from './terrainMesh'
import {
  createLacquerTextures,
  createMistTexture,
  createRoofTileNormals,
  createStoneTextures,
  createTerrainTextures,
  createWaterNormals,
  type SurfaceTextures,
} from './textures'
import type { TreeInstance, TreeKind, VegetationLayout } from './vegetation'
import { GRASS_STRIDE, placeVegetation, TREE_KINDS } from './vegetation'
import { createGrassGeometry, createTreeGeometry, fillGrass, fillTrees } from './vegetationMeshes'
import { addWind, windDepthMaterial, windUniforms } from './wind'

/** Loading steps, as i18n keys the app shell translates. */
export type LoadLabel = 'loading.terrain' | 'loading.vegetation' | 'loading.shaders'

export interface BuildHooks {
  progress: (progress: number, label: LoadLabel) => void
  /** Awaited between steps so the page can paint the progress bar. */
  pause: () => Promise<void>
  cancelled: () => boolean
}

export interface HdWorldObjects {
  root: Group
  field: HeightField
  layouts: LandmarkLayout[]
  vegetation: VegetationLayout
  /** The terrain and landmarks, plus the floors and walls of the creator spaces. */
  collider: WorldCollider
  terrain: Mesh
  /** Null when no terrain dips below the water level. */
  water: Water | null
  landmarks: Mesh[]
  /** Per kind, valley trees then slope trees: six instanced meshes. */
  trees: InstancedMesh[]
  /** Grass patches, one instanced mesh each. */
  grass: InstancedMesh[]
  mist: Mesh
  /** Applies a quality preset's counts and sizes (shadows and post are the view's). */
  applyQuality(preset: HdPreset, reducedMotion: boolean): void
  /** Advances wind, ripples and mist and culls far grass; allocates nothing. */
  update(delta: number, camera: Vector3): void
  dispose(): void
}

export class BuildCancelled extends Error {
  constructor() {
    super('build cancelled')
    this.name = 'BuildCancelled'
  }
}

/** Keeps everything a build creates, so a cancel or dispose() frees it all. */
interface Owner {
  own<T extends BufferGeometry | Material | Texture>(x: T): T
  disposeAll(): void
}

function createOwner(): Owner {
  const geometries: BufferGeometry[] = []
  const materials: Material[] = []
  const textures: Texture[] = []
  return {
    own(x) {
      if ('isBufferGeometry' in x) geometries.push(x as BufferGeometry)
      else if ('isMaterial' in x) materials.push(x as Material)
      else textures.push(x as Texture)
      return x
    },
    disposeAll() {
      for (const g of geometries) g.dispose()
      for (const m of materials) m.dispose()
      for (const t of textures) t.dispose()
    },
  }
}

/**
 * Builds the world for the preset in force once building starts (applyQuality switches it
 * later without a rebuild).
 */
export async function buildHdWorld(
  hd: HdWorld,
  env: Environment,
  currentPreset: () => HdPreset,
  hooks: BuildHooks,
  /** Features' layers: vegetation keeps out of their areas, the avatar walks on their floors. */
  layers: SceneLayers = NO_LAYERS,
): Promise<HdWorldObjects> {
  const owner = createOwner()
  const step = async (progress: number, label: LoadLabel) => {
    hooks.progress(progress, label)
    await hooks.pause()
    if (hooks.cancelled()) {
      owner.disposeAll()
      throw new BuildCancelled()
    }
  }

  await step(0.1, 'loading.terrain')
  const preset = currentPreset()
  const ground = buildGround(hd, env, preset, owner, layers)
  const water = buildWater(hd, env, ground.field, owner)

  await step(0.4, 'loading.vegetation')
  const landmarks = buildLandmarks(ground.layouts, hd.terrain.seed, owner)
  const vegetation = placeVegetation(hd, ground.field, ground.layouts, layers.clearAreas)
  const trees = buildTrees(vegetation, ground.R, preset, owner)
  const grass = buildGrass(vegetation, owner)
  const mist = buildMist(hd, env, ground.field, owner)

  await step(0.7, 'loading.shaders')
  const root = new Group()
  root.name = 'hd-world'
  // A coarse, untextured copy of the terrain stands in for it in the water's reflection.
  const mirrorTerrain = new Mesh(ground.shape([0, 0], true), ground.baked)
  mirrorTerrain.name = 'hd-terrain-mirror'
  mirrorTerrain.visible = false
  root.add(ground.terrain, mirrorTerrain, ...landmarks.meshes, ...trees.meshes)
  if (water.water) root.add(water.water)
  root.add(grass.group, mist.mesh)
  const reflection = reflectSelectively(water.water, root, ground.terrain, mirrorTerrain, {
    grass: grass.group,
    mist: mist.mesh,
    trees,
  })

  const world: HdWorldObjects = {
    root,
    field: ground.field,
    layouts: ground.layouts,
    vegetation,
    collider: ground.collider,
    terrain: ground.terrain,
    water: water.water,
    landmarks: landmarks.meshes,
    trees: trees.meshes,
    grass: grass.meshes,
    mist: mist.mesh,
    applyQuality(preset, reducedMotion) {
      trees.apply(preset)
      grass.apply(preset)
      reflection.reflectTrees = preset.reflectTrees
      reflection.reflectOthers = preset.reflectOthers
      water.mirror?.setSize(preset.reflectionSize, preset.reflectionSize)
      ground.apply(preset)
      landmarks.apply(preset)
      trees.strength.value = reducedMotion ? 0.08 : 0.3
      grass.strength.value = reducedMotion ? 0.03 : 0.12
    },
    update(delta, camera) {
      grass.cull(camera)
      windUniforms.uWindTime.value += delta
      if (water.water) water.water.material.uniforms.time!.value += delta * 0.4
      mist.texture.offset.x += delta * 0.002
      mist.texture.offset.y += delta * 0.0007
    },
    dispose() {
      root.removeFromParent()
      owner.disposeAll()
      water.mirror?.dispose()
      for (const mesh of trees.meshes) mesh.dispose()
      for (const mesh of grass.meshes) mesh.dispose()
    },
  }
  world.applyQuality(currentPreset(), false)
  return world
}

/** The height field, landmark layout, collider and terrain mesh (geometry per detail level). */
function buildGround(
  hd: HdWorld,
  env: Environment,
  preset: HdPreset,
  { own }: Owner,
  layers: SceneLayers,
) {
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const collider = layers.collider(new HdCollider(field, layouts))
  const terrainTex = createTerrainTextures(hd.terrain.seed)
  own(terrainTex.map).repeat.set(hd.size / 7, hd.size / 7)
  own(terrainTex.normalMap).repeat.set(hd.size / 7, hd.size / 7)
  const haze = new Color(env.fog.color)
  const rig = lightRig(env)
  // Terrain geometries by detail (and with light baked in, for low quality), built when a
  // quality level first asks for one.
  const R = Math.max(20, hd.terrain.valleyRadius)
  const terrainShapes = new Map<string, BufferGeometry>()
  const shape = ([full, half]: [number, number], baked: boolean) => {
    const key = `${full}/${half}/${baked}`
    let g = terrainShapes.get(key)
    if (!g) {
      g = createTerrainGeometry(field, hd, {
        haze,
        strideAt: (x, z) => {
          const d = Math.hypot(x, z) / R
          return d < full ? 1 : d < half ? 2 : 4
        },
      })
      if (baked) {
        const lit = bakeLighting(g, rig)
        g.dispose()
        g = lit
      }
      terrainShapes.set(key, own(g))
    }
    return g
  }
  const detailed = own(
    new MeshStandardMaterial({
      vertexColors: true,
      map: terrainTex.map,
      normalMap: terrainTex.normalMap,
      normalScale: new Vector2(0.6, 0.6),
      roughness: 0.95,
      metalness: 0,
    }),
  )
  const plain = own(new MeshStandardMaterial({ vertexColors: true, roughness: 0.95, metalness: 0 }))
  // Low quality: light baked into the vertex colours, drawn unlit (no shadows there anyway).
  const baked = own(new MeshBasicMaterial({ vertexColors: true }))
  const terrain = new Mesh<BufferGeometry, Material>(
    shape(preset.terrainDetail, preset.bakedLighting),
    detailed,
  )
  terrain.name = 'hd-terrain'
  terrain.receiveShadow = true
  terrain.userData.walkable = true
  return {
    field,
    layouts,
    collider,
    R,
    terrain,
    shape,
    baked,
    apply(preset: HdPreset) {
      terrain.castShadow = preset.terrainCastsShadow
      terrain.geometry = shape(preset.terrainDetail, preset.bakedLighting)
      terrain.material = preset.bakedLighting ? baked : preset.detailTextures > 0 ? detailed : plain
      for (const t of [terrainTex.map, terrainTex.normalMap]) {
        const anisotropy = Math.max(1, preset.detailTextures)
        if (t.anisotropy !== anisotropy) {
          t.anisotropy = anisotropy
          t.needsUpdate = true
        }
      }
    },
  }
}

/** The lake surface, when any terrain dips below the water level, and its mirror target. */
function buildWater(hd: HdWorld, env: Environment, field: HeightField, { own }: Owner) {
  const sun = sunDirection(env)
  const waterNormals = own(createWaterNormals(hd.terrain.seed))
  const waterGeometry = createWaterGeometry(field)
  let water: Water | null = null
  if (waterGeometry) {
    water = new Water(own(waterGeometry), {
      textureWidth: 512,
      textureHeight: 512,
      waterNormals,
      sunDirection: sun.clone(),
      sunColor: 0xfff2dd,
      waterColor: 0x24504a,
      distortionScale: 0.7,
      fog: true,
    })
    own(water.material)
    // Ripples of about half a metre: calm, jade-green water.
    water.material.uniforms.size!.value = 7
    water.name = 'hd-water'
    water.rotation.x = -Math.PI / 2
    water.position.y = hd.waterLevel
    // After the terrain, so the shore's early depth test spares the water shader.
    water.renderOrder = 1
  }
  const mirror = water
    ? (water.material.uniforms.mirrorSampler!.value as Texture).renderTarget
    : null
  return { water, mirror }
}

/** Owns each texture of a set (see Owner) and returns the set. */
function ownAll(set: SurfaceTextures, own: Owner['own']): SurfaceTextures {
  own(set.map)
  own(set.normalMap)
  own(set.roughnessMap)
  return set
}

/** Pavilions, bridges and paths: one mesh per material, with cheaper Lambert twins for low. */
function buildLandmarks(layouts: LandmarkLayout[], seed: number, { own }: Owner) {
  const lg = createLandmarkGeometries(layouts)
  const roofNormals = own(createRoofTileNormals())
  // Surface detail for medium and high, lit by the sky (image-based light, HdAtmosphere).
  const stoneTex = ownAll(createStoneTextures(hashSeed(seed, 21)), own)
  const lacquerTex = ownAll(createLacquerTextures(hashSeed(seed, 22)), own)
  const full = {
    lacquer: own(
      new MeshStandardMaterial({
        vertexColors: true,
        ...lacquerTex,
        normalScale: new Vector2(0.5, 0.5),
        roughness: 1,
        metalness: 0.05,
      }),
    ),
    stone: own(
      new MeshStandardMaterial({
        vertexColors: true,
        ...stoneTex,
        normalScale: new Vector2(0.9, 0.9),
        roughness: 1,
      }),
    ),
    roof: own(
      new MeshStandardMaterial({
        vertexColors: true,
        roughness: 0.6,
        normalMap: roofNormals,
        normalScale: new Vector2(1.2, 1.2),
        // Roofs are single surfaces; both sides show (eaves seen from below).
        side: DoubleSide,
      }),
    ),
  }
  // Cheaper Lambert shading for low quality.
  const light = {
    lacquer: own(new MeshLambertMaterial({ vertexColors: true })),
    stone: own(new MeshLambertMaterial({ vertexColors: true })),
    roof: own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide })),
  }
  const meshes: Mesh[] = []
  const keys: ('lacquer' | 'stone' | 'roof')[] = []
  for (const key of ['lacquer', 'stone', 'roof'] as const) {
    const g = lg[key]
    if (!g) continue
    keys.push(key)
    own(g)
    const mesh = new Mesh(g, full[key])
    mesh.name = `hd-landmarks-${key}`
    mesh.castShadow = true
    mesh.receiveShadow = true
    if (key === 'stone') mesh.userData.walkable = true
    meshes.push(mesh)
  }
  return {
    meshes,
    apply(preset: HdPreset) {
      meshes.forEach((mesh, k) => {
        const key = keys[k]!
        mesh.material = preset.bakedLighting ? light[key] : full[key]
      })
      const roofs = full.roof
      if ((roofs.normalMap !== null) !== preset.detailTextures > 0) {
        roofs.normalMap = preset.detailTextures > 0 ? roofNormals : null
        roofs.needsUpdate = true
      }
    },
  }
}

type Trees = ReturnType<typeof buildTrees>

/** Six instanced meshes: per kind, valley trees then slope trees, swaying in the wind. */
function buildTrees(vegetation: VegetationLayout, R: number, preset: HdPreset, { own }: Owner) {
  const strength = { value: 0.3 }
  const treeMaterial = own(new MeshLambertMaterial({ vertexColors: true, side: FrontSide }))
  addWind(treeMaterial, { strength: 0.3, foliageTint: true }, strength)
  const willowMaterial = own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }))
  addWind(willowMaterial, { strength: 0.3, foliageTint: true }, strength)
  const treeDepth = own(windDepthMaterial(strength))
  // Valley trees stand where visitors walk: full detail, shadows, reflections. Trees on the
  // slopes beyond are only seen from afar, so they keep the light crowns and cast no shadows
  // (they lie outside the shadow camera anyway).
  const valleyReach = R * 1.2
  const groups = { valley: [] as TreeInstance[][], slopes: [] as TreeInstance[][] }
  for (const kind of TREE_KINDS) {
    const all = vegetation.trees.filter((t) => t.kind === kind)
    groups.valley.push(all.filter((t) => Math.hypot(t.x, t.z) < valleyReach))
    groups.slopes.push(all.filter((t) => Math.hypot(t.x, t.z) >= valleyReach))
  }
  const shapes = {} as Record<TreeKind, [BufferGeometry, BufferGeometry]>
  const meshes: InstancedMesh[] = []
  const totals: number[] = []
  const inValley: boolean[] = []
  TREE_KINDS.forEach((kind, k) => {
    shapes[kind] = [own(createTreeGeometry(kind, 0)), own(createTreeGeometry(kind, 1))]
    for (const where of ['valley', 'slopes'] as const) {
      const list = groups[where][k]!
      const valley = where === 'valley'
      const mesh = new InstancedMesh(
        shapes[kind][valley ? preset.treeDetail : 0],
        kind === 'willow' ? willowMaterial : treeMaterial,
        Math.max(1, list.length),
      )
      mesh.name = `hd-trees-${kind}-${where}`
      fillTrees(mesh, list)
      mesh.count = list.length
      mesh.castShadow = valley
      mesh.receiveShadow = valley
      mesh.customDepthMaterial = treeDepth
      mesh.userData.kind = kind
      meshes.push(mesh)
      totals.push(list.length)
      inValley.push(valley)
    }
  })
  const trees = {
    meshes,
    strength,
    inValley,
    detail: preset.treeDetail as 0 | 1,
    /** The crowns for mesh i: light ones on slopes, the detail in force in the valley. */
    shapeOf(i: number, detail: 0 | 1) {
      const mesh = meshes[i]!
      return shapes[mesh.userData.kind as TreeKind][inValley[i] ? detail : 0]
    },
    apply(preset: HdPreset) {
      trees.detail = preset.treeDetail
      meshes.forEach((mesh, i) => {
        mesh.count = Math.round(totals[i]! * preset.treeFraction)
        mesh.visible = mesh.count > 0
        mesh.geometry = trees.shapeOf(i, trees.detail)
        mesh.computeBoundingSphere()
      })
    },
  }
  return trees
}

/** Grass in a grid of patches, so the frustum culls the ones out of view. */
function buildGrass(vegetation: VegetationLayout, { own }: Owner) {
  const strength = { value: 0.12 }
  const material = own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }))
  addWind(material, { strength: 0.12, upNormals: true }, strength)
  const tuft = own(createGrassGeometry())
  const group = new Group()
  group.name = 'hd-grass'
  const meshes = chunkGrass(vegetation).map((indices, k) => {
    const mesh = new InstancedMesh(tuft, material, indices.length)
    mesh.name = `hd-grass-${k}`
    fillGrass(mesh, vegetation.grass, indices)
    mesh.receiveShadow = true
    group.add(mesh)
    return mesh
  })
  const totals = meshes.map((m) => m.count)
  return {
    group,
    meshes,
    strength,
    apply(preset: HdPreset) {
      meshes.forEach((mesh, k) => {
        mesh.count = Math.round(totals[k]! * preset.grassFraction)
        mesh.visible = mesh.count > 0
      })
    },
    /** Grass farther than GRASS_VIEW_DISTANCE is sub-pixel: skips whole patches beyond it. */
    cull(camera: Vector3) {
      for (const mesh of meshes) {
        const sphere = mesh.boundingSphere
        mesh.visible =
          mesh.count > 0 &&
          (!sphere || camera.distanceTo(sphere.center) - sphere.radius < GRASS_VIEW_DISTANCE)
      }
    },
  }
}

/** Mist: two soft rings of cloud around the mountains' waists. */
function buildMist(hd: HdWorld, env: Environment, field: HeightField, { own }: Owner) {
  const texture = own(createMistTexture(hd.terrain.seed))
  texture.repeat.set(3, 3)
  const mesh = new Mesh(
    own(createMistGeometry(hd, field)),
    own(
      new MeshBasicMaterial({
        color: new Color(env.fog.color).lerp(new Color('#ffffff'), 0.5),
        vertexColors: true,
        alphaMap: texture,
        transparent: true,
        depthWrite: false,
        side: DoubleSide,
        fog: true,
      }),
    ),
  )
  mesh.name = 'hd-mist'
  mesh.renderOrder = 1
  return { mesh, texture }
}

/**
 * The reflection skips grass, mist and the trees on far slopes (tiny or faint in a mirror,
 * costly to draw twice), draws valley trees with light crowns and, on low, not at all. The
 * returned switches follow the quality preset.
 */
function reflectSelectively(
  water: Water | null,
  root: Group,
  terrain: Mesh,
  mirrorTerrain: Mesh,
  { grass, mist, trees }: { grass: Group; mist: Mesh; trees: Trees },
) {
  const switches = { reflectTrees: true, reflectOthers: true }
  const reflect = water?.onBeforeRender
  const meshes = trees.meshes
  const shown = { terrain: true, grass: true, mist: true, trees: meshes.map(() => true) }
  // Other things in the scene (avatars, markers) that the reflection hid, to show again.
  const hidden: Object3D[] = []
  if (water && reflect)
    water.onBeforeRender = (renderer, scene, ...rest) => {
      // The world's own branch of the scene graph stays (the app may nest it in groups).
      let branch: Object3D = root
      while (branch.parent && branch.parent !== scene) branch = branch.parent
      if (!switches.reflectOthers)
        for (const o of scene.children)
          if (o !== branch && o.visible && !(o as Light).isLight) {
            o.visible = false
            hidden.push(o)
          }
      shown.terrain = terrain.visible
      shown.grass = grass.visible
      shown.mist = mist.visible
      mirrorTerrain.visible = terrain.visible
      terrain.visible = false
      grass.visible = false
      mist.visible = false
      meshes.forEach((mesh, i) => {
        shown.trees[i] = mesh.visible
        mesh.visible = mesh.visible && switches.reflectTrees && trees.inValley[i]!
        mesh.geometry = trees.shapeOf(i, 0)
      })
      reflect.call(water, renderer, scene, ...rest)
      for (const o of hidden) o.visible = true
      hidden.length = 0
      terrain.visible = shown.terrain
      mirrorTerrain.visible = false
      grass.visible = shown.grass
      mist.visible = shown.mist
      meshes.forEach((mesh, i) => {
        mesh.visible = shown.trees[i]!
        mesh.geometry = trees.shapeOf(i, trees.detail)
      })
    }
  return switches
}

/** Patch side for grass (m): small enough to cull, big enough to keep draw calls few. */
const GRASS_PATCH = 60
const GRASS_VIEW_DISTANCE = 50

/** Tuft indices grouped by patch, each group still in random order (so prefixes thin evenly). */
function chunkGrass(v: VegetationLayout): number[][] {
  const patches = new Map<string, number[]>()
  for (let i = 0; i < v.grassCount; i++) {
    const x = v.grass[i * GRASS_STRIDE]!
    const z = v.grass[i * GRASS_STRIDE + 2]!
    const key = `${Math.floor(x / GRASS_PATCH)},${Math.floor(z / GRASS_PATCH)}`
    const list = patches.get(key)
    if (list) list.push(i)
    else patches.set(key, [i])
  }
  return [...patches.values()]
}

/** Two horizontal rings of mist, faded at both rims through vertex alpha. */
function createMistGeometry(hd: HdWorld, field: HeightField): BufferGeometry {
  const half = hd.size / 2
  const inner = Math.max(40, hd.terrain.valleyRadius * 1.15)
  const outer = half * 1.15
  const H = hd.terrain.height
  const rings: [number, number][] = [
    [field.floorLevel + H * 0.2, 0],
    [field.floorLevel + H * 0.4, 1.3],
  ]
  const positions: number[] = []
  const uvs: number[] = []
  const colors: number[] = []
  const index: number[] = []
  for (const [y, twist] of rings) {
    const ring = new RingGeometry(inner, outer, 72, 6, twist)
    ring.rotateX(-Math.PI / 2)
    const p = ring.getAttribute('position')
    const uv = ring.getAttribute('uv')
    const base = positions.length / 3
    for (let i = 0; i < p.count; i++) {
      const r = Math.hypot(p.getX(i), p.getZ(i))
      const span = outer - inner
      const a =
        smoothstep(inner, inner + span * 0.3, r) * (1 - smoothstep(outer - span * 0.35, outer, r))
      positions.push(p.getX(i), y, p.getZ(i))
      uvs.push(uv.getX(i) + twist, uv.getY(i))
      colors.push(1, 1, 1, a * 0.75)
    }
    const idx = ring.getIndex()!
    for (let i = 0; i < idx.count; i++) index.push(base + idx.getX(i))
    ring.dispose()
  }
  const g = new BufferGeometry()
  g.setAttribute('position', new Float32BufferAttribute(positions, 3))
  g.setAttribute('uv', new Float32BufferAttribute(uvs, 2))
  g.setAttribute('color', new Float32BufferAttribute(colors, 4))
  g.setIndex(index)
  g.computeBoundingSphere()
  return g
}
