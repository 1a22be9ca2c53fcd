// zh-CN and en strings of the free-placement editor (toolbar, notices). They load with the
// editor chunk and join src/i18n/index.ts's table then.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

const EDITOR_STRINGS = {
  'editor.toolbar': { 'zh-CN': '自由摆放', en: 'Free placement' },
  'editor.new': { 'zh-CN': '摆放：{title}', en: 'Placing: {title}' },
  'editor.move': { 'zh-CN': '调整：{title}', en: 'Arranging: {title}' },
  'editor.readout': {
    'zh-CN': 'x {x} · z {z} · 离地 {height} m · {degrees}° · 尺寸 {size} m',
    en: 'x {x} · z {z} · height {height} m · {degrees}° · size {size} m',
  },
  'editor.move.group': { 'zh-CN': '移动', en: 'Move' },
  'editor.up': { 'zh-CN': '向前移动', en: 'Move away' },
  'editor.down': { 'zh-CN': '向后移动', en: 'Move closer' },
  'editor.left': { 'zh-CN': '向左移动', en: 'Move left' },
  'editor.right': { 'zh-CN': '向右移动', en: 'Move right' },
  'editor.turn.group': { 'zh-CN': '旋转', en: 'Turn' },
  'editor.turnLeft': { 'zh-CN': '逆时针转 15°', en: 'Turn 15° counter-clockwise' },
  'editor.turnRight': { 'zh-CN': '顺时针转 15°', en: 'Turn 15° clockwise' },
  'editor.size.group': { 'zh-CN': '尺寸', en: 'Size' },
  'editor.smaller': { 'zh-CN': '缩小', en: 'Smaller' },
  'editor.bigger': { 'zh-CN': '放大', en: 'Bigger' },
  'editor.height.group': { 'zh-CN': '高度', en: 'Height' },
  'editor.raise': { 'zh-CN': '升高', en: 'Raise' },
  'editor.lower': { 'zh-CN': '降低', en: 'Lower' },
  'editor.save': { 'zh-CN': '保存', en: 'Save' },
  'editor.cancel': { 'zh-CN': '取消', en: 'Cancel' },
  'editor.saving': { 'zh-CN': '正在保存…', en: 'Saving…' },
  'editor.saved': { 'zh-CN': '已保存（版本 {v}）', en: 'Saved (version {v})' },
  'editor.refused': { 'zh-CN': '未保存：{message}', en: 'Not saved: {message}' },
  'editor.offline': {
    'zh-CN': '未连接到世界，无法保存',
    en: 'Not connected to the world: cannot save',
  },
  'editor.hint.mouse': {
    'zh-CN':
      '拖动画框或地上的圆环来移动 · 方向键移动 · Q/E 旋转 · +/− 尺寸 · PgUp/PgDn 高度 · Enter 保存 · Esc 取消',
    en: 'Drag the frame or its ring to move it · arrows move · Q/E turn · +/− size · PgUp/PgDn height · Enter saves · Esc cancels',
  },
  'editor.hint.touch': {
    'zh-CN': '用手指拖动画框或地上的圆环来移动',
    en: 'Drag the frame or its ring with a finger to move it',
  },
} satisfies Record<string, Record<Language, string>>

addStrings(EDITOR_STRINGS)
