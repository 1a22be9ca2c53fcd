// Narration read aloud with the browser's speech synthesis, in the visitor's language, when they
// turned it on and the device has a voice for that language (otherwise the text alone shows).
import type { Language } from '../state/settings'

function synth(): SpeechSynthesis | null {
  return typeof speechSynthesis === 'undefined' ? null : speechSynthesis
}

/** A voice of the device for `lang`, or null (none, or no speech synthesis at all). */
export function voiceFor(lang: Language): SpeechSynthesisVoice | null {
  const prefix = lang === 'zh-CN' ? 'zh' : 'en'
  return (
    synth()
      ?.getVoices()
      .find((v) => v.lang.toLowerCase().startsWith(prefix)) ?? null
  )
}

/** Reads `text` aloud (stopping whatever was being read); false when it cannot. */
export function speak(text: string, lang: Language): boolean {
  const s = synth()
  const voice = voiceFor(lang)
  if (!s || !voice) return false
  s.cancel()
  const u = new SpeechSynthesisUtterance(text)
  u.voice = voice
  u.lang = voice.lang
  s.speak(u)
  return true
}

export function stopSpeaking(): void {
  synth()?.cancel()
}
