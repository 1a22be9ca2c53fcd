// zh-CN and en strings of creator spaces: signs, exhibit labels and the exhibit card. They ride
// in the spaces chunk and join src/i18n/index.ts's table when it loads.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

const EXHIBIT_STRINGS = {
  'space.free.plot': { 'zh-CN': '空地 · 可认领', en: 'Free plot — claim it' },
  'space.free.hall': { 'zh-CN': '空展厅 · 可认领', en: 'Free hall — claim it' },
  'space.owner': { 'zh-CN': '主人 {owner}', en: 'Owner {owner}' },
  'exhibit.verified': { 'zh-CN': '已验证', en: 'Verified' },
  'exhibit.notVerified': { 'zh-CN': '已不再验证', en: 'No longer verified' },
  'exhibit.checking': { 'zh-CN': '正在核验…', en: 'Checking…' },
  'exhibit.unchecked': { 'zh-CN': '暂时无法核验', en: 'Cannot be checked now' },
  'exhibit.untitled': { 'zh-CN': '未命名', en: 'Untitled' },
  'immersive.showing': { 'zh-CN': '正在展出', en: 'Now showing' },
  'immersive.classic': {
    'zh-CN': '公有领域名作，由苍穹用代码重绘',
    en: 'A public-domain masterpiece, redrawn in code by Cangqiong',
  },
  'immersive.collectible': { 'zh-CN': '✓ 已验证的数字藏品', en: '✓ A verified collectible' },
  'exhibit.card': { 'zh-CN': '展品', en: 'Exhibit' },
  'exhibit.close': { 'zh-CN': '关闭', en: 'Close' },
  'exhibit.space': { 'zh-CN': '展出于 {space}', en: 'On show in {space}' },
  'exhibit.exhibitor': { 'zh-CN': '展出者', en: 'Exhibited by' },
  'exhibit.note.missing': {
    'zh-CN': '这件藏品已不在展出者经过验证的藏品中：它可能已被转让。它不作为已验证展品展示。',
    en: "This collectible is no longer among the exhibitor's verified holdings: it may have been transferred. It is not shown as a verified exhibit.",
  },
  'exhibit.note.unverified': {
    'zh-CN': '服务器现在不能验证这件藏品，因此它不作为已验证展品展示。',
    en: 'The server cannot verify this collectible now, so it is not shown as a verified exhibit.',
  },
  'exhibit.note.pending': {
    'zh-CN': '正在向服务器核验展出者的持有…',
    en: "Checking the exhibitor's holdings with the server…",
  },
  'exhibit.note.unchecked': {
    'zh-CN': '暂时无法读取展出者经过验证的藏品，稍后会自动重试。在此之前它不作为已验证展品展示。',
    en: "The exhibitor's verified holdings cannot be read right now; this retries by itself. Until then it is not shown as verified.",
  },
  'exhibit.token': { 'zh-CN': '代币', en: 'Token' },
  'exhibit.issuer': { 'zh-CN': '发行方', en: 'Issuer' },
  'exhibit.noLongerHeld': { 'zh-CN': '不在持有中', en: 'Not held' },
} satisfies Record<string, Record<Language, string>>

addStrings(EXHIBIT_STRINGS)
