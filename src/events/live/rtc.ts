// What the stage's publisher and watcher share in the browser (lazy media chunk, with
// src/net/janusSocket.ts): peer connections with no ICE servers (the media
// server is reached directly; in tests over loopback, as voice does), trickled candidates.
import type { JanusHandle, Jsep, RTCIceCandidateInitLike } from '../../protocol/janus'

/** A peer connection whose local candidates trickle to `handle` while `current()` holds. */
export function peerFor(handle: JanusHandle, current: () => boolean): RTCPeerConnection {
  const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' })
  pc.onicecandidate = (e) => {
    if (!current()) return
    handle.trickle(e.candidate ? e.candidate.toJSON() : null).catch(() => {})
  }
  return pc
}

/** A candidate the media server trickled (`completed`: it has no more). */
export function addCandidate(pc: RTCPeerConnection | null, raw: unknown) {
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

export const toDescription = (jsep: Jsep): RTCSessionDescriptionInit => ({
  type: jsep.type,
  sdp: jsep.sdp,
})

export const describe = (err: unknown) => (err instanceof Error ? err.message : String(err))
