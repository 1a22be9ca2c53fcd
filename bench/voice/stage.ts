// Part 2 of the voice bench: the live stage heard by a crowd, written against the contract in
// src/protocol/stage.ts. The host goes live (stage.golive → stage.publish: a VideoRoom publisher
// with the ticket's feed and pass, a werift peer sending opus-like RTP at 50 packets/s); the
// server forwards it into Streaming mountpoints, on its own Janus and on its relay Janus
// (JANUS_RELAYS). Watchers are colyseus.js bots in the event's instances: each asks stage.watch
// → StageWatchTicket, opens a Streaming session with its token, `watch`es the mountpoint with its
// pin, answers the offer with a werift peer, and counts the RTP it receives (audio: the host
// sends no video) per SSRC in the window. Runs in worker threads.
import { Client, type Room } from 'colyseus.js'
import type { JanusSession } from '../../src/protocol/janus'
import type { StagePublishTicket } from '../../src/protocol/stage'
import { BotSwarm, botColor, clock, withTimeout, type JoinTally } from '../lib/swarm'
import { RtpPublisher, RtpReceiver } from './peer'
import { goLive, publishOffer, watchStage, watchTicket } from './seats'

export interface StageSwarmOptions {
  url: string
  event: string
  /** How long a watcher keeps asking while the server says stage_off (the feed is starting). */
  watchWaitMs: number
}

export interface WatchJoin extends JoinTally {
  /** Watchers by media server URL (which Janus carries them). */
  byJanus: Record<string, number>
  /** Watchers by event instance (roomId). */
  byRoom: Record<string, number>
}

export interface WatchReport {
  watchers: number
  connected: number
  expected: number
  received: number
  /** Per watcher: expected and received, and the Janus URL (for a per-Janus loss). */
  perJanus: Record<string, { watchers: number; expected: number; received: number }>
  withoutPackets: number
  errors: Record<string, number>
  firstErrors: string[]
  loopDelayMsP99: number
  loopDelayMsMax: number
}

interface Watcher {
  room: Room
  live: boolean
  janus: string
  session: JanusSession | null
  rx: RtpReceiver | null
}

export class StageSwarm extends BotSwarm<Watcher> {
  private readonly errors: Record<string, number> = {}
  private readonly firstErrors: string[] = []

  constructor(private readonly opts: StageSwarmOptions) {
    super(50)
  }

  private fail(kind: string, err: unknown) {
    if (this.stopping) return
    this.errors[kind] = (this.errors[kind] ?? 0) + 1
    if (this.firstErrors.length < 8)
      this.firstErrors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`)
  }

  async join(indices: number[], concurrency: number): Promise<WatchJoin> {
    const byJanus: Record<string, number> = {}
    const byRoom: Record<string, number> = {}
    const tally = await this.joinEach(indices, concurrency, async (index) => {
      const w = await this.joinOne(index)
      byJanus[w.janus] = (byJanus[w.janus] ?? 0) + 1
      byRoom[w.room.roomId] = (byRoom[w.room.roomId] ?? 0) + 1
    })
    return { ...tally, byJanus, byRoom }
  }

  private async joinOne(index: number): Promise<Watcher> {
    const client = new Client(this.opts.url)
    const room = await withTimeout(
      client.joinOrCreate('event', {
        event: this.opts.event,
        name: `bot-${index}`,
        color: botColor(index),
      }),
      60_000,
      `bot ${index} join`,
    )
    room.onMessage('*', () => {})
    const w: Watcher = { room, live: true, janus: '', session: null, rx: null }
    this.bots.push(w)
    room.onLeave(() => (w.live = false))
    const ticket = await watchTicket(room, this.opts.watchWaitMs)
    w.janus = ticket.url
    const rx = new RtpReceiver(new Set(['audio']))
    rx.counter.windowOpen = this.inWindow(clock())
    w.rx = rx
    w.session = await watchStage(ticket, async (offer) => {
      const answer = await rx.answer({ type: 'offer', sdp: offer })
      return answer.sdp
    })
    return w
  }

  protected tick() {}

  protected windowOpened() {
    for (const w of this.bots) if (w.rx) w.rx.counter.windowOpen = true
  }

  protected windowClosed() {
    for (const w of this.bots) if (w.rx) w.rx.counter.windowOpen = false
  }

  async stop(): Promise<WatchReport> {
    this.stopping = true
    const perJanus: WatchReport['perJanus'] = {}
    let expected = 0
    let received = 0
    let withoutPackets = 0
    for (const w of this.bots) {
      const t = w.rx?.counter.totals() ?? { expected: 0, received: 0, streams: 0 }
      const j = (perJanus[w.janus] ??= { watchers: 0, expected: 0, received: 0 })
      j.watchers++
      j.expected += t.expected
      j.received += t.received
      expected += t.expected
      received += t.received
      if (t.received === 0) withoutPackets++
    }
    const connected = this.bots.filter((w) => w.rx?.connected).length
    const loop = this.loopDelay()
    await Promise.all(
      this.bots.map(async (w) => {
        await w.session?.destroy().catch(() => {})
        await w.rx?.close()
      }),
    )
    await this.leaveAll()
    return {
      watchers: this.bots.length,
      connected,
      expected,
      received,
      perJanus,
      withoutPackets,
      errors: this.errors,
      firstErrors: this.firstErrors,
      ...loop,
    }
  }
}

/** The host on air: goes live with sound only and publishes RTP into the stage room. */
export class StageHost {
  publisher: RtpPublisher | null = null
  private session: JanusSession | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  ticket: StagePublishTicket | null = null

  constructor(readonly room: Room) {
    room.onMessage('*', () => {})
  }

  async goLive(): Promise<StagePublishTicket> {
    const live = await goLive(this.room)
    this.ticket = live.ticket
    this.session = live.session
    const publisher = new RtpPublisher()
    this.publisher = publisher
    const offer = await publisher.offer()
    await publisher.accept({ type: 'answer', sdp: await publishOffer(live.pub, offer.sdp) })
    this.timer = setInterval(() => publisher.tick(clock()), 5)
    return live.ticket
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    await this.session?.destroy().catch(() => {})
    await this.publisher?.close()
  }
}
