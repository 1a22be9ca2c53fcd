// The browser's WebSocket as src/protocol/janus.ts takes it: what voice and the live stage use
// to reach the media server (the server hands in `ws` instead).
import type { JanusSocket } from '../protocol/janus'

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
