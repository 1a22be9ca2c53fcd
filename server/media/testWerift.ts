// Tests only: real WebRTC peers in Node (werift) on the live stage: a publisher that joins the
// stage room with a ticket and sends RTP it makes (opus-like audio, VP8-like key frames), and a
// watcher that watches a Streaming mountpoint and counts the RTP sequence numbers it receives.
// ICE stays on loopback (the embedded Janus offers only 127.0.0.1).
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift'
import type { JanusHandle, JanusSession, Jsep } from '../../src/protocol/janus'
import type { StagePublishTicket, StageWatchTicket } from '../../src/protocol/stage'
import { mediaSession } from './testJanus'
import { STREAMING, VIDEOROOM } from './tokens'

const OPUS = 111
const VP8 = 96

/**
 * A werift peer with loopback among its host candidates (the embedded Janus offers the machine's
 * own addresses too, so the rest stay: traffic never leaves the machine); opus and VP8.
 */
export function peer(): RTCPeerConnection {
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
          payloadType: OPUS,
        }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: VP8,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
        }),
      ],
    },
  })
}

/** The local description once ICE gathering finished (Janus gets no trickled candidates). */
async function gathered(pc: RTCPeerConnection): Promise<Jsep> {
  const end = Date.now() + 10_000
  while (pc.iceGatheringState !== 'complete' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20))
  }
  const d = pc.localDescription
  if (!d) throw new Error('no local description')
  return { type: d.type as 'offer' | 'answer', sdp: d.sdp }
}

export interface StagePublisher {
  session: JanusSession
  handle: JanusHandle
  pc: RTCPeerConnection
  /** Sends `n` audio packets (20 ms apart in RTP time) and a video key frame every 10th. */
  send(n: number): void
  close(): Promise<void>
}

/** Joins the stage room with the ticket (as `display`, with `feed` or a forged id) and publishes. */
export async function publishStage(
  ticket: StagePublishTicket,
  display: string,
  opts: { feed?: number; pass?: string } = {},
): Promise<StagePublisher> {
  const session = await mediaSession(ticket.url, ticket.token)
  const handle = await session.attach(VIDEOROOM)
  await handle.message({
    request: 'join',
    ptype: 'publisher',
    room: ticket.room,
    id: opts.feed ?? ticket.feed,
    display,
    token: opts.pass ?? ticket.pass,
  })
  const pc = peer()
  const audio = new MediaStreamTrack({ kind: 'audio' })
  const video = new MediaStreamTrack({ kind: 'video' })
  pc.addTransceiver(audio, { direction: 'sendonly' })
  pc.addTransceiver(video, { direction: 'sendonly' })
  await pc.setLocalDescription(await pc.createOffer())
  const reply = await handle.message(
    { request: 'publish', audio: true, video: true },
    await gathered(pc),
  )
  if (!reply.jsep) throw new Error('no answer to the publish')
  await pc.setRemoteDescription({ type: 'answer', sdp: reply.jsep.sdp })
  const end = Date.now() + 15_000
  while (pc.connectionState !== 'connected' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20))
  }
  if (pc.connectionState !== 'connected') throw new Error(`publisher ICE: ${pc.connectionState}`)
  let seq = 1000
  let vseq = 5000
  let ts = 0
  const send = (n: number) => {
    for (let i = 0; i < n; i++) {
      seq = (seq + 1) & 0xffff
      ts += 960
      const header = new RtpHeader({ payloadType: OPUS, sequenceNumber: seq, timestamp: ts })
      header.marker = false
      // A valid opus TOC byte (SILK 20 ms, one frame) and some bytes.
      audio.writeRtp(new RtpPacket(header, Buffer.from([0x08, 0xfc, 0xff, 0xfe, 0x00, 0x01])))
      if (i % 10 === 0) {
        vseq = (vseq + 1) & 0xffff
        const vh = new RtpHeader({ payloadType: VP8, sequenceNumber: vseq, timestamp: ts * 2 })
        vh.marker = true
        // VP8 descriptor (S=1, partition 0), then a key frame header: P=0, start code, 16x16.
        const frame = Buffer.from([
          0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00,
        ])
        video.writeRtp(new RtpPacket(vh, frame))
      }
    }
  }
  return {
    session,
    handle,
    pc,
    send,
    close: async () => {
      await pc.close().catch(() => {})
      await session.destroy().catch(() => {})
    },
  }
}

export interface StageWatcher {
  session: JanusSession
  pc: RTCPeerConnection
  /** Sequence numbers received on the audio stream, and how many video packets came. */
  audio: Set<number>
  video: { n: number }
  close(): Promise<void>
}

/** Watches the mountpoint of a watch ticket (`pin` overrides the ticket's). */
export async function watchStage(
  ticket: StageWatchTicket,
  pin = ticket.pin,
): Promise<StageWatcher> {
  const session = await mediaSession(ticket.url, ticket.token)
  try {
    const handle = await session.attach(STREAMING)
    const offer = await handle.message({ request: 'watch', id: ticket.mountpoint, pin })
    if (!offer.jsep) throw new Error(`no offer to watch: ${JSON.stringify(offer.data)}`)
    const pc = peer()
    const audio = new Set<number>()
    const video = { n: 0 }
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind === 'audio') audio.add(rtp.header.sequenceNumber)
        else video.n++
      })
    })
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.jsep.sdp })
    await pc.setLocalDescription(await pc.createAnswer())
    await handle.message({ request: 'start' }, await gathered(pc))
    return {
      session,
      pc,
      audio,
      video,
      close: async () => {
        await pc.close().catch(() => {})
        await session.destroy().catch(() => {})
      },
    }
  } catch (err) {
    await session.destroy().catch(() => {})
    throw err
  }
}
