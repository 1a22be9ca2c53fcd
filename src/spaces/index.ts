// The creator spaces feature: plots in a world where owners exhibit verified collectibles, their
// floors and walls, the editor, and the spaces part of the room state. Registered in
// src/app/features.ts.
import { lazy } from 'react'
import type { Feature } from '../app/feature'
import { EditorHud } from './EditorHud'
import { ExhibitCardHost } from './ExhibitCardHost'
import { SpacesButton, SpacesPanel } from './SpacesPanel'

export const spaces: Feature = {
  name: 'spaces',
  // Draws in either style; its own chunk, fetched once the world stands.
  scene: {
    when: (scene) => scene.spaces.length > 0,
    Component: lazy(() => import('./Spaces').then((m) => ({ default: m.Spaces }))),
  },
  collider: () => import('./collider').then((m) => m.spacesLayer),
  hud: {
    button: { order: 10, Component: SpacesButton },
    panels: [SpacesPanel, EditorHud, ExhibitCardHost],
  },
}
