// UI strings in zh-CN and en. `useT()` re-renders on language change; `pick()` chooses a scene
// text in the current language.
import { useCallback } from 'react'
import { useSettings, type Language } from '../state/settings'
import type { Text } from '../protocol/scene'

const STRINGS = {
  'app.title': { 'zh-CN': '苍穹', en: 'Cangqiong' },
  'app.view': { 'zh-CN': '3D 场景', en: '3D view' },
  'app.tagline': {
    'zh-CN': '在浏览器里漫游山水与方块村落',
    en: 'Wander landscapes and voxel villages in your browser',
  },
  'directory.heading': { 'zh-CN': '选择世界', en: 'Choose a world' },
  'directory.loading': { 'zh-CN': '正在读取世界列表…', en: 'Loading worlds…' },
  'directory.failed': { 'zh-CN': '无法读取世界列表', en: 'Could not load the world list' },
  'style.hd': { 'zh-CN': '高清', en: 'HD' },
  'style.voxel': { 'zh-CN': '像素', en: 'Pixel' },
  'kind.landscape': { 'zh-CN': '山水', en: 'Landscape' },
  'kind.village': { 'zh-CN': '村落', en: 'Village' },
  'kind.scenic': { 'zh-CN': '风景区', en: 'Scenic area' },
  'loading.scene': { 'zh-CN': '读取世界文件', en: 'Reading the world file' },
  'loading.validate': { 'zh-CN': '校验世界数据', en: 'Checking the world data' },
  'loading.code': { 'zh-CN': '加载渲染模块', en: 'Loading the renderer' },
  'loading.meshing': { 'zh-CN': '搭建方块', en: 'Building the blocks' },
  'loading.terrain': { 'zh-CN': '生成地形', en: 'Shaping the terrain' },
  'loading.vegetation': { 'zh-CN': '种植草木', en: 'Planting trees and grass' },
  'loading.shaders': { 'zh-CN': '准备着色器', en: 'Preparing shaders' },
  'loading.ready': { 'zh-CN': '即将进入', en: 'Almost there' },
  'error.title': { 'zh-CN': '这个世界无法打开', en: 'This world cannot be opened' },
  'error.file': { 'zh-CN': '文件', en: 'File' },
  'error.field': { 'zh-CN': '字段', en: 'Field' },
  'error.back': { 'zh-CN': '返回世界列表', en: 'Back to the worlds' },
  'error.retry': { 'zh-CN': '重试', en: 'Try again' },
  'error.signIn': { 'zh-CN': '用钱包登录', en: 'Sign in with a wallet' },
  'error.notFound': { 'zh-CN': '没有找到这个世界', en: 'There is no such world' },
  'error.network': {
    'zh-CN': '网络错误，无法读取世界文件',
    en: 'Network error while reading the world file',
  },
  'error.whatToDo': { 'zh-CN': '怎么办', en: 'What to do' },
  'error.reload': { 'zh-CN': '刷新页面', en: 'Reload the page' },
  'error.build': { 'zh-CN': '这个世界没能搭建出来', en: 'This world could not be built' },
  'error.code': { 'zh-CN': '页面的一部分没有加载', en: 'Part of the page did not load' },
  'error.webgl': { 'zh-CN': '这个浏览器无法绘制 3D', en: 'This browser cannot draw 3D here' },
  'advice.network': {
    'zh-CN': '请检查网络连接，然后点“重试”。',
    en: 'Check your connection, then press Try again.',
  },
  'advice.notFound': {
    'zh-CN': '请检查链接，或返回世界列表另选一个世界。',
    en: 'Check the link, or go back and choose a world from the list.',
  },
  'advice.signIn': {
    'zh-CN': '如果你是这个世界的建造者，请用受邀的钱包登录，世界会自动打开；否则请检查链接。',
    en: 'If you build this world, sign in with the wallet that was invited and it opens; otherwise check the link.',
  },
  'advice.invalid': {
    'zh-CN': '世界文件有上面列出的错误，需要由它的制作者修正。请先返回，选择其他世界。',
    en: "The world's file has the mistakes listed above, which its makers can fix. Meanwhile, go back and choose another world.",
  },
  'advice.build': {
    'zh-CN': '请点“重试”。如果仍然失败，请在设置里把画质调为“低”，或换一个浏览器。',
    en: 'Press Try again. If it fails again, set Quality to Low in Settings, or use another browser.',
  },
  'advice.code': {
    'zh-CN': '可能是网络中断，或网站刚刚更新。请刷新页面。',
    en: 'The connection may have dropped, or the site was just updated. Reload the page.',
  },
  'advice.webgl': {
    'zh-CN': 'WebGL 被关闭或不可用。请在浏览器设置里开启硬件加速（图形加速），或换一个浏览器。',
    en: 'WebGL is off or unavailable. Turn on hardware (graphics) acceleration in the browser settings, or use another browser.',
  },
  'hud.worlds': { 'zh-CN': '世界', en: 'Worlds' },
  'hud.settings': { 'zh-CN': '设置', en: 'Settings' },
  'hud.more': { 'zh-CN': '更多', en: 'More' },
  'hud.bar': { 'zh-CN': '菜单栏', en: 'Menu bar' },
  'hud.help': {
    'zh-CN':
      'WASD/方向键移动 · Shift 奔跑 · 空格跳跃 · 拖动旋转视角 · 滚轮缩放 · V 第一人称 · 点击地面前往 · 回车聊天',
    en: 'WASD/arrows move · Shift run · Space jump · drag to look · wheel zoom · V first person · click the ground to walk there · Enter to chat',
  },
  'hud.help.touch': {
    'zh-CN': '左下摇杆行走（推到边缘奔跑）· 拖动画面旋转视角 · 双指缩放 · 轻点地面前往',
    en: 'Stick at the bottom left walks (push to the edge to run) · drag the view to look · pinch to zoom · tap the ground to walk there',
  },
  'a11y.near.one': { 'zh-CN': '{name} 来到你附近', en: '{name} is near you' },
  'a11y.near.many': {
    'zh-CN': '{name} 等 {n} 人来到你附近',
    en: '{n} people are near you, {name} among them',
  },
  'hud.help.title': { 'zh-CN': '操作方式', en: 'How to move' },
  'hud.help.dismiss': { 'zh-CN': '知道了', en: 'Got it' },
  'settings.showHelp': { 'zh-CN': '再次显示操作提示', en: 'Show the controls hint again' },
  'net.instance': { 'zh-CN': '{n} 号分线', en: 'Instance {n}' },
  'net.status.offline': { 'zh-CN': '独自漫游', en: 'Exploring alone' },
  'net.status.connecting': { 'zh-CN': '连接中…', en: 'Connecting…' },
  'net.status.online': { 'zh-CN': '在线', en: 'Online' },
  'net.status.reconnecting': { 'zh-CN': '重新连接中…', en: 'Reconnecting…' },
  'net.status.failed': { 'zh-CN': '连接失败', en: 'Connection failed' },
  'net.restart.soon': {
    'zh-CN': '服务器即将重启（{n} 秒后），之后会自动重新进入',
    en: 'The server restarts in {n} s; you will be back in this world by yourself',
  },
  'net.restart.rejoining': {
    'zh-CN': '服务器正在重启，正在重新进入…',
    en: 'The server is restarting; rejoining…',
  },
  'net.people': { 'zh-CN': '在场的人', en: 'People here' },
  'net.you': { 'zh-CN': '你', en: 'you' },
  'net.near': { 'zh-CN': '附近', en: 'nearby' },
  'net.chat': { 'zh-CN': '聊天', en: 'Chat' },
  'net.chat.placeholder': { 'zh-CN': '说点什么…', en: 'Say something…' },
  'net.chat.slow': {
    'zh-CN': '说得太快了，请稍等一下',
    en: 'You are sending too fast; wait a moment',
  },
  'net.chat.offline': {
    'zh-CN': '未连接，消息没有发出',
    en: 'Not connected; the message was not sent',
  },
  'net.emotes': { 'zh-CN': '动作', en: 'Emotes' },
  'net.emote.wave': { 'zh-CN': '挥手', en: 'Wave' },
  'net.emote.clap': { 'zh-CN': '鼓掌', en: 'Clap' },
  'net.emote.cheer': { 'zh-CN': '欢呼', en: 'Cheer' },
  'net.emote.dance': { 'zh-CN': '跳舞', en: 'Dance' },
  'net.emote.sit': { 'zh-CN': '坐下', en: 'Sit' },
  'settings.title': { 'zh-CN': '设置', en: 'Settings' },
  'settings.quality': { 'zh-CN': '画质', en: 'Quality' },
  'settings.quality.auto': { 'zh-CN': '自动', en: 'Auto' },
  'settings.quality.low': { 'zh-CN': '低', en: 'Low' },
  'settings.quality.medium': { 'zh-CN': '中', en: 'Medium' },
  'settings.quality.high': { 'zh-CN': '高', en: 'High' },
  'settings.language': { 'zh-CN': '语言', en: 'Language' },
  'settings.invertLook': { 'zh-CN': '反转视角上下', en: 'Invert look' },
  'settings.reducedMotion': { 'zh-CN': '减少动态效果', en: 'Reduce motion' },
  'settings.vr': { 'zh-CN': 'VR 舒适度', en: 'VR comfort' },
  'settings.vrTurn': { 'zh-CN': 'VR 转向', en: 'Turning in VR' },
  'settings.vrTurn.snap': { 'zh-CN': '分段转向（每次 30°）', en: 'Snap (30° steps)' },
  'settings.vrTurn.smooth': { 'zh-CN': '平滑转向', en: 'Smooth' },
  'settings.vrVignette': {
    'zh-CN': '移动时收窄视野（减轻晕动）',
    en: 'Narrow the view while moving (less motion sickness)',
  },
  'settings.avatarColor': { 'zh-CN': '角色颜色', en: 'Avatar colour' },
  'avatar.button': { 'zh-CN': '形象', en: 'Avatar' },
  'settings.name': { 'zh-CN': '昵称', en: 'Display name' },
  'settings.close': { 'zh-CN': '关闭', en: 'Close' },
  'card.close': { 'zh-CN': '关闭', en: 'Close' },
  'poi.scenic': { 'zh-CN': '景点', en: 'Scenic spot' },
  'net.invite': { 'zh-CN': '邀请朋友来这里', en: 'Invite a friend here' },
  'net.inviteLink': { 'zh-CN': '邀请链接', en: 'Invite link' },
  'net.inviteCopied': {
    'zh-CN': '链接已复制：朋友打开后会出现在你身边',
    en: 'Link copied: your friend appears beside you when they open it',
  },
  'net.inviteCopy': {
    'zh-CN': '复制这个链接发给朋友：打开后会出现在你身边',
    en: 'Copy this link to your friend: they appear beside you when they open it',
  },
  'poi.landmark': { 'zh-CN': '地标', en: 'Landmark' },
  'poi.village': { 'zh-CN': '村落', en: 'Village' },
  'poi.viewpoint': { 'zh-CN': '观景台', en: 'Viewpoint' },
  'minimap.label': { 'zh-CN': '小地图', en: 'Minimap' },
  'portal.going': { 'zh-CN': '正在前往', en: 'Travelling to' },
  // The rest of the wallet panel's strings load with it: src/wallet/strings.ts.
  'wallet.title': { 'zh-CN': '钱包', en: 'Wallet' },
  'wallet.opening': { 'zh-CN': '正在打开钱包…', en: 'Opening the wallet…' },
  'wallet.openFailed': { 'zh-CN': '钱包模块加载失败', en: 'The wallet could not be loaded' },
} satisfies Record<string, Record<Language, string>>

export type StringKey = keyof typeof STRINGS

/** Strings of lazily loaded chunks (the wallet panel), added when the chunk loads. */
const LATER: Record<string, Record<Language, string>> = {}
export function addStrings(table: Record<string, Record<Language, string>>) {
  Object.assign(LATER, table)
}

export function translate(lang: Language, key: string): string {
  const entry = (STRINGS as Record<string, Record<Language, string>>)[key] ?? LATER[key]
  return entry ? entry[lang] : key
}

export function useT() {
  const lang = useSettings((s) => s.language)
  return useCallback((key: StringKey | (string & {})) => translate(lang, key), [lang])
}

export function pick(text: Text, lang: Language): string {
  return text[lang]
}

/** The text in the language not shown, for a bilingual subtitle. */
export function other(text: Text, lang: Language): string {
  return text[lang === 'zh-CN' ? 'en' : 'zh-CN']
}
