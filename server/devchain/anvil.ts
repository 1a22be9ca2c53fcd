// Starts and stops a local anvil node, the EVM chain `npm start` runs for verified collectibles.
// The binary comes from npm (`@foundry-rs/anvil` installs it as the optional dependency
// `@foundry-rs/anvil-<platform>-<arch>`, no install script), so no Foundry setup and no network.
//
// Persistence: `--state <file>` loads the chain from the file at start and dumps it there when
// anvil exits on SIGINT/SIGTERM (measured: a few ms, exit code 0), so stop() flushes it. A crash
// or SIGKILL would lose everything since start, so `--state-interval` also dumps it every few
// seconds. A state file anvil cannot parse (a dump cut short) makes anvil refuse to start: it is
// moved aside and the chain starts empty, and the seed deploys again.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

/** anvil's default mnemonic: well-known test keys, never to hold real value. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
export const DEV_CHAIN_ID = 31337

export interface AnvilOptions {
  /** Load the chain from here and dump it here on exit and every `stateIntervalSec`. */
  stateFile?: string
  /** Seconds between periodic state dumps (default 5). */
  stateIntervalSec?: number
  host?: string
  /** Port to listen on; 0 or unset: a free port chosen by anvil. */
  port?: number
  chainId?: number
  mnemonic?: string
  /** Path of the anvil executable; default: ANVIL_BIN, then the npm platform package. */
  binary?: string
  /** Milliseconds to wait for the RPC to answer (default 20 000). */
  startTimeoutMs?: number
  /** Receives anvil's warnings and errors (stderr lines); default: discarded. */
  onLog?: (line: string) => void
}

export interface AnvilNode {
  rpcUrl: string
  host: string
  port: number
  pid: number
  chainId: number
  /** When a state file could not be loaded, where it was moved to. */
  discardedState: string | null
  /** Stops anvil: SIGTERM (it dumps the state, then exits), SIGKILL if still there after 5 s. */
  stop(): Promise<void>
}

export class AnvilNotFoundError extends Error {
  constructor(tried: readonly string[]) {
    super(
      `anvil binary not found for ${process.platform}-${process.arch}. Tried:\n  ` +
        tried.join('\n  ') +
        '\nRun `npm install` (the package @foundry-rs/anvil installs it), or set ANVIL_BIN to an ' +
        'anvil executable (for example ~/.foundry/bin/anvil from foundryup).',
    )
    this.name = 'AnvilNotFoundError'
  }
}

const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
}

const require = createRequire(import.meta.url)

/**
 * The anvil executable: `ANVIL_BIN`, else `bin/anvil` of the platform package (what the
 * `@foundry-rs/anvil` wrapper's own bin.mjs runs), else the file the wrapper's postinstall
 * would have downloaded. Not `node_modules/.bin/anvil`: the wrapper and the platform package
 * both declare that bin name and npm may link neither.
 */
