// The free-placement editor's place in the HUD: loads the toolbar while a creator arranges an
// exhibit, and shows a short notice after it closed. First bundle, so kept tiny.
import { lazy, Suspense, useEffect, type CSSProperties } from 'react'
import { useEditor } from './editorStore'

const EditorToolbar = lazy(() => import('./EditorToolbar'))
const NOTICE_MS = 5000

// Inline, so the first bundle needs no stylesheet for a line of text.
const noticeStyle = (error: boolean): CSSProperties => ({
  position: 'absolute',
  left: '50%',
  bottom: 54,
  transform: 'translateX(-50%)',
  zIndex: 25,
  margin: 0,
  padding: '6px 14px',
  borderRadius: 999,
  background: 'var(--panel)',
  border: `1px solid ${error ? 'var(--danger)' : 'rgba(90, 209, 255, 0.55)'}`,
  fontSize: '0.8125rem',
  pointerEvents: 'none',
})

export function EditorHud() {
  const editing = useEditor((s) => s.edit !== null)
  const notice = useEditor((s) => s.notice)
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => useEditor.getState().clearNotice(), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice])
  return (
    <>
      {editing && (
        <Suspense fallback={null}>
          <EditorToolbar />
        </Suspense>
      )}
      {notice && (
        <p role="status" data-testid="editor-notice" style={noticeStyle(notice.error)}>
          {notice.text}
        </p>
      )}
    </>
  )
}
