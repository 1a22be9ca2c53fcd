// The tours' UI strings (the tour texts themselves are the world's, in both languages).
import { addStrings } from '../i18n'

export const TOUR_STRINGS = {
  'tour.section': { 'zh-CN': '导览', en: 'Tours' },
  'tour.stops': { 'zh-CN': '{n} 站', en: '{n} stops' },
  'tour.panel': { 'zh-CN': '导览', en: 'Tour' },
  'tour.stopOf': { 'zh-CN': '第 {n} 站，共 {m} 站', en: 'Stop {n} of {m}' },
  'tour.here': { 'zh-CN': '你已到达这一站', en: 'You are here' },
  'tour.away': { 'zh-CN': '距这一站 {d} 米', en: '{d} m to this stop' },
  'tour.previous': { 'zh-CN': '上一站', en: 'Previous' },
  'tour.next': { 'zh-CN': '下一站', en: 'Next' },
  'tour.finish': { 'zh-CN': '完成导览', en: 'Finish' },
  'tour.walk': { 'zh-CN': '带我过去', en: 'Walk me there' },
  'tour.speak': { 'zh-CN': '朗读解说', en: 'Read aloud' },
  'tour.noVoice': {
    'zh-CN': '这台设备没有该语言的朗读语音',
    en: 'This device has no voice for this language',
  },
  'tour.end': { 'zh-CN': '结束导览', en: 'End tour' },
  'tour.done': { 'zh-CN': '导览完成：{title}', en: 'Tour complete: {title}' },
  'tour.doneBody': {
    'zh-CN': '你走完了全部 {m} 站。可以继续自由漫游，或再走一遍。',
    en: 'You have visited all {m} stops. Wander on freely, or take it again.',
  },
  'tour.again': { 'zh-CN': '再走一遍', en: 'Take it again' },
  'tour.close': { 'zh-CN': '关闭', en: 'Close' },
  'tour.groups': { 'zh-CN': '正在进行的团队导览', en: 'Group tours now' },
  'tour.follow': { 'zh-CN': '跟随 {name}：{title}', en: 'Follow {name}: {title}' },
  'tour.following': { 'zh-CN': '正在跟随导游 {name}', en: 'Following your guide {name}' },
  'tour.followWalk': { 'zh-CN': '跟上导游', en: 'Follow the guide' },
  'tour.unfollow': { 'zh-CN': '自己走', en: 'Go on alone' },
  'tour.lead': { 'zh-CN': '带领团队导览', en: 'Lead a group tour' },
  'tour.leading': {
    'zh-CN': '你正在带领团队：大家会跟着你走到每一站',
    en: 'You are leading a group: everyone who follows goes to each stop with you',
  },
  'tour.stopLeading': { 'zh-CN': '停止带队', en: 'Stop leading' },
  'tour.leadSignIn': {
    'zh-CN': '用钱包登录后可以带领团队导览',
    en: 'Sign in with your wallet to lead a group tour',
  },
  'tour.guideGone': { 'zh-CN': '导游结束了团队导览', en: 'Your guide has ended the group tour' },
}
addStrings(TOUR_STRINGS)
