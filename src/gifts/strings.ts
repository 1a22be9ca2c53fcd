// The gifts' UI strings in both languages.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

export const GIFT_STRINGS = {
  'gift.give': { 'zh-CN': '转赠…', en: 'Give…' },
  'gift.give.to': { 'zh-CN': '送给附近的人', en: 'Give it to someone near you' },
  'gift.give.person': { 'zh-CN': '送给 {name}（{d} 米）', en: 'Give to {name} ({d} m)' },
  'gift.give.nobody': {
    'zh-CN': '附近没有人。走到对方身边（{m} 米以内）再转赠。',
    en: 'Nobody is near you. Walk up to the person (within {m} m) to give it.',
  },
  'gift.give.address': { 'zh-CN': '或送到钱包地址', en: 'Or to a wallet address' },
  'gift.give.toAddress': { 'zh-CN': '转赠', en: 'Give' },
  'gift.give.addressHint': {
    'zh-CN': '对方须已在这里用该钱包登录；不经对方确认，你签名后即转出。',
    en: 'That wallet must be signed in here; it goes as soon as you sign, without asking them.',
  },
  'gift.give.offline': {
    'zh-CN': '只有在与他人同在的世界里才能转赠。',
    en: 'Gifts are given in a shared world: you are not connected to one now.',
  },
  'gift.give.busy': {
    'zh-CN': '你已有一个转赠在进行。',
    en: 'You have a gift on its way already.',
  },
  'gift.out.offering': { 'zh-CN': '正在把「{name}」送给 {to}…', en: 'Offering “{name}” to {to}…' },
  'gift.out.pending': {
    'zh-CN': '等待 {to} 接受「{name}」。',
    en: 'Waiting for {to} to accept “{name}”.',
  },
  'gift.out.accepted': {
    'zh-CN': '{to} 接受了。用你的钱包签名转出「{name}」。',
    en: '{to} accepted. Sign the transfer of “{name}” with your wallet.',
  },
  'gift.out.toAddress': {
    'zh-CN': '可以转给 {to}。用你的钱包签名转出「{name}」。',
    en: '{to} may receive it. Sign the transfer of “{name}” with your wallet.',
  },
  'gift.out.signing': { 'zh-CN': '正在签名并发送…', en: 'Signing and sending…' },
  'gift.out.failed': { 'zh-CN': '没有发出：{error}', en: 'Not sent: {error}' },
  'gift.out.sent': { 'zh-CN': '已发出，等待链上确认…', en: 'Sent. Waiting for the chain…' },
  'gift.out.done': {
    'zh-CN': '「{name}」已归 {to} 所有（区块 {block}）。',
    en: '“{name}” is now {to}’s (block {block}).',
  },
  'gift.out.declined': { 'zh-CN': '{to} 婉拒了「{name}」。', en: '{to} declined “{name}”.' },
  'gift.out.cancelled': { 'zh-CN': '你收回了这份礼物。', en: 'You took the offer back.' },
  'gift.out.refused': {
    'zh-CN': '「{name}」不能转赠：{reason}',
    en: '“{name}” cannot be given: {reason}',
  },
  'gift.out.expired': { 'zh-CN': '这份礼物没有送出（超时）。', en: 'The offer ran out of time.' },
  'gift.sign': { 'zh-CN': '签名并转赠', en: 'Sign and give' },
  'gift.retry': { 'zh-CN': '重试', en: 'Try again' },
  'gift.takeBack': { 'zh-CN': '收回', en: 'Take back' },
  'gift.close': { 'zh-CN': '关闭', en: 'Close' },
  'gift.in.title': { 'zh-CN': '{from} 送你一份礼物', en: '{from} offers you a gift' },
  'gift.in.titleFrom': { 'zh-CN': '来自 {from} 的礼物', en: 'A gift from {from}' },
  'gift.in.rules': { 'zh-CN': '发行方的转赠规则', en: 'Its issuer’s rules' },
  'gift.in.unknown': { 'zh-CN': '一件藏品（{chain} 链上）', en: 'A collectible (chain {chain})' },
  'gift.accept': { 'zh-CN': '接受', en: 'Accept' },
  'gift.decline': { 'zh-CN': '婉拒', en: 'Decline' },
  'gift.in.answering': { 'zh-CN': '正在回复…', en: 'Answering…' },
  'gift.in.accepted': {
    'zh-CN': '已接受，等待 {from} 签名转出…',
    en: 'Accepted. Waiting for {from} to sign the transfer…',
  },
  'gift.in.sent': { 'zh-CN': '已发出，等待链上确认…', en: 'On its way: waiting for the chain…' },
  'gift.in.done': {
    'zh-CN': '它是你的了：已在区块 {block} 验证。',
    en: 'It is yours: verified at block {block}.',
  },
  'gift.in.declined': { 'zh-CN': '你婉拒了这份礼物。', en: 'You declined it.' },
  'gift.in.cancelled': { 'zh-CN': '{from} 收回了这份礼物。', en: '{from} took the offer back.' },
  'gift.in.refused': { 'zh-CN': '不能接受：{reason}', en: 'It cannot be given: {reason}' },
  'gift.in.expired': { 'zh-CN': '这份礼物已失效。', en: 'The offer ran out.' },
  'gift.openWallet': { 'zh-CN': '打开钱包', en: 'Open wallet' },
  'gift.reason.not_allowlisted': {
    'zh-CN': '它不在可信发行方名单上',
    en: 'it is not from a trusted issuer',
  },
  'gift.reason.not_transferable': {
    'zh-CN': '发行方不允许转赠',
    en: 'its issuer does not allow it to be given',
  },
  'gift.reason.self': { 'zh-CN': '不能送给自己', en: 'a gift goes to someone else' },
  'gift.reason.recipient_not_signed_in': {
    'zh-CN': '对方还没有用钱包登录',
    en: 'they are not signed in with a wallet',
  },
  'gift.reason.recipient_other_platform': {
    'zh-CN': '对方没有这个平台的已验证藏品',
    en: 'they hold no verified collectible of its platform',
  },
  'gift.reason.not_owner': { 'zh-CN': '它已不在你的钱包里', en: 'it is no longer in your wallet' },
  'gift.reason.locked_on_chain': {
    'zh-CN': '合约把它锁定在当前持有人名下',
    en: 'its contract locks it to its holder',
  },
  'gift.reason.held_too_briefly': {
    'zh-CN': '你持有它的时间还不够长',
    en: 'you have not held it long enough',
  },
  'gift.reason.chain_unavailable': {
    'zh-CN': '暂时无法读取链，请稍后再试',
    en: 'the chain cannot be read just now: try again',
  },
  'gift.reason.giver_not_signed_in': {
    'zh-CN': '请先用钱包登录',
    en: 'sign in with your wallet first',
  },
  'gift.reason.recipient_not_near': {
    'zh-CN': '对方需要站在你附近',
    en: 'they must stand near you',
  },
  'gift.reason.busy': { 'zh-CN': '已有礼物在等待回复', en: 'an offer is waiting already' },
  'gift.reason.not_local': {
    'zh-CN': '这条链上请用你自己的钱包转出',
    en: 'on this chain, send it with a wallet of your own',
  },
  'gift.reason.until': {
    'zh-CN': '{reason}（{date} 起可转赠）',
    en: '{reason} (it may be given from {date})',
  },
} satisfies Record<string, Record<Language, string>>

addStrings(GIFT_STRINGS)
