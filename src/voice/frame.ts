// The few plain objects the voice parts share without importing each other: the media chunk
// (lazy) fills `voiceLive.engine` while the visitor is in voice; the scene part calls its
// `frame` every frame, and the test hooks read what it measures. Tiny: it rides in the first
// bundle with the HUD button.

/** What an AnalyserNode measured: level (RMS of the samples) and the loudest frequency. */
export interface Measure {
  rms: number
  peakHz: number
}

export interface VoiceEngine {
  /**
   * Each frame (FRAME.voice): the listener stands at the local avatar's head and faces where
   * the camera looks (forward and up vectors); every voice's panner follows its avatar.
   */
  frame(fx: number, fy: number, fz: number, ux: number, uy: number, uz: number): void
  /** What the visitor hears from `sessionId` (after its gain and panner), or null. */
  heard(sessionId: string): Measure | null
  /** The master output. */
  mix(): Measure
  /** How loud each voice is now, 0–1, by session id (the visitor's own while the mic sends). */
  levels(into: Map<string, number>): void
}

export const voiceLive: { engine: VoiceEngine | null } = { engine: null }
