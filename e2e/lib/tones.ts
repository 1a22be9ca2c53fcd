// Test tones for Chromium's fake microphone (`--use-file-for-fake-audio-capture`): a WAV made in
// code, nothing downloaded. Chromium loops the file, so it holds whole periods only: the loop
// joins without a click, which would smear energy over every FFT bin.
import fs from 'node:fs'
import path from 'node:path'

export const TONE_RATE = 48_000

export interface Tone {
  file: string
  /** The pitch actually written (whole periods may move it a hair off the one asked for). */
  hz: number
}

/**
 * Writes `<dir>/tone-<hz>.wav`: 16-bit PCM, mono, 48 kHz, about `seconds` long, a sine at
 * `amplitude` of full scale.
 */
export function writeTone(dir: string, hz: number, seconds = 4, amplitude = 0.5): Tone {
  if (!(hz > 0 && hz < TONE_RATE / 2)) throw new Error(`a pitch below Nyquist, got ${hz}`)
  // Whole periods in a whole number of samples: periods / samples = hz / rate exactly when
  // hz is a whole number dividing nicely; otherwise the pitch moves to periods * rate / samples.
  const periods = Math.max(1, Math.round(seconds * hz))
  const samples = Math.round((periods * TONE_RATE) / hz)
  const actual = (periods * TONE_RATE) / samples
  const data = Buffer.alloc(samples * 2)
  const full = Math.round(amplitude * 32767)
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(full * Math.sin((2 * Math.PI * periods * i) / samples)), i * 2)
  }
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // fmt chunk size
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(TONE_RATE, 24)
  header.writeUInt32LE(TONE_RATE * 2, 28) // bytes per second
  header.writeUInt16LE(2, 32) // block align
  header.writeUInt16LE(16, 34) // bits per sample
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `tone-${hz}.wav`)
  fs.writeFileSync(file, Buffer.concat([header, data]))
  return { file, hz: actual }
}
