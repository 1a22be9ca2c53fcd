// The live stage: what the Colyseus server and the client agree on. The host or a performer goes
// live from an event's stage with a camera or a shared screen and/or a microphone; every
// attendee in every instance of the event, on every server process, sees it on the stage screen
// and hears it from the stage. Media never passes through the game server: the one live
// publisher sends to a Janus VideoRoom room; the server forwards its streams (VideoRoom
// `rtp_forward`) into a Streaming mountpoint on each media server that has watchers (one per
// process, and more where a process runs relay servers), and attendees watch a mountpoint. As
// with voice, only the game server creates rooms and mountpoints and hands out what admits a
// client (tickets). See docs/stage.md.
import { z } from 'zod'

export const STAGE = {
  /**
   * The mids of a live publisher's streams: its audio is the first m-line, its video the
   * second (a publisher without one of them still keeps this order for the other).
   */
  audioMid: '0',
  videoMid: '1',
  /** How loud the stage is against a voice at full level, in dB, as the host sets it. */
  levelDb: { min: -12, max: 12, default: 6 },
  /** The stage's sound is at full level within this distance of the screen (m), then fades... */
  fullLevelWithin: 15,
  /** ...to silence at this distance (m): far beyond any audience area. */
  radius: 120,
  /** What a publisher sends at most (the client constrains its capture and encoder to it). */
  video: { width: 1280, height: 720, fps: 30, bitrate: 1_500_000 },
  audioBitrate: 96_000,
  /** A publish ticket's pass admits one join within this many seconds. */
  passSeconds: 30,
  /** Media server tokens for the stage last this long; clients renew before then. */
  tokenSeconds: 600,
  renewBeforeSeconds: 120,
} as const

/** What the stage screen shows: the synced file (`event.screen`) or the live feed. */
export const STAGE_SOURCES = ['file', 'live'] as const
export type StageSource = (typeof STAGE_SOURCES)[number]

/** The video a publisher sends: a camera, a shared screen, or none (sound only). */
export const LIVE_VIDEO = ['camera', 'screen', 'none'] as const
export type LiveVideo = (typeof LIVE_VIDEO)[number]

/**
 * The live stage as every instance shows it: the state's `event.live`, one JSON string so that
 * a change arrives whole in one patch (like `event.screen`).
 */
export interface LiveState {
  /** Someone is on air: their media reached the media server and is forwarded to watchers. */
  on: boolean
  /** What the screen shows. `live` while nobody is on air shows the file (or the idle card). */
  source: StageSource
  /** Who is live (or about to be: `on` follows once their media arrives). */
  by: { address: string; name: string } | null
  /** What they send. */
  audio: boolean
  video: LiveVideo
  /** The stage's loudness against a voice at full level, dB (STAGE.levelDb). */
  levelDb: number
  /** Server time (ms since the epoch) it went on air; 0 while off. */
  since: number
}

export const EMPTY_LIVE: LiveState = {
  on: false,
  source: 'file',
  by: null,
  audio: false,
  video: 'none',
  levelDb: STAGE.levelDb.default,
  since: 0,
}

/** The live state from the replicated JSON; anything unreadable is "off". */
export function parseLive(json: string): LiveState {
  if (!json) return EMPTY_LIVE
  try {
    const v = JSON.parse(json) as Partial<LiveState> | null
    if (!v || typeof v !== 'object') return EMPTY_LIVE
    return {
      on: v.on === true,
      source: v.source === 'live' ? 'live' : 'file',
      by:
        v.by && typeof v.by.address === 'string' && typeof v.by.name === 'string'
          ? { address: v.by.address, name: v.by.name }
          : null,
      audio: v.audio === true,
      video: (LIVE_VIDEO as readonly string[]).includes(v.video as string)
        ? (v.video as LiveVideo)
        : 'none',
      levelDb:
        typeof v.levelDb === 'number' && Number.isFinite(v.levelDb)
          ? Math.min(STAGE.levelDb.max, Math.max(STAGE.levelDb.min, v.levelDb))
          : STAGE.levelDb.default,
      since: typeof v.since === 'number' && Number.isFinite(v.since) ? v.since : 0,
    }
  } catch {
    return EMPTY_LIVE
  }
}

