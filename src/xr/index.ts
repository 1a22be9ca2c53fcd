// The VR feature: a top-bar button, shown only where the browser offers immersive VR, enters a
// WebXR session (@react-three/xr). Nothing of the XR library loads before the button is pressed:
// the scene part here is a small host that mounts the VR chunk (XrSession.tsx) once asked.
// Registered in src/app/features.ts.
import type { Feature } from '../app/feature'
import { VrButton, XrHost } from './VrButton'

export const xr: Feature = {
  name: 'xr',
  scene: { when: () => true, Component: XrHost },
  hud: { button: { order: 28, stays: 1, Component: VrButton } },
}
