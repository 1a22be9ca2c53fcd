// Starts and stops the embedded Janus WebRTC Server that `npm start` runs for voice, like the
// embedded anvil (server/devchain/anvil.ts): a plain child process (Debian's `janus` package,
// or JANUS_BIN) with a config folder written at every start in `<dataDir>/janus`, its WebSocket
// transport on 127.0.0.1 at a free port, a random block of RTP ports, and fresh secrets
// (token_auth_secret, the plugins' admin_key) each time, so nothing from an earlier start admits
// anyone. Its signalling is on loopback only. ICE cannot be: Janus never gathers candidates on a
// loopback interface (ice.c skips IFF_LOOPBACK), so it offers this machine's IPv4 addresses,
// which a browser on the same machine reaches through the kernel's local delivery (nothing
// leaves the machine). An `ice_enforce_list` of "lo" matched nothing, and libnice then gathered
// on every interface, IPv6 too. A LAN or public setup runs its own Janus (JANUS_URL, README
// "Voice").
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import WebSocket from 'ws'
import { JanusSession, type JanusSocket } from '../../src/protocol/janus'
import { signJanusToken } from './tokens'

/** Where Debian's package puts the binary and its plugins. */
export const DEFAULT_JANUS_BIN = '/usr/bin/janus'
const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu/janus',
  '/usr/lib/aarch64-linux-gnu/janus',
  '/usr/lib/janus',
]

/** Why voice is off when there is no binary (shown by GET /api/voice/status). */
export const NO_JANUS_REASON = 'Voice needs the Janus media server: apt-get install janus'

export class JanusNotFoundError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JanusNotFoundError'
  }
}

/** The Janus executable: JANUS_BIN, else /usr/bin/janus; throws with the reason voice is off. */
export function janusBinary(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.JANUS_BIN
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return fromEnv
    throw new JanusNotFoundError(
      `JANUS_BIN=${fromEnv.slice(0, 200)} does not exist. ${NO_JANUS_REASON}`,
    )
  }
  if (fs.existsSync(DEFAULT_JANUS_BIN)) return DEFAULT_JANUS_BIN
  throw new JanusNotFoundError(NO_JANUS_REASON)
}

/** The folder holding plugins/ and transports/ for a binary (Debian's multiarch layout). */
function libDir(binary: string): string {
  const prefix = path.dirname(path.dirname(binary))
  const candidates = [
    ...LIB_DIRS,
    path.join(prefix, 'lib', 'janus'),
    path.join(prefix, 'lib', 'x86_64-linux-gnu', 'janus'),
  ]
  for (const dir of candidates) if (fs.existsSync(path.join(dir, 'plugins'))) return dir
  throw new JanusNotFoundError(`no Janus plugins folder found (tried ${candidates.join(', ')})`)
}

export interface JanusOptions {
  /** The config folder (rewritten at every start), e.g. `<dataDir>/janus`. */
  dir: string
  binary?: string
  /** Milliseconds to wait until a session can be created (default 20 000). */
  startTimeoutMs?: number
  /** Receives Janus' warnings and errors, one line each; default: discarded. */
  onLog?: (line: string) => void
}

export interface JanusProcess {
  /** Its config folder. */
  dir: string
  /** The WebSocket URL on loopback (`ws://127.0.0.1:<port>`). */
  url: string
  /** Signs the HMAC tokens Janus checks (token_auth_secret). */
  tokenSecret: string
  /** The VideoRoom and Streaming plugins' admin_key (room creation, rtp_forward). */
  adminKey: string
  pid: number
  /** Resolves when the process exits, whoever stopped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; log: string }>
  /** SIGTERM, then SIGKILL if still there after 5 s. */
  stop(): Promise<void>
}

/** A port nobody listens on now (the kernel's pick); Janus binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

const RTP_BLOCK = 200

/** A random block of RTP ports, so Janus processes started side by side rarely share one. */
function rtpRange(): string {
  const base = 20_000 + RTP_BLOCK * Math.floor(Math.random() * 200)
  return `${base}-${base + RTP_BLOCK - 1}`
}

const secret = () => randomBytes(24).toString('base64url')

