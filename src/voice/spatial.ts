// How a voice fades with distance, as WebAudio does it: a PannerNode with the 'linear' distance
// model, full level within VOICE.fullLevelWithin and silence at the hearing radius, so that what
// the listener hears follows voiceGain() (src/protocol/voice.ts). Pure: tested in Node.
import { VOICE } from '../protocol/voice'

export interface VoicePannerOptions {
  panningModel: 'HRTF'
  distanceModel: 'linear'
  refDistance: number
  maxDistance: number
  rolloffFactor: number
}

/** The panner of every voice, for a hearing radius (the ticket's). */
export function pannerOptions(radius: number): VoicePannerOptions {
  return {
    panningModel: 'HRTF',
    distanceModel: 'linear',
    refDistance: VOICE.fullLevelWithin,
    // A radius at or below the full-level distance would divide by zero in the model.
    maxDistance: Math.max(radius, VOICE.fullLevelWithin + 0.01),
    rolloffFactor: 1,
  }
}

/**
 * WebAudio's linear distance gain (Web Audio API, PannerNode, "linear" distance model):
 * 1 − rolloff · (max(min(d, maxDistance), refDistance) − refDistance) / (maxDistance − refDistance).
 */
export function linearDistanceGain(distance: number, o: VoicePannerOptions): number {
  const d = Math.max(Math.min(distance, o.maxDistance), o.refDistance)
  return 1 - (o.rolloffFactor * (d - o.refDistance)) / (o.maxDistance - o.refDistance)
}
