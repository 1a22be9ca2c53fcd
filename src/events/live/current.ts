// What the host panel calls on the live stage of the open event session: filled by the stage's
// session part (./session.ts) while an event room is attended, null otherwise. Types only
// besides the holder, so the panel's chunk does not pull in the network code.
import type { LiveVideo, StageSource } from '../../protocol/stage'

export interface StageSessionApi {
  /**
   * Goes live: asks for the devices (call it from the click), then the server, then publishes.
   * The outcome shows in the live store's `publish`.
   */
  goLive(audio: boolean, video: LiveVideo): void
  /** Stops this visitor's broadcast, or (the host) whoever is live. */
  stop(): void
  /** Host: what the screen shows. */
  setSource(source: StageSource): void
  /** Host: the stage's level in dB (sent at most a few times a second while dragging). */
  setLevel(db: number): void
}

export const stageCurrent: { session: StageSessionApi | null } = { session: null }
