// The local visitor's per-frame motion. A plain object mutated in useFrame (never React state):
// the controller writes it, the camera, minimap, network sender and info cards read it.
import type { Emote } from '../protocol/messages'

export type AnimState = 'idle' | 'walk' | 'run' | 'jump' | 'fall'
/** The emote messages' gestures, and sitting (which travels in the pose: see ANIMS). */
export type EmoteName = Emote | 'sit'

export interface Motion {
  x: number
  y: number
  z: number
  /** Facing, radians about +y; 0 looks towards -z. */
  heading: number
  anim: AnimState
  /** Horizontal speed, m/s (drives the walk cycle). */
  speed: number
  vy: number
  grounded: boolean
  /** A gesture playing on top of idle, and when it started (performance.now(), ms). */
  emote: EmoteName | null
  emoteAt: number
  /** How loud this person's voice is now, 0–1 (set by whoever plays voice; the mouth follows). */
  voice: number
}

export function createMotion(x = 0, y = 0, z = 0, heading = 0): Motion {
  return {
    x,
    y,
    z,
    heading,
    anim: 'idle',
    speed: 0,
    vy: 0,
    grounded: true,
    emote: null,
    emoteAt: 0,
    voice: 0,
  }
}

/** The local player. Reset by the world view when a world loads. */
export const localMotion: Motion = createMotion()

/** Camera look state, also mutated in place. */
export const cameraRig = {
  /** Orbit yaw and pitch around the avatar, radians. */
  yaw: 0,
  pitch: 0.35,
  distance: 7,
  firstPerson: false,
}
