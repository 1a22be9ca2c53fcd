// Settings that persist: quality, language, invert look, reduced motion, avatar colour, name, and
// VR comfort (snap or smooth turning, the vignette while moving).
import {
  AVATAR_COLORS,
  useSettings,
  type Language,
  type Quality,
  type VrTurn,
} from '../state/settings'
import { useUi } from '../state/ui'
import { useT } from '../i18n'
import { Dialog } from './Dialog'

const QUALITIES: Quality[] = ['auto', 'low', 'medium', 'high']

export function SettingsPanel() {
  const t = useT()
  const open = useUi((s) => s.settingsOpen)
  const s = useSettings()
  const close = () => useUi.getState().closePanel('settings')
  if (!open) return null
  return (
    <Dialog
      title={t('settings.title')}
      onClose={close}
      closeLabel={t('card.close')}
      testId="settings"
    >
      <label className="field">
        {t('settings.quality')}
        <select value={s.quality} onChange={(e) => s.set({ quality: e.target.value as Quality })}>
          {QUALITIES.map((q) => (
            <option key={q} value={q}>
              {t(`settings.quality.${q}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('settings.language')}
        <select
          value={s.language}
          onChange={(e) => s.set({ language: e.target.value as Language })}
        >
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="field">
        {t('settings.invertLook')}
        <input
          type="checkbox"
          checked={s.invertLook}
          onChange={(e) => s.set({ invertLook: e.target.checked })}
        />
      </label>
      <label className="field">
        {t('settings.reducedMotion')}
        <input
          type="checkbox"
          checked={s.reducedMotion}
          onChange={(e) => s.set({ reducedMotion: e.target.checked })}
        />
      </label>
      <fieldset className="settings-group">
        <legend>{t('settings.vr')}</legend>
        <label className="field">
          {t('settings.vrTurn')}
          <select
            value={s.vrTurn}
            onChange={(e) => s.set({ vrTurn: e.target.value as VrTurn })}
            data-testid="vr-turn"
          >
            <option value="snap">{t('settings.vrTurn.snap')}</option>
            <option value="smooth">{t('settings.vrTurn.smooth')}</option>
          </select>
        </label>
        <label className="field">
          {t('settings.vrVignette')}
          <input
            type="checkbox"
            checked={s.vrVignette}
            onChange={(e) => s.set({ vrVignette: e.target.checked })}
            data-testid="vr-vignette"
          />
        </label>
      </fieldset>
      <label className="field">
        {t('settings.name')}
        <input
          type="text"
          maxLength={24}
          value={s.displayName}
          onChange={(e) => s.set({ displayName: e.target.value })}
        />
      </label>
      <div className="field">
        <span id="color-label">{t('settings.avatarColor')}</span>
        <div className="swatches" role="radiogroup" aria-labelledby="color-label">
          {AVATAR_COLORS.map((c) => (
            <button
              key={c}
              className="swatch"
              role="radio"
              aria-checked={s.avatarColor === c}
              aria-label={c}
              style={{ background: c }}
              onClick={() => s.set({ avatarColor: c })}
            />
          ))}
        </div>
      </div>
      <div className="field">
        <button
          className="btn"
          disabled={!s.hintDone}
          onClick={() => s.set({ hintDone: false })}
          data-testid="show-hint"
        >
          {t('settings.showHelp')}
        </button>
      </div>
      <div className="actions">
        <button className="btn primary" onClick={close}>
          {t('settings.close')}
        </button>
      </div>
    </Dialog>
  )
}
