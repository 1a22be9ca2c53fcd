// The voice feature: people hear each other in space over the Janus media server that the game
// server admits them to. The top bar's Voice button, the voice panel and push-to-talk, the
// speaking rings and spatial audio in the scene, and a mark in the people list. Registered in
// src/app/features.ts; its session part is binding.ts, its media part a lazy chunk (media.ts).
import { lazy } from 'react'
import type { Feature } from '../app/feature'
import { VoiceButton, VoiceMark, VoicePanelHost } from './VoiceButton'

export const voice: Feature = {
  name: 'voice',
  // In every world: the listener and panners each frame, and the speaking rings.
  scene: {
    when: () => true,
    Component: lazy(() => import('./Speakers').then((m) => ({ default: m.Speakers }))),
  },
  hud: {
    button: { order: 25, stays: 4, Component: VoiceButton },
    panels: [VoicePanelHost],
    personMark: VoiceMark,
  },
}
