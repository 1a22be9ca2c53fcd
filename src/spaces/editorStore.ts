// The free-placement editor's state: which exhibit of which space is being arranged, where its
// preview stands now (always snapped and inside the space), and the server's last answer. Small
// on purpose: it rides in the first bundle so the HUD knows when to load the editor chunk.
// Changes at grid steps and button presses, never per frame.
import { create } from 'zustand'
import type { FreeBounds, FreePlacement, TokenRef } from '../protocol/spaces'

/** What is being placed: a new exhibit from the wallet, or one already in the space. */
export type FreeEditTarget =
  | { kind: 'new'; token: TokenRef; title: string; image: string | null }
  | { kind: 'move'; id: string; title: string; image: string | null }

export type FreeEditStatus =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'error'; message: string }
  | { kind: 'saved'; version: number }

export interface FreeEdit {
  /** Bumped on every begin: an answer for an edit that was left meanwhile is ignored. */
  seq: number
  spaceId: string
  bounds: FreeBounds
  target: FreeEditTarget
  /** Where it stood when editing began (Cancel goes back there). */
  start: FreePlacement
  /** Where it stands in the editor now: what Save sends. */
  preview: FreePlacement
  status: FreeEditStatus
}

export interface EditorState {
  edit: FreeEdit | null
  /** A pointer is dragging the preview: the avatar ignores that pointer and the keys. */
  dragging: boolean
  /** A short message after the editor closed (saved, or why it closed). */
  notice: { text: string; error: boolean } | null
  begin: (edit: Omit<FreeEdit, 'seq' | 'status' | 'preview'>) => void
  setPreview: (preview: FreePlacement) => void
  setStatus: (seq: number, status: FreeEditStatus) => void
  setDragging: (dragging: boolean) => void
  /** Leaves the editor (nothing is sent); `notice` is shown for a moment. */
  end: (notice?: EditorState['notice']) => void
  /** The notice has been shown long enough. */
  clearNotice: () => void
}

let seq = 0

export const useEditor = create<EditorState>()((set) => ({
  edit: null,
  dragging: false,
  notice: null,
  begin: (edit) =>
    set({
      edit: { ...edit, seq: ++seq, preview: edit.start, status: { kind: 'idle' } },
      dragging: false,
      notice: null,
    }),
  setPreview: (preview) =>
    set((s) =>
      s.edit && s.edit.status.kind !== 'busy'
        ? {
            edit: {
              ...s.edit,
              preview,
              // A changed preview is a new proposal: the last error no longer applies.
              status: s.edit.status.kind === 'error' ? { kind: 'idle' } : s.edit.status,
            },
          }
        : {},
    ),
  setStatus: (n, status) => set((s) => (s.edit?.seq === n ? { edit: { ...s.edit, status } } : {})),
  setDragging: (dragging) => set({ dragging }),
  end: (notice = null) => set({ edit: null, dragging: false, notice }),
  clearNotice: () => set({ notice: null }),
}))
