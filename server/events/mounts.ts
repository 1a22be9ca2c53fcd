// The live stage's mountpoints on this server process (docs/stage.md): at most one per event and
// media server (the main Janus and each relay), made on the first `stage.watch` of that event
// here, registered for the event in presence (cq:event:K:mounts, field `<process>:<janus>`) so
// that the publisher's instance, wherever it runs, forwards the stage into it; kept alive by a
// heartbeat while seats here watch it, destroyed a while after the last one stopped. Each
// watcher gets the least-loaded media server of the process.
import type { Presence } from '@colyseus/core'
import { background } from '../background'
import { errorField, log } from '../log'
import type { Mount, StageMedia } from '../media/stage'
import { eventChannel, eventKey, safeJson, type EventBus } from './bus'

/** A registration's heartbeat (ms); one older than MOUNT_STALE_MS is a dead process's. */
export const MOUNT_BEAT_MS = 5000
export const MOUNT_STALE_MS = 15_000
/** A mountpoint nobody here watched for this long is destroyed (ms). */
export const MOUNT_IDLE_MS = 30_000
/** What watchers of a lost mountpoint are told (the server's reason stays in its log). */
const WATCH_AGAIN = 'the media server restarted: watch again'

/** What cq:event:K:mounts holds per mountpoint: where forwarders send. */
export interface MountRecord {
  host: string
  audio: number
  video: number
  /** The mountpoint's id: a new one (a restarted media server) needs new forwarders. */
  id: number
  at: number
}

export function parseMountRecord(raw: string): MountRecord | null {
  const v = safeJson(raw) as Partial<MountRecord> | null
  if (!v || typeof v !== 'object') return null
  const port = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536
  if (typeof v.host !== 'string' || v.host.length > 255 || !port(v.audio) || !port(v.video)) {
    return null
  }
  if (typeof v.id !== 'number' || typeof v.at !== 'number') return null
  return { host: v.host, audio: v.audio!, video: v.video!, id: v.id, at: v.at }
}

interface Entry {
  event: string
  mount: Mount | null
  creating: Promise<Mount> | null
  /** Watching seats by session id: what to tell them when the mountpoint goes. */
  watchers: Map<string, (reason: string) => void>
  idleSince: number
}

export class StageMounts {
  /** By `<event>|<janus>`. */
  private readonly entries = new Map<string, Entry>()
  private readonly timer: NodeJS.Timeout
  private readonly unlisten: (() => void)[] = []

  constructor(
    readonly media: StageMedia,
    private readonly presence: Presence,
    private readonly processId: string,
  ) {
    this.timer = setInterval(
      () => background(this.beat(), '[stage] mount heartbeat'),
      MOUNT_BEAT_MS,
    )
    this.timer.unref()
    media.all.forEach((service, janus) => {
      this.unlisten.push(service.onLost((reason) => this.lost(janus, reason)))
    })
  }

  /** Whether any media server of this process can take watchers now. */
  get available(): boolean {
    return this.media.all.some((s) => s.available)
  }

  /**
   * Seat `session` watches `event`: the mountpoint of that event on the least-loaded media
   * server here, made and registered if there is none yet.
   */
  async watch(
    event: string,
    session: string,
    ended: (reason: string) => void,
  ): Promise<{ mount: Mount; url: string }> {
    this.unwatch(event, session)
    const janus = this.leastLoaded()
    if (janus === null) throw new Error('no media server is available')
    const key = `${event}|${janus}`
    let entry = this.entries.get(key)
    if (!entry) {
      entry = { event, mount: null, creating: null, watchers: new Map(), idleSince: 0 }
      this.entries.set(key, entry)
    }
    entry.watchers.set(session, ended)
    const mount = await this.mountOf(entry, janus)
    return { mount, url: this.media.all[janus]!.publicUrl }
  }

  /** The seat stopped watching (left, or watches again). */
  unwatch(event: string, session: string) {
    for (const entry of this.entries.values()) {
      if (entry.event === event && entry.watchers.delete(session) && entry.watchers.size === 0) {
        entry.idleSince = Date.now()
      }
    }
  }

