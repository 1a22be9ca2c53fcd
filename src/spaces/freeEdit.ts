// The free-placement editor's actions: begin arranging (a new exhibit from the wallet, or one
// already in the space), change the preview, save through the room (space.place or space.move,
// answered after the server committed), cancel. Loaded with the editor, never in the first bundle.
import { fill } from '../app/format'
import { translate } from '../i18n'
import type { Collectible } from '../chain/types'
import { current } from './current'
import type { Space } from '../protocol/scene'
import { clampFree, snapFree, type FreeBounds, type FreePlacement } from '../protocol/spaces'
import { useEditor } from './editorStore'
import { localMotion } from '../state/player'
import { useSettings } from '../state/settings'
import { useSpaces, type ExhibitView } from './store'
import { freeFromSpot, startInFront } from './gizmo'
import { frameSpot, layoutSpace, type SpaceStyle } from './layout'
import './editorStrings'
import './strings'

/** How long a saved edit waits for the room state to show it before the editor closes. */
const SHOW_WAIT_MS = 3000

const boundsOf = (space: Space): FreeBounds => ({
  area: space.area,
  floorY: space.floorY,
  height: space.height,
})

/** Places a verified collectible from the wallet freely, starting in front of the visitor. */
export function beginNew(space: Space, item: Collectible) {
  const bounds = boundsOf(space)
  useEditor.getState().begin({
    spaceId: space.id,
    bounds,
    target: {
      kind: 'new',
      token: { chainId: item.chainId, contract: item.contract, tokenId: item.tokenId },
      title: item.name || `#${item.tokenId}`,
      image: item.image,
    },
    start: startInFront(bounds, localMotion),
  })
}

/** Arranges an exhibit of the space: a free one where it stands, a slotted one out of its slot. */
export function beginMove(
  space: Space,
  style: SpaceStyle,
  exhibit: ExhibitView,
  image: string | null,
) {
  const bounds = boundsOf(space)
  const p = exhibit.placement
  let start: FreePlacement
  if (p.kind === 'free') {
    // The room state carries float32s: snap back onto the grid the server stored.
    start = snapFree(bounds, p)
  } else {
    const spot = frameSpot(layoutSpace(space, style), p)
    start = spot ? freeFromSpot(bounds, spot, style) : startInFront(bounds, localMotion)
  }
  useEditor.getState().begin({
    spaceId: space.id,
    bounds,
    target: { kind: 'move', id: exhibit.id, title: exhibit.title, image },
    start: clampFree(bounds, start),
  })
}

/** Changes the preview (already clamped by gizmo.ts; clamped again here to be sure). */
export function propose(change: (bounds: FreeBounds, p: FreePlacement) => FreePlacement) {
  const { edit, setPreview } = useEditor.getState()
  if (!edit || edit.status.kind === 'busy') return
  const next = clampFree(edit.bounds, change(edit.bounds, edit.preview))
  const p = edit.preview
  if (
    next.x !== p.x ||
    next.y !== p.y ||
    next.z !== p.z ||
    next.rotY !== p.rotY ||
    next.scale !== p.scale
  )
    setPreview(next)
}

/** Leaves the editor: the preview goes, the exhibit stays where it was. */
export function cancel() {
  useEditor.getState().end()
}

/** Sends the preview; on success closes once the room shows it, on refusal shows why. */
export async function save() {
  const { edit, setStatus } = useEditor.getState()
  if (!edit || edit.status.kind === 'busy' || edit.status.kind === 'saved') return
  const lang = useSettings.getState().language
  const session = current.session
  if (!session) {
    setStatus(edit.seq, { kind: 'error', message: translate(lang, 'editor.offline') })
    return
  }
  const base = useSpaces.getState().spaces[edit.spaceId]?.version ?? 0
  const placement = edit.preview
  setStatus(edit.seq, { kind: 'busy' })
  const result =
    edit.target.kind === 'new'
      ? await session.editSpace('space.place', {
          space: edit.spaceId,
          base,
          token: edit.target.token,
          placement,
        })
      : await session.editSpace('space.move', {
          space: edit.spaceId,
          base,
          id: edit.target.id,
          placement,
        })
  if (useEditor.getState().edit?.seq !== edit.seq) return
  if (!result.ok) {
    setStatus(edit.seq, { kind: 'error', message: result.message })
    return
  }
  setStatus(edit.seq, { kind: 'saved', version: result.version })
  // Keep the preview until the room state has the change, so nothing blinks out meanwhile.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      stop()
      resolve()
    }
    const shown = () => (useSpaces.getState().spaces[edit.spaceId]?.version ?? 0) >= result.version
    const timer = setTimeout(done, SHOW_WAIT_MS)
    const stop = useSpaces.subscribe(() => shown() && done())
    if (shown()) done()
  })
  if (useEditor.getState().edit?.seq !== edit.seq) return
  useEditor
    .getState()
    .end({ text: fill(translate(lang, 'editor.saved'), { v: result.version }), error: false })
}
