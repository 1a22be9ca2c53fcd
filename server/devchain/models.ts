// The demo collectibles that come with a 3D model: a voxel "Lantern Pagoda" built from
// coloured boxes, written as a .glb by glb.ts, its 2D picture drawn from the same boxes (a
// front view in the 16×16 pixel-art style of art.ts), and its token metadata. The .glb lives in
// a folder for the local IPFS gateway (`ipfs://<cid>/lantern-pagoda.glb`, like the souvenirs'
// files); the metadata names it in `animation_url`.
//
// Beside it, the "Lantern Keeper": a wearable avatar, a VRM 1.0 file made by src/avatar/vrmFixture.ts
// and dressed in lantern red and gold, in a folder of its own (`ipfs://<cid>/lantern-keeper.vrm`,
// so the pagoda's folder and metadata stay as they were); its metadata names the .vrm in
// `animation_url` and declares it in `properties.files` as model/gltf-binary (docs/api.md).
//
// These are Cangqiong Landmarks added after the first seed (ids 5…). They are kept out of
// contentHash() so an existing chain is topped up with them (seed.ts), not redeployed.
import fs from 'node:fs'
import path from 'node:path'
import { vrmFixture } from '../../src/avatar/vrmFixture'
import { GRID, checkArt, renderSvg, type PixelArt } from './art'
import { dataToken, demoDirCid, type DataToken, type TokenMetadataJson } from './content'
import { boxesToMesh, encodeGlb, type Box, type Vec3 } from './glb'

const STONE = '#b9b4a8'
const MARBLE = '#f4efe4'
const RED = '#c8312b'
const DARK_RED = '#8e1f1a'
const WOOD = '#7a4a2a'
const TILE = '#3b3f4a'
const TILE_LIGHT = '#565c6b'
const GOLD = '#f2c14e'
const JADE = '#3f8f7a'

const box = (min: Vec3, max: Vec3, color: string): Box => ({ min, max, color })

/** A square box centred on the vertical axis: half width `h`, from y0 to y1. */
const slab = (h: number, y0: number, y1: number, color: string) =>
  box([-h, y0, -h], [h, y1, h], color)

/** A lantern hanging at (x, z) with its top at `top`: cord, caps and a red body. */
function lantern(x: number, z: number, top: number): Box[] {
  return [
    box([x - 0.1, top - 0.5, z - 0.1], [x + 0.1, top, z + 0.1], GOLD),
    box([x - 0.35, top - 0.7, z - 0.35], [x + 0.35, top - 0.5, z + 0.35], GOLD),
    box([x - 0.55, top - 1.9, z - 0.55], [x + 0.55, top - 0.7, z + 0.55], RED),
    box([x - 0.35, top - 2.1, z - 0.35], [x + 0.35, top - 1.9, z + 0.35], GOLD),
  ]
}

/** Four boxes at the corners of a square of half width `h` (pillars, eave tips). */
function corners(h: number, size: number, y0: number, y1: number, color: string): Box[] {
  const out: Box[] = []
  for (const sx of [-1, 1]) {
    for (const sz of [-1, 1]) {
      const x = sx * h
      const z = sz * h
      out.push(box([x - size / 2, y0, z - size / 2], [x + size / 2, y1, z + size / 2], color))
    }
  }
  return out
}

/**
 * A three-tiered pagoda on a stone terrace, red lanterns under the lowest eaves, a golden spire.
 * Units are voxels: 16 wide and 16 tall, the front faces +z.
 */
