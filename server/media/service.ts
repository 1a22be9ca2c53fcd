// The server's side of the media server, shared by voice (server/voice) and the live stage: it
// starts the embedded Janus (janus.ts) or reaches an external one (JANUS_URL), keeps one Janus
// session with a VideoRoom handle open (keep-alive; reconnect, or restart the embedded process,
// with bounded backoff), says whether media is available and why not, and runs the few requests
// only this server may make: create/destroy rooms (admin_key, room secret), the `allowed`
// passes, listparticipants, kick and moderate. It also signs the media tokens clients use.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { JanusError, JanusSession, type JanusHandle } from '../../src/protocol/janus'
import { VOICE, type VoiceStatus } from '../../src/protocol/voice'
import { errorField, log } from '../log'
import {
  JanusNotFoundError,
  NO_JANUS_REASON,
  janusConfigDir,
  nodeSocket,
  startJanus,
  type JanusProcess,
} from './janus'
import { STREAMING, VIDEOROOM, signJanusToken } from './tokens'

export type MediaConfig =
  | { mode: 'off' }
  /** The embedded Janus; `binary` defaults to JANUS_BIN, else /usr/bin/janus. */
  | { mode: 'embedded'; binary?: string }
  | {
      mode: 'external'
      /** Where this server reaches Janus' WebSocket transport. */
      url: string
      /** Where browsers reach it (JANUS_PUBLIC_URL; default `url`). */
      publicUrl: string
      tokenSecret: string
      adminKey: string
    }

/** A media server this service can talk to. */
interface Media {
  url: string
  publicUrl: string
  tokenSecret: string
  adminKey: string
}

/** One VideoRoom room of this server on the current media server. */
export interface MediaRoom {
  id: number
  secret: string
  /** The connection it was created on; a room of an earlier one is gone. */
  generation: number
}

export interface Participant {
  id: number
  display: string
  /** True once its PeerConnection is up. */
  publisher: boolean
}

/** VideoRoom's "no such feed / stream" (428) and "no such room" (426). */
export const NO_SUCH_FEED = 428
const NO_SUCH_ROOM = 426
const ROOM_EXISTS = 427

/** Backoff between restarts or reconnects: doubles from 0.5 s up to 30 s. */
const BACKOFF_MIN_MS = 500
const BACKOFF_MAX_MS = 30_000
/** A connection that lasted this long resets the backoff. */
const STABLE_MS = 60_000
const OFF_REASON = 'voice is turned off on this server (VOICE=off)'
const STARTING_REASON = 'voice is starting'
/** The server's own token lasts this long and is signed afresh for every request. */
const SERVER_TOKEN_S = 3600

export interface MediaServiceOptions {
  /** The embedded Janus' config folder goes in `<dataDir>/janus`. */
  dataDir: string
  /** Milliseconds the embedded Janus may take to accept a session. */
  startTimeoutMs?: number
}

export class MediaService {
  private media: Media | null = null
  private handle: JanusHandle | null = null
  /** The Streaming plugin handle of the same session (the live stage's mountpoints). */
  private streamingHandle: JanusHandle | null = null
  private session: JanusSession | null = null
  private janus: JanusProcess | null = null
  private reason: string
  private stopped = false
  private configDir: string | null = null
  /** The start/supervision loop; stop() waits for it. */
  private running: Promise<void> = Promise.resolve()
  private wake: (() => void) | null = null
  private readonly lostListeners = new Set<(reason: string) => void>()
  private readonly readyListeners = new Set<() => void>()
  /** Counts connections; rooms created on an earlier one no longer exist. */
  generation = 0
  /** Resolves once the first start attempt settled (available or not). */
  readonly firstStart: Promise<void>

  constructor(
    config: MediaConfig,
    private readonly options: MediaServiceOptions,
  ) {
    this.reason = config.mode === 'off' ? OFF_REASON : STARTING_REASON
    let settled: () => void = () => {}
    this.firstStart = new Promise<void>((resolve) => (settled = resolve))
    const done = () => settled()
    const failed = (err: unknown) => {
      this.reason = `voice failed: ${errorField(err).message.slice(0, 200)}`
      log.error({ part: 'voice', error: errorField(err) }, 'voice supervision failed')
      done()
    }
    if (config.mode === 'off') done()
    else if (config.mode === 'embedded') {
      this.running = this.runEmbedded(config.binary, done).catch(failed)
    } else this.running = this.runExternal(config, done).catch(failed)
  }

