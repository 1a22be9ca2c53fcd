// What the demo collections contain: names and descriptions in both languages, pictures from
// art.ts, and the metadata bytes each token points to. All of it is computed, the same bytes
// every run, so the trust registry can pin a sha256 per token.
//
// ERC-721 tokens carry their metadata in the token URI itself (`data:application/json;base64,`
// with the image as a `data:image/svg+xml;base64,` URI). ERC-1155 souvenirs use the usual
// IPFS layout: one folder of images and one folder of `<64 hex id>.json` files, each named by a
// content hash, written under `<dataDir>/chain/ipfs/` for the server's local gateway.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as art from './art'
import type { PixelArt } from './art'

export interface Item {
  slug: string
  zh: string
  en: string
  descZh: string
  descEn: string
  seriesZh: string
  seriesEn: string
  art: PixelArt
}

export interface TokenMetadataJson {
  name: string
  description: string
  image: string
  /** A 3D model (glTF binary), for the items that have one. */
  animation_url?: string
  /** Metaplex-style file list: the avatar declares its .vrm as model/gltf-binary there too. */
  properties?: { files: { uri: string; type: string }[] }
  attributes: { trait_type: string; value: string }[]
}

const PEACH = ['桃花村', 'Peach Blossom Village'] as const
const CLOUD = ['云岭', 'Cloud Ridge'] as const
const FEST = ['元宵灯会', 'Lantern Festival'] as const
const CITY = ['苍穹城', 'Cangqiong City'] as const

function item(
  slug: string,
  [zh, en]: readonly [string, string],
  [descZh, descEn]: readonly [string, string],
  [seriesZh, seriesEn]: readonly [string, string],
  picture: PixelArt,
): Item {
  return { slug, zh, en, descZh, descEn, seriesZh, seriesEn, art: picture }
}

/** Block Park Pixels, token ids 1… in this order. */
export const PIXELS: readonly Item[] = [
  item(
    'village-gate',
    ['桃花村·村口牌坊', 'Village Gate'],
    [
      '红柱青瓦的牌坊立在村口，迎接每一位来到桃花村的访客。',
      'The red-pillared gate at the entrance of Peach Blossom Village welcomes every visitor.',
    ],
    PEACH,
    art.VILLAGE_GATE,
  ),
  item(
    'peach-tree',
    ['桃花村·百年桃树', 'Old Peach Tree'],
    [
      '村中央的老桃树，每到三月便开满粉色的花。',
      'The old peach tree in the middle of the village blooms pink every March.',
    ],
    PEACH,
    art.PEACH_TREE,
  ),
  item(
    'pagoda',
    ['云岭·宝塔', 'Cloud Ridge Pagoda'],
    [
      '云岭山腰的宝塔，塔顶金刹在晴天里闪闪发光。',
      'A pagoda halfway up Cloud Ridge; its golden spire glints on clear days.',
    ],
    CLOUD,
    art.PAGODA,
  ),
  item(
    'lantern',
    ['元宵·红灯笼', 'Festival Lantern'],
    [
      '元宵灯会上挂满街巷的红灯笼。',
      'One of the red lanterns that fill the lanes during the Lantern Festival.',
    ],
    FEST,
    art.LANTERN,
  ),
  item(
    'waterfall',
    ['云岭·飞瀑', 'Cloud Falls'],
    [
      '从云岭崖壁倾泻而下的瀑布，落入碧绿的深潭。',
      'A waterfall pouring down the cliffs of Cloud Ridge into a green pool.',
    ],
    CLOUD,
    art.WATERFALL,
  ),
  item(
    'mountains',
    ['云岭·雪顶青山', 'Snow-capped Peaks'],
    [
      '湖对岸的青山，山顶终年积雪。',
      'Green mountains across the lake, their peaks white with snow all year.',
    ],
    CLOUD,
    art.MOUNTAINS,
  ),
  item(
    'farmhouse',
    ['桃花村·农家小院', 'Farmhouse'],
    [
      '白墙黛瓦的农家小院，门前一片青草地。',
      'A white-walled farmhouse with a dark tiled roof and a lawn in front.',
    ],
    PEACH,
    art.FARMHOUSE,
  ),
  item(
    'stone-bridge',
    ['桃花村·石拱桥', 'Stone Arch Bridge'],
    ['横跨村边小溪的石拱桥。', 'The stone arch bridge over the stream at the edge of the village.'],
    PEACH,
    art.STONE_BRIDGE,
  ),
]