export const LANTERN_PAGODA: readonly Box[] = [
  slab(7, 0, 1, STONE),
  slab(6, 1, 1.6, MARBLE),
  // First storey: red walls, dark red pillars, a wooden door with a golden plaque above it.
  slab(3.6, 1.6, 5, RED),
  ...corners(3.6, 1, 1.6, 5, DARK_RED),
  box([-1, 1.6, 3.6], [1, 3.8, 3.8], WOOD),
  box([-0.8, 4.1, 3.6], [0.8, 4.7, 3.8], GOLD),
  // First roof: wide eaves, a second tier of tiles, golden upturned tips.
  slab(5.6, 5, 5.8, TILE),
  slab(4.6, 5.8, 6.5, TILE_LIGHT),
  ...corners(5.4, 0.7, 5.6, 6.4, GOLD),
  // Second storey.
  slab(2.8, 6.5, 8.8, RED),
  ...corners(2.8, 0.8, 6.5, 8.8, DARK_RED),
  box([-0.6, 6.5, 2.8], [0.6, 8, 3], JADE),
  slab(4.4, 8.8, 9.5, TILE),
  slab(3.5, 9.5, 10.1, TILE_LIGHT),
  ...corners(4.2, 0.6, 9.3, 10, GOLD),
  // Third storey.
  slab(2, 10.1, 11.9, RED),
  slab(3.3, 11.9, 12.5, TILE),
  slab(2.4, 12.5, 13, TILE_LIGHT),
  ...corners(3.1, 0.5, 12.3, 12.9, GOLD),
  // Spire: a golden mast with a pearl.
  box([-0.5, 13, -0.5], [0.5, 16, 0.5], GOLD),
  box([-0.7, 13.6, -0.7], [0.7, 14.3, 0.7], GOLD),
  box([-0.5, 14.8, -0.5], [0.5, 15.5, 0.5], '#fbe7a1'),
  // Lanterns at the corners of the first roof.
  ...lantern(-4.6, 4.6, 5),
  ...lantern(4.6, 4.6, 5),
  ...lantern(-4.6, -4.6, 5),
  ...lantern(4.6, -4.6, 5),
]

const SKY = '#bfe3f5'
const PIXEL_CHARS = '0123456789ABCDEFHIJLMNOQTUVWXZ'

/**
 * The boxes seen from the front (+z), one pixel per voxel over x ∈ [-8, 8), y ∈ [0, 16): each
 * pixel takes the colour of the nearest box covering its centre. The 2D picture of the model.
 */
export function frontView(boxes: readonly Box[]): PixelArt {
  const palette: Record<string, string> = {}
  const charOf = new Map<string, string>()
  const rows: string[] = []
  for (let row = 0; row < GRID; row++) {
    let line = ''
    const y = GRID - row - 0.5
    for (let col = 0; col < GRID; col++) {
      const x = col - GRID / 2 + 0.5
      let best: Box | null = null
      for (const b of boxes) {
        if (x < b.min[0] || x > b.max[0] || y < b.min[1] || y > b.max[1]) continue
        if (!best || b.max[2] > best.max[2]) best = b
      }
      if (!best) {
        line += '.'
        continue
      }
      let ch = charOf.get(best.color)
      if (!ch) {
        ch = PIXEL_CHARS[charOf.size]
        if (!ch) throw new Error('too many colours for one picture')
        charOf.set(best.color, ch)
        palette[ch] = best.color
      }
      line += ch
    }
    rows.push(line)
  }
  const art: PixelArt = { background: SKY, palette, rows }
  checkArt('frontView', art)
  return art
}

export interface ModelItem {
  slug: string
  name: string
  description: string
  series: string
  boxes: readonly Box[]
}

/** Cangqiong Landmarks with a model: token ids LANDMARKS.length + 1… in this order. */
export const LANDMARK_MODELS: readonly ModelItem[] = [
  {
    slug: 'lantern-pagoda',
    name: '灯笼宝塔（立体模型） Lantern Pagoda (3D model)',
    description:
      '挂着红灯笼的三层宝塔，可以在展台上转着看的立体模型。\n' +
      'A three-tiered pagoda hung with red lanterns: a 3D model that turns on a pedestal.',
    series: '苍穹城 Cangqiong City',
    boxes: LANTERN_PAGODA,
  },
]

export interface ModelContent {
  /** Folder of the .glb files, named by its content (content.ts demoDirCid). */
  cid: string
  /** File name → bytes. */
  files: Map<string, Uint8Array>
}

/** Cangqiong Landmarks that are wearable avatars: token ids after LANDMARK_MODELS'. */
export interface AvatarItem {
  slug: string
  name: string
  description: string
  series: string
  /** Its picture, a front view of the figure. */
  art: PixelArt
  /** The figure's colours (linear RGB), see vrmFixture's `palette`. */
  palette: NonNullable<Parameters<typeof vrmFixture>[0]>['palette']
}

/** The Lantern Keeper, T-posed as its VRM stands, in lantern red with gold shoes. */
export const LANTERN_KEEPER_ART: PixelArt = {
  background: SKY,
  palette: { h: '#2b211c', f: '#eec2a4', t: '#8e1f1a' },
  rows: [
    '................',
    '................',
    '......hhhh......',
    '......ffff......',
    '......ffff......',
    '.......ff.......',
    '.ffrrrrrrrrrrff.',
    '......rrrr......',
    '......ryyr......',
    '......rrrr......',
    '......tttt......',
    '......t..t......',
    '......t..t......',
    '......t..t......',
    '.....yy..yy.....',
    'gggggggggggggggg',
  ],
}