export function anvilBinary(env: NodeJS.ProcessEnv = process.env): string {
  const tried: string[] = []
  const fromEnv = env.ANVIL_BIN
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return fromEnv
    throw new AnvilNotFoundError([`ANVIL_BIN=${fromEnv} (does not exist)`])
  }
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`]
  if (pkg) {
    try {
      const file = require.resolve(`${pkg}/bin/${exe}`)
      if (fs.existsSync(file)) return file
      tried.push(file)
    } catch {
      tried.push(`${pkg}/bin/${exe} (package not installed)`)
    }
  } else tried.push(`(no @foundry-rs/anvil package for ${process.platform}-${process.arch})`)
  try {
    const wrapper = path.dirname(require.resolve('@foundry-rs/anvil/package.json'))
    const file = path.join(wrapper, exe)
    if (fs.existsSync(file)) return file
    tried.push(file)
  } catch {
    tried.push('@foundry-rs/anvil (package not installed)')
  }
  throw new AnvilNotFoundError(tried)
}

async function rpc(url: string, method: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
    signal,
  })
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } }
  if (body.error) throw new Error(body.error.message ?? 'RPC error')
  return body.result
}

const LISTENING = /Listening on ([^\s]+):(\d+)/

interface Spawned {
  child: ChildProcess
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stderr: () => string
  listening: Promise<{ host: string; port: number }>
}

function spawnAnvil(binary: string, args: string[], onLog?: (line: string) => void): Spawned {
  // Deliberately NOT detached: anvil stays in the server's process group, so whatever stops
  // the group (Ctrl-C in a terminal, a test harness's SIGTERM or SIGKILL to `npm start`'s
  // group, a vitest worker being torn down) stops anvil too and never leaves an orphan. anvil
  // is a single process with no children, so signalling its pid stops all of it.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  let out = ''
  let resolveListening: (v: { host: string; port: number }) => void = () => {}
  const listening = new Promise<{ host: string; port: number }>((resolve) => {
    resolveListening = resolve
  })
  let found = false
  // anvil prints every RPC method it serves on stdout: read it to the end (a full pipe would
  // block anvil), but keep only the start-up banner until the port is known.
  child.stdout?.on('data', (chunk: Buffer) => {
    if (found) return
    out += chunk.toString('utf8')
    const m = LISTENING.exec(out)
    if (m) {
      found = true
      out = ''
      resolveListening({ host: m[1] as string, port: Number(m[2]) })
    } else if (out.length > 64_000) out = out.slice(-4000)
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    if (err.length < 16_000) err += text
    if (onLog) for (const line of text.split('\n')) if (line.trim()) onLog(line)
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  // Spawn errors (ENOENT, EACCES) are reported by launch(); this keeps a late one from throwing.
  child.on('error', () => {})
  return { child, exited, stderr: () => err, listening }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // Already gone.
  }
}

/** Starts anvil and resolves once `eth_blockNumber` answers. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const binary = options.binary ?? anvilBinary()
  if (!fs.existsSync(binary)) throw new AnvilNotFoundError([binary])
  const host = options.host ?? '127.0.0.1'
  const chainId = options.chainId ?? DEV_CHAIN_ID
  const args = [
    '--host',
    host,
    '--port',
    String(options.port ?? 0),
    '--chain-id',
    String(chainId),
    '--mnemonic',
    options.mnemonic ?? DEV_MNEMONIC,
  ]
  if (options.stateFile) {
    fs.mkdirSync(path.dirname(options.stateFile), { recursive: true })
    args.push(
      '--state',
      options.stateFile,
      '--state-interval',
      String(options.stateIntervalSec ?? 5),
    )
  }

  let discardedState: string | null = null
  let proc = await launch(binary, args, options)
  if ('failed' in proc && options.stateFile && /failed to parse json file/.test(proc.failed)) {
    discardedState = `${options.stateFile}.unreadable-${Date.now()}`
    fs.renameSync(options.stateFile, discardedState)
    options.onLog?.(`state file unreadable, moved to ${discardedState}; starting a fresh chain`)
    proc = await launch(binary, args, options)
  }
  if ('failed' in proc) throw new Error(`anvil did not start: ${proc.failed}`)

  const { spawned, host: boundHost, port } = proc
  const pid = spawned.child.pid as number
  const onExit = () => signal(pid, 'SIGTERM')
  // Safety net: if this process exits without stop(), anvil goes with it (and still dumps).
  process.once('exit', onExit)
  let stopping: Promise<void> | null = null
  return {
    rpcUrl: `http://${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${port}`,
    host: boundHost,
    port,
    pid,
    chainId,
    discardedState,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit)
        if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return
        signal(pid, 'SIGTERM')
        const timer = setTimeout(() => signal(pid, 'SIGKILL'), 5000)
        await spawned.exited
        clearTimeout(timer)
      })()
      return stopping
    },
  }
}

type Launched =
  { spawned: Spawned; host: string; port: number } | { failed: string; spawned?: undefined }

async function launch(binary: string, args: string[], options: AnvilOptions): Promise<Launched> {
  const timeoutMs = options.startTimeoutMs ?? 20_000
  const spawned = spawnAnvil(binary, args, options.onLog)
  const spawnError = new Promise<Error>((resolve) => spawned.child.once('error', resolve))
  const deadline = Date.now() + timeoutMs
  const early = await Promise.race([
    spawned.listening.then((addr) => ({ addr })),
    spawned.exited.then((e) => ({ exit: e })),
    spawnError.then((error) => ({ error })),
    new Promise<{ timeout: true }>((resolve) =>
      setTimeout(() => resolve({ timeout: true }), timeoutMs).unref(),
    ),
  ])
  const fail = (why: string): Launched => {
    if (spawned.child.pid !== undefined) signal(spawned.child.pid, 'SIGKILL')
    return { failed: why }
  }
  if ('error' in early) return fail(`${binary}: ${early.error.message}`)
  if ('exit' in early) {
    return fail(
      `exited with ${early.exit.code ?? early.exit.signal} before listening: ${spawned.stderr().trim()}`,
    )
  }
  if ('timeout' in early) return fail(`no "Listening on" line within ${timeoutMs} ms`)
  const { host, port } = early.addr
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  for (;;) {
    const ac = new AbortController()
    const t = setTimeout(() => ac.abort(), 1000)
    try {
      await rpc(url, 'eth_blockNumber', ac.signal)
      return { spawned, host, port }
    } catch {
      if (spawned.child.exitCode !== null || Date.now() > deadline) {
        return fail(`RPC at ${url} did not answer eth_blockNumber: ${spawned.stderr().trim()}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    } finally {
      clearTimeout(t)
    }
  }
}
