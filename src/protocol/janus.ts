// A small typed client of the Janus WebRTC Server's JSON API (https://janus.conf.meetecho.com/docs/rest.html),
// over one WebSocket (subprotocol "janus-protocol"), for the browser and the server alike: the
// socket is handed in (the browser's WebSocket, or `ws` on Node 20), so this file stays free of
// either. It covers what voice and the stage use: a session kept alive, plugin handles,
// synchronous plugin requests (`request`: create, allowed, moderate, kick, listparticipants…),
// asynchronous ones with or without a JSEP (`message`: join, publish, subscribe, update, start),
// trickled candidates, and the plugin's unsolicited events.
//
// Every request may carry a token (`token_auth` on the Janus side): the Colyseus server signs
// them (server/voice), so a client that was not admitted cannot open a session at all.

/** The part of a WebSocket this client uses (the DOM's and `ws`'s both fit). */
export interface JanusSocket {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
}

export type MakeJanusSocket = (url: string, protocol: string) => JanusSocket

/** A session description as RTCPeerConnection gives and takes it. */
export interface Jsep {
  type: 'offer' | 'answer'
  sdp: string
  /** Janus: whether simulcast/e2ee hints apply (unused here). */
  [key: string]: unknown
}

/** What a plugin answered or sent: its `plugindata.data`, with the JSEP when there is one. */
export interface PluginReply {
  data: Record<string, unknown>
  jsep?: Jsep
}

/** A refusal of Janus or of a plugin (`error_code` and `error` of the answer). */
export class JanusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'JanusError'
  }
}

export interface JanusOptions {
  /** Signed token (token_auth) sent with every request; a function to renew it in place. */
  token?: string | (() => string | undefined)
  /** How long a request may wait for its answer (ms). */
  timeoutMs?: number
  /** Keep-alive period (ms); Janus drops a session silent for its session_timeout (60 s). */
  keepAliveMs?: number
}

interface Waiter {
  /** 'success' answers a synchronous request; an async one is acked, then answered by 'event'. */
  resolve(msg: JanusMessage): void
  reject(err: Error): void
  timer: ReturnType<typeof setTimeout>
  async: boolean
}

interface JanusMessage {
  janus: string
  transaction?: string
  session_id?: number
  sender?: number
  data?: { id?: number }
  error?: { code: number; reason: string }
  plugindata?: { plugin: string; data: Record<string, unknown> }
  jsep?: Jsep
  [key: string]: unknown
}

const OPEN = 1
let seq = 0
const transactionId = () => `${Date.now().toString(36)}-${(seq++).toString(36)}`

/** The plugin's error in its data (`error_code`, `error`), if any. */
function pluginError(data: Record<string, unknown> | undefined): JanusError | null {
  if (!data || data.error_code === undefined) return null
  return new JanusError(Number(data.error_code), String(data.error ?? 'plugin error'))
}

/** One Janus session over one socket. `connect` opens both. */
export class JanusSession {
  private readonly waiters = new Map<string, Waiter>()
  private readonly handles = new Map<number, JanusHandle>()
  private keepAlive: ReturnType<typeof setInterval> | null = null
  private closed = false
  /** Called once when the socket closes or the session is lost. */
  onclose: ((reason: string) => void) | null = null
  id = 0

  private constructor(
    private readonly socket: JanusSocket,
    private readonly options: JanusOptions,
  ) {
    socket.onmessage = (ev) => this.receive(ev.data)
    socket.onclose = () => this.lost('the connection to the media server closed')
    socket.onerror = () => this.lost('the connection to the media server failed')
  }