  /**
   * Whether voice can be joined now, and why not, in words a visitor may read: the server's
   * paths, addresses and errors stay in its log (`reason` there), not in what visitors get.
   */
  status(): VoiceStatus {
    return this.available
      ? { available: true }
      : { available: false, reason: publicReason(this.reason) }
  }

  get available(): boolean {
    return this.handle !== null && !this.stopped
  }

  /** The media server's WebSocket URL as browsers reach it. */
  get publicUrl(): string {
    return this.media?.publicUrl ?? ''
  }

  /** Where the embedded Janus runs (for the start-up log and tests), or null. */
  get embedded(): JanusProcess | null {
    return this.janus
  }

  /** Called with the reason whenever the media server goes away (every room on it is gone). */
  onLost(fn: (reason: string) => void): () => void {
    this.lostListeners.add(fn)
    return () => this.lostListeners.delete(fn)
  }

  /** Called whenever voice becomes available (first start, restart, reconnect). */
  onReady(fn: () => void): () => void {
    this.readyListeners.add(fn)
    return () => this.readyListeners.delete(fn)
  }

  /** A media token for the VideoRoom plugin, signed for VOICE.tokenSeconds. */
  mediaToken(now = Date.now()): { token: string; expires: number } {
    const media = this.need()
    return {
      token: signJanusToken(media.tokenSecret, [VIDEOROOM], VOICE.tokenSeconds, now),
      expires: (Math.floor(now / 1000) + VOICE.tokenSeconds) * 1000,
    }
  }

  /** A signed token for any plugin list (tests, and the stage later). */
  sign(plugins: readonly string[], seconds: number): string {
    return signJanusToken(this.need().tokenSecret, plugins, seconds)
  }

  // ---- VideoRoom requests ------------------------------------------------------------

  /**
   * Creates an audio room for `publishers` speakers: a random id and secret, nobody allowed in
   * until a pass is added, subscribers only with their own publisher's private id, recording
   * and RTP forwarding locked.
   */
  async createRoom(
    publishers: number,
    description: string,
    /** More room settings (the live stage: video codec, keyframe requests, bitrate). */
    extra: Record<string, unknown> = {},
  ): Promise<MediaRoom> {
    const generation = this.generation
    const secret = randomBytes(18).toString('base64url')
    for (let attempt = 0; ; attempt++) {
      const id = 1 + Math.floor(Math.random() * 0xfffffffe)
      try {
        await this.request({
          request: 'create',
          room: id,
          admin_key: this.need().adminKey,
          secret,
          description: description.slice(0, 60),
          is_private: true,
          permanent: false,
          allowed: [],
          require_pvtid: true,
          publishers: Math.max(1, Math.min(publishers, 10_000)),
          audiocodec: 'opus',
          lock_record: true,
          audiolevel_event: false,
          ...extra,
        })
        return { id, secret, generation }
      } catch (err) {
        if (err instanceof JanusError && err.code === ROOM_EXISTS && attempt < 5) continue
        throw err
      }
    }
  }

  async destroyRoom(room: MediaRoom): Promise<void> {
    if (!this.current(room)) return
    try {
      await this.request({ request: 'destroy', room: room.id, secret: room.secret })
    } catch (err) {
      if (!(err instanceof JanusError && err.code === NO_SUCH_ROOM)) throw err
    }
  }

  /** Adds or removes one-use passes in the room's `allowed` list. */
  async allowed(room: MediaRoom, action: 'add' | 'remove', passes: string[]): Promise<void> {
    if (passes.length === 0) return
    // A pass for a room that is gone would admit nobody: say so. Removing one is moot then.
    if (!this.current(room)) {
      if (action === 'add') throw new Error('the media server restarted: try again')
      return
    }
    try {
      await this.request({
        request: 'allowed',
        room: room.id,
        secret: room.secret,
        action,
        allowed: passes,
      })
    } catch (err) {
      if (!(action === 'remove' && err instanceof JanusError && err.code === NO_SUCH_ROOM))
        throw err
    }
  }

