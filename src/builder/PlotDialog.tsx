// A new creator plot, marked out with the plot tool's two corners: its name in Chinese and in
// English (filled in with a numbered default). Sent to the room, which checks its size and place;
// from then on people claim it and exhibit their collectibles there as in any world's plots.
import { useState } from 'react'
import { Dialog } from '../app/Dialog'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { useWorld } from '../state/world'
import { current } from './current'
import { TextField } from './Field'
import { useBuilder } from './store'

export function PlotDialog({
  plot,
}: {
  plot: { from: [number, number, number]; to: [number, number, number] }
}) {
  const t = useT()
  const n = useWorld((s) => (s.scene?.spaces.length ?? 0) + 1)
  const [name, setName] = useState(() => ({
    zh: fill(t('builder.plot.defaultZh'), { n }),
    en: fill(t('builder.plot.defaultEn'), { n }),
  }))
  const close = () => useBuilder.getState().setPlotDraft(null)
  const size = [0, 2].map((i) => Math.abs(plot.from[i]! - plot.to[i]!) + 1).join(' × ')
  return (
    <Dialog
      title={t('builder.plot.title')}
      onClose={close}
      closeLabel={t('builder.close')}
      className="builder-settings"
      testId="builder-plot-dialog"
    >
      <form
        className="builder-poi"
        onSubmit={(e) => {
          e.preventDefault()
          const sent = current.session?.send('build.plot', {
            action: 'set',
            from: plot.from,
            to: plot.to,
            title: { 'zh-CN': name.zh, en: name.en },
          })
          if (!sent) useBuilder.getState().setProblem('not connected: the plot was not marked out')
          close()
        }}
      >
        <p className="builder-note">{fill(t('builder.plot.size'), { size })}</p>
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
        <button className="btn primary" data-testid="builder-plot-add">
          {t('builder.plot.add')}
        </button>
      </form>
    </Dialog>
  )
}
