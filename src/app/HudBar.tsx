// The world's top bar, for every width from 320 px up: back to the worlds, the title, the
// connection chip, and the buttons (places, the features', settings). Buttons that do not fit go
// into one "More" menu at the bar's end, the least needed first (places, then by `stays`), and
// come back as room returns. What fits is measured, not guessed from breakpoints: labels differ
// in length between languages and a feature's button changes its own text (voice: "In voice").
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react'
import { useUi } from '../state/ui'
import { useT } from '../i18n'

export interface BarItem {
  key: string
  /** The higher, the longer it stays in the bar when room runs out. */
  stays: number
  node: ReactNode
}

/** Space between the bar's items (CSS `gap` of .hud-top), in pixels. */
const GAP = 10

export function HudBar({ start, items }: { start: ReactNode; items: BarItem[] }) {
  const t = useT()
  const bar = useRef<HTMLDivElement>(null)
  const spacer = useRef<HTMLDivElement>(null)
  const [moved, setMoved] = useState(0)
  // First the buttons drop their labels (marks only, names kept for screen readers); then they
  // move into the menu. `labelled` is how wide the bar's content was with its labels.
  const [compact, setCompact] = useState(false)
  const labelled = useRef(0)
  const widths = useRef(new Map<string, number>())
  // Items in the order they leave the bar: least needed first; the last of the bar first on a tie.
  const leaving = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.stays - b.item.stays || b.i - a.i)
    .map(({ item }) => item.key)
  const inMenu = new Set(leaving.slice(0, moved))
  const leavingKey = leaving.join()

  const fit = useCallback(() => {
    const el = bar.current
    if (!el) return
    const over = el.scrollWidth - el.clientWidth
    if (over > 1 && !el.classList.contains('compact')) {
      labelled.current = el.scrollWidth
      setCompact(true)
      return
    }
    setMoved((m) => {
      if (over > 1 && m < leaving.length) {
        // Remember how wide the item was in the bar: it may come back when that much is free.
        const key = leaving[m]!
        const node = el.querySelector<HTMLElement>(`[data-bar-item="${key}"]`)
        widths.current.set(key, node?.offsetWidth ?? 0)
        return m + 1
      }
      if (over <= 0 && m > 0) {
        const back = widths.current.get(leaving[m - 1]!) ?? 0
        const more = el.querySelector<HTMLElement>('.hud-more')
        // Bringing the last one back also removes the More button.
        const free =
          (spacer.current?.offsetWidth ?? 0) + (m === 1 ? (more?.offsetWidth ?? 0) + GAP : 0)
        if (free >= back + GAP) return m - 1
      }
      return m
    })
    // Nothing in the menu and room for the labels again: show them (the bar measures once more).
    if (
      el.querySelector('.hud-more') === null &&
      el.classList.contains('compact') &&
      over <= 0 &&
      el.clientWidth >= labelled.current
    )
      setCompact(false)
    // leavingKey names the items (their order and keys): a new list measures again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [leavingKey])

  // After every render (an item changed its width or moved), and whenever the bar or an item
  // is resized, move one item at a time until the bar fits.
  useLayoutEffect(fit)
  useEffect(() => {
    const el = bar.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => fit())
    observer.observe(el)
    for (const child of el.children) observer.observe(child)
    return () => observer.disconnect()
  }, [fit, moved])

  return (
    <section
      className={compact ? 'hud-top compact' : 'hud-top'}
      ref={bar}
      aria-label={t('hud.bar')}
    >
      {start}
      <div className="hud-spacer" ref={spacer} />
      {items.map((item) =>
        inMenu.has(item.key) ? null : (
          <div key={item.key} className="bar-item" data-bar-item={item.key}>
            {item.node}
          </div>
        ),
      )}
      {moved > 0 && (
        <MoreMenu label={t('hud.more')}>
          {items.map((item) =>
            inMenu.has(item.key) ? (
              <div key={item.key} className="bar-item" data-bar-item={item.key}>
                {item.node}
              </div>
            ) : null,
          )}
        </MoreMenu>
      )}
    </section>
  )
}

/**
 * A disclosure: the button shows and hides a group of the bar's buttons below it. Opening moves
 * focus to the first; Escape, a click outside or choosing one closes it (focus back on the
 * button after Escape).
 */
function MoreMenu({ label, children }: { label: string; children: ReactNode }) {
  const open = useUi((s) => s.moreOpen)
  const id = useId()
  const button = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const close = () => useUi.getState().closePanel('more')

  useEffect(() => {
    if (!open) return
    panel.current?.querySelector<HTMLElement>('button, [href], input, select')?.focus()
    const onDown = (e: PointerEvent) => {
      const root = button.current?.parentElement
      if (root && !root.contains(e.target as Node)) close()
    }
    document.addEventListener('pointerdown', onDown)
    return () => document.removeEventListener('pointerdown', onDown)
  }, [open])

  return (
    <div className="hud-more">
      <button
        ref={button}
        className="btn icon-btn"
        data-testid="more-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => useUi.getState().togglePanel('more')}
      >
        ⋯
      </button>
      <div
        ref={panel}
        id={id}
        className="more-panel"
        role="group"
        aria-label={label}
        hidden={!open}
        data-testid="more-panel"
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return
          e.stopPropagation()
          close()
          button.current?.focus()
        }}
        // A choice opens its own panel, which takes the place of this menu.
        onClick={(e) => (e.target as Element).closest('button') && close()}
      >
        {children}
      </div>
    </div>
  )
}
