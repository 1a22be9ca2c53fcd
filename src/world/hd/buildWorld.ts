// Builds Cangqiong's three objects from the scene data in a few steps (reporting progress in
// between): terrain, water, landmarks, trees, grass patches and mist under one group, some
// fifteen draw calls per pass. Owns everything it creates and frees it in dispose().
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
import type { Space, Stage } from '../../protocol/scene'
import type { WorldCollider } from '../collision'
import { withSpaces } from '../../spaces/collider'
import { withStages } from '../../events/collider'
import { stageClearArea } from '../../events/layout'
import { HdCollider } from './collider'
import type { Environment } from './lighting'
import { bakeLighting, lightRig, sunDirection } from './lighting'
import { createLandmarkGeometries } from './landmarkMeshes'
import type { LandmarkLayout } from './landmarks'
import { layoutLandmarks } from './landmarks'
import { smoothstep } from './noise'
import type { HdPreset } from './quality'
import { createHeightField } from './terrain'
import type { HeightField } from './terrain'
import { createTerrainGeometry, createWaterGeometry } from './terrainMesh'
import {
  createMistTexture,
  createRoofTileNormals,
  createTerrainTextures,
  createWaterNormals,
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

/**
 * Builds the world for the preset in force once building starts (applyQuality switches it
 * later without a rebuild).
 */
export async function buildHdWorld(
  hd: HdWorld,
  env: Environment,
  currentPreset: () => HdPreset,
  hooks: BuildHooks,
  /** Creator spaces: vegetation keeps out of them and the avatar walks on their floors. */
  spaces: readonly Space[] = [],
  /** Event stages: their platforms and frames collide, and their ground stays clear. */
  stages: readonly Stage[] = [],
): Promise<HdWorldObjects> {
  const geometries: BufferGeometry[] = []
  const materials: Material[] = []
  const textures: Texture[] = []
  const disposeAll = () => {
    for (const g of geometries) g.dispose()
    for (const m of materials) m.dispose()
    for (const t of textures) t.dispose()
  }
  const step = async (progress: number, label: LoadLabel) => {
    hooks.progress(progress, label)
    await hooks.pause()
    if (hooks.cancelled()) {
      disposeAll()
      throw new BuildCancelled()
    }
  }
  const own = <T extends BufferGeometry | Material | Texture>(x: T): T => {
    if ('isBufferGeometry' in x) geometries.push(x as BufferGeometry)
    else if ('isMaterial' in x) materials.push(x as Material)
    else textures.push(x as Texture)
    return x
  }

  // ---- terrain ----
  await step(0.1, 'loading.terrain')
  const preset = currentPreset()
  const field = createHeightField(hd)
  const layouts = layoutLandmarks(hd, field.landmarkBase)
  const collider = withStages(
    withSpaces(new HdCollider(field, layouts), spaces, 'hd'),
    stages,
    'hd',
  )
  const terrainTex = createTerrainTextures(hd.terrain.seed)
  own(terrainTex.map).repeat.set(hd.size / 7, hd.size / 7)
  own(terrainTex.normalMap).repeat.set(hd.size / 7, hd.size / 7)
  const haze = new Color(env.fog.color)
  const rig = lightRig(env)
  // Terrain geometries by detail (and with light baked in, for low quality), built when a
  // quality level first asks for one.
  const R = Math.max(20, hd.terrain.valleyRadius)
  const terrainShapes = new Map<string, BufferGeometry>()
  const terrainShape = ([full, half]: [number, number], baked: boolean) => {
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
  const detailedGround = own(
    new MeshStandardMaterial({
      vertexColors: true,
      map: terrainTex.map,
      normalMap: terrainTex.normalMap,
      normalScale: new Vector2(0.6, 0.6),
      roughness: 0.95,
      metalness: 0,
    }),
  )
  const plainGround = own(
    new MeshStandardMaterial({ vertexColors: true, roughness: 0.95, metalness: 0 }),
  )
  // Low quality: light baked into the vertex colours, drawn unlit (no shadows there anyway).
  const bakedGround = own(new MeshBasicMaterial({ vertexColors: true }))
  const terrain = new Mesh<BufferGeometry, Material>(
    terrainShape(preset.terrainDetail, preset.bakedLighting),
    detailedGround,
  )
  terrain.name = 'hd-terrain'
  terrain.receiveShadow = true
  terrain.userData.walkable = true

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

  // ---- landmarks and vegetation ----
  await step(0.4, 'loading.vegetation')
  const lg = createLandmarkGeometries(layouts)
  const roofNormals = own(createRoofTileNormals())
  const landmarkMaterials = {
    lacquer: own(new MeshStandardMaterial({ vertexColors: true, roughness: 0.5, metalness: 0.05 })),
    stone: own(new MeshStandardMaterial({ vertexColors: true, roughness: 0.9 })),
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
  const lightLandmarks = {
    lacquer: own(new MeshLambertMaterial({ vertexColors: true })),
    stone: own(new MeshLambertMaterial({ vertexColors: true })),
    roof: own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide })),
  }
  const landmarks: Mesh[] = []
  const landmarkKeys: ('lacquer' | 'stone' | 'roof')[] = []
  for (const key of ['lacquer', 'stone', 'roof'] as const) {
    const g = lg[key]
    if (!g) continue
    landmarkKeys.push(key)
    own(g)
    const mesh = new Mesh(g, landmarkMaterials[key])
    mesh.name = `hd-landmarks-${key}`
    mesh.castShadow = true
    mesh.receiveShadow = true
    if (key === 'stone') mesh.userData.walkable = true
    landmarks.push(mesh)
  }

  const vegetation = placeVegetation(hd, field, layouts, [
    ...spaces.map((s) => s.area),
    ...stages.map(stageClearArea),
  ])
  const treeStrength = { value: 0.3 }
  const grassStrength = { value: 0.12 }
  const treeMaterial = own(new MeshLambertMaterial({ vertexColors: true, side: FrontSide }))
  addWind(treeMaterial, { strength: 0.3, foliageTint: true }, treeStrength)
  const willowMaterial = own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }))
  addWind(willowMaterial, { strength: 0.3, foliageTint: true }, treeStrength)
  const treeDepth = own(windDepthMaterial(treeStrength))
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
  const treeShapes = {} as Record<TreeKind, [BufferGeometry, BufferGeometry]>
  const trees: InstancedMesh[] = []
  const treeTotals: number[] = []
  const treeInValley: boolean[] = []
  TREE_KINDS.forEach((kind, k) => {
    treeShapes[kind] = [own(createTreeGeometry(kind, 0)), own(createTreeGeometry(kind, 1))]
    for (const where of ['valley', 'slopes'] as const) {
      const list = groups[where][k]!
      const inValley = where === 'valley'
      const mesh = new InstancedMesh(
        treeShapes[kind][inValley ? preset.treeDetail : 0],
        kind === 'willow' ? willowMaterial : treeMaterial,
        Math.max(1, list.length),
      )
      mesh.name = `hd-trees-${kind}-${where}`
      fillTrees(mesh, list)
      mesh.count = list.length
      mesh.castShadow = inValley
      mesh.receiveShadow = inValley
      mesh.customDepthMaterial = treeDepth
      mesh.userData.kind = kind
      trees.push(mesh)
      treeTotals.push(list.length)
      treeInValley.push(inValley)
    }
  })

  // Grass in a grid of patches, so the frustum culls the ones out of view.
  const grassMaterial = own(new MeshLambertMaterial({ vertexColors: true, side: DoubleSide }))
  addWind(grassMaterial, { strength: 0.12, upNormals: true }, grassStrength)
  const tuft = own(createGrassGeometry())
  const grassGroup = new Group()
  grassGroup.name = 'hd-grass'
  const grass = chunkGrass(vegetation).map((indices, k) => {
    const mesh = new InstancedMesh(tuft, grassMaterial, indices.length)
    mesh.name = `hd-grass-${k}`
    fillGrass(mesh, vegetation.grass, indices)
    mesh.receiveShadow = true
    grassGroup.add(mesh)
    return mesh
  })
  const grassTotals = grass.map((m) => m.count)

  // ---- mist: two soft rings of cloud around the mountains' waists ----
  const mistTex = own(createMistTexture(hd.terrain.seed))
  mistTex.repeat.set(3, 3)
  const mist = new Mesh(
    own(createMistGeometry(hd, field)),
    own(
      new MeshBasicMaterial({
        color: new Color(env.fog.color).lerp(new Color('#ffffff'), 0.5),
        vertexColors: true,
        alphaMap: mistTex,
        transparent: true,
        depthWrite: false,
        side: DoubleSide,
        fog: true,
      }),
    ),
  )
  mist.name = 'hd-mist'
  mist.renderOrder = 1

  await step(0.7, 'loading.shaders')
  const root = new Group()
  root.name = 'hd-world'
  // A coarse, untextured copy of the terrain stands in for it in the water's reflection.
  const mirrorTerrain = new Mesh(terrainShape([0, 0], true), bakedGround)
  mirrorTerrain.name = 'hd-terrain-mirror'
  mirrorTerrain.visible = false
  root.add(terrain, mirrorTerrain, ...landmarks, ...trees)
  if (water) root.add(water)
  root.add(grassGroup, mist)

  // The reflection skips grass, mist and the trees on far slopes (tiny or faint in a mirror,
  // costly to draw twice), draws valley trees with light crowns and, on low, not at all.
  let reflectTrees = true
  let reflectOthers = true
  const reflect = water?.onBeforeRender
  const shown = { terrain: true, grass: true, mist: true, trees: trees.map(() => true) }
  // Other things in the scene (avatars, markers) that the reflection hid, to show again.
  const hidden: Object3D[] = []
  if (water && reflect)
    water.onBeforeRender = (renderer, scene, ...rest) => {
      // The world's own branch of the scene graph stays (the app may nest it in groups).
      let branch: Object3D = root
      while (branch.parent && branch.parent !== scene) branch = branch.parent
      if (!reflectOthers)
        for (const o of scene.children)
          if (o !== branch && o.visible && !(o as Light).isLight) {
            o.visible = false
            hidden.push(o)
          }
      shown.terrain = terrain.visible
      shown.grass = grassGroup.visible
      shown.mist = mist.visible
      mirrorTerrain.visible = terrain.visible
      terrain.visible = false
      grassGroup.visible = false
      mist.visible = false
      trees.forEach((mesh, i) => {
        shown.trees[i] = mesh.visible
        mesh.visible = mesh.visible && reflectTrees && treeInValley[i]!
        mesh.geometry = treeShapes[mesh.userData.kind as TreeKind][0]
      })
      reflect.call(water, renderer, scene, ...rest)
      for (const o of hidden) o.visible = true
      hidden.length = 0
      terrain.visible = shown.terrain
      mirrorTerrain.visible = false
      grassGroup.visible = shown.grass
      mist.visible = shown.mist
      trees.forEach((mesh, i) => {
        mesh.visible = shown.trees[i]!
        mesh.geometry = treeShapes[mesh.userData.kind as TreeKind][treeInValley[i] ? detail : 0]
      })
    }

  let detail: 0 | 1 = preset.treeDetail
  const world: HdWorldObjects = {
    root,
    field,
    layouts,
    vegetation,
    collider,
    terrain,
    water,
    landmarks,
    trees,
    grass,
    mist,
    applyQuality(preset, reducedMotion) {
      detail = preset.treeDetail
      trees.forEach((mesh, i) => {
        mesh.count = Math.round(treeTotals[i]! * preset.treeFraction)
        mesh.visible = mesh.count > 0
        mesh.geometry = treeShapes[mesh.userData.kind as TreeKind][treeInValley[i] ? detail : 0]
        mesh.computeBoundingSphere()
      })
      grass.forEach((mesh, k) => {
        mesh.count = Math.round(grassTotals[k]! * preset.grassFraction)
        mesh.visible = mesh.count > 0
      })
      reflectTrees = preset.reflectTrees
      reflectOthers = preset.reflectOthers
      mirror?.setSize(preset.reflectionSize, preset.reflectionSize)
      terrain.castShadow = preset.terrainCastsShadow
      terrain.geometry = terrainShape(preset.terrainDetail, preset.bakedLighting)
      terrain.material = preset.bakedLighting
        ? bakedGround
        : preset.detailTextures > 0
          ? detailedGround
          : plainGround
      landmarks.forEach((mesh, k) => {
        const key = landmarkKeys[k]!
        mesh.material = preset.bakedLighting ? lightLandmarks[key] : landmarkMaterials[key]
      })
      const roofs = landmarkMaterials.roof
      if ((roofs.normalMap !== null) !== preset.detailTextures > 0) {
        roofs.normalMap = preset.detailTextures > 0 ? roofNormals : null
        roofs.needsUpdate = true
      }
      for (const t of [terrainTex.map, terrainTex.normalMap]) {
        const anisotropy = Math.max(1, preset.detailTextures)
        if (t.anisotropy !== anisotropy) {
          t.anisotropy = anisotropy
          t.needsUpdate = true
        }
      }
      treeStrength.value = reducedMotion ? 0.08 : 0.3
      grassStrength.value = reducedMotion ? 0.03 : 0.12
    },
    update(delta, camera) {
      // Grass farther than this is sub-pixel: skip whole patches beyond it.
      for (const mesh of grass) {
        const sphere = mesh.boundingSphere
        mesh.visible =
          mesh.count > 0 &&
          (!sphere || camera.distanceTo(sphere.center) - sphere.radius < GRASS_VIEW_DISTANCE)
      }
      windUniforms.uWindTime.value += delta
      if (water) water.material.uniforms.time!.value += delta * 0.4
      mistTex.offset.x += delta * 0.002
      mistTex.offset.y += delta * 0.0007
    },
    dispose() {
      root.removeFromParent()
      disposeAll()
      mirror?.dispose()
      for (const mesh of trees) mesh.dispose()
      for (const mesh of grass) mesh.dispose()
    },
  }
  world.applyQuality(currentPreset(), false)
  return world
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
