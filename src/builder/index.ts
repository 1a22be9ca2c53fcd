// The Block Park builder: villages, towns and scenic areas build their own voxel worlds in the
// browser, together, and publish them. Builder worlds load from the server (source.ts), their
// room applies everyone's edits in order (binding.ts), and the tools live in the canvas
// (BuilderCursor.tsx) and the HUD (Toolbar.tsx). Registered in src/app/features.ts.
import { lazy } from 'react'
import type { Feature } from '../app/feature'
import { BuilderButton, BuilderHost, BuilderSectionHost } from './BuilderEntry'
import { builderSource, isBuilderWorld } from './source'

export const builder: Feature = {
  name: 'builder',
  source: builderSource,
  scene: {
    when: (scene) => isBuilderWorld(scene.id),
    Component: lazy(() => import('./BuilderCursor')),
  },
  hud: {
    button: { order: 5, stays: 2, Component: BuilderButton },
    panels: [BuilderHost],
    directory: BuilderSectionHost,
  },
}
