// Part 1 of the voice bench: a world room full of speakers. Each bot joins the world over
// colyseus.js as a guest, walks to its spot, joins voice the way the client does (voice.join →
// voice.ticket; a Janus session with the ticket's token; a VideoRoom publisher with its feed and
// pass; one audio track from a werift peer, opus-like RTP at 50 packets/s), and listens the way
// the client does (src/voice/media.ts): every 250 ms it picks the nearest speakers (pickVoices:
// VOICE radius and cap, hysteresis) among the seats in the state's `voice` map whose pose it has
// and whose feed the media server says is publishing, and changes ONE multistream subscriber
// handle to match. It records the most streams it ever held and, inside the window, every RTP
// packet received (loss from sequence numbers per SSRC). Runs in worker threads.
import { Client, getStateCallbacks, type Room } from 'colyseus.js'
import type { WorldState } from '../../server/rooms/WorldState'
import { nodeSocket } from '../../server/media/janus'
import { VIDEOROOM } from '../../server/media/tokens'
import { JanusSession, type HandleEvent, type JanusHandle } from '../../src/protocol/janus'
import { dequantizePos, type ServerMessages } from '../../src/protocol/messages'
import { POSE_FRAME, PoseBook } from '../../src/protocol/poseFrame'
import { VOICE, type VoiceTicket } from '../../src/protocol/voice'
import { pickVoices, type SpeakerAt } from '../../src/voice/interest'
import { BotSwarm, botColor, clock, withTimeout, type JoinTally } from '../lib/swarm'
import { RtpPublisher, RtpReceiver, type SdpLike } from './peer'

export interface SpeakerSwarmOptions {
  url: string
  world: string
  spawn: { x: number; y: number; z: number }
  /** Where bot i stands: [x, z] (all bots of the run, by index). */
  spots: [number, number][]
  /** Bot i listens (subscribes) when i % listenEvery === 0; every bot speaks. */
  listenEvery: number
}

export interface SpeakerJoin extends JoinTally {
  roomIds: string[]
}

export interface ListenerReport {
  index: number
  /** Most audio streams its subscription held at once (from the media server's stream lists). */
  maxStreams: number
  /** Most feeds it asked for at once. */
  maxAsked: number
  streamsAtEnd: number
  expected: number
  received: number
  connected: boolean
  /** What it knew at the end: seats in voice, poses in view, feeds publishing. */
  seats: number
  poses: number
  publishing: number
}

export interface SpeakerReport {
  listeners: ListenerReport[]
  publishers: number
  publishersConnected: number
  /** RTP packets the publishers sent inside the window. */
  sentInWindow: number
  errors: Record<string, number>
  firstErrors: string[]
  renegotiations: number
  loopDelayMsP99: number
  loopDelayMsMax: number
}

const TICK_MS = 5
const POSE_MS = 100
const WALK_SPEED = 4
const INTEREST_MS = 250
const STAND_POSE_MS = 2000

interface Bot {
  index: number
  room: Room<WorldState>
  live: boolean
  x: number
  z: number
  spot: [number, number]
  nextPoseAt: number
  movedAt: number
  listens: boolean
  book: PoseBook
  seats: Map<string, { feed: number; muted: boolean }>
  session: JanusSession | null
  ticket: VoiceTicket | null
  privateId: number
  publisher: RtpPublisher | null
  publishing: Set<number>
  sub: JanusHandle | null
  rx: RtpReceiver | null
  asked: Map<string, number>
  updating: boolean
  chain: Promise<void>
  nextPickAt: number
  report: ListenerReport
}

function activeAudio(raw: unknown): number | null {
  if (!Array.isArray(raw)) return null
  return (raw as Record<string, unknown>[]).filter(
    (s) => s && s.type === 'audio' && s.active !== false && typeof s.feed_id === 'number',
  ).length
}

export class SpeakerSwarm extends BotSwarm<Bot> {
  private readonly errors: Record<string, number> = {}
  private readonly firstErrors: string[] = []
  private renegotiations = 0
  private sentAtOpen = 0
  private sentAtClose = 0