/** Cangqiong Landmarks, token ids 1… in this order. */
export const LANDMARKS: readonly Item[] = [
  item(
    'cangqiong-tower',
    ['苍穹塔', 'Cangqiong Tower'],
    [
      '苍穹城的电视塔，蓝色观景球悬在半空。',
      'The TV tower of Cangqiong City, its blue observation sphere high in the air.',
    ],
    CITY,
    art.SKY_TOWER,
  ),
  item(
    'hall-of-the-sky',
    ['天穹殿', 'Hall of the Sky'],
    [
      '三重蓝色圆顶的大殿，坐落在白色石台之上。',
      'A round hall with three blue roofs on a white marble terrace.',
    ],
    CITY,
    art.HALL_OF_THE_SKY,
  ),
  item(
    'bell-tower',
    ['钟鼓楼', 'Bell Tower'],
    [
      '城中心的钟鼓楼，每天清晨钟声响起。',
      'The bell tower in the city centre; its bell rings every morning.',
    ],
    CITY,
    art.BELL_TOWER,
  ),
  item(
    'moon-gate',
    ['月洞门', 'Moon Gate'],
    [
      '园林白墙上的圆形门洞，门后是桃花与青草。',
      'A round doorway in a garden wall, with blossoms and lawn beyond.',
    ],
    CITY,
    art.MOON_GATE,
  ),
]

/** Scenic Souvenirs (ERC-1155), ids 1… in this order. */
export const SOUVENIRS: readonly Item[] = [
  item(
    'peach-village-ticket',
    ['桃花村门票', 'Peach Village Ticket'],
    [
      '桃花村景区的入园门票，副券上印着桃花。',
      'An admission ticket to Peach Blossom Village, with a blossom on the stub.',
    ],
    PEACH,
    art.PEACH_VILLAGE_TICKET,
  ),
  item(
    'cloud-falls-badge',
    ['云岭飞瀑观景徽章', 'Cloud Falls Badge'],
    ['登上云岭飞瀑观景台的纪念徽章。', 'A badge for reaching the Cloud Falls viewing platform.'],
    CLOUD,
    art.WATERFALL_BADGE,
  ),
  item(
    'pagoda-summit-stamp',
    ['宝塔登顶印章', 'Pagoda Summit Stamp'],
    ['登上云岭宝塔塔顶时盖下的印章。', 'The stamp you get at the top of Cloud Ridge Pagoda.'],
    CLOUD,
    art.PAGODA_STAMP,
  ),
  item(
    'lantern-festival-pass',
    ['元宵灯会入场券', 'Lantern Festival Pass'],
    ['元宵灯会夜场的入场挂牌。', 'A lanyard pass for the evening of the Lantern Festival.'],
    FEST,
    art.LANTERN_PASS,
  ),
]

/**
 * Village Seals, on the second local chain (partner.ts): the seal stamps a village committee
 * issues to visitors of its villages, on a platform of their own. Token ids 1… in this order.
 */
const SEAL_SERIES = ['乡村印章', 'Village Seals'] as const
export const SEALS: readonly Item[] = [
  item(
    'peach-village-seal',
    ['桃花村·村印', 'Peach Blossom Village Seal'],
    [
      '桃花村村委会为到访者盖下的朱红村印。',
      'The vermilion seal the Peach Blossom Village committee stamps for its visitors.',
    ],
    SEAL_SERIES,
    art.SEAL_PEACH,
  ),
  item(
    'stone-bridge-seal',
    ['石桥印', 'Stone Bridge Seal'],
    [
      '走过村口石拱桥的人，才能得到这枚圆角印章。',
      'Only those who cross the stone arch bridge at the village entrance receive this seal.',
    ],
    SEAL_SERIES,
    art.SEAL_BRIDGE,
  ),
  item(
    'cloud-ridge-seal',
    ['云岭·白文印', 'Cloud Ridge Seal'],
    [
      '白文刻出的三座山峰，是登上云岭的凭证。',
      'Three peaks cut in white relief: proof of the climb to Cloud Ridge.',
    ],
    SEAL_SERIES,
    art.SEAL_MOUNTAIN,
  ),
  item(
    'tea-garden-seal',
    ['茶园印', 'Tea Garden Seal'],
    [
      '春茶开采时，茶园为采茶的访客盖的新芽印。',
      'The new-leaf seal the tea garden stamps for visitors who pick with them in spring.',
    ],
    SEAL_SERIES,
    art.SEAL_TEA,
  ),
]

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}

function metadata(
  it: Item,
  image: string,
  names?: { name: string; description: string },
): TokenMetadataJson {
  return {
    name: names?.name ?? `${it.zh} ${it.en}`,
    description: names?.description ?? `${it.descZh}\n${it.descEn}`,
    image,
    attributes: [
      { trait_type: '系列 Series', value: `${it.seriesZh} ${it.seriesEn}` },
      { trait_type: '尺寸 Size', value: '16×16' },
    ],
  }
}

/** An ERC-721 token's URI: the metadata JSON itself, with the SVG inside, as data: URIs. */
export interface DataToken {
  uri: string
  /** The metadata bytes (UTF-8 JSON) the URI decodes to. */
  json: string
  sha256: string
  svg: string
}

export function dataToken(meta: TokenMetadataJson, svg: string): DataToken {
  const json = JSON.stringify(meta)
  return { uri: `data:application/json;base64,${b64(json)}`, json, sha256: sha256Hex(json), svg }
}

function onChainToken(it: Item): DataToken {
  const svg = art.renderSvg(it.art)
  return dataToken(metadata(it, `data:image/svg+xml;base64,${b64(svg)}`), svg)
}

