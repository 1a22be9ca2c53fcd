// The media side of voice (a lazy chunk: loaded on the first Join click). With the ticket the game
// server handed out, it opens a session on the Janus media server (src/protocol/janus.ts over
// the browser's WebSocket, the token renewed in place), joins the instance's VideoRoom as the
// publisher the server admitted (feed id, one-use pass), publishes the microphone (audio only),
// and receives the nearest speakers on ONE multistream subscriber handle, updated as people move
// (src/voice/interest.ts every INTEREST_MS). What arrives is mixed in space by src/voice/audio.ts.
//
// One file (~450 lines): the publisher, the subscriber and the interest loop share one media
// server session, its generation (answers of an older connection are dropped) and the feeds
// known to publish; apart, each would reach into the others' state.
import {
  JanusError,
  JanusSession,
  type HandleEvent,
  type JanusHandle,
  type Jsep,
  type RTCIceCandidateInitLike,
} from '../protocol/janus'
import { VOICE, type VoiceTicket } from '../protocol/voice'
import { browserSocket } from '../net/janusSocket'
import { remotes } from '../net/remotes'
import { localMotion } from '../state/player'
import { VoiceMixer } from './audio'
import { voiceLive, type Measure, type VoiceEngine } from './frame'
import { pickVoices, type SpeakerAt } from './interest'
import { micOpen, useVoice } from './store'

const VIDEOROOM = 'janus.plugin.videoroom'
/** How often the voices to receive are picked again, ms. */
const INTEREST_MS = 250
/** How often speaking levels are read, ms (a few times a second is plenty for a ring). */
const LEVEL_MS = 200
/** VideoRoom's "No such feed": the feed stopped publishing before the request arrived. */
const NO_SUCH_FEED = 428

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** A stream of a subscription as VideoRoom lists it ('attached' and 'updated' events). */
interface SubStream {
  mid: string
  feed: number
}

function readStreams(raw: unknown): SubStream[] | null {
  if (!Array.isArray(raw)) return null
  const out: SubStream[] = []
  for (const s of raw as Record<string, unknown>[]) {
    if (typeof s !== 'object' || s === null) continue
    if (s.type !== 'audio' || s.active === false) continue
    if (typeof s.mid !== 'string' || typeof s.feed_id !== 'number') continue
    out.push({ mid: s.mid, feed: s.feed_id })
  }
  return out
}

function toDescription(jsep: Jsep): RTCSessionDescriptionInit {
  return { type: jsep.type, sdp: jsep.sdp }
}

export interface MediaEvents {
  /** The media connection ended without the visitor asking (kicked, server gone): why. */
  ended(reason: string): void
}

export class VoiceMedia implements VoiceEngine {
  private readonly mixer: VoiceMixer
  private mic: MediaStream | null = null
  private session: JanusSession | null = null
  private pub: JanusHandle | null = null
  private pubPc: RTCPeerConnection | null = null
  private sub: JanusHandle | null = null
  private subPc: RTCPeerConnection | null = null
  private ticket: VoiceTicket | null = null
  private token = ''
  private self = ''
  private privateId = 0
  /** Bumped on every connect and disconnect: what an older connection answers is dropped. */
  private generation = 0
  /** Feeds that the media server says are publishing now. */
  private readonly publishing = new Set<number>()
  /** Session id → feed asked for on the subscriber handle. */
  private readonly asked = new Map<string, number>()
  /** The subscription's active audio streams, as the media server last described them. */
  private streams: SubStream[] = []
  /** Subscriber requests run one at a time, in order (each may renegotiate). */
  private chain: Promise<void> = Promise.resolve()
  private updating = false
  private timers: ReturnType<typeof setInterval>[] = []

  constructor(
    ctx: AudioContext,
    private readonly events: MediaEvents,
  ) {
    this.mixer = new VoiceMixer(ctx, useVoice.getState().radius)
    voiceLive.engine = this
  }