  constructor(private readonly opts: SpeakerSwarmOptions) {
    super(TICK_MS)
  }

  private fail(kind: string, err: unknown) {
    if (this.stopping) return // sessions closing under a request at the end are not failures
    this.errors[kind] = (this.errors[kind] ?? 0) + 1
    if (this.firstErrors.length < 8)
      this.firstErrors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`)
  }

  async join(indices: number[], concurrency: number): Promise<SpeakerJoin> {
    const rooms = new Set<string>()
    const tally = await this.joinEach(indices, concurrency, async (index) => {
      const bot = await this.joinOne(index)
      rooms.add(bot.room.roomId)
    })
    return { ...tally, roomIds: [...rooms] }
  }

  private async joinOne(index: number): Promise<Bot> {
    const client = new Client(this.opts.url)
    const room = await withTimeout(
      client.joinOrCreate<WorldState>('world', {
        world: this.opts.world,
        name: `bot-${index}`,
        color: botColor(index),
      }),
      30_000,
      `bot ${index} join`,
    )
    const now = clock()
    const bot: Bot = {
      index,
      room,
      live: true,
      x: this.opts.spawn.x,
      z: this.opts.spawn.z,
      spot: this.opts.spots[index]!,
      nextPoseAt: now,
      movedAt: now,
      listens: index % this.opts.listenEvery === 0,
      book: new PoseBook(room.sessionId),
      seats: new Map(),
      session: null,
      ticket: null,
      privateId: 0,
      publisher: null,
      publishing: new Set(),
      sub: null,
      rx: null,
      asked: new Map(),
      updating: false,
      chain: Promise.resolve(),
      nextPickAt: now + Math.random() * INTEREST_MS,
      report: {
        index,
        maxStreams: 0,
        maxAsked: 0,
        streamsAtEnd: 0,
        expected: 0,
        received: 0,
        connected: false,
        seats: 0,
        poses: 0,
        publishing: 0,
      },
    }
    this.bots.push(bot)
    room.onLeave(() => (bot.live = false))
    const $ = getStateCallbacks(room)
    $(room.state).players.onAdd((p, id) => bot.book.addPlayer(id, p.n))
    $(room.state).players.onRemove((p, id) => bot.book.removePlayer(id, p.n))
    // The schema objects themselves: feed and muted are read when picking.
    $(room.state).voice.onAdd((seat, id) => bot.seats.set(id, seat))
    $(room.state).voice.onRemove((_, id) => bot.seats.delete(id))
    room.onMessage(POSE_FRAME, (bytes: Uint8Array) => {
      try {
        bot.book.apply(bytes)
      } catch (err) {
        this.fail('pose frame', err)
      }
    })
    room.onMessage('*', () => {})
    const ticket = await withTimeout(
      new Promise<VoiceTicket>((resolve, reject) => {
        room.onMessage('voice.ticket', (t: ServerMessages['voice.ticket']) => resolve(t))
        room.onMessage('error', (m: ServerMessages['error']) =>
          reject(new Error(`${m.code}: ${m.message}`)),
        )
        room.send('voice.join', {})
      }),
      20_000,
      `bot ${index} voice.join`,
    )
    bot.ticket = ticket
    await this.publish(bot, ticket)
    return bot
  }

  private async publish(bot: Bot, ticket: VoiceTicket) {
    const session = await JanusSession.connect(ticket.url, nodeSocket, {
      token: ticket.token,
      timeoutMs: 20_000,
    })
    bot.session = session
    const pub = await session.attach(VIDEOROOM)
    pub.onevent = (ev) => this.onPublisherEvent(bot, ev)
    const joined = await pub.message({
      request: 'join',
      ptype: 'publisher',
      room: ticket.room,
      id: ticket.feed,
      token: ticket.pass,
      display: bot.room.sessionId,
    })
    bot.privateId = Number(joined.data.private_id)
    this.notePublishers(bot, joined.data.publishers)
    const publisher = new RtpPublisher()
    bot.publisher = publisher
    const answer = await pub.message({ request: 'publish' }, await publisher.offer())
    if (!answer.jsep) throw new Error('no answer to the publish offer')
    await publisher.accept(answer.jsep as SdpLike)
  }

  private notePublishers(bot: Bot, list: unknown) {
    if (!Array.isArray(list)) return
    for (const p of list as Record<string, unknown>[]) {
      if (p && typeof p.id === 'number' && p.dummy !== true) bot.publishing.add(p.id)
    }
  }

  private onPublisherEvent(bot: Bot, ev: HandleEvent) {
    const d = ev.data
    if (ev.kind !== 'event' || !d) return
    this.notePublishers(bot, d.publishers)
    for (const key of ['unpublished', 'leaving', 'kicked'] as const) {
      const feed = d[key]
      if (typeof feed === 'number') bot.publishing.delete(feed)
    }
  }

  // ---- listening, as src/voice/media.ts does -------------------------------------------

  private pick(bot: Bot) {
    const ticket = bot.ticket
    if (!ticket || !bot.session || bot.updating || !bot.listens) return
    const self = bot.room.sessionId
    const feeds = new Map<string, number>()
    const speakers: SpeakerAt[] = []
    for (const [id, seat] of bot.seats) {
      if (id === self || seat.muted || !bot.publishing.has(seat.feed)) continue
      const pose = bot.book.poses.get(id)
      if (!pose) continue
      feeds.set(id, seat.feed)
      speakers.push({ id, x: dequantizePos(pose.x), z: dequantizePos(pose.z) })
    }
    const current = new Set<string>()
    const stale: number[] = []
    for (const [id, feed] of bot.asked) {
      if (feeds.has(id) && feeds.get(id) !== feed) stale.push(feed)
      else current.add(id)
    }
    const pick = pickVoices(speakers, bot.x, bot.z, current, ticket.radius, ticket.cap)
    const subscribe = pick.subscribe.map((id) => feeds.get(id)!)
    const unsubscribe = [...stale, ...pick.unsubscribe.map((id) => bot.asked.get(id)!)]
    if (subscribe.length === 0 && unsubscribe.length === 0) return
    const before = new Map(bot.asked)
    for (const id of pick.unsubscribe) bot.asked.delete(id)
    for (const id of pick.subscribe) bot.asked.set(id, feeds.get(id)!)
    bot.report.maxAsked = Math.max(bot.report.maxAsked, bot.asked.size)
    bot.updating = true
    this.run(bot, async () => {
      if (!bot.sub) {
        if (subscribe.length > 0) await this.openSubscriber(bot, subscribe)
        return
      }
      const body: Record<string, unknown> = { request: 'update' }
      if (subscribe.length)
        body.subscribe = subscribe.map((feed) => ({ feed, mid: VOICE.audioMid }))
      if (unsubscribe.length) body.unsubscribe = unsubscribe.map((feed) => ({ feed }))
      const reply = await bot.sub.message(body)
      if (reply.jsep) await this.answer(bot, reply.jsep as SdpLike, reply.data.streams)
    })
      .catch((err: unknown) => {
        bot.asked.clear()
        for (const [id, feed] of before) bot.asked.set(id, feed)
        this.fail('subscribe', err)
      })
      .finally(() => (bot.updating = false))
  }

  private run(bot: Bot, op: () => Promise<void>): Promise<void> {
    const next = bot.chain.then(op)
    bot.chain = next.catch(() => {})
    return next
  }

  private async openSubscriber(bot: Bot, feeds: number[]) {
    const sub = await bot.session!.attach(VIDEOROOM)
    const rx = new RtpReceiver(new Set(['audio']))
    rx.counter.windowOpen = this.inWindow(clock())
    bot.sub = sub
    bot.rx = rx
    sub.onevent = (ev) => {
      if (ev.kind !== 'event') return
      const jsep = ev.jsep
      if (jsep?.type === 'offer') {
        this.renegotiations++
        this.run(bot, () => this.answer(bot, jsep as SdpLike, ev.data?.streams)).catch((err) =>
          this.fail('renegotiate', err),
        )
      } else if (ev.data?.streams) this.noteStreams(bot, ev.data.streams)
    }
    const reply = await sub.message({
      request: 'join',
      ptype: 'subscriber',
      room: bot.ticket!.room,
      private_id: bot.privateId,
      streams: feeds.map((feed) => ({ feed, mid: VOICE.audioMid })),
    })
    if (!reply.jsep) throw new Error('no offer for the subscription')
    await this.answer(bot, reply.jsep as SdpLike, reply.data.streams)
  }

  private async answer(bot: Bot, offer: SdpLike, streams: unknown) {
    const answer = await bot.rx!.answer(offer)
    await bot.sub!.message({ request: 'start' }, answer)
    this.noteStreams(bot, streams)
  }

  private noteStreams(bot: Bot, raw: unknown) {
    const n = activeAudio(raw)
    if (n === null) return
    bot.report.streamsAtEnd = n
    bot.report.maxStreams = Math.max(bot.report.maxStreams, n)
  }

  // ---- the clock: RTP at 50/s, poses at 10 Hz while walking, interest at 4 Hz --------------

  protected tick() {
    const now = clock()
    for (const bot of this.bots) {
      if (!bot.live) continue
      bot.publisher?.tick(now)
      if (now >= bot.nextPickAt) {
        bot.nextPickAt = now + INTEREST_MS
        this.pick(bot)
      }
      if (now < bot.nextPoseAt) continue
      const dt = Math.min(0.3, (now - bot.movedAt) / 1000)
      bot.movedAt = now
      const [tx, tz] = bot.spot
      const dx = tx - bot.x
      const dz = tz - bot.z
      const d = Math.hypot(dx, dz)
      const step = WALK_SPEED * dt
      const arrived = d <= step
      if (arrived) {
        bot.x = tx
        bot.z = tz
      } else {
        bot.x += (dx / d) * step
        bot.z += (dz / d) * step
      }
      // Standing still: a pose now and then is enough (the server keeps the last one).
      bot.nextPoseAt = now + (arrived ? STAND_POSE_MS : POSE_MS)
      try {
        bot.room.send('pose', {
          x: bot.x,
          y: this.opts.spawn.y,
          z: bot.z,
          h: 0,
          a: arrived ? 'idle' : 'walk',
        })
      } catch {
        // closed: onLeave has marked it
      }
    }
  }

  private sent() {
    return this.bots.reduce((sum, b) => sum + (b.publisher?.sent ?? 0), 0)
  }

  protected windowOpened() {
    this.sentAtOpen = this.sent()
    for (const b of this.bots) if (b.rx) b.rx.counter.windowOpen = true
  }

  protected windowClosed() {
    this.sentAtClose = this.sent()
    for (const b of this.bots) if (b.rx) b.rx.counter.windowOpen = false
  }

  async stop(): Promise<SpeakerReport> {
    this.stopping = true
    const listeners: ListenerReport[] = []
    for (const b of this.bots) {
      if (!b.listens) continue
      const t = b.rx?.counter.totals()
      listeners.push({
        ...b.report,
        expected: t?.expected ?? 0,
        received: t?.received ?? 0,
        connected: b.rx?.connected ?? false,
        seats: b.seats.size,
        poses: b.book.poses.size,
        publishing: b.publishing.size,
      })
    }
    const publishersConnected = this.bots.filter((b) => b.publisher?.connected).length
    const loop = this.loopDelay()
    await Promise.all(
      this.bots.map(async (b) => {
        await b.session?.destroy().catch(() => {})
        await b.publisher?.close()
        await b.rx?.close()
      }),
    )
    await this.leaveAll()
    return {
      listeners,
      publishers: this.bots.filter((b) => b.publisher).length,
      publishersConnected,
      sentInWindow: this.sentAtClose - this.sentAtOpen,
      errors: this.errors,
      firstErrors: this.firstErrors,
      renegotiations: this.renegotiations,
      ...loop,
    }
  }
}
