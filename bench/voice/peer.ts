// werift peers for the voice bench: a publisher that sends opus-like RTP at 50 packets/s (Janus
// relays audio without decoding it, so the payload only has to look like an opus frame), and a
// receiver that counts what arrives per SSRC from the RTP sequence numbers. ICE stays on
// loopback: the embedded Janus only offers 127.0.0.1, and werift is told to gather it too.
import dgram from 'node:dgram'
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCSessionDescription,
} from 'werift'

/**
 * werift's UDP sockets get a 1 MB receive buffer (the kernel default is 208 KB): a bench thread
 * that stalls for a moment under load would otherwise have the kernel drop what queued up
 * meanwhile (Udp RcvbufErrors), and the bench would measure its own stalls as loss.
 */
const RECV_BUFFER = 1 << 20
const createSocket = dgram.createSocket.bind(dgram) as (type: dgram.SocketType) => dgram.Socket
;(dgram as { createSocket: (type: dgram.SocketType) => dgram.Socket }).createSocket = (type) => {
  const socket = createSocket(type)
  socket.once('listening', () => {
    try {
      socket.setRecvBufferSize(RECV_BUFFER)
    } catch {
      // not allowed here: the default buffer it is
    }
  })
  return socket
}

export const OPUS_PT = 111
/** 20 ms of 48 kHz audio per packet: 50 packets/s, 960 timestamp ticks each. */
export const PACKET_MS = 20
const TICKS = 960
/** An opus-sized payload (an 80-byte frame, about 32 kbit/s); its content is never decoded. */
const PAYLOAD = Buffer.alloc(80, 0x5a)
PAYLOAD[0] = 0x78 // TOC byte: CELT fullband 20 ms, one frame

/** A session description (the shape of src/protocol/janus.ts' Jsep). */
export interface SdpLike {
  type: 'offer' | 'answer'
  sdp: string
  [key: string]: unknown
}

export function newPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: OPUS_PT,
        }),
      ],
      video: [
        new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96 }),
      ],
    },
  })
}

/** The local description once ICE gathering is complete (Janus then needs no trickle). */
export async function gathered(pc: RTCPeerConnection, limitMs = 10_000): Promise<SdpLike> {
  const deadline = Date.now() + limitMs
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
  }
  const d = pc.localDescription as RTCSessionDescription | undefined
  if (!d) throw new Error('no local description')
  return { type: d.type as 'offer' | 'answer', sdp: d.sdp }
}

/** Only loopback candidates: the others would only slow ICE down (Janus offers 127.0.0.1). */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || / 127\.0\.0\.1 /.test(l))
    .join('\r\n')
}

/** A send-only audio publisher: makeOffer → (signalling) → accept(answer); then tick() sends. */
export class RtpPublisher {
  readonly pc = newPeer()
  readonly track = new MediaStreamTrack({ kind: 'audio' })
  private seq = Math.floor(Math.random() * 65536)
  private ts = Math.floor(Math.random() * 2 ** 31)
  private readonly ssrc = (Math.random() * 2 ** 32) >>> 0
  private started = 0
  sent = 0

  constructor() {
    this.pc.addTransceiver(this.track, { direction: 'sendonly' })
  }

  async offer(): Promise<SdpLike> {
    await this.pc.setLocalDescription(await this.pc.createOffer())
    const d = await gathered(this.pc)
    return { type: 'offer', sdp: loopbackOnly(d.sdp) }
  }

  async accept(answer: SdpLike): Promise<void> {
    await this.pc.setRemoteDescription(answer)
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected'
  }

  /**
   * Sends every packet due since the start (50/s), at most `maxBurst` at once: a stalled event
   * loop then sends late, not a flood (what it skips is the sender's loss, not the network's).
   */
  tick(now: number, maxBurst = 3) {
    if (!this.connected) return
    if (!this.started) this.started = now
    const due = Math.floor((now - this.started) / PACKET_MS) + 1
    let burst = 0
    while (this.sent < due && burst < maxBurst) {
      this.send()
      burst++
    }
    if (this.sent < due) {
      // Skip what is too late, keeping sequence numbers continuous (nothing is "lost").
      this.ts += (due - this.sent) * TICKS
      this.started += (due - this.sent) * PACKET_MS
    }
  }

  private send() {
    const header = new RtpHeader({
      payloadType: OPUS_PT,
      sequenceNumber: this.seq,
      timestamp: this.ts >>> 0,
      ssrc: this.ssrc,
      marker: false,
    })
    this.track.writeRtp(new RtpPacket(header, PAYLOAD))
    this.seq = (this.seq + 1) & 0xffff
    this.ts = (this.ts + TICKS) >>> 0
    this.sent++
  }

  async close() {
    await this.pc.close().catch(() => {})
  }
}

/** Per-SSRC counts of RTP received inside the measuring window. */
export class SeqCounter {
  private readonly streams = new Map<
    number,
    { first: number; last: number; got: number; seen: Set<number> }
  >()
  /** Extended (unwrapped) last sequence number per SSRC, whatever the window. */
  private readonly ext = new Map<number, number>()
  windowOpen = false
  packets = 0

  receive(ssrc: number, seq: number) {
    const prev = this.ext.get(ssrc)
    let e = seq
    if (prev !== undefined) {
      const base = prev - (prev & 0xffff)
      e = base + seq
      if (e < prev - 32768) e += 65536
      else if (e > prev + 32768) e -= 65536
    }
    if (prev === undefined || e > prev) this.ext.set(ssrc, e)
    if (!this.windowOpen) return
    this.packets++
    let s = this.streams.get(ssrc)
    if (!s) {
      s = { first: e, last: e, got: 0, seen: new Set() }
      this.streams.set(ssrc, s)
    }
    if (s.seen.has(e)) return // a duplicate
    s.seen.add(e)
    s.got++
    if (e < s.first) s.first = e
    if (e > s.last) s.last = e
  }

  /** Expected (from first to last sequence number in the window) and received packets. */
  totals(): { expected: number; received: number; streams: number } {
    let expected = 0
    let received = 0
    for (const s of this.streams.values()) {
      expected += s.last - s.first + 1
      received += s.got
    }
    return { expected, received, streams: this.streams.size }
  }
}

/**
 * A receive-only peer for offers that Janus makes (VideoRoom subscriber, Streaming watcher):
 * answers each offer (renegotiations too) and counts every RTP packet in `counter`.
 */
export class RtpReceiver {
  readonly pc = newPeer()
  readonly counter = new SeqCounter()
  constructor(readonly kinds: ReadonlySet<string> = new Set(['audio', 'video'])) {
    this.pc.onTrack.subscribe((track) => {
      if (!this.kinds.has(track.kind)) return
      track.onReceiveRtp.subscribe((rtp) =>
        this.counter.receive(rtp.header.ssrc, rtp.header.sequenceNumber),
      )
    })
  }

  /** Answers Janus' offer; the answer goes back with `start` (or Streaming's `start`). */
  async answer(offer: SdpLike): Promise<SdpLike> {
    await this.pc.setRemoteDescription(offer)
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    const d = await gathered(this.pc)
    return { type: 'answer', sdp: loopbackOnly(d.sdp) }
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected'
  }

  async close() {
    await this.pc.close().catch(() => {})
  }
}
