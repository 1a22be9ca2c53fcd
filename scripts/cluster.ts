// `npm run cluster [-- --processes N]`: several server processes on this machine sharing one
// Redis, as the product runs at scale. Process i listens on PORT + 2i (its dev-mode hot-reload
// socket on the port after), prints its URL, and Ctrl-C stops every process this started.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../server/config'
import { startDevChain, type DevChain } from '../server/devchain'
import { checkRedis } from '../server/redis'
import { redactUrl } from '../server/urls'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function fail(message: string, code = 2): never {
  console.error(`[cluster] ${message}`)
  process.exit(code)
}

const { values } = parseArgs({
  options: { processes: { type: 'string', short: 'n', default: '2' } },
})
const count = Number(values.processes)
if (!Number.isInteger(count) || count < 1 || count > 16) {
  fail(`--processes must be an integer from 1 to 16, got "${values.processes}"`)
}

// Each process gets its own PORT, HMR_PORT and PUBLIC_ADDRESS; everything else is shared.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
}
delete env.HMR_PORT
delete env.PUBLIC_ADDRESS
if (env.PORT === '0') fail('PORT must be a fixed port: the processes listen on PORT, PORT+2, …')
let config
try {
  config = loadConfig(env, root)
} catch (err) {
  if (err instanceof ConfigError) fail(err.message)
  throw err
}
const ports = Array.from({ length: count }, (_, i) => config.port + 2 * i)

// The embedded chain runs once, here; every process reads it through the registry it writes,
// and serves its demo content (the first process's gateway is the one metadata names).
let devChain: DevChain | null = null
if (config.chain.mode === 'embedded') {
  devChain = await startDevChain({
    dataDir: config.dataDir,
    port: config.chain.anvilPort,
    partner: config.chain.devChains === 2,
  })
  console.log(`[cluster] local chain at ${devChain.rpcUrl}`)
  env.TRUST_REGISTRY = devChain.registryPath
  env.IPFS_DIR = devChain.ipfsDir
  env.IPFS_GATEWAYS ??= `http://${config.host}:${config.port}/ipfs/`
}
if (ports.at(-1)! + 1 > 65535) fail(`PORT ${config.port} leaves no room for ${count} processes`)

try {
  await checkRedis(config.redisUrl!)
} catch (err) {
  fail(err instanceof Error ? err.message : String(err), 1)
}

interface Member {
  n: number
  port: number
  child: ChildProcess
  url?: string
  exited: Promise<number | string | null>
}

// A server's output, each line marked with its number; its own banner is left out, since
// the summary below lists every URL.
function prefixLines(n: number, stream: NodeJS.WritableStream) {
  let pending = ''
  return (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      if (line.trim() && !/is running \(client|^\s*Open http|"msg":"Open http/.test(line)) {
        stream.write(`[${n}] ${line}\n`)
      }
    }
  }
}

let stopping = false
let signals = 0
const members: Member[] = ports.map((port, i) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...env, PORT: String(port), HMR_PORT: String(port + 1) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only this script, which passes
    // it on exactly once (a second SIGINT makes a server exit without cleaning up).
    detached: true,
  })
  const member: Member = {
    n: i + 1,
    port,
    child,
    exited: new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? (signal ? `signal ${signal}` : null))),
    ),
  }
  const out = prefixLines(member.n, process.stdout)
  child.stdout!.on('data', (chunk: Buffer) => {
    member.url ??= /Open (http\S+)/.exec(chunk.toString())?.[1]
    out(chunk)
  })
  child.stderr!.on('data', prefixLines(member.n, process.stderr))
  void member.exited.then((code) => {
    if (!stopping) {
      console.error(`[cluster] server ${member.n} exited (${code}): stopping the others`)
      process.exitCode = 1
      stop('SIGTERM')
    }
  })
  return member
})

function stop(signal: NodeJS.Signals) {
  stopping = true
  for (const { child } of members) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1
    if (signals === 1) console.log(`\n[cluster] ${signal}: stopping ${count} server processes…`)
    stop(signal)
  })
}
// Last resort if this script dies of an error: leave no server behind.
process.on('exit', () => {
  for (const { child } of members) if (child.exitCode === null) child.kill('SIGKILL')
})

const ready = setInterval(() => {
  if (stopping || members.some((m) => !m.url)) return
  clearInterval(ready)
  console.log(
    `\n  苍穹 Cangqiong: ${count} server processes sharing ${redactUrl(config.redisUrl!)}` +
      ` (client: ${config.client})\n`,
  )
  for (const m of members) console.log(`  Open ${m.url}   (server ${m.n})`)
  console.log(
    '\n  A join through any of them can land in a room on any of them. Ctrl-C stops all.\n',
  )
}, 100)

const codes = await Promise.all(members.map((m) => m.exited))
clearInterval(ready)
await devChain?.stop()
if (codes.some((c) => c !== 0)) process.exitCode = 1
