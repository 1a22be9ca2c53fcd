// Tests only: a visitor's side of the media server at the signalling level (Node has no WebRTC
// here): a Janus session with the media token of a ticket, a publisher join with its pass and
// feed id, and a publish with a made-up audio offer, which gives the publisher its audio stream
// (mid "0") on the Janus side without any media flowing.
import { randomBytes } from 'node:crypto'
import {
  JanusSession,
  type HandleEvent,
  type JanusHandle,
  type Jsep,
} from '../../src/protocol/janus'
import { nodeSocket } from './janus'
import { VIDEOROOM } from './tokens'

export async function mediaSession(url: string, token: string): Promise<JanusSession> {
  return JanusSession.connect(url, nodeSocket, { token, timeoutMs: 5000 })
}

export interface Publisher {
  handle: JanusHandle
  /** What Janus said when it admitted the join. */
  joined: Record<string, unknown>
  privateId: number
  /** Unsolicited events on the handle (moderation, kicks). */
  events: HandleEvent[]
}

/** Joins `room` as publisher `id` with the pass `token` (refused: the JanusError). */
export async function joinPublisher(
  session: JanusSession,
  room: number,
  id: number,
  pass: string | undefined,
  display: string,
): Promise<Publisher> {
  const handle = await session.attach(VIDEOROOM)
  const events: HandleEvent[] = []
  handle.onevent = (ev) => events.push(ev)
  const body: Record<string, unknown> = { request: 'join', ptype: 'publisher', room, id, display }
  if (pass !== undefined) body.token = pass
  const { data } = await handle.message(body)
  return { handle, joined: data, privateId: Number(data.private_id), events }
}

/** A syntactically complete audio-only offer (ICE never completes: no candidates). */
export function fakeAudioOffer(): Jsep {
  const fp = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase())
  const ssrc = randomBytes(4).readUInt32BE(0) || 1
  const sdp = [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS voice',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${randomBytes(4).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fp.join(':')}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=sendonly',
    'a=msid:voice mic',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    `a=ssrc:${ssrc} cname:voice`,
    '',
  ].join('\r\n')
  return { type: 'offer', sdp }
}

/** Publishes the made-up audio offer: Janus answers and the publisher has stream mid "0". */
export async function publishFake(p: Publisher): Promise<Record<string, unknown>> {
  const { data } = await p.handle.message({ request: 'publish' }, fakeAudioOffer())
  return data
}
