// A new creator plot or stage, marked out with its tool's two corners: its name in Chinese and
// in English (filled in with a numbered default). Sent to the room, which checks its size and
// place; from then on people claim a plot and exhibit their collectibles there, and hosts hold
// events on a stage, as in any world. A stage faces the way the builder looks: its screen stands
// at the far side, its audience arrives in front.
import { useState } from 'react'
import { Dialog } from '../app/Dialog'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { cameraRig } from '../state/player'
import { useWorld } from '../state/world'
import { current } from './current'
import { TextField } from './Field'
import { useBuilder } from './store'

export function PlotDialog({
  plot,
}: {
  plot: { kind: 'plot' | 'stage'; from: [number, number, number]; to: [number, number, number] }
}) {
  const t = useT()
  const k = `builder.${plot.kind}`
  const n = useWorld(
    (s) => (plot.kind === 'plot' ? s.scene?.spaces.length : s.scene?.stages.length) ?? 0,
  )
  const [name, setName] = useState(() => ({
    zh: fill(t(`${k}.defaultZh`), { n: n + 1 }),
    en: fill(t(`${k}.defaultEn`), { n: n + 1 }),
  }))
  const close = () => useBuilder.getState().setPlotDraft(null)
  const size = [0, 2].map((i) => Math.abs(plot.from[i]! - plot.to[i]!) + 1).join(' × ')
  return (
    <Dialog
      title={t(`${k}.title`)}
      onClose={close}
      closeLabel={t('builder.close')}
      className="builder-settings"
      testId={`builder-${plot.kind}-dialog`}
    >
      <form
        className="builder-poi"
        onSubmit={(e) => {
          e.preventDefault()
          const title = { 'zh-CN': name.zh, en: name.en }
          const { from, to } = plot
          const sent =
            plot.kind === 'plot'
              ? current.session?.send('build.plot', { action: 'set', from, to, title })
              : current.session?.send('build.stage', {
                  action: 'set',
                  from,
                  to,
                  title,
                  // The audience looks the way the builder does (yaw and heading: 0 is -z).
                  facing: Math.atan2(Math.sin(cameraRig.yaw), Math.cos(cameraRig.yaw)),
                })
          if (!sent)
            useBuilder.getState().setProblem(`not connected: the ${plot.kind} was not added`)
          close()
        }}
      >
        <p className="builder-note">{fill(t('builder.plot.size'), { size })}</p>
        {plot.kind === 'stage' && <p className="builder-note">{t('builder.stage.facing')}</p>}
        <TextField
          label={t('builder.plot.nameZh')}
          value={name.zh}
          maxLength={40}
          onChange={(zh) => setName({ ...name, zh })}
        />
        <TextField
          label={t('builder.plot.nameEn')}
          value={name.en}
          maxLength={40}
          onChange={(en) => setName({ ...name, en })}
        />
        <button className="btn primary" data-testid={`builder-${plot.kind}-add`}>
          {t(`${k}.add`)}
        </button>
      </form>
    </Dialog>
  )
}
