// Whether the visitor uses touch: the touch controls show, and the controls hint speaks of
// fingers, from the same answer. Touch when the primary pointer is coarse (a phone, a tablet) or
// the screen has touch points; from the first touch on any device (a hybrid laptop); and it
// follows the primary pointer when that changes (a tablet's keyboard taken off or put back).
import { useSyncExternalStore } from 'react'

const query = typeof window === 'undefined' ? undefined : window.matchMedia?.('(pointer: coarse)')

let touch =
  query?.matches === true || (typeof navigator !== 'undefined' && navigator.maxTouchPoints > 0)
const listeners = new Set<() => void>()

function set(value: boolean) {
  if (value === touch) return
  touch = value
  for (const l of listeners) l()
}

const onMedia = (e: MediaQueryListEvent) => set(e.matches)
const onPointer = (e: PointerEvent) => {
  if (e.pointerType === 'touch') set(true)
}

function subscribe(listener: () => void) {
  if (listeners.size === 0 && typeof window !== 'undefined') {
    query?.addEventListener?.('change', onMedia)
    window.addEventListener('pointerdown', onPointer)
  }
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && typeof window !== 'undefined') {
      query?.removeEventListener?.('change', onMedia)
      window.removeEventListener('pointerdown', onPointer)
    }
  }
}

/** True while the visitor is on touch (see the file's comment). */
export function useTouchUi(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => touch,
    () => false,
  )
}