  async participants(room: MediaRoom): Promise<Participant[]> {
    if (!this.current(room)) return []
    const data = await this.request({ request: 'listparticipants', room: room.id })
    const list = Array.isArray(data.participants) ? (data.participants as unknown[]) : []
    const out: Participant[] = []
    for (const p of list) {
      if (typeof p !== 'object' || p === null) continue
      const { id, display, publisher } = p as Record<string, unknown>
      if (typeof id !== 'number') continue
      out.push({
        id,
        display: typeof display === 'string' ? display : '',
        publisher: publisher === true,
      })
    }
    return out
  }

  /** Kicks a participant; one that is not there any more is no error. */
  async kick(room: MediaRoom, id: number): Promise<void> {
    if (!this.current(room)) return
    try {
      await this.request({ request: 'kick', room: room.id, secret: room.secret, id })
    } catch (err) {
      // Gone already, or the whole room is (the instance closed meanwhile).
      if (!(err instanceof JanusError && (err.code === NO_SUCH_FEED || err.code === NO_SUCH_ROOM)))
        throw err
    }
  }

  /** Mutes or unmutes a publisher's stream `mid` for everyone (VideoRoom `moderate`). */
  async moderate(room: MediaRoom, id: number, mid: string, mute: boolean): Promise<void> {
    if (!this.current(room)) throw new JanusError(NO_SUCH_ROOM, 'the room is gone')
    await this.request({ request: 'moderate', room: room.id, secret: room.secret, id, mid, mute })
  }

  // ---- what the live stage asks (server/media/stage.ts) --------------------------------

  /** A VideoRoom request with the plugin's admin_key added (rtp_forward is locked to it). */
  async videoroomAdmin(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.request({ ...body, admin_key: this.need().adminKey })
  }

  /** A Streaming plugin request; `admin` adds the admin_key (create is locked to it). */
  async streaming(body: Record<string, unknown>, admin = false): Promise<Record<string, unknown>> {
    const handle = this.streamingHandle
    if (!handle || !this.available) throw new Error(this.reason)
    return handle.request(admin ? { ...body, admin_key: this.need().adminKey } : body)
  }

  /** Whether `generation` is this service's current connection (its rooms still exist). */
  isCurrent(generation: number): boolean {
    return this.available && generation === this.generation
  }

  /** Stops the embedded Janus (or closes the connection) for good. */
  async stop(): Promise<void> {
    this.stopped = true
    this.reason = 'voice stopped'
    this.wake?.()
    const session = this.session
    // Rooms are closing too: nobody needs `voice.ended` now.
    this.handle = null
    this.streamingHandle = null
    this.session = null
    await session?.destroy().catch(() => {})
    await this.janus?.stop()
    // A start under way finishes, then stops what it started.
    await this.running
    if (this.configDir) fs.rmSync(this.configDir, { recursive: true, force: true })
  }

  // ---- the connection ------------------------------------------------------------------

  private current(room: MediaRoom): boolean {
    return this.available && room.generation === this.generation
  }