  /** Asks for the microphone (the browser's prompt, the first time). Throws when refused. */
  async openMic(): Promise<void> {
    if (this.mic?.getAudioTracks().some((t) => t.readyState === 'live')) return
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('voice.micInsecure')
    this.mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    })
    this.setMicEnabled(false)
    this.mixer.setMic(this.mic)
  }

  /** Sends the microphone or silence (muted, push-to-talk released). */
  setMicEnabled(on: boolean) {
    for (const t of this.mic?.getAudioTracks() ?? []) t.enabled = on
  }

  setToken(token: string) {
    this.token = token
  }

  /** Joins the instance's room as the admitted publisher and publishes the microphone. */
  async connect(ticket: VoiceTicket, self: string): Promise<void> {
    this.disconnect()
    const generation = ++this.generation
    const mic = this.mic
    const track = mic?.getAudioTracks()[0]
    if (!mic || !track) throw new Error('voice.micFailed')
    this.ticket = ticket
    this.token = ticket.token
    this.self = self
    this.mixer.setRadius(ticket.radius)
    const session = await JanusSession.connect(ticket.url, browserSocket, {
      token: () => this.token,
    })
    if (generation !== this.generation) {
      void session.destroy()
      return
    }
    this.session = session
    session.onclose = (reason) => {
      if (generation === this.generation) this.lose(reason)
    }
    const pub = await session.attach(VIDEOROOM)
    this.pub = pub
    pub.onevent = (ev) => {
      if (generation === this.generation) this.onPublisherEvent(ev)
    }
    const joined = await pub.message({
      request: 'join',
      ptype: 'publisher',
      room: ticket.room,
      id: ticket.feed,
      token: ticket.pass,
      display: self,
    })
    if (joined.data.videoroom !== 'joined' || typeof joined.data.private_id !== 'number')
      throw new Error('the media server did not let this visitor into the voice room')
    this.privateId = joined.data.private_id
    this.notePublishers(joined.data.publishers)

    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' })
    this.pubPc = pc
    pc.onicecandidate = (e) => {
      if (generation !== this.generation) return
      pub.trickle(e.candidate ? e.candidate.toJSON() : null).catch(() => {})
    }
    pc.addTransceiver(track, { direction: 'sendonly', streams: [mic] })
    const offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    const answer = await pub.message(
      { request: 'publish' },
      { type: 'offer', sdp: offer.sdp ?? '' },
    )
    if (!answer.jsep) throw new Error('the media server did not answer the microphone offer')
    await pc.setRemoteDescription(toDescription(answer.jsep))
    if (generation !== this.generation) return
    this.timers.push(setInterval(() => this.pickInterest(), INTEREST_MS))
    this.timers.push(setInterval(() => this.readLevels(), LEVEL_MS))
  }

  /** Leaves the media server (the session, its handles and connections); keeps the microphone. */
  disconnect() {
    this.generation++
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    this.mixer.clear()
    this.pubPc?.close()
    this.subPc?.close()
    this.pubPc = this.subPc = null
    this.pub = this.sub = null
    const session = this.session
    this.session = null
    if (session) session.destroy().catch(() => {})
    this.ticket = null
    this.publishing.clear()
    this.asked.clear()
    this.chain = Promise.resolve()
    this.updating = false
    useVoice.getState().setSubscribed([])
    useVoice.getState().setSpeaking([])
  }

  /** Everything off: the media server, the microphone, the audio graph. */
  destroy() {
    this.disconnect()
    for (const t of this.mic?.getTracks() ?? []) t.stop()
    this.mic = null
    this.mixer.close()
    if (voiceLive.engine === this) voiceLive.engine = null
  }

  // ---- VoiceEngine (the scene part and the test hooks) ---------------------------------

  frame(fx: number, fy: number, fz: number, ux: number, uy: number, uz: number) {
    this.mixer.frame(fx, fy, fz, ux, uy, uz)
  }

  heard(sessionId: string): Measure | null {
    return this.mixer.heard(sessionId)
  }

  mix(): Measure {
    return this.mixer.mix()
  }

  levels(into: Map<string, number>) {
    this.mixer.levels(this.self, micOpen(useVoice.getState(), Date.now()), into)
  }

  // ---- the publisher handle -------------------------------------------------------------

  private onPublisherEvent(ev: HandleEvent) {
    if (ev.kind === 'trickle') {
      addCandidate(this.pubPc, ev.raw.candidate)
      return
    }
    if (ev.kind === 'hangup' || ev.kind === 'detached') {
      this.lose('the media server closed the microphone connection')
      return
    }
    const d = ev.data
    if (ev.kind !== 'event' || !d) return
    if (d.videoroom === 'destroyed') {
      this.lose('voice ended in this room')
      return
    }
    if (d.leaving === 'ok' && d.reason === 'kicked') {
      this.lose('removed from voice by the server')
      return
    }
    this.notePublishers(d.publishers)
    for (const key of ['unpublished', 'leaving', 'kicked'] as const) {
      const feed = d[key]
      if (typeof feed === 'number') this.publishing.delete(feed)
    }
  }

  private notePublishers(list: unknown) {
    if (!Array.isArray(list)) return
    for (const p of list as Record<string, unknown>[]) {
      if (p && typeof p.id === 'number' && p.dummy !== true) this.publishing.add(p.id)
    }
  }

  private lose(reason: string) {
    if (!this.ticket) return
    this.disconnect()
    this.events.ended(reason)
  }

  // ---- interest: whom to receive --------------------------------------------------------

  private pickInterest() {
    // Someone whose seat is gone (left, kicked) is not heard from now on, whatever the media
    // server has yet to say about their stream, and even while an update is under way.
    this.mixVoices()
    const ticket = this.ticket
    if (!ticket || !this.session || this.updating) return
    const s = useVoice.getState()
    const feeds = new Map<string, number>()
    const speakers: SpeakerAt[] = []
    for (const [id, seat] of Object.entries(s.seats)) {
      // Muted people send silence: they take no place in the cap. Blocked ones are not received.
      if (id === this.self || seat.muted || s.blocked[id] || !this.publishing.has(seat.feed))
        continue
      const m = remotes.get(id)?.motion
      if (!m) continue
      feeds.set(id, seat.feed)
      speakers.push({ id, x: m.x, z: m.z })
    }
    // Someone who rejoined voice publishes under a new feed: the old one goes, the new one comes.
    const current = new Set<string>()
    const stale: number[] = []
    for (const [id, feed] of this.asked) {
      if (feeds.has(id) && feeds.get(id) !== feed) stale.push(feed)
      else current.add(id)
    }
    const pick = pickVoices(
      speakers,
      localMotion.x,
      localMotion.z,
      current,
      ticket.radius,
      ticket.cap,
    )
    const subscribe = pick.subscribe.map((id) => feeds.get(id)!)
    const unsubscribe = [...stale, ...pick.unsubscribe.map((id) => this.asked.get(id)!)]
    if (subscribe.length === 0 && unsubscribe.length === 0) return
    const before = new Map(this.asked)
    for (const id of pick.unsubscribe) this.asked.delete(id)
    for (const id of pick.subscribe) this.asked.set(id, feeds.get(id)!)
    this.updating = true
    const generation = this.generation
    this.run(async () => {
      if (!this.sub) {
        if (subscribe.length > 0) await this.openSubscriber(subscribe)
        return
      }
      const body: Record<string, unknown> = { request: 'update' }
      if (subscribe.length)
        body.subscribe = subscribe.map((feed) => ({ feed, mid: VOICE.audioMid }))
      if (unsubscribe.length) body.unsubscribe = unsubscribe.map((feed) => ({ feed }))
      const reply = await this.sub.message(body)
      if (reply.jsep) await this.answer(reply.jsep, reply.data.streams)
      else {
        // Nothing to renegotiate (the feeds left had already gone): the streams are what the
        // reply says, or what they were less the feeds given up.
        const gone = new Set(unsubscribe)
        this.streams = this.streams.filter((st) => !gone.has(st.feed))
        if (reply.data.streams) this.syncVoices(reply.data.streams)
        else this.mixVoices()
      }
    })
      .catch((err: unknown) => {
        if (generation !== this.generation) return
        // Nothing changed on the media server: ask again on a later pick.
        this.asked.clear()
        for (const [id, feed] of before) this.asked.set(id, feed)
        const gone = err instanceof JanusError && err.code === NO_SUCH_FEED
        const feed = gone ? /\((\d+)\)/.exec(err.message)?.[1] : undefined
        if (feed) this.publishing.delete(Number(feed))
        else console.warn('[voice] could not change what is received:', describe(err))
      })
      .finally(() => {
        if (generation === this.generation) this.updating = false
      })
  }

  /** Runs a subscriber request after the ones before it. */
  private run(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op)
    this.chain = next.catch(() => {})
    return next
  }

  // ---- the subscriber handle ------------------------------------------------------------

  private async openSubscriber(feeds: number[]) {
    const session = this.session
    const ticket = this.ticket
    if (!session || !ticket) return
    const generation = this.generation
    const sub = await session.attach(VIDEOROOM)
    if (generation !== this.generation) return
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' })
    this.sub = sub
    this.subPc = pc
    pc.onicecandidate = (e) => {
      if (generation !== this.generation || this.sub !== sub) return
      sub.trickle(e.candidate ? e.candidate.toJSON() : null).catch(() => {})
    }
    sub.onevent = (ev) => {
      if (generation === this.generation && this.sub === sub) this.onSubscriberEvent(ev)
    }
    try {
      const reply = await sub.message({
        request: 'join',
        ptype: 'subscriber',
        room: ticket.room,
        private_id: this.privateId,
        streams: feeds.map((feed) => ({ feed, mid: VOICE.audioMid })),
      })
      if (!reply.jsep) throw new Error('the media server sent no offer for the voices')
      await this.answer(reply.jsep, reply.data.streams)
    } catch (err) {
      if (this.sub === sub) this.dropSubscriber()
      sub.detach().catch(() => {})
      throw err
    }
  }

  private onSubscriberEvent(ev: HandleEvent) {
    if (ev.kind === 'trickle') {
      addCandidate(this.subPc, ev.raw.candidate)
      return
    }
    if (ev.kind === 'hangup' || ev.kind === 'detached') {
      // The voices' connection is gone: the next pick opens a fresh one.
      this.dropSubscriber()
      return
    }
    if (ev.kind !== 'event') return
    const jsep = ev.jsep
    // Janus renegotiates by itself when a received speaker stops publishing.
    if (jsep?.type === 'offer') {
      this.run(() => this.answer(jsep, ev.data?.streams)).catch((err: unknown) =>
        console.warn('[voice] renegotiation failed:', describe(err)),
      )
    } else if (ev.data?.streams) {
      this.syncVoices(ev.data.streams)
    }
  }

  private dropSubscriber() {
    this.subPc?.close()
    this.subPc = null
    this.sub = null
    this.asked.clear()
    this.streams = []
    this.mixer.clear()
    useVoice.getState().setSubscribed([])
  }

  /** Answers the media server's offer for the subscription and starts (or resumes) it. */
  private async answer(offer: Jsep, streams: unknown) {
    const pc = this.subPc
    const sub = this.sub
    if (!pc || !sub) return
    await pc.setRemoteDescription(toDescription(offer))
    const answer = await pc.createAnswer()
    await pc.setLocalDescription(answer)
    await sub.message({ request: 'start' }, { type: 'answer', sdp: answer.sdp ?? '' })
    if (this.subPc === pc) this.syncVoices(streams)
  }

  /** Takes the media server's description of the subscription's streams, and mixes them. */
  private syncVoices(raw: unknown) {
    const streams = readStreams(raw)
    if (!this.subPc || !streams) return
    this.streams = streams
    this.mixVoices()
  }

  /** Makes the mixer's voices match the subscription's active audio streams and the seats. */
  private mixVoices() {
    const pc = this.subPc
    const streams = this.streams
    if (!pc) return
    const seats = useVoice.getState().seats
    const byFeed = new Map<number, string>()
    for (const [id, seat] of Object.entries(seats)) byFeed.set(seat.feed, id)
    const want = new Map<number, { id: string; mid: string; track: MediaStreamTrack }>()
    const transceivers = pc.getTransceivers()
    for (const s of streams) {
      // The feed's seat says whose voice it is (a display name is the publisher's own word).
      const id = byFeed.get(s.feed)
      const track = transceivers.find((t) => t.mid === s.mid)?.receiver.track
      if (id && track && id !== this.self) want.set(s.feed, { id, mid: s.mid, track })
    }
    for (const v of this.mixer.voices) {
      const w = want.get(v.feed)
      if (w && w.mid === v.mid && w.track === v.track && w.id === v.id) want.delete(v.feed)
      else this.mixer.remove(v)
    }
    for (const [feed, w] of want) this.mixer.add(w.id, feed, w.mid, w.track)
    useVoice.getState().setSubscribed(this.mixer.voices.map((v) => v.id).sort())
  }

  private readLevels() {
    const s = useVoice.getState()
    s.setSpeaking(this.mixer.speaking(this.self, micOpen(s, Date.now())))
  }
}

function addCandidate(pc: RTCPeerConnection | null, raw: unknown) {
  if (!pc || typeof raw !== 'object' || raw === null) return
  const c = raw as RTCIceCandidateInitLike & { completed?: boolean }
  if (c.completed || typeof c.candidate !== 'string') {
    pc.addIceCandidate().catch(() => {})
    return
  }
  pc.addIceCandidate({
    candidate: c.candidate,
    sdpMid: c.sdpMid ?? null,
    sdpMLineIndex: c.sdpMLineIndex ?? null,
  }).catch(() => {})
}
