// The builder's toolbar along the bottom while build mode is on: tools, the world's blocks (its
// palette), brush size, undo and redo, save, the world's settings, and what the last click did
// or why it did nothing. Buttons are real buttons with names, so keyboards and screen readers
// can use it; the number keys pick blocks, as in most block builders.
import { useEffect, useState } from 'react'
import { customColourId } from '../protocol/builder'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { useWorld } from '../state/world'
import { undo } from './BuilderCursor'
import { current } from './current'
import { BRUSHES, TERRAIN_OPS, TOOLS, useBuilder } from './store'
import './builder.css'

export function Toolbar() {
  const t = useT()
  // The style's blocks go by their names; a builder's own colours by their colour.
  const blockName = (p: { id: string; color: string }) =>
    p.id.startsWith('c-') ? fill(t('builder.colour.name'), { c: p.color }) : p.id
  // A piece of the library has a name in both languages; a world's own pieces show their id.
  const pieceName = (id: string) => {
    const name = t(`builder.piece.${id}`)
    return name === `builder.piece.${id}` ? id : name
  }
  const palette = useWorld((s) => s.scene?.voxel?.palette ?? [])
  const prefabs = useWorld((s) => s.scene?.voxel?.prefabs)
  const pieces = prefabs ? Object.keys(prefabs) : []
  const { tool, material, brush, corner, problem, saved, dirty, prefab, rotate } = useBuilder()
  const { terrainOp, clip, mirror, pendingColour } = useBuilder()
  const s = useBuilder.getState()
  const [colour, setColour] = useState('#c8553d')
  // A finger, not a mouse: the hint speaks of taps and long presses.
  const [coarse] = useState(() => matchMedia('(pointer: coarse)').matches)

  // A colour this builder added is picked as soon as the room's palette holds it.
  useEffect(() => {
    if (!pendingColour) return
    const at = palette.findIndex((p) => p.id === pendingColour)
    if (at < 0) return
    useBuilder.getState().setMaterial(at + 1)
    useBuilder.getState().setPendingColour(null)
  }, [palette, pendingColour])
  const addColour = () => {
    if (current.session?.send('build.colour', { colour }))
      s.setPendingColour(customColourId(colour))
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return
      const n = Number(e.key)
      if (Number.isInteger(n) && n >= 1 && n <= Math.min(9, palette.length))
        useBuilder.getState().setMaterial(n)
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [palette.length])

  return (
    <section
      className="builder-toolbar panel"
      aria-label={t('builder.toolbar')}
      data-testid="builder-toolbar"
    >
      <div className="builder-row">
        <div className="builder-row" role="radiogroup" aria-label={t('builder.toolbar')}>
          {TOOLS.map((id) => (
            <button
              key={id}
              className={tool === id ? 'btn primary' : 'btn'}
              role="radio"
              aria-checked={tool === id}
              data-testid={`builder-tool-${id}`}
              onClick={() => s.setTool(id)}
            >
              {t(`builder.tool.${id}`)}
            </button>
          ))}
        </div>
        <span className="builder-sep" aria-hidden="true" />
        <div role="radiogroup" aria-label={t('builder.brush')} className="builder-row">
          {BRUSHES.map((b) => (
            <button
              key={b}
              className={brush === b ? 'btn primary' : 'btn'}
              role="radio"
              aria-checked={brush === b}
              aria-label={`${t('builder.brush')} ${b}`}
              onClick={() => s.setBrush(b)}
            >
              {b}
            </button>
          ))}
        </div>
        <span className="builder-sep" aria-hidden="true" />
        <button className="btn" data-testid="builder-undo" onClick={() => undo(false)}>
          {t('builder.undo')}
        </button>
        <button className="btn" data-testid="builder-redo" onClick={() => undo(true)}>
          {t('builder.redo')}
        </button>
        <button
          className="btn"
          data-testid="builder-save"
          onClick={() => current.session?.send('build.save', {})}
        >
          {t('builder.save')}
        </button>
        <button
          className="btn"
          data-testid="builder-settings"
          aria-haspopup="dialog"
          onClick={() => s.setSettingsOpen(true)}
        >
          {t('builder.world')}
        </button>
      </div>
      {tool === 'terrain' && (
        <div className="builder-row" role="radiogroup" aria-label={t('builder.tool.terrain')}>
          {TERRAIN_OPS.map((op) => (
            <button
              key={op}
              className={terrainOp === op ? 'btn primary' : 'btn'}
              role="radio"
              aria-checked={terrainOp === op}
              data-testid={`builder-terrain-${op}`}
              onClick={() => s.setTerrainOp(op)}
            >
              {t(`builder.terrain.${op}`)}
            </button>
          ))}
        </div>
      )}
      {tool === 'copy' && (
        <div className="builder-row">
          <button className="btn" onClick={() => s.turn()}>
            {t('builder.turn')} {rotate}°
          </button>
          <button
            className={mirror ? 'btn primary' : 'btn'}
            aria-pressed={mirror}
            onClick={() => s.flip()}
          >
            {t('builder.mirror')}
          </button>
          <span className="builder-status">
            {clip ? t('builder.copy.ready') : t('builder.copy.hint')}
          </span>
        </div>
      )}
      {tool === 'prefab' && (
        <div className="builder-row">
          <label className="builder-inline">
            <span>{t('builder.piece')}</span>
            <select
              value={prefab ?? ''}
              data-testid="builder-piece"
              onChange={(e) => s.setPrefab(e.target.value)}
            >
              <option value="" disabled>
                …
              </option>
              {pieces.map((name) => (
                <option key={name} value={name}>
                  {pieceName(name)}
                </option>
              ))}
            </select>
          </label>
          <button className="btn" data-testid="builder-turn" onClick={() => s.turn()}>
            {t('builder.turn')} {rotate}°
          </button>
        </div>
      )}
      <div className="builder-blocks">
        <div className="builder-palette" role="radiogroup" aria-label={t('builder.palette')}>
          {palette.map((p, i) => (
            <button
              key={p.id}
              className="builder-swatch"
              role="radio"
              aria-checked={material === i + 1}
              aria-label={blockName(p)}
              title={i < 9 ? `${blockName(p)} (${i + 1})` : blockName(p)}
              data-testid={`builder-block-${p.id}`}
              style={{ background: p.color }}
              onClick={() => s.setMaterial(i + 1)}
            />
          ))}
        </div>
        <form
          className="builder-add-colour"
          onSubmit={(e) => {
            e.preventDefault()
            addColour()
          }}
        >
          <input
            type="color"
            value={colour}
            aria-label={t('builder.colour.pick')}
            data-testid="builder-colour"
            onChange={(e) => setColour(e.target.value)}
          />
          <button className="btn small" data-testid="builder-colour-add">
            {t('builder.colour.add')}
          </button>
        </form>
      </div>
      <p className="builder-status" role="status" data-testid="builder-status">
        {problem ??
          (corner
            ? t(
                tool === 'plot' || tool === 'stage'
                  ? 'builder.plotHint'
                  : tool === 'line'
                    ? 'builder.lineHint'
                    : 'builder.boxHint',
              )
            : dirty
              ? t('builder.unsaved')
              : saved
                ? fill(t('builder.saved'), { v: saved.version })
                : '')}
      </p>
      <p className="builder-status builder-hint" data-testid="builder-hint">
        {t(coarse ? 'builder.hintTouch' : 'builder.hint')}
      </p>
    </section>
  )
}
