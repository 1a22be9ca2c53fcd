// Mounts the free-placement editor in the world while a creator arranges an exhibit, loading
// its chunk on first use. Inside the Canvas; leaving the world leaves the editor.
import { lazy, Suspense, useEffect } from 'react'
import { useEditor } from './editorStore'
import type { SpaceLayout, SpaceStyle } from './layout'

const FreeEditor = lazy(() => import('./FreeEditor'))

export function FreeEditorHost({
  layouts,
  style,
}: {
  layouts: readonly SpaceLayout[]
  style: SpaceStyle
}) {
  const editing = useEditor((s) => s.edit !== null)
  // A world that goes away takes its editor with it (nothing is saved).
  useEffect(() => () => useEditor.getState().end(), [])
  if (!editing) return null
  return (
    <Suspense fallback={null}>
      <FreeEditor layouts={layouts} style={style} />
    </Suspense>
  )
}

/** The exhibit being arranged (hidden where it stood while the preview shows it), or null. */
export function useArranging(): string | null {
  return useEditor((s) => (s.edit?.target.kind === 'move' ? s.edit.target.id : null))
}