  /** Opens the socket and creates a session on it. */
  static async connect(
    url: string,
    makeSocket: MakeJanusSocket,
    options: JanusOptions = {},
  ): Promise<JanusSession> {
    const socket = makeSocket(url, 'janus-protocol')
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A socket that opens later would stay open with nobody using it.
        socket.onopen = null
        try {
          socket.close()
        } catch {
          // Not open yet in some implementations: nothing to close.
        }
        reject(new Error(`the media server at ${url} did not answer`))
      }, options.timeoutMs ?? 10_000)
      socket.onopen = () => {
        clearTimeout(timer)
        resolve()
      }
      socket.onerror = () => {
        clearTimeout(timer)
        reject(new Error(`cannot reach the media server at ${url}`))
      }
    })
    const session = new JanusSession(socket, options)
    try {
      const created = await session.send({ janus: 'create' })
      session.id = created.data?.id ?? 0
    } catch (err) {
      socket.close()
      throw err
    }
    const period = options.keepAliveMs ?? 25_000
    session.keepAlive = setInterval(() => {
      session.send({ janus: 'keepalive', session_id: session.id }).catch(() => {})
    }, period)
    return session
  }

  get open(): boolean {
    return !this.closed && this.socket.readyState === OPEN
  }

  /** Attaches a plugin handle (`janus.plugin.videoroom`, `janus.plugin.streaming`). */
  async attach(plugin: string): Promise<JanusHandle> {
    const reply = await this.send({ janus: 'attach', plugin, session_id: this.id })
    const handle = new JanusHandle(this, reply.data?.id ?? 0)
    this.handles.set(handle.id, handle)
    return handle
  }

  /** Destroys the session (its handles and PeerConnections on the Janus side) and closes. */
  async destroy(): Promise<void> {
    if (this.closed) return
    try {
      if (this.open) await this.send({ janus: 'destroy', session_id: this.id })
    } catch {
      // The session may be gone already; closing is what matters.
    }
    this.lost('closed')
    this.socket.close()
  }

  /** @internal Sends one request and waits for its answer. */
  send(body: Record<string, unknown>, async = false): Promise<JanusMessage> {
    if (this.closed) return Promise.reject(new Error('the media server session is closed'))
    const transaction = transactionId()
    const t = this.options.token
    const token = typeof t === 'function' ? t() : t
    const msg = token ? { ...body, transaction, token } : { ...body, transaction }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(transaction)
        reject(new Error(`the media server did not answer "${String(body.janus)}" in time`))
      }, this.options.timeoutMs ?? 10_000)
      this.waiters.set(transaction, { resolve, reject, timer, async })
      try {
        this.socket.send(JSON.stringify(msg))
      } catch (err) {
        clearTimeout(timer)
        this.waiters.delete(transaction)
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  }

  /** @internal */
  forget(handle: number) {
    this.handles.delete(handle)
  }

  private receive(raw: unknown) {
    let msg: JanusMessage
    try {
      msg = JSON.parse(typeof raw === 'string' ? raw : String(raw)) as JanusMessage
    } catch {
      return // not JSON: nothing of ours
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.janus !== 'string') return
    const waiter = msg.transaction ? this.waiters.get(msg.transaction) : undefined
    if (waiter) {
      if (msg.janus === 'ack' && waiter.async) return // the answer follows as an event
      this.waiters.delete(msg.transaction!)
      clearTimeout(waiter.timer)
      if (msg.janus === 'error') {
        waiter.reject(new JanusError(msg.error?.code ?? 0, msg.error?.reason ?? 'error'))
        return
      }
      const perr = pluginError(msg.plugindata?.data)
      if (perr) waiter.reject(perr)
      else waiter.resolve(msg)
      return
    }
    // Unsolicited: a plugin event, a trickle, webrtcup, media, hangup, detached, timeout.
    if (msg.janus === 'timeout' && msg.session_id === this.id) {
      this.lost('the media server ended the session')
      return
    }
    const handle = msg.sender !== undefined ? this.handles.get(msg.sender) : undefined
    handle?.deliver(msg)
  }

  private lost(reason: string) {
    if (this.closed) return
    this.closed = true
    if (this.keepAlive) clearInterval(this.keepAlive)
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer)
      w.reject(new Error(reason))
    }
    this.waiters.clear()
    for (const h of this.handles.values()) h.deliver({ janus: 'detached' })
    this.handles.clear()
    this.onclose?.(reason)
  }
}

/** What a handle hears without asking: plugin events, hang-ups, media state. */
export interface HandleEvent {
  /** 'event' (plugin), 'webrtcup', 'media', 'hangup', 'slowlink', 'detached', 'trickle'. */
  kind: string
  data?: Record<string, unknown>
  jsep?: Jsep
  /** The rest of the message ('media': type, receiving; 'hangup': reason). */
  raw: Record<string, unknown>
}

/** One plugin handle of a session. */
export class JanusHandle {
  /** Events nobody asked for. */
  onevent: ((ev: HandleEvent) => void) | null = null

  constructor(
    private readonly session: JanusSession,
    readonly id: number,
  ) {}

  /** A synchronous plugin request (answered at once): the plugin's data, or a JanusError. */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.session.send(this.envelope({ janus: 'message', body }))
    return reply.plugindata?.data ?? {}
  }

  /** An asynchronous plugin request (join, configure, start…), with a JSEP when given. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const reply = await this.session.send(
      this.envelope(jsep ? { janus: 'message', body, jsep } : { janus: 'message', body }),
      true,
    )
    return { data: reply.plugindata?.data ?? {}, jsep: reply.jsep }
  }

  /** Sends one ICE candidate (null: gathering is complete). */
  async trickle(candidate: RTCIceCandidateInitLike | null): Promise<void> {
    await this.session.send(
      this.envelope({ janus: 'trickle', candidate: candidate ?? { completed: true } }),
    )
  }

  /** Closes this handle's PeerConnection on the Janus side. */
  async hangup(): Promise<void> {
    await this.session.send(this.envelope({ janus: 'hangup' }))
  }

  async detach(): Promise<void> {
    this.session.forget(this.id)
    if (this.session.open) await this.session.send(this.envelope({ janus: 'detach' }))
  }

  /** @internal */
  deliver(msg: JanusMessage) {
    const { janus, plugindata, jsep, ...raw } = msg
    this.onevent?.({ kind: janus, data: plugindata?.data, jsep, raw })
  }

  private envelope(body: Record<string, unknown>) {
    return { ...body, session_id: this.session.id, handle_id: this.id }
  }
}

/** An ICE candidate as RTCPeerConnection's onicecandidate gives it (toJSON()). */
export interface RTCIceCandidateInitLike {
  candidate?: string
  sdpMid?: string | null
  sdpMLineIndex?: number | null
}
