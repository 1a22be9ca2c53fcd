// Watching the live stage, in the browser (lazy chunk): with the server's `stage.watch` ticket,
// opens a session on the media server (Streaming plugin only, token renewed in place), asks to
// watch the mountpoint with its pin, answers the offer receive-only and starts. What arrives
// (the stage's audio and video) is one MediaStream for the screen and the stage's sound.
import { JanusSession, type HandleEvent, type JanusHandle } from '../../protocol/janus'
import type { StageWatchTicket } from '../../protocol/stage'
import { browserSocket } from '../../net/janusSocket'
import { addCandidate, peerFor, toDescription } from './rtc'

const STREAMING = 'janus.plugin.streaming'

export interface WatcherEvents {
  /** Media arrives: the stream to show and hear. */
  media(stream: MediaStream): void
  /** The watch ended or failed without this side asking, and why. */
  lost(why: string): void
}

export class StageWatcher {
  private session: JanusSession | null = null
  private handle: JanusHandle | null = null
  private pc: RTCPeerConnection | null = null
  private readonly stream = new MediaStream()
  private token = ''
  private closed = false
  private arrived = false

  constructor(private readonly events: WatcherEvents) {}

  setToken(token: string) {
    this.token = token
  }

  async connect(ticket: StageWatchTicket): Promise<void> {
    this.token = ticket.token
    const session = await JanusSession.connect(ticket.url, browserSocket, {
      token: () => this.token,
    })
    if (this.closed) {
      session.destroy().catch(() => {})
      return
    }
    this.session = session
    session.onclose = (reason) => this.lose(reason)
    const handle = await session.attach(STREAMING)
    if (this.closed) return
    this.handle = handle
    handle.onevent = (ev) => this.onEvent(ev)
    const pc = peerFor(handle, () => this.pc === pc && !this.closed)
    this.pc = pc
    pc.ontrack = (e) => this.onTrack(e.track)
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.lose('the connection to the stage failed')
    }
    const reply = await handle.message({
      request: 'watch',
      id: ticket.mountpoint,
      pin: ticket.pin,
    })
    const offer = reply.jsep
    if (!offer || offer.type !== 'offer') throw new Error('the media server sent no stage offer')
    if (this.closed) return
    await pc.setRemoteDescription(toDescription(offer))
    for (const t of pc.getTransceivers()) t.direction = 'recvonly'
    const answer = await pc.createAnswer()
    await pc.setLocalDescription(answer)
    if (this.closed) return
    await handle.message({ request: 'start' }, { type: 'answer', sdp: answer.sdp ?? '' })
  }

  stop() {
    this.closed = true
    this.pc?.close()
    this.pc = null
    this.handle = null
    const session = this.session
    this.session = null
    if (session) session.destroy().catch(() => {})
    for (const t of this.stream.getTracks()) this.stream.removeTrack(t)
  }

  private onTrack(track: MediaStreamTrack) {
    if (this.closed) return
    for (const t of this.stream.getTracks()) if (t.kind === track.kind) this.stream.removeTrack(t)
    this.stream.addTrack(track)
    // Media has arrived once a track carries packets (a new track starts muted until then).
    if (!track.muted) this.arrive()
    else track.addEventListener('unmute', () => this.arrive(), { once: true })
  }

  private arrive() {
    if (this.closed || this.arrived) return
    this.arrived = true
    this.events.media(this.stream)
  }

  private onEvent(ev: HandleEvent) {
    if (this.closed) return
    if (ev.kind === 'trickle') {
      addCandidate(this.pc, ev.raw.candidate)
      return
    }
    if (ev.kind === 'hangup' || ev.kind === 'detached') {
      this.lose('the stage connection closed')
      return
    }
    const result = ev.data?.result as Record<string, unknown> | undefined
    if (ev.kind === 'event' && result?.status === 'stopped') this.lose('the broadcast stopped')
  }

  private lose(why: string) {
    if (this.closed) return
    this.stop()
    this.events.lost(why)
  }
}