/** Writes janus.jcfg and the configs of the parts it loads into `dir`. */
function writeConfig(
  dir: string,
  lib: string,
  port: number,
  tokenSecret: string,
  adminKey: string,
) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const q = (s: string) => JSON.stringify(s)
  const files: Record<string, string> = {
    'janus.jcfg': `general: {
	configs_folder = ${q(dir)}
	plugins_folder = ${q(path.join(lib, 'plugins'))}
	transports_folder = ${q(path.join(lib, 'transports'))}
	events_folder = ${q(path.join(lib, 'events'))}
	loggers_folder = ${q(path.join(lib, 'loggers'))}
	debug_level = 3
	token_auth = true
	token_auth_secret = ${q(tokenSecret)}
	session_timeout = 60
	server_name = "cangqiong"
	hide_dependencies = true
}
media: {
	rtp_port_range = ${q(rtpRange())}
}
nat: {
	ignore_mdns = true
}
plugins: {
	disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
	disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
loggers: {
	disable = "libjanus_jsonlog.so"
}
events: {
	broadcast = false
}
`,
    'janus.transport.websockets.jcfg': `general: {
	json = "plain"
	ws = true
	ws_port = ${port}
	ws_ip = "127.0.0.1"
	wss = false
}
admin: {
	admin_ws = false
}
`,
    'janus.plugin.videoroom.jcfg': `general: {
	admin_key = ${q(adminKey)}
	lock_rtp_forward = true
}
`,
    'janus.plugin.streaming.jcfg': `general: {
	admin_key = ${q(adminKey)}
}
`,
  }
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 })
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // Already gone.
  }
}

/**
 * A config folder of this process's own under `root` (`<pid>-<random>`): servers sharing a data
 * folder (tests, several processes) must not read each other's config. Folders of processes
 * that are gone are removed.
 */
export function janusConfigDir(root: string): string {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 })
  for (const name of fs.readdirSync(root)) {
    const pid = /^(\d+)-[\w-]+$/.exec(name)?.[1]
    if (pid === undefined || alive(Number(pid))) continue
    fs.rmSync(path.join(root, name), { recursive: true, force: true })
  }
  return path.join(root, `${process.pid}-${randomBytes(4).toString('hex')}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Opens a WebSocket for the Janus client (the `ws` package on Node). */
export function nodeSocket(url: string, protocol: string): JanusSocket {
  return new WebSocket(url, protocol) as unknown as JanusSocket
}

/** Starts Janus and resolves once a session can be created with a signed token. */
export async function startJanus(options: JanusOptions): Promise<JanusProcess> {
  const binary = janusBinary(options.binary ? { JANUS_BIN: options.binary } : {})
  const lib = libDir(binary)
  // The kernel's free port may be taken by someone else before Janus binds it: try again.
  let lastError: Error = new Error('Janus did not start')
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const tokenSecret = secret()
    const adminKey = secret()
    writeConfig(options.dir, lib, port, tokenSecret, adminKey)
    try {
      return await launch(binary, options, port, tokenSecret, adminKey)
    } catch (err) {
      lastError = err instanceof Error ? err : new Error(String(err))
    }
  }
  throw lastError
}

async function launch(
  binary: string,
  options: JanusOptions,
  port: number,
  tokenSecret: string,
  adminKey: string,
): Promise<JanusProcess> {
  const args = [
    '-C',
    path.join(options.dir, 'janus.jcfg'),
    '-F',
    options.dir,
    '-o',
    '-i',
    '127.0.0.1',
  ]
  // Not detached: Janus stays in the server's process group, so whatever stops the group stops
  // it too and no orphan is left (as anvil).
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let tail = ''
  const onText = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    tail = (tail + text).slice(-8000)
    if (options.onLog) {
      for (const line of text.split('\n'))
        if (/\[(ERR|WARN|FATAL)\]/.test(line)) options.onLog(line.trim())
    }
  }
  child.stdout?.on('data', onText)
  child.stderr?.on('data', onText)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; log: string }>(
    (resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig, log: tail })),
  )
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  child.on('error', () => {})
  const pid = child.pid
  const url = `ws://127.0.0.1:${port}`
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000)
  const fail = (why: string) => {
    if (pid !== undefined) signal(pid, 'SIGKILL')
    return new Error(`Janus did not start: ${why}`)
  }
  let gone: string | null = null
  const noop = () => {}
  exited.then(
    (e) => (gone = `exited with ${e.code ?? e.signal}: ${e.log.trim().slice(-600)}`),
    noop,
  )
  spawnError.then((e) => (gone = `${binary}: ${e.message}`), noop)
  for (;;) {
    if (gone) throw fail(gone)
    if (Date.now() > deadline)
      throw fail(`no session within the start timeout: ${tail.slice(-600)}`)
    try {
      const token = signJanusToken(tokenSecret, ['janus.plugin.videoroom'], 60)
      const session = await JanusSession.connect(url, nodeSocket, { token, timeoutMs: 1000 })
      await session.destroy()
      break
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const onExit = () => pid !== undefined && signal(pid, 'SIGTERM')
  // Safety net: if this process exits without stop(), Janus goes with it.
  process.once('exit', onExit)
  exited.then(() => process.removeListener('exit', onExit), noop)
  let stopping: Promise<void> | null = null
  return {
    dir: options.dir,
    url,
    tokenSecret,
    adminKey,
    pid: pid as number,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        signal(pid as number, 'SIGTERM')
        const timer = setTimeout(() => signal(pid as number, 'SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      })()
      return stopping
    },
  }
}