export const LANDMARK_AVATARS: readonly AvatarItem[] = [
  {
    slug: 'lantern-keeper',
    name: '守灯人（可穿戴形象） Lantern Keeper (wearable avatar)',
    description:
      '灯笼宝塔的守灯人，一身灯笼红。持有者可以把它穿作自己的形象。\n' +
      "The keeper of the pagoda's lanterns, dressed in lantern red: its holder can wear it as their avatar.",
    series: '苍穹城 Cangqiong City',
    art: LANTERN_KEEPER_ART,
    palette: {
      shirt: [0.78, 0.19, 0.17],
      trousers: [0.56, 0.12, 0.1],
      shoe: [0.95, 0.76, 0.31],
      skin: [0.93, 0.76, 0.64],
    },
  },
]

async function makeModelContent(): Promise<ModelContent> {
  const files = new Map<string, Uint8Array>()
  for (const it of LANDMARK_MODELS) {
    files.set(`${it.slug}.glb`, await encodeGlb(boxesToMesh(it.boxes), { name: it.slug }))
  }
  return { cid: demoDirCid(files), files }
}

function makeAvatarContent(): ModelContent {
  const files = new Map<string, Uint8Array>()
  for (const it of LANDMARK_AVATARS) {
    files.set(`${it.slug}.vrm`, vrmFixture({ name: it.name, palette: it.palette }))
  }
  return { cid: demoDirCid(files), files }
}

// Made once, when this module loads: the writer is asynchronous, its callers (the seed's token
// lists, the trust registry) are not.
const content = await makeModelContent()
const avatars = makeAvatarContent()

/** The .glb files of LANDMARK_MODELS (the same bytes every run). */
export function modelContent(): ModelContent {
  return content
}

/** The .vrm files of LANDMARK_AVATARS (the same bytes every run), in a folder of their own. */
export function avatarContent(): ModelContent {
  return avatars
}

/**
 * The tokens' URIs: on-chain JSON (like the other landmarks) naming the model on IPFS; the
 * models first, then the avatars.
 */
export function landmarkModelTokens(): DataToken[] {
  return [...landmarkBoxModelTokens(), ...landmarkAvatarTokens()]
}

function landmarkAvatarTokens(): DataToken[] {
  const { cid } = avatarContent()
  return LANDMARK_AVATARS.map((it) => {
    const svg = renderSvg(it.art)
    const vrm = `ipfs://${cid}/${it.slug}.vrm`
    const meta: TokenMetadataJson = {
      name: it.name,
      description: it.description,
      image: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
      animation_url: vrm,
      properties: { files: [{ uri: vrm, type: 'model/gltf-binary' }] },
      attributes: [
        { trait_type: '系列 Series', value: it.series },
        { trait_type: '格式 Format', value: 'VRM 1.0 (GLB)' },
      ],
    }
    return dataToken(meta, svg)
  })
}

function landmarkBoxModelTokens(): DataToken[] {
  const { cid } = modelContent()
  return LANDMARK_MODELS.map((it) => {
    const svg = renderSvg(frontView(it.boxes))
    const meta: TokenMetadataJson = {
      name: it.name,
      description: it.description,
      image: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
      animation_url: `ipfs://${cid}/${it.slug}.glb`,
      attributes: [
        { trait_type: '系列 Series', value: it.series },
        { trait_type: '格式 Format', value: 'glTF 2.0 (GLB)' },
      ],
    }
    return dataToken(meta, svg)
  })
}

/**
 * Writes the model folder under `ipfsDir` (`<ipfsDir>/<cid>/<file>`), unless it is already
 * there with the same bytes; through a temporary folder, so a reader never sees half of it.
 */
export function writeModelFiles(ipfsDir: string, content: ModelContent = modelContent()): void {
  const dir = path.join(ipfsDir, content.cid)
  const intact = [...content.files].every(([name, bytes]) => {
    try {
      return Buffer.from(bytes).equals(fs.readFileSync(path.join(dir, name)))
    } catch {
      return false
    }
  })
  if (intact) return
  const tmp = `${dir}.${process.pid}.tmp`
  fs.rmSync(tmp, { recursive: true, force: true })
  fs.mkdirSync(tmp, { recursive: true })
  for (const [name, bytes] of content.files) fs.writeFileSync(path.join(tmp, name), bytes)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.renameSync(tmp, dir)
}
