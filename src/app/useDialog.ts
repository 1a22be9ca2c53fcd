// Keyboard behaviour shared by dialogs: focus the first control on open, keep Tab inside,
// Escape closes, and focus returns where it was. When the focused control goes away (a Claim
// or Connect button replaced by what it did), focus moves to the control that now stands in
// its place instead of falling out to the page, where the next Tab would start from the top.
import { useEffect, useRef } from 'react'

const FOCUSABLE = 'button, select, input, textarea, a[href], [tabindex="0"]'

export function useDialog<T extends HTMLElement>(open: boolean, onClose: () => void) {
  const ref = useRef<T>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose
  useEffect(() => {
    if (!open) return
    const previous = document.activeElement as HTMLElement | null
    const root = ref.current
    if (!root) return
    const focusables = () =>
      Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
        (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
      )
    focusables()[0]?.focus()
    // Where focus was, as an index among the focusable controls: the place to return to.
    let place = 0
    const onFocusIn = (e: FocusEvent) => {
      const i = focusables().indexOf(e.target as HTMLElement)
      if (i >= 0) place = i
    }
    const refocus = () => {
      const active = document.activeElement
      if (active && active !== document.body && active.isConnected) return
      const els = focusables()
      els[Math.min(place, els.length - 1)]?.focus()
    }
    // A focused element that leaves the document takes focus with it and fires nothing
    // dependable (Chromium fires blur on removal, the standard does not): look after changes.
    const observer = new MutationObserver(refocus)
    observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['disabled'],
    })
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        closeRef.current()
      } else if (e.key === 'Tab') {
        const els = focusables()
        if (els.length === 0) return
        const first = els[0]!
        const last = els[els.length - 1]!
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault()
          last.focus()
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault()
          first.focus()
        }
      }
    }
    root.addEventListener('keydown', onKey)
    root.addEventListener('focusin', onFocusIn)
    return () => {
      observer.disconnect()
      root.removeEventListener('keydown', onKey)
      root.removeEventListener('focusin', onFocusIn)
      previous?.focus?.()
    }
  }, [open])
  return ref
}
