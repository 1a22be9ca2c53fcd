// The live stage on the media servers (docs/stage.md): the stage's VideoRoom room on the main
// Janus, RTP forwarders from its publisher into Streaming mountpoints, and those mountpoints on
// the main Janus and on relay Janus processes of this server (JANUS_RELAYS). Only this server
// holds the admin key and the secrets; watchers get a Streaming-only token and a pin.
import { randomBytes } from 'node:crypto'
import { JanusError } from '../../src/protocol/janus'
import { STAGE } from '../../src/protocol/stage'
import type { MediaRoom, MediaService } from './service'
import { STREAMING, VIDEOROOM } from './tokens'

/** The payload types a mountpoint expects; forwarders rewrite the publisher's to these. */
export const MOUNT_PT = { audio: 111, video: 96 } as const
/** The mids watchers see (a mountpoint's own names, not the publisher's). */
export const MOUNT_MID = { audio: 'a', video: 'v' } as const
/** The stage room asks its publisher for a key frame this often (s), for late watchers. */
export const STAGE_FIR_S = 3
const NO_SUCH_MOUNT = 455
const NO_SUCH_ROOM = 426
const NO_SUCH_FEED = 428

/** One Streaming mountpoint of this server, on media server `janus` (0: main, 1…: relays). */
export interface Mount {
  janus: number
  id: number
  pin: string
  secret: string
  audioPort: number
  videoPort: number
  /** The connection it was made on; one of an earlier connection is gone. */
  generation: number
}

/** Where a forwarder sends: a mountpoint's RTP address. */
export interface MountTarget {
  host: string
  audio: number
  video: number
}

export class StageMedia {
  /** Every media server of this process: the main one first, then the relays. */
  readonly all: readonly MediaService[]

  constructor(
    readonly main: MediaService,
    relays: readonly MediaService[],
    /** The address other Janus processes reach this server's mountpoints at (JANUS_RTP_HOST). */
    readonly rtpHost: string,
  ) {
    this.all = [main, ...relays]
  }

  /** The stage's room: one or two publishers (a take-over overlaps), opus + vp8, FIR every 3 s. */
  createRoom(description: string): Promise<MediaRoom> {
    return this.main.createRoom(2, `stage ${description}`, {
      videocodec: 'vp8',
      fir_freq: STAGE_FIR_S,
      bitrate: STAGE.video.bitrate,
      bitrate_cap: true,
      notify_joining: false,
    })
  }

  /** A VideoRoom token (publisher) or a Streaming token (watcher of media server `janus`). */
  token(kind: 'publish' | 'watch', janus = 0, now = Date.now()) {
    const service = kind === 'publish' ? this.main : this.all[janus]
    if (!service) throw new Error('no such media server')
    return {
      token: service.sign([kind === 'publish' ? VIDEOROOM : STREAMING], STAGE.tokenSeconds),
      expires: (Math.floor(now / 1000) + STAGE.tokenSeconds) * 1000,
    }
  }

  /**
   * Forwards the publisher's stream `mid` to `host:port` with the mountpoint's payload type;
   * resolves with the forwarder's stream id.
   */
  async forward(
    room: MediaRoom,
    feed: number,
    kind: 'audio' | 'video',
    host: string,
    port: number,
  ): Promise<number> {
    const mid = kind === 'audio' ? STAGE.audioMid : STAGE.videoMid
    const data = await this.main.videoroomAdmin({
      request: 'rtp_forward',
      room: room.id,
      secret: room.secret,
      publisher_id: feed,
      host,
      host_family: 'ipv4',
      streams: [{ mid, port, pt: MOUNT_PT[kind] }],
    })
    const list = Array.isArray(data.forwarders) ? (data.forwarders as unknown[]) : []
    const first = list[0] as { stream_id?: unknown } | undefined
    if (typeof first?.stream_id !== 'number') throw new Error(`no forwarder for mid ${mid}`)
    return first.stream_id
  }

  /** Stops a forwarder; one that is gone (with its publisher or room) is no error. */
  async stopForward(room: MediaRoom, feed: number, stream: number): Promise<void> {
    if (!this.main.isCurrent(room.generation)) return
    try {
      await this.main.videoroomAdmin({
        request: 'stop_rtp_forward',
        room: room.id,
        secret: room.secret,
        publisher_id: feed,
        stream_id: stream,
      })
    } catch (err) {
      if (!(err instanceof JanusError && [NO_SUCH_ROOM, NO_SUCH_FEED].includes(err.code))) {
        throw err
      }
    }
  }

  /**
   * A private mountpoint on media server `janus` for one event: opus and vp8 on ports Janus
   * picks from its range, a random secret (only this server edits or destroys it) and pin.
   */
  async createMount(janus: number, description: string): Promise<Mount> {
    const service = this.all[janus]
    if (!service) throw new Error('no such media server')
    const generation = service.generation
    const secret = randomBytes(18).toString('base64url')
    const pin = randomBytes(12).toString('base64url')
    for (let attempt = 0; ; attempt++) {
      const id = 1 + Math.floor(Math.random() * 0xfffffffe)
      try {
        const data = await service.streaming(
          {
            request: 'create',
            type: 'rtp',
            id,
            name: `stage-${id}`,
            description: `stage ${description}`.slice(0, 60),
            is_private: true,
            secret,
            pin,
            permanent: false,
            media: [
              {
                type: 'audio',
                mid: MOUNT_MID.audio,
                port: 0,
                pt: MOUNT_PT.audio,
                codec: 'opus',
              },
              {
                type: 'video',
                mid: MOUNT_MID.video,
                port: 0,
                pt: MOUNT_PT.video,
                codec: 'vp8',
              },
            ],
          },
          true,
        )
        const stream = (data.stream ?? {}) as { ports?: unknown }
        const ports = Array.isArray(stream.ports) ? (stream.ports as unknown[]) : []
        const portOf = (mid: string) => {
          const p = ports.find((x) => (x as { mid?: unknown }).mid === mid) as
            { port?: unknown } | undefined
          if (typeof p?.port !== 'number') throw new Error(`the mountpoint has no ${mid} port`)
          return p.port
        }
        return {
          janus,
          id,
          pin,
          secret,
          audioPort: portOf(MOUNT_MID.audio),
          videoPort: portOf(MOUNT_MID.video),
          generation,
        }
      } catch (err) {
        // 456: an id in use; try another.
        if (err instanceof JanusError && err.code === 456 && attempt < 5) continue
        throw err
      }
    }
  }

  async destroyMount(mount: Mount): Promise<void> {
    const service = this.all[mount.janus]
    if (!service?.isCurrent(mount.generation)) return
    try {
      await service.streaming({ request: 'destroy', id: mount.id, secret: mount.secret })
    } catch (err) {
      if (!(err instanceof JanusError && err.code === NO_SUCH_MOUNT)) throw err
    }
  }

  /** How many watch a mountpoint now (its `viewers`), or null when it is gone. */
  async viewers(mount: Mount): Promise<number | null> {
    const service = this.all[mount.janus]
    if (!service?.isCurrent(mount.generation)) return null
    try {
      const data = await service.streaming({ request: 'info', id: mount.id, secret: mount.secret })
      const info = (data.info ?? {}) as { viewers?: unknown }
      return typeof info.viewers === 'number' ? info.viewers : 0
    } catch (err) {
      if (err instanceof JanusError && err.code === NO_SUCH_MOUNT) return null
      throw err
    }
  }
}
