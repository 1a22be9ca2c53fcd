// In-world labels that would cover one another on screen: the nearer label stays, the farther
// one fades out until it has room again. Labels that would sit under the HUD (a button, the chat,
// the minimap) fade too: the HUD stays on top, and a label half under it reads as broken. Pure,
// so it is tested without a renderer; the markers call it every frame with their labels'
// projected boxes (a few dozen at most).

/** A box on screen by its centre and size, in CSS pixels. */
export interface ScreenBox {
  x: number
  y: number
  w: number
  h: number
}

/** A label's box on screen, centred on its anchor; depth is its distance. */
export interface LabelBox extends ScreenBox {
  id: string
  depth: number
}

/** Pixels kept clear between two labels that both show. */
const GAP = 2
/**
 * A label hidden last time needs this much more room before it shows again, so two labels at
 * the edge of touching do not blink in turn as the camera sways.
 */
const RETURN_GAP = 8

/**
 * The labels to hide: each one that overlaps a nearer label that shows, or one of `hud` (boxes
 * the HUD covers). `hidden` is last frame's answer (for the return margin); ties in depth go to
 * the id that sorts first.
 */
export function crowdedLabels(
  boxes: readonly LabelBox[],
  hidden: ReadonlySet<string>,
  hud: readonly ScreenBox[] = [],
): Set<string> {
  const order = [...boxes].sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : 1))
  const shown: ScreenBox[] = [...hud]
  const crowded = new Set<string>()
  for (const box of order) {
    const gap = hidden.has(box.id) ? RETURN_GAP : GAP
    const clash = shown.some(
      (s) =>
        Math.abs(s.x - box.x) * 2 < s.w + box.w + gap * 2 &&
        Math.abs(s.y - box.y) * 2 < s.h + box.h + gap * 2,
    )
    if (clash) crowded.add(box.id)
    else shown.push(box)
  }
  return crowded
}
