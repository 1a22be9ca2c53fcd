// The text the world directory searches (server only): titles and region folded for matching,
// plus the pinyin of the Chinese title and region, in full and as initials. Computed when a world
// is created and stored in builder_worlds.search_text; pinyin-pro's dictionary ships with it, so
// nothing is fetched at run time. Its own module so store.ts can import it without a cycle.
import { pinyin } from 'pinyin-pro'

/** Between fields, so a search never matches across two of them (queries hold no controls). */
export const FIELD_SEPARATOR = '\u0001'

/** Whitespace, control and invisible format characters (zero-width, bidi marks). */
const BLANK = /[\s\p{Cc}\p{Cf}]+/gu

/**
 * Folds text for matching: NFKC (full-width letters and digits become ASCII), lower case, and no
 * whitespace, control or invisible characters, so "Yun Feng Cun", "yunfengcun" and "ＹＵＮ" fold alike.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(BLANK, '')
}

/** Full pinyin without tones (ü as "v" and as "u", as people type it) and initials. */
function pinyinForms(zh: string): string[] {
  if (!/\p{Script=Han}/u.test(zh)) return []
  const withV = pinyin(zh, { toneType: 'none', type: 'array', v: true }).join('')
  const withU = pinyin(zh, { toneType: 'none', type: 'array' }).join('').replace(/ü/g, 'u')
  const initials = pinyin(zh, { pattern: 'first', toneType: 'none', type: 'array' }).join('')
  return [withV, withU, initials]
}

/**
 * The stored search text of a world: its titles, its region, and the pinyin (full and initials)
 * of the Chinese title and the region, each folded, distinct, joined by FIELD_SEPARATOR.
 * "云峰村" gives …"yunfengcun"…"yfc".
 */
export function searchText(titleZh: string, titleEn: string, region: string): string {
  const fields = [titleZh, titleEn, region, ...pinyinForms(titleZh), ...pinyinForms(region)]
  return [...new Set(fields.map(foldForSearch).filter(Boolean))].join(FIELD_SEPARATOR)
}
