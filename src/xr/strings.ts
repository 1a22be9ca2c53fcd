// zh-CN and en strings of VR: the top bar's button and the panel floating in front of the visitor
// in VR. Small: they ride in the first bundle with the button and join src/i18n/index.ts's table.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

export const XR_STRINGS = {
  'xr.enter': { 'zh-CN': '进入 VR', en: 'Enter VR' },
  'xr.entering': { 'zh-CN': '正在进入 VR…', en: 'Entering VR…' },
  'xr.leave': { 'zh-CN': '退出 VR', en: 'Leave VR' },
  'xr.failed': {
    'zh-CN': 'VR 没有启动：{reason}',
    en: 'VR did not start: {reason}',
  },
  'xr.mute': { 'zh-CN': '静音', en: 'Mute' },
  'xr.unmute': { 'zh-CN': '取消静音', en: 'Unmute' },
  'xr.help': {
    'zh-CN': '左摇杆行走 · 右摇杆左右转向 · 右摇杆前推瞄准、松开传送',
    en: 'Left stick walks · right stick turns · push it forward to aim, let go to teleport',
  },
} satisfies Record<string, Record<Language, string>>

addStrings(XR_STRINGS)
