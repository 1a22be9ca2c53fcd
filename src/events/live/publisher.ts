// Going live, in the browser (lazy chunk, loaded on the first "Go live" click): captures the
// camera or a shared screen and/or the microphone within STAGE's limits, then, with the
// server's `stage.publish` ticket, joins the event's stage room on the media server as the
// admitted publisher (feed id, one-use pass) and publishes: audio as the first m-line (mid '0'),
// video as the second (mid '1'); a missing one stays in its place, inactive.
import { JanusSession, type HandleEvent, type JanusHandle } from '../../protocol/janus'
import { STAGE, type LiveVideo, type StagePublishTicket } from '../../protocol/stage'
import { browserSocket } from '../../net/janusSocket'
import { addCandidate, peerFor, toDescription } from './rtc'
import { cameraConstraints, micConstraints } from './wire'

const VIDEOROOM = 'janus.plugin.videoroom'

export interface PublisherEvents {
  /** The media server took the media (ICE and DTLS are up). */
  live(): void
  /** The broadcast ended without this side asking: why (a string key or the server's words). */
  ended(why: string): void
}

export class StagePublisher {
  private stream: MediaStream | null = null
  private session: JanusSession | null = null
  private handle: JanusHandle | null = null
  private pc: RTCPeerConnection | null = null
  private token = ''
  private closed = false

  constructor(private readonly events: PublisherEvents) {}

  /** The capture, for the preview. */
  get media(): MediaStream | null {
    return this.stream
  }

  /**
   * Asks for the devices (call it from the visitor's click: the browser ties the prompt and a
   * screen share to the gesture). Throws the browser's error when refused or missing.
   */
  async capture(audio: boolean, video: LiveVideo): Promise<MediaStream> {
    const md = navigator.mediaDevices
    if (!md?.getUserMedia) throw new Error('stage.err.insecure')
    const tracks: MediaStreamTrack[] = []
    try {
      if (video === 'screen') {
        if (!md.getDisplayMedia) throw new Error('stage.err.noScreen')
        const v = STAGE.video
        const screen = await md.getDisplayMedia({
          video: { width: { max: v.width }, height: { max: v.height }, frameRate: { max: v.fps } },
          audio: false,
        })
        tracks.push(...screen.getVideoTracks())
        if (audio) {
          const mic = await md.getUserMedia({ audio: micConstraints(), video: false })
          tracks.push(...mic.getAudioTracks())
        }
      } else if (audio || video === 'camera') {
        const got = await md.getUserMedia({
          audio: audio ? micConstraints() : false,
          video: video === 'camera' ? cameraConstraints() : false,
        })
        tracks.push(...got.getTracks())
      }
    } catch (err) {
      for (const t of tracks) t.stop()
      throw err
    }
    const stream = new MediaStream(tracks)
    this.stream = stream
    // The browser's own "Stop sharing" (or an unplugged camera) ends the broadcast.
    for (const t of tracks) t.onended = () => this.lose('stage.ended.device')
    return stream
  }

  setToken(token: string) {
    this.token = token
  }

  /**
   * Joins the stage room as the admitted publisher and publishes the capture. `display`: the
   * seat's session id, which the server's sweep checks beside the feed id (as voice does).
   */
  async connect(ticket: StagePublishTicket, display: string): Promise<void> {
    const stream = this.stream
    if (!stream || this.closed) throw new Error('stage.err.noMedia')
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
    const handle = await session.attach(VIDEOROOM)
    this.handle = handle
    handle.onevent = (ev) => this.onEvent(ev)
    const joined = await handle.message({
      request: 'join',
      ptype: 'publisher',
      room: ticket.room,
      id: ticket.feed,
      token: ticket.pass,
      display,
    })
    if (joined.data.videoroom !== 'joined')
      throw new Error('the media server did not let this publisher onto the stage')
    if (this.closed) return

    const pc = peerFor(handle, () => this.pc === pc && !this.closed)
    this.pc = pc
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.lose('the connection to the media server failed')
    }
    const audio = stream.getAudioTracks()[0]
    const video = stream.getVideoTracks()[0]
    // Always two m-lines in this order (STAGE.audioMid, STAGE.videoMid).
    pc.addTransceiver(audio ?? 'audio', {
      direction: audio ? 'sendonly' : 'inactive',
      streams: audio ? [stream] : [],
      sendEncodings: [{ maxBitrate: STAGE.audioBitrate }],
    })
    pc.addTransceiver(video ?? 'video', {
      direction: video ? 'sendonly' : 'inactive',
      streams: video ? [stream] : [],
      sendEncodings: [{ maxBitrate: STAGE.video.bitrate, maxFramerate: STAGE.video.fps }],
    })
    const offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    const answer = await handle.message(
      { request: 'publish', bitrate: STAGE.video.bitrate + STAGE.audioBitrate },
      { type: 'offer', sdp: offer.sdp ?? '' },
    )
    if (!answer.jsep) throw new Error('the media server did not answer the stage offer')
    if (this.closed) return
    await pc.setRemoteDescription(toDescription(answer.jsep))
  }

  /** Everything off: the media server, the connection, the devices. */
  stop() {
    this.closed = true
    this.pc?.close()
    this.pc = null
    this.handle = null
    const session = this.session
    this.session = null
    if (session) session.destroy().catch(() => {})
    for (const t of this.stream?.getTracks() ?? []) {
      t.onended = null
      t.stop()
    }
    this.stream = null
  }

  private onEvent(ev: HandleEvent) {
    if (this.closed) return
    if (ev.kind === 'trickle') {
      addCandidate(this.pc, ev.raw.candidate)
      return
    }
    if (ev.kind === 'webrtcup') {
      this.events.live()
      return
    }
    if (ev.kind === 'hangup' || ev.kind === 'detached') {
      this.lose('the media server closed the stage connection')
      return
    }
    const d = ev.data
    if (ev.kind !== 'event' || !d) return
    if (d.videoroom === 'destroyed') this.lose('the stage room was closed')
    else if (d.leaving === 'ok' && d.reason === 'kicked') this.lose('taken off the stage')
    else if (d.unpublished === 'ok') this.lose('the media server stopped the broadcast')
  }

  private lose(why: string) {
    if (this.closed) return
    this.stop()
    this.events.ended(why)
  }
}
