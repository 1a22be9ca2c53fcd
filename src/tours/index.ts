// The tours feature: guided walks through a world from its scene file (stops with narration in
// both languages, pictures, things that light up, and staged scenes of scripted actors).
// Registered in src/app/features.ts.
import { lazy } from 'react'
import type { Feature } from '../app/feature'
import { ToursSection, TourPanel } from './TourHud'
import './testHooks'

export const tours: Feature = {
  name: 'tours',
  // The stop's beacon, the path to it, what lights up and the actors: their own chunk, fetched
  // only in a world that has tours.
  scene: {
    when: (scene) => scene.tours.length > 0,
    Component: lazy(() => import('./TourScene').then((m) => ({ default: m.TourScene }))),
  },
  hud: { places: ToursSection, panels: [TourPanel] },
}
