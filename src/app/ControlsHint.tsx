// The first seconds in a world: how to move, for the device in hand (touch on phones and tablets,
// keyboard and mouse on desktops). It goes away for good once learned (the visitor has walked a
// little) or dismissed, and Settings can bring it back.
import { useEffect } from 'react'
import { useSettings } from '../state/settings'
import { localMotion } from '../state/player'
import { useT } from '../i18n'
import { useTouchUi } from '../avatar/touchUi'

/** Metres walked after which the hint has done its job. */
const LEARNED_METRES = 12
const LOOK_MS = 500

export function ControlsHint() {
  const t = useT()
  const done = useSettings((s) => s.hintDone)
  const touch = useTouchUi()

  // Walking far enough is learning it: a look twice a second, not every frame.
  useEffect(() => {
    if (done) return
    let walked = 0
    let last = { x: localMotion.x, z: localMotion.z }
    const timer = setInterval(() => {
      const step = Math.hypot(localMotion.x - last.x, localMotion.z - last.z)
      // A teleport (arriving in a world, a portal) is not walking.
      if (step < 10) walked += step
      last = { x: localMotion.x, z: localMotion.z }
      if (walked >= LEARNED_METRES) useSettings.getState().set({ hintDone: true })
    }, LOOK_MS)
    return () => clearInterval(timer)
  }, [done])

  if (done) return null
  return (
    <aside
      className={touch ? 'hud-help touch' : 'hud-help'}
      aria-label={t('hud.help.title')}
      data-testid="controls-hint"
    >
      <span>{t(touch ? 'hud.help.touch' : 'hud.help')}</span>
      <button className="btn" onClick={() => useSettings.getState().set({ hintDone: true })}>
        {t('hud.help.dismiss')}
      </button>
    </aside>
  )
}