  private need(): Media {
    if (!this.media || !this.available) throw new Error(this.reason)
    return this.media
  }

  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const handle = this.handle
    if (!handle) throw new Error(this.reason)
    return handle.request(body)
  }

  /** Opens the session and the VideoRoom handle; resolves when the connection is lost. */
  private async connect(media: Media): Promise<{ closed: Promise<string> }> {
    const session = await JanusSession.connect(media.url, nodeSocket, {
      token: () => signJanusToken(media.tokenSecret, [VIDEOROOM, STREAMING], SERVER_TOKEN_S),
      keepAliveMs: 20_000,
    })
    let handle: JanusHandle
    let streaming: JanusHandle
    try {
      handle = await session.attach(VIDEOROOM)
      streaming = await session.attach(STREAMING)
    } catch (err) {
      await session.destroy()
      throw err
    }
    const closed = new Promise<string>((resolve) => (session.onclose = resolve))
    this.media = media
    this.session = session
    this.handle = handle
    this.streamingHandle = streaming
    this.generation++
    for (const fn of this.readyListeners) fn()
    return { closed }
  }

  private lost(reason: string) {
    const was = this.handle !== null
    this.handle = null
    this.streamingHandle = null
    this.session = null
    this.reason = reason
    if (!was) return
    for (const fn of this.lostListeners) {
      try {
        fn(reason)
      } catch (err) {
        log.error({ part: 'voice', error: errorField(err) }, 'voice listener failed')
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      timer.unref()
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  private async runEmbedded(binary: string | undefined, started: () => void) {
    let failures = 0
    let dir: string
    try {
      dir = janusConfigDir(path.join(this.options.dataDir, 'janus'))
    } catch (err) {
      this.reason = `voice cannot write its config: ${errorField(err).message.slice(0, 200)}`
      log.error({ part: 'voice', reason: this.reason }, 'voice not available')
      started()
      return
    }
    this.configDir = dir
    while (!this.stopped) {
      const since = Date.now()
      try {
        this.janus = await startJanus({
          dir,
          ...(binary !== undefined && { binary }),
          ...(this.options.startTimeoutMs !== undefined && {
            startTimeoutMs: this.options.startTimeoutMs,
          }),
          onLog: (line) => log.debug({ part: 'voice', janus: line.slice(0, 300) }, 'janus'),
        })
      } catch (err) {
        if (err instanceof JanusNotFoundError) {
          this.reason = err.message
          log.info({ part: 'voice', reason: this.reason }, 'voice off')
          started()
          return
        }
        this.reason = `the media server did not start: ${errorField(err).message.slice(0, 300)}`
        log.error({ part: 'voice', reason: this.reason }, 'voice not available')
        started()
        await this.sleep(backoff(++failures))
        continue
      }
      const janus = this.janus
      if (this.stopped) {
        await janus.stop()
        return
      }
      let closed: Promise<string>
      try {
        ;({ closed } = await this.connect({
          url: janus.url,
          publicUrl: janus.url,
          tokenSecret: janus.tokenSecret,
          adminKey: janus.adminKey,
        }))
        log.info(
          { part: 'voice', url: janus.url, janusPid: janus.pid },
          'voice ready (embedded Janus)',
        )
      } catch (err) {
        closed = Promise.resolve(`no session on the media server: ${errorField(err).message}`)
      }
      started()
      const why = await Promise.race([
        closed,
        janus.exited.then((e) => `the media server exited (${e.code ?? e.signal})`),
      ])
      this.lost(this.stopped ? 'voice stopped' : `${why}: restarting it`)
      await janus.stop()
      this.janus = null
      if (this.stopped) return
      log.error({ part: 'voice', reason: why }, 'voice lost: restarting the media server')
      if (Date.now() - since > STABLE_MS) failures = 0
      await this.sleep(backoff(++failures))
    }
  }

  private async runExternal(media: Media, started: () => void) {
    let failures = 0
    while (!this.stopped) {
      const since = Date.now()
      let why: string
      try {
        const { closed } = await this.connect(media)
        log.info({ part: 'voice', url: media.url }, 'voice ready (external Janus)')
        started()
        why = await closed
      } catch (err) {
        why = `cannot reach the media server at ${media.url}: ${errorField(err).message}`
        started()
      }
      this.lost(this.stopped ? 'voice stopped' : why)
      if (this.stopped) return
      log.error({ part: 'voice', reason: why.slice(0, 300) }, 'voice not available: reconnecting')
      if (Date.now() - since > STABLE_MS) failures = 0
      await this.sleep(backoff(++failures))
    }
  }
}

/** What visitors are told for an internal reason (see status()). */
export function publicReason(reason: string): string {
  if (reason.includes(NO_JANUS_REASON)) return NO_JANUS_REASON
  if (reason === OFF_REASON || reason === STARTING_REASON) return reason
  return 'the media server is not available right now: try again shortly'
}

function backoff(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(failures, 16))
}