/** The gain of the stage's sound at `distance` metres from the screen, before the level. */
export function stageGain(distance: number): number {
  const ref = STAGE.fullLevelWithin
  if (distance <= ref) return 1
  if (distance >= STAGE.radius) return 0
  return 1 - (distance - ref) / (STAGE.radius - ref)
}

/** dB → linear gain. */
export function dbGain(db: number): number {
  return 10 ** (db / 20)
}

export const STAGE_ERROR_CODES = [
  /** No media server (the reason says why), or nobody is live to watch. */
  'stage_off',
  /** Someone else is live: the host may take over from a performer, not the other way round. */
  'stage_busy',
] as const
export type StageErrorCode = (typeof STAGE_ERROR_CODES)[number]

/** What a publisher needs to go live: its place in the event's stage room on the media server. */
export interface StagePublishTicket {
  /** The media server's WebSocket URL, as the browser reaches it. */
  url: string
  /** The stage's Janus VideoRoom room. */
  room: number
  /** Signed media server token (VideoRoom only); expires at `expires` (ms since the epoch). */
  token: string
  expires: number
  /** One-use room pass, valid for STAGE.passSeconds. */
  pass: string
  /** The publisher id to join with; the server kicks any other. */
  feed: number
}

/** What a watcher needs to watch the stage: a Streaming mountpoint on a media server. */
export interface StageWatchTicket {
  url: string
  /** The Streaming mountpoint id and its pin. */
  mountpoint: number
  pin: string
  /** Signed media server token (Streaming only). */
  token: string
  expires: number
}

/** Client → server stage messages (event rooms only; joined into the registry in messages.ts). */
export const StageMessages = {
  /**
   * Host or performer: go live with this media. Answered with `stage.publish`, or `error`
   * stage_off / stage_busy / not_allowed. The host taking over ends a performer's feed.
   */
  'stage.golive': {
    schema: z
      .object({ audio: z.boolean(), video: z.enum(LIVE_VIDEO) })
      .strict()
      .refine((m) => m.audio || m.video !== 'none', 'go live with sound, video or both'),
    rate: { perSecond: 0.5, burst: 3 },
  },
  /** The publisher stops, or the host stops whoever is live. */
  'stage.stop': {
    schema: z.object({}).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /** Host: what the screen shows, the file or the live feed (one control). */
  'stage.source': {
    schema: z.object({ source: z.enum(STAGE_SOURCES) }).strict(),
    rate: { perSecond: 2, burst: 4 },
  },
  /** Host: the stage's loudness against the crowd's voices, dB. */
  'stage.level': {
    schema: z
      .object({ db: z.number().int().min(STAGE.levelDb.min).max(STAGE.levelDb.max) })
      .strict(),
    rate: { perSecond: 4, burst: 8 },
  },
  /** Anyone in the event: a ticket to watch the live stage (`stage.watch`), or stage_off. */
  'stage.watch': {
    schema: z.object({}).strict(),
    rate: { perSecond: 0.5, burst: 3 },
  },
  /** A fresh media server token for the publisher's or watcher's session: `stage.token`. */
  'stage.renew': {
    schema: z.object({}).strict(),
    rate: { perSecond: 0.2, burst: 2 },
  },
} as const

/** Server → client stage messages (joined into ServerMessages). */
export interface StageServerMessages {
  'stage.publish': StagePublishTicket
  'stage.watch': StageWatchTicket
  'stage.token': { token: string; expires: number }
  /** This client's stage media ended (the host took over, a kick, the media server went away). */
  'stage.ended': { reason: string }
}
