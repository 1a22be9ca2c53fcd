// What the stage's publisher and watcher share in the browser (lazy media chunk): the browser's
// WebSocket as src/protocol/janus.ts takes it, peer connections with no ICE servers (the media
// server is reached directly; in tests over loopback, as voice does), trickled candidates.
import type { JanusHandle, JanusSocket, Jsep, RTCIceCandidateInitLike } from '../../protocol/janus'

export function browserSocket(url: string, protocol: string): JanusSocket {
  const ws = new WebSocket(url, protocol)
  const socket: JanusSocket = {
    get readyState() {
      return ws.readyState
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  }
  ws.onopen = (ev) => socket.onopen?.(ev)
  ws.onmessage = (ev) => socket.onmessage?.(ev)
  ws.onclose = (ev) => socket.onclose?.(ev)
  ws.onerror = (ev) => socket.onerror?.(ev)
  return socket
}

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
