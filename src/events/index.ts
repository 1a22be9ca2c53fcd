// The events feature: live gatherings on a world's stages (platform, synced screen, reactions),
// the event room a visitor attends, the host's tools, and event deep links. Registered in
// src/app/features.ts.
import { lazy } from 'react'
import type { Feature } from '../app/feature'
import { EventLinkScreen } from './EventLinkScreen'
import { EventHudHost, EventsButton, EventsPanelHost, EventsSectionHost } from './EventsEntry'
import { useEventLink } from './linkStore'

export const events: Feature = {
  name: 'events',
  // Platform, synced screen and reactions: their own chunk, fetched once the world stands.
  scene: {
    when: (scene) => scene.stages.length > 0,
    Component: lazy(() => import('./Stage').then((m) => ({ default: m.Stages }))),
  },
  collider: () => import('./collider').then((m) => m.stagesLayer),
  // Following an event in this world joins the event's room instead of the world's.
  useSessionOptions: (world) => ({
    event:
      useEventLink((s) =>
        s.status === 'ready' && s.info && s.info.world === world ? s.info.id : null,
      ) ?? undefined,
  }),
  hud: {
    button: { order: 20, Component: EventsButton },
    panels: [EventHudHost, EventsPanelHost],
    directory: EventsSectionHost,
    screens: [EventLinkScreen],
    // A deep link that is loading or failed shows that, never the directory in its place.
    useHoldsScreen: () => useEventLink((s) => s.status === 'loading' || s.status === 'error'),
  },
}
