// zh-CN and en strings of voice: the top-bar button, the voice panel, push-to-talk and the
// microphone's problems. Small: they ride in the first bundle with the button, and join
// src/i18n/index.ts's table on load. Server texts (why voice is off) are shown as they are.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

export const VOICE_STRINGS = {
  'voice.title': { 'zh-CN': '语音', en: 'Voice' },
  'voice.join': { 'zh-CN': '加入语音', en: 'Join voice' },
  'voice.joining': { 'zh-CN': '正在加入语音…', en: 'Joining voice…' },
  'voice.live': { 'zh-CN': '语音中', en: 'In voice' },
  'voice.liveMuted': { 'zh-CN': '语音中（已静音）', en: 'In voice (muted)' },
  'voice.off': { 'zh-CN': '语音不可用', en: 'Voice off' },
  'voice.leave': { 'zh-CN': '退出语音', en: 'Leave voice' },
  'voice.mute': { 'zh-CN': '静音', en: 'Mute' },
  'voice.unmute': { 'zh-CN': '取消静音', en: 'Unmute' },
  'voice.ptt': { 'zh-CN': '按键说话（按住 T）', en: 'Push to talk (hold T)' },
  'voice.hold': { 'zh-CN': '按住说话', en: 'Hold to talk' },
  'voice.people': { 'zh-CN': '语音中的人', en: 'People in voice' },
  'voice.nobody': {
    'zh-CN': '这里还没有别人加入语音。',
    en: 'Nobody else here is in voice yet.',
  },
  'voice.volume': { 'zh-CN': '{name} 的音量', en: 'Volume of {name}' },
  'voice.block': { 'zh-CN': '屏蔽', en: 'Block' },
  'voice.unblock': { 'zh-CN': '取消屏蔽', en: 'Unblock' },
  'voice.blockLabel': { 'zh-CN': '屏蔽 {name}', en: 'Block {name}' },
  'voice.unblockLabel': { 'zh-CN': '取消屏蔽 {name}', en: 'Unblock {name}' },
  'voice.muted': { 'zh-CN': '已静音', en: 'muted' },
  'voice.speaking': { 'zh-CN': '正在说话', en: 'speaking' },
  'voice.heard': { 'zh-CN': '在听', en: 'heard' },
  'voice.far': { 'zh-CN': '太远', en: 'too far' },
  'voice.you': { 'zh-CN': '你', en: 'you' },
  'voice.inVoice': { 'zh-CN': '语音中', en: 'in voice' },
  'voice.close': { 'zh-CN': '关闭语音面板', en: 'Close the voice panel' },
  'voice.modMuted': {
    'zh-CN': '主持人已将你静音，{time} 前无法说话。',
    en: 'A moderator muted you until {time}.',
  },
  'voice.offline': {
    'zh-CN': '连接到世界后才能加入语音。',
    en: 'Voice can be joined once you are connected to the world.',
  },
  'voice.micDenied': {
    'zh-CN':
      '浏览器没有允许使用麦克风。请点击地址栏左侧的锁形（或麦克风）图标，允许本网站使用麦克风，然后再次加入语音。',
    en: 'The browser did not allow the microphone. Click the lock (or microphone) icon at the left of the address bar, allow the microphone for this site, then join voice again.',
  },
  'voice.micMissing': {
    'zh-CN': '没有找到麦克风。请连接麦克风后再次加入语音。',
    en: 'No microphone was found. Connect one, then join voice again.',
  },
  'voice.micInsecure': {
    'zh-CN': '麦克风只能在安全连接（https 或 localhost）下使用。',
    en: 'The microphone works only over a secure connection (https or localhost).',
  },
  'voice.micFailed': { 'zh-CN': '无法打开麦克风。', en: 'The microphone could not be opened.' },
} satisfies Record<string, Record<Language, string>>

addStrings(VOICE_STRINGS)
