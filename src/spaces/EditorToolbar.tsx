// The free-placement editor's floating toolbar (DOM, beside the Canvas; lazy chunk): what is
// being placed, its numbers, buttons to move, turn, resize, raise and lower it, Save and Cancel,
// and the server's answer. The same moves from the keyboard: arrows, Q/E, +/−, PgUp/PgDn, Enter,
// Escape. Keys the editor uses never reach the avatar; WASD still walks.
import { useEffect, useRef } from 'react'
import { fill } from '../app/format'
import { useT } from '../i18n'
import { focusOwnsKey } from '../avatar/input'
import { useEditor } from './editorStore'
import { cameraRig } from '../state/player'
import { cancel, propose, save } from './freeEdit'
import { nudge, raise, readout, resize, screenStep, turn, type ScreenDirection } from './gizmo'
import './strings'
import './editorStrings'
import './editor.css'

function move(dir: ScreenDirection) {
  const [dx, dz] = screenStep(cameraRig.yaw, dir)
  propose((b, p) => nudge(b, p, dx, dz))
}

/** What each key does while the editor is open (KeyboardEvent.code). */
const KEYS: Record<string, () => void> = {
  ArrowUp: () => move('up'),
  ArrowDown: () => move('down'),
  ArrowLeft: () => move('left'),
  ArrowRight: () => move('right'),
  KeyQ: () => propose((b, p) => turn(b, p, 1)),
  KeyE: () => propose((b, p) => turn(b, p, -1)),
  Equal: () => propose((b, p) => resize(b, p, 1)),
  NumpadAdd: () => propose((b, p) => resize(b, p, 1)),
  Minus: () => propose((b, p) => resize(b, p, -1)),
  NumpadSubtract: () => propose((b, p) => resize(b, p, -1)),
  PageUp: () => propose((b, p) => raise(b, p, 1)),
  PageDown: () => propose((b, p) => raise(b, p, -1)),
  Enter: () => void save(),
  NumpadEnter: () => void save(),
  Escape: cancel,
}

/** A modal is open somewhere on the page: its keys are its own. */
const modalOpen = () => document.querySelector('dialog[open], [aria-modal="true"]') != null

/** Listens before the avatar's keyboard (capture) and keeps the keys it uses. */
function useEditorKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = KEYS[e.code]
      if (!action || !useEditor.getState().edit) return
      if (e.ctrlKey || e.metaKey || e.altKey) return
      if (modalOpen() || focusOwnsKey(document.activeElement, e.code)) return
      e.preventDefault()
      e.stopPropagation()
      if (e.repeat && (e.code === 'Enter' || e.code === 'Escape')) return
      action()
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [])
}

const coarse = () => window.matchMedia?.('(pointer: coarse)').matches === true

export function EditorToolbar() {
  const t = useT()
  const edit = useEditor((s) => s.edit)
  const ref = useRef<HTMLElement>(null)
  useEditorKeys()
  const seq = edit?.seq
  // Keys go to the editor from the start (the panel that opened it has closed).
  useEffect(() => {
    if (seq !== undefined) ref.current?.focus({ preventScroll: true })
  }, [seq])
  if (!edit) return null

  const { status } = edit
  const locked = status.kind === 'busy' || status.kind === 'saved'
  const n = readout(edit.bounds, edit.preview)
  const title = fill(t(edit.target.kind === 'new' ? 'editor.new' : 'editor.move'), {
    title: edit.target.title,
  })
  const button = (label: string, glyph: string, onClick: () => void, testId?: string) => (
    <button
      type="button"
      className="btn fe-btn"
      aria-label={t(label)}
      title={t(label)}
      disabled={locked}
      data-testid={testId}
      onClick={onClick}
    >
      <span aria-hidden="true">{glyph}</span>
    </button>
  )

  return (
    <section
      ref={ref}
      className="free-editor-bar"
      aria-label={t('editor.toolbar')}
      tabIndex={-1}
      data-testid="free-editor"
    >
      <div className="fe-head">
        <strong>{title}</strong>
        <span className="fe-readout" data-testid="editor-readout" aria-live="polite">
          {fill(t('editor.readout'), n)}
        </span>
      </div>
      <div className="fe-controls">
        <div className="fe-group" role="group" aria-label={t('editor.move.group')}>
          {button('editor.left', '←', () => move('left'), 'editor-left')}
          {button('editor.up', '↑', () => move('up'), 'editor-up')}
          {button('editor.down', '↓', () => move('down'), 'editor-down')}
          {button('editor.right', '→', () => move('right'), 'editor-right')}
        </div>
        <div className="fe-group" role="group" aria-label={t('editor.turn.group')}>
          {button(
            'editor.turnLeft',
            '⟲',
            () => propose((b, p) => turn(b, p, 1)),
            'editor-turn-left',
          )}
          {button(
            'editor.turnRight',
            '⟳',
            () => propose((b, p) => turn(b, p, -1)),
            'editor-turn-right',
          )}
        </div>
        <div className="fe-group" role="group" aria-label={t('editor.size.group')}>
          {button(
            'editor.smaller',
            '−',
            () => propose((b, p) => resize(b, p, -1)),
            'editor-smaller',
          )}
          {button('editor.bigger', '+', () => propose((b, p) => resize(b, p, 1)), 'editor-bigger')}
        </div>
        <div className="fe-group" role="group" aria-label={t('editor.height.group')}>
          {button('editor.lower', '▼', () => propose((b, p) => raise(b, p, -1)), 'editor-lower')}
          {button('editor.raise', '▲', () => propose((b, p) => raise(b, p, 1)), 'editor-raise')}
        </div>
        <div className="fe-actions">
          <button
            type="button"
            className="btn"
            data-testid="editor-cancel"
            disabled={locked}
            onClick={cancel}
          >
            {t('editor.cancel')}
          </button>
          <button
            type="button"
            className="btn primary"
            data-testid="editor-save"
            disabled={locked}
            onClick={() => void save()}
          >
            {status.kind === 'busy' ? t('editor.saving') : t('editor.save')}
          </button>
        </div>
      </div>
      {status.kind === 'error' && (
        <p className="fe-error" role="alert" data-testid="editor-error">
          {fill(t('editor.refused'), { message: status.message })}
        </p>
      )}
      {status.kind === 'saved' && (
        <p className="fe-note" role="status">
          {fill(t('editor.saved'), { v: status.version })}
        </p>
      )}
      <p className="fe-hint">{t(coarse() ? 'editor.hint.touch' : 'editor.hint.mouse')}</p>
    </section>
  )
}

export default EditorToolbar