export const pixelTokens = (): DataToken[] => PIXELS.map(onChainToken)
export const landmarkTokens = (): DataToken[] => LANDMARKS.map(onChainToken)
export const sealTokens = (): DataToken[] => SEALS.map(onChainToken)

/** Which Block Park Pixels the copycat imitates (0-based indexes into PIXELS). */
export const COPIED_PIXELS = [0, 2] as const

/** The fake's tokens: the same pictures, a name claiming to be the real collection. */
export function copycatTokens(): DataToken[] {
  return COPIED_PIXELS.map((index) => {
    const it = PIXELS[index] as Item
    const svg = art.renderSvg(it.art)
    return dataToken(
      metadata(it, `data:image/svg+xml;base64,${b64(svg)}`, {
        name: `Block Park Pixels · ${it.zh} ${it.en}`,
        description: `区块乐园官方像素藏品（正品保证）。\nOfficial Block Park Pixels collectible (100% genuine).`,
      }),
      svg,
    )
  })
}

// ---- ERC-1155 souvenirs: files for the local IPFS gateway -----------------------------------

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

/**
 * A content address for a folder: `bafy` + base32(sha256 of the sorted lines
 * "<file name>\0<sha256 of the file>\n"). It names exactly these bytes, so a gateway serving the
 * folder can be checked against it, but it is a demo content address, NOT a real IPFS CID (that
 * would be the dag-pb/UnixFS root hash); real IPFS gateways will not find it.
 */
export function demoDirCid(files: ReadonlyMap<string, string | Uint8Array>): string {
  const listing = [...files.keys()]
    .sort()
    .map((name) => `${name}\0${sha256Hex(files.get(name)!)}\n`)
    .join('')
  return `bafy${base32(createHash('sha256').update(listing).digest())}`
}

/** ERC-1155 `{id}` substitution: the id as 64 lowercase hex digits, no 0x. */
export function erc1155IdHex(id: bigint | number): string {
  return BigInt(id).toString(16).padStart(64, '0')
}

export interface SouvenirContent {
  /** Folder of the SVG images. */
  imagesCid: string
  /** Folder of the `<64 hex id>.json` metadata files. */
  metadataCid: string
  /** The contract's ERC-1155 URI template, `ipfs://<metadataCid>/{id}.json`. */
  uri: string
  /** `ipfs://<metadataCid>/`: every souvenir URI starts with it. */
  base: string
  /** Decimal id → sha256 of the JSON file bytes. */
  sha256: Record<string, string>
  images: Map<string, string>
  metadata: Map<string, string>
}

/** Souvenir ids are 1… in the order of SOUVENIRS. */
export function souvenirContent(): SouvenirContent {
  const images = new Map<string, string>()
  for (const it of SOUVENIRS) images.set(`${it.slug}.svg`, art.renderSvg(it.art))
  const imagesCid = demoDirCid(images)
  const metadataFiles = new Map<string, string>()
  const sha256: Record<string, string> = {}
  SOUVENIRS.forEach((it, index) => {
    const id = index + 1
    const json = JSON.stringify(metadata(it, `ipfs://${imagesCid}/${it.slug}.svg`))
    metadataFiles.set(`${erc1155IdHex(id)}.json`, json)
    sha256[String(id)] = sha256Hex(json)
  })
  const metadataCid = demoDirCid(metadataFiles)
  return {
    imagesCid,
    metadataCid,
    uri: `ipfs://${metadataCid}/{id}.json`,
    base: `ipfs://${metadataCid}/`,
    sha256,
    images,
    metadata: metadataFiles,
  }
}

/**
 * Writes both folders under `ipfsDir` (`<ipfsDir>/<cid>/<file>`). Files already there with the
 * right bytes are left alone; a folder is filled through a temporary name and renamed, so a
 * reader never sees it half written.
 */
export function writeSouvenirFiles(ipfsDir: string, content: SouvenirContent): void {
  const folders: [string, Map<string, string>][] = [
    [content.imagesCid, content.images],
    [content.metadataCid, content.metadata],
  ]
  for (const [cid, files] of folders) {
    const dir = path.join(ipfsDir, cid)
    const intact =
      fs.existsSync(dir) &&
      [...files].every(([name, text]) => {
        try {
          return fs.readFileSync(path.join(dir, name), 'utf8') === text
        } catch {
          return false
        }
      })
    if (intact) continue
    const tmp = `${dir}.${process.pid}.tmp`
    fs.rmSync(tmp, { recursive: true, force: true })
    fs.mkdirSync(tmp, { recursive: true })
    for (const [name, text] of files) fs.writeFileSync(path.join(tmp, name), text)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(tmp, dir)
  }
}

/** A hash of everything the seed mints, so a changed seed is deployed afresh. */
export function contentHash(): string {
  const s = souvenirContent()
  return sha256Hex(
    JSON.stringify({
      pixels: pixelTokens().map((t) => t.sha256),
      landmarks: landmarkTokens().map((t) => t.sha256),
      copycat: copycatTokens().map((t) => t.sha256),
      souvenirs: [s.uri, s.sha256],
    }),
  )
}