  /** Which media server a watcher of this session watches (for its token), or null. */
  janusOf(event: string, session: string): number | null {
    for (const [key, entry] of this.entries) {
      if (entry.event === event && entry.watchers.has(session) && entry.mount) {
        return Number(key.slice(key.lastIndexOf('|') + 1))
      }
    }
    return null
  }

  /** Watchers per media server of this process (tests and the bench's log). */
  loads(): number[] {
    const out = this.media.all.map(() => 0)
    for (const [key, entry] of this.entries) {
      const janus = Number(key.slice(key.lastIndexOf('|') + 1))
      out[janus] = (out[janus] ?? 0) + entry.watchers.size
    }
    return out
  }

  async dispose() {
    clearInterval(this.timer)
    for (const fn of this.unlisten) fn()
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.all(all.map((e) => this.drop(e, null)))
  }

  private leastLoaded(): number | null {
    const loads = this.loads()
    let best: number | null = null
    this.media.all.forEach((service, janus) => {
      if (service.available && (best === null || loads[janus]! < loads[best]!)) best = janus
    })
    return best
  }

  private async mountOf(entry: Entry, janus: number): Promise<Mount> {
    const service = this.media.all[janus]!
    if (entry.mount && service.isCurrent(entry.mount.generation)) return entry.mount
    entry.creating ??= this.media.createMount(janus, entry.event).then(
      async (mount) => {
        entry.creating = null
        entry.mount = mount
        await this.register(entry, mount)
        this.presence.publish(eventChannel(entry.event), { t: 'mounts' } satisfies EventBus)
        log.info({ event: entry.event, janus, mountpoint: mount.id }, 'stage mountpoint made')
        return mount
      },
      (err: unknown) => {
        entry.creating = null
        throw err
      },
    )
    return entry.creating
  }

  private field(janus: number) {
    return `${this.processId}:${janus}`
  }

  private async register(entry: Entry, mount: Mount) {
    const record: MountRecord = {
      host: this.media.rtpHost,
      audio: mount.audioPort,
      video: mount.videoPort,
      id: mount.id,
      at: Date.now(),
    }
    await this.presence.hset(
      eventKey(entry.event, 'mounts'),
      this.field(mount.janus),
      JSON.stringify(record),
    )
  }

  /** The heartbeat: registrations of watched mountpoints refreshed, idle ones destroyed. */
  private async beat() {
    const now = Date.now()
    for (const [key, entry] of [...this.entries]) {
      if (entry.watchers.size === 0 && !entry.creating && now - entry.idleSince > MOUNT_IDLE_MS) {
        this.entries.delete(key)
        await this.drop(entry, null)
      } else if (entry.mount) {
        await this.register(entry, entry.mount)
      }
    }
  }

  /** Destroys a mountpoint and its registration; its watchers hear `reason` when given. */
  private async drop(entry: Entry, reason: string | null) {
    const mount = entry.mount
    entry.mount = null
    if (reason) for (const ended of entry.watchers.values()) ended(reason)
    entry.watchers.clear()
    if (!mount) return
    try {
      await this.presence.hdel(eventKey(entry.event, 'mounts'), this.field(mount.janus))
      await this.media.destroyMount(mount)
    } catch (err) {
      log.warn({ event: entry.event, error: errorField(err) }, 'stage mountpoint not destroyed')
    }
  }

  /** A media server went away with its mountpoints: watchers there watch again. */
  private lost(janus: number, reason: string) {
    log.warn(
      { janus, reason: reason.slice(0, 200) },
      'stage: media server lost with its mountpoints',
    )
    for (const [key, entry] of [...this.entries]) {
      if (!key.endsWith(`|${janus}`)) continue
      this.entries.delete(key)
      background(this.drop(entry, WATCH_AGAIN), '[stage] lost mountpoint')
    }
  }
}
