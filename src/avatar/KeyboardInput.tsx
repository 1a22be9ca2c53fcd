// Keyboard source of the visitor's input: WASD / arrows move, Shift runs, Space jumps, V toggles
// first person. Renders nothing; ignores keys that belong to focused widgets or open dialogs.
import { useEffect } from 'react'
import { cameraRig } from '../state/player'
import { focusOwnsKey, input, inputBlocked, keyAction, pressJump, releaseAll } from './input'

/** A modal is open somewhere on the page (even when focus stayed outside it). */
function modalOpen(): boolean {
  return document.querySelector('dialog[open], [aria-modal="true"]') != null
}

export function KeyboardInput() {
  useEffect(() => {
    const onDown = (e: KeyboardEvent) => {
      const action = keyAction(e.code)
      if (!action) return
      if (inputBlocked || modalOpen() || focusOwnsKey(document.activeElement, e.code)) return
      // Leave browser and system shortcuts alone (Shift is ours: it runs).
      if (e.ctrlKey || e.metaKey || e.altKey) return
      const keys = input.keys
      switch (action) {
        case 'forward':
        case 'back':
        case 'left':
        case 'right':
        case 'run':
          keys[action] = true
          break
        case 'jump':
          pressJump(input) // key repeat while held keeps re-arming it: hold to keep hopping
          break
        case 'view':
          if (!e.repeat) cameraRig.firstPerson = !cameraRig.firstPerson
          break
      }
      // Arrows and Space would otherwise scroll the page.
      e.preventDefault()
    }
    const onUp = (e: KeyboardEvent) => {
      // Key-up always releases, even when focus moved meanwhile, so nothing sticks.
      const action = keyAction(e.code)
      if (
        action === 'forward' ||
        action === 'back' ||
        action === 'left' ||
        action === 'right' ||
        action === 'run'
      )
        input.keys[action] = false
    }
    const onBlur = () => releaseAll(input)
    const onVisibility = () => {
      if (document.hidden) releaseAll(input)
    }
    window.addEventListener('keydown', onDown)
    window.addEventListener('keyup', onUp)
    window.addEventListener('blur', onBlur)
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      window.removeEventListener('keydown', onDown)
      window.removeEventListener('keyup', onUp)
      window.removeEventListener('blur', onBlur)
      document.removeEventListener('visibilitychange', onVisibility)
      releaseAll(input)
    }
  }, [])
  return null
}
