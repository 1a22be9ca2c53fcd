// Tests and benches only: builder world rows made up in bulk (realistic Chinese place names with
// their English titles), written straight into builder_worlds, search text included, without
// content versions: the directory reads builder_worlds alone.
import type { Queryable } from '../db/database'
import { searchText } from './searchText'
import type { WorldKind } from './store'

export interface SeedWorld {
  worldId: string
  owner: string
  kind: WorldKind
  region: string
  titleZh: string
  titleEn: string
  status: 'draft' | 'published'
  /** Microseconds since the epoch (published_at keeps microseconds). */
  publishedAtUs: number
  version: number
}

/** Place-name stems: Chinese, and as the English title writes them. */
export const PLACE_STEMS: readonly (readonly [string, string])[] = [
  ['云峰', 'Yunfeng'],
  ['桃花', 'Taohua'],
  ['黄山', 'Huangshan'],
  ['青石', 'Qingshi'],
  ['白云', 'Baiyun'],
  ['龙泉', 'Longquan'],
  ['清溪', 'Qingxi'],
  ['翠竹', 'Cuizhu'],
  ['梅岭', 'Meiling'],
  ['石门', 'Shimen'],
  ['凤凰', 'Fenghuang'],
  ['乌江', 'Wujiang'],
  ['西塘', 'Xitang'],
  ['周庄', 'Zhouzhuang'],
  ['宏岭', 'Hongling'],
  ['婺源', 'Wuyuan'],
  ['丽江', 'Lijiang'],
  ['大理', 'Dali'],
  ['阳朔', 'Yangshuo'],
  ['张家界', 'Zhangjiajie'],
  ['九寨', 'Jiuzhai'],
  ['峨眉', 'Emei'],
  ['武夷', 'Wuyi'],
  ['庐山', 'Lushan'],
  ['泰山', 'Taishan'],
  ['华山', 'Huashan'],
  ['雁荡', 'Yandang'],
  ['千岛湖', 'Qiandaohu'],
  ['绿水', 'Lvshui'],
  ['金沙', 'Jinsha'],
]

export const KIND_SUFFIX: Record<WorldKind, readonly [string, string]> = {
  village: ['村', 'Village'],
  town: ['镇', 'Town'],
  scenic: ['风景区', 'Scenic Area'],
}

export const REGIONS: readonly string[] = [
  '浙江',
  '安徽',
  '云南',
  '四川',
  '福建',
  '广西',
  '湖南',
  '江西',
  '贵州',
  '山东',
]

const KINDS: readonly WorldKind[] = ['village', 'town', 'scenic']
/** 2026-01-01T00:00:00Z in microseconds. */
export const SEED_EPOCH_US = Date.UTC(2026, 0, 1) * 1000

/** A world id from a number: bw- and 12 hex digits. */
export const seedWorldId = (n: number) => `bw-${n.toString(16).padStart(12, '0')}`

/**
 * `count` worlds, the same for the same `seed`: stems, kinds and regions spread pseudo-randomly;
 * published a few seconds apart with some at the very same microsecond (ids break the tie);
 * every `draftEvery`-th one a draft (0: none).
 */
export function seedWorlds(count: number, seed = 1, draftEvery = 0, firstId = 1): SeedWorld[] {
  let state = seed >>> 0 || 1
  const next = (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
    return (state >>> 8) % n
  }
  const worlds: SeedWorld[] = []
  let at = SEED_EPOCH_US
  for (let i = 0; i < count; i++) {
    const [zh, en] = PLACE_STEMS[next(PLACE_STEMS.length)]!
    const kind = KINDS[next(KINDS.length)]!
    const [zhSuffix, enSuffix] = KIND_SUFFIX[kind]
    if (next(5) > 0) at += 1 + next(5_000_000) // one in five shares the previous one's time
    worlds.push({
      worldId: seedWorldId(firstId + i),
      owner: `0x${(next(0xffffff) + 1).toString(16).padStart(40, '0')}`,
      kind,
      region: REGIONS[next(REGIONS.length)]!,
      titleZh: `${zh}${zhSuffix}`,
      titleEn: `${en} ${enSuffix}`,
      status: draftEvery > 0 && i % draftEvery === draftEvery - 1 ? 'draft' : 'published',
      publishedAtUs: at,
      version: 1 + next(9),
    })
  }
  return worlds
}

/** Microseconds since the epoch as ISO text with all six digits ('…T00:00:00.000001Z'). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000)
  const micros = String(us - ms * 1000).padStart(3, '0')
  return new Date(ms).toISOString().replace(/Z$/, `${micros}Z`)
}

/** Writes `worlds` in statements of 500 rows. */
export async function insertSeedWorlds(db: Queryable, worlds: readonly SeedWorld[]): Promise<void> {
  for (let i = 0; i < worlds.length; i += 500) {
    const rows = worlds.slice(i, i + 500).map((w) => ({
      world_id: w.worldId,
      owner: w.owner,
      kind: w.kind,
      region: w.region,
      title_zh: w.titleZh,
      title_en: w.titleEn,
      status: w.status,
      published_at: isoMicros(w.publishedAtUs),
      current_version: w.version,
      search_text: searchText(w.titleZh, w.titleEn, w.region),
    }))
    await db.query(
      `insert into builder_worlds (world_id, owner, kind, region, title_zh, title_en, status,
         published_at, current_version, search_text)
       select world_id, owner, kind, region, title_zh, title_en, status, published_at,
         current_version, search_text
       from jsonb_to_recordset($1::jsonb) as r (world_id text, owner text, kind text,
         region text, title_zh text, title_en text, status text, published_at timestamptz,
         current_version integer, search_text text)`,
      [JSON.stringify(rows)],
    )
  }
}
