// What the voice HUD calls on the open session: filled by the voice binding (src/voice/binding.ts)
// while a world session is open, null otherwise. Types only besides the holder, so the HUD's
// first-load bundle does not pull in the binding.

export interface VoiceSessionApi {
  /**
   * Joins voice: asks for the microphone (call it from the click, so the browser links the
   * permission prompt and the audio output to the visitor's gesture), then the server.
   */
  join(): void
  leave(): void
  setMuted(muted: boolean): void
  /** Push-to-talk held (true) or released. */
  talk(down: boolean): void
}

export const current: { session: VoiceSessionApi | null } = { session: null }
