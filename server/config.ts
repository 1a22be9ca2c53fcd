// Server configuration from environment variables, with the embedded defaults `npm start` uses.
// Every variable is documented in README.md; a bad value stops start-up with a clear message.
import path from 'node:path'
import { parseTrustProxy, type TrustProxy } from './httpKit'
import type { ClientLimits } from './limits'
import { LOG_LEVELS, type LogLevel } from './log'
import type { MediaConfig } from './media/service'
import { RECONNECT_SECONDS } from '../src/protocol/messages'

export type ClientMode = 'dev' | 'dist' | 'none'

export interface Config {
  host: string
  port: number
  /** Port of Vite's hot-reload socket in dev mode (Colyseus owns upgrades on `port`). */
  hmrPort: number
  client: ClientMode
  distDir: string
  dataDir: string
  rootDir: string
  /** Folder of scene files the world rooms read their rules from. */
  scenesDir: string
  /** Seats per world instance; a full instance overflows into a new one. */
  maxClients: number
  /** How long a dropped connection keeps its seat and avatar, seconds (the client is told). */
  reconnectS: number
  /** Interest management: each visitor receives the `max` nearest avatars within `radius` m. */
  interest: { radius: number; max: number } | null
  /** Redis shared by several server processes (RedisPresence + RedisDriver); unset: one process. */
  redisUrl?: string
  /** `host:port` where clients reach this process; other processes send clients here. */
  publicAddress?: string
  chain: ChainConfig
  /** PostgreSQL for spaces and layouts; unset: PGlite in `<dataDir>/pglite`. */
  databaseUrl?: string
  /** Events all hosts together may create per hour (every process shares the count). */
  eventsPerHour: number
  /**
   * Builder worlds' thumbnails: `auto` renders them in the server's headless Chromium where it
   * is installed and this process serves the client; `off` keeps the maps drawn from above.
   */
  thumbnails: 'auto' | 'off'
  /** THUMBNAIL_EVERY_S: a published world that builders keep saving is redrawn at most this often. */
  thumbnailEveryMs: number
  /** How long a kick keeps an address (a guest: the client address) out of the event, min. */
  kickMinutes: number
  spaces: {
    limitPerAddress: number
    recheckMs: number
    /** An unused claim (no exhibit placed) lapses after this long, ms; 0: never. */
    claimTtlMs: number
    /** Spaces given to an address by configuration (SPACE_ASSIGN), claimed at start-up. */
    assign: { world: string; space: string; address: string }[]
  }
  /** Who the client is behind reverse proxies (TRUST_PROXY; server/httpKit.ts). */
  trustProxy: TrustProxy
  /** Matchmaking and connections per client address (server/limits.ts). */
  limits: ClientLimits
  ops: OpsConfig
  /** Voice (server/voice): the embedded Janus, an external one (JANUS_URL), or off (VOICE=off). */
  voice: MediaConfig
  /**
   * The live stage (docs/stage.md): `relays` extra embedded Janus processes that serve only
   * stage watchers (JANUS_RELAYS), and the address other Janus processes send the stage's RTP
   * to for this process's mountpoints (JANUS_RTP_HOST).
   */
  stage: { relays: number; rtpHost: string }
}

export interface OpsConfig {
  /** METRICS_TOKEN: /metrics answers `Authorization: Bearer <token>` from anywhere; unset:
   * loopback clients only. */
  metricsToken?: string
  /** LOG_LEVEL: the least severe log line written. */
  logLevel: LogLevel
  /** DRAIN_TIMEOUT_S: on SIGTERM the process exits within this many seconds. */
  drainTimeoutS: number
}

export interface ChainConfig {
  /**
   * embedded: start a local anvil with the demo collections and use its generated registry;
   * registry: read the trust registry file `registryPath` (TRUST_REGISTRY); off: no chain.
   */
  mode: 'embedded' | 'registry' | 'off'
  registryPath?: string
  /** The embedded anvil's port (0: any free port). */
  anvilPort: number
  /**
   * DEV_CHAINS: how many local chains the embedded mode starts: 2 (default) adds the partner
   * chain (chain id 5555, server/devchain/partner.ts) beside the first; 1 runs the first alone.
   */
  devChains: 1 | 2
  /** Gateways for ipfs:// metadata, each ending in /ipfs/; null: this server's own gateway
   * for the embedded chain's demo content, public gateways otherwise. */
  ipfsGateways: string[] | null
  /** How often the transfer watcher polls each chain, ms. */
  pollMs: number
  /** CHAIN_RPC_TIMEOUT_MS: how long one JSON-RPC request may take before the chain is down. */
  rpcTimeoutMs: number
  /** Serve `/ipfs/<cid>/<path>` from this folder (the embedded chain's demo content). */
  ipfsDir?: string
  /**
   * The origins sign-in messages must name (PUBLIC_ORIGIN; or https://SIWE_DOMAIN, its
   * deprecated form); unset: this server's own loopback origins, and only on loopback.
   */
  publicOrigins?: string[]
  /** Set when publicOrigins came from the deprecated SIWE_DOMAIN (start-up says so). */
  siweDomain?: string
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return n
}

function thumbnailsMode(raw: string | undefined): Config['thumbnails'] {
  const mode = raw || 'auto'
  if (mode !== 'auto' && mode !== 'off') {
    throw new ConfigError(`THUMBNAILS must be auto or off, got "${raw}"`)
  }
  return mode
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, rootDir = process.cwd()): Config {
  const port = int(env, 'PORT', 2567, 0, 65535)
  const client = (env.CLIENT ?? 'dev') as ClientMode
  if (!['dev', 'dist', 'none'].includes(client)) {
    throw new ConfigError(`CLIENT must be one of dev, dist, none; got "${env.CLIENT}"`)
  }
  const host = env.HOST || '127.0.0.1'
  const redisUrl = env.REDIS_URL || undefined
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`)
  }
  return {
    host,
    port,
    hmrPort: int(env, 'HMR_PORT', port === 0 ? 0 : port + 1, 0, 65535),
    client,
    distDir: path.resolve(rootDir, env.DIST_DIR || 'dist'),
    dataDir: path.resolve(rootDir, env.DATA_DIR || 'data'),
    rootDir,
    scenesDir: path.resolve(rootDir, env.SCENES_DIR || 'scenes'),
    maxClients: int(env, 'MAX_CLIENTS', 100, 1, 2000),
    reconnectS: int(env, 'RECONNECT_SECONDS', RECONNECT_SECONDS, 1, 3600),
    interest: interest(env),
    redisUrl,
    publicAddress: publicAddress(env, host, port, redisUrl),
    chain: chain(env, rootDir),
    databaseUrl: databaseUrl(env),
    eventsPerHour: int(env, 'EVENTS_PER_HOUR', 60, 1, 100_000),
    thumbnails: thumbnailsMode(env.THUMBNAILS),
    thumbnailEveryMs: int(env, 'THUMBNAIL_EVERY_S', 600, 10, 604_800) * 1000,
    kickMinutes: int(env, 'KICK_MINUTES', 10, 0, 10_080),
    spaces: {
      limitPerAddress: int(env, 'SPACE_LIMIT', 1, 0, 1000),
      recheckMs: int(env, 'SPACE_RECHECK_S', 300, 0, 86_400) * 1000,
      claimTtlMs: int(env, 'SPACE_TTL_S', 86_400, 0, 31_536_000) * 1000,
      assign: spaceAssignments(env.SPACE_ASSIGN),
    },
    trustProxy: trustProxy(env.TRUST_PROXY),
    limits: {
      matchmakePerSecond: int(env, 'MATCHMAKE_RATE', 10, 1, 100_000),
      matchmakeBurst: int(env, 'MATCHMAKE_BURST', 40, 1, 100_000),
      seatsPerAddress: int(env, 'SEATS_PER_IP', 16, 1, 100_000),
      connectionsPerAddress: int(env, 'SOCKETS_PER_IP', 50, 1, 1_000_000),
    },
    ops: ops(env),
    voice: voice(env),
    stage: stage(env),
  }
}

/** VOICE=on|off; JANUS_URL (+ JANUS_TOKEN_SECRET, JANUS_ADMIN_KEY, JANUS_PUBLIC_URL); JANUS_BIN. */
function voice(env: NodeJS.ProcessEnv): MediaConfig {
  const mode = env.VOICE || 'on'
  if (mode !== 'on' && mode !== 'off') {
    throw new ConfigError(`VOICE must be on or off, got "${mode.slice(0, 40)}"`)
  }
  if (mode === 'off') return { mode: 'off' }
  const url = env.JANUS_URL || undefined
  const wsUrl = (name: string, raw: string) => {
    if (!/^wss?:\/\/[^\s/]+(\/\S*)?$/.test(raw)) {
      throw new ConfigError(
        `${name} is the WebSocket URL of Janus' transport (ws://host:8188), got "${raw.slice(0, 200)}"`,
      )
    }
    return raw
  }
  if (!url) {
    for (const name of ['JANUS_TOKEN_SECRET', 'JANUS_ADMIN_KEY', 'JANUS_PUBLIC_URL']) {
      if (env[name]) throw new ConfigError(`${name} is for an external Janus: set JANUS_URL too`)
    }
    return { mode: 'embedded', ...(env.JANUS_BIN && { binary: env.JANUS_BIN }) }
  }
  const need = (name: string) => {
    const v = env[name]
    if (!v) {
      throw new ConfigError(
        `JANUS_URL needs ${name}: the ${name === 'JANUS_TOKEN_SECRET' ? 'token_auth_secret of its janus.jcfg' : 'admin_key of its VideoRoom and Streaming plugins'}`,
      )
    }
    if (!/^[\x21-\x7e]{16,256}$/.test(v)) {
      throw new ConfigError(`${name} must be 16 to 256 printable characters without spaces`)
    }
    return v
  }
  return {
    mode: 'external',
    url: wsUrl('JANUS_URL', url),
    publicUrl: env.JANUS_PUBLIC_URL ? wsUrl('JANUS_PUBLIC_URL', env.JANUS_PUBLIC_URL) : url,
    tokenSecret: need('JANUS_TOKEN_SECRET'),
    adminKey: need('JANUS_ADMIN_KEY'),
  }
}

/** JANUS_RELAYS=0…16 (default 0); JANUS_RTP_HOST, an IPv4 address (default 127.0.0.1). */
function stage(env: NodeJS.ProcessEnv): Config['stage'] {
  const relays = int(env, 'JANUS_RELAYS', 0, 0, 16)
  const rtpHost = env.JANUS_RTP_HOST || '127.0.0.1'
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(rtpHost) || rtpHost.split('.').some((n) => Number(n) > 255)) {
    throw new ConfigError(
      `JANUS_RTP_HOST is the IPv4 address other Janus processes reach this one's mountpoints at, got "${rtpHost.slice(0, 100)}"`,
    )
  }
  if (relays > 0 && env.VOICE === 'off') {
    throw new ConfigError('JANUS_RELAYS needs the media server: unset VOICE=off')
  }
  return { relays, rtpHost }
}

function trustProxy(raw: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(raw)
  } catch (err) {
    throw new ConfigError(`TRUST_PROXY: ${(err as Error).message}`)
  }
}

function ops(env: NodeJS.ProcessEnv): OpsConfig {
  const token = env.METRICS_TOKEN || undefined
  // A short token is guessable from anywhere /metrics is reachable.
  if (token !== undefined && !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN must be 16 to 256 printable characters without spaces')
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${String(env.LOG_LEVEL).slice(0, 40)}"`,
    )
  }
  return { metricsToken: token, logLevel, drainTimeoutS: int(env, 'DRAIN_TIMEOUT_S', 10, 1, 600) }
}

/** `world/space=0xaddress`, comma-separated. */
function spaceAssignments(raw: string | undefined): Config['spaces']['assign'] {
  if (!raw) return []
  return raw.split(',').map((entry) => {
    const m = /^\s*([a-z0-9-]+)\/([a-z0-9-]+)=(0x[0-9a-fA-F]{40})\s*$/.exec(entry)
    if (!m) {
      throw new ConfigError(
        `SPACE_ASSIGN entries are world/space=0xaddress, comma-separated; got "${entry.trim()}"`,
      )
    }
    return { world: m[1]!, space: m[2]!, address: m[3]! }
  })
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.DATABASE_URL || undefined
  if (url !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(url)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://')
  }
  return url
}

function chain(env: NodeJS.ProcessEnv, rootDir: string): ChainConfig {
  const registry = env.TRUST_REGISTRY || undefined
  const mode = env.CHAIN || (registry ? 'registry' : 'embedded')
  if (mode !== 'embedded' && mode !== 'registry' && mode !== 'off') {
    throw new ConfigError(`CHAIN must be embedded, registry or off; got "${mode}"`)
  }
  if (mode === 'registry' && !registry) {
    throw new ConfigError('CHAIN=registry needs TRUST_REGISTRY=<file>')
  }
  if (mode === 'embedded' && registry) {
    throw new ConfigError(
      'TRUST_REGISTRY names a registry file: leave CHAIN unset or set it to registry',
    )
  }
  let ipfsGateways: string[] | null = null
  if (env.IPFS_GATEWAYS) {
    ipfsGateways = env.IPFS_GATEWAYS.split(',').map((g) => g.trim())
    for (const g of ipfsGateways) {
      if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?\/ipfs\/$/.test(g)) {
        throw new ConfigError(
          `IPFS_GATEWAYS: each gateway is an http(s) URL ending in /ipfs/, got "${g}"`,
        )
      }
    }
  }
  const siweDomain = env.SIWE_DOMAIN || undefined
  if (siweDomain !== undefined && !/^[^\s/]+$/.test(siweDomain)) {
    throw new ConfigError(`SIWE_DOMAIN is a host[:port] without a scheme, got "${siweDomain}"`)
  }
  let publicOrigins = origins(env.PUBLIC_ORIGIN)
  if (siweDomain !== undefined) {
    if (publicOrigins) {
      throw new ConfigError(
        'SIWE_DOMAIN is replaced by PUBLIC_ORIGIN: remove SIWE_DOMAIN (PUBLIC_ORIGIN is set)',
      )
    }
    publicOrigins = origins(`https://${siweDomain}`, 'SIWE_DOMAIN')
  }
  return {
    mode,
    registryPath: registry ? path.resolve(rootDir, registry) : undefined,
    anvilPort: int(env, 'ANVIL_PORT', 8545, 0, 65535),
    devChains: int(env, 'DEV_CHAINS', 2, 1, 2) as 1 | 2,
    ipfsGateways,
    pollMs: int(env, 'CHAIN_POLL_MS', 1000, 100, 600_000),
    rpcTimeoutMs: int(env, 'CHAIN_RPC_TIMEOUT_MS', 10_000, 500, 120_000),
    publicOrigins,
    siweDomain,
    ipfsDir: env.IPFS_DIR ? path.resolve(rootDir, env.IPFS_DIR) : undefined,
  }
}

/** PUBLIC_ORIGIN: comma-separated http(s) origins, each without a path, normalised. */
function origins(raw: string | undefined, name = 'PUBLIC_ORIGIN'): string[] | undefined {
  if (!raw) return undefined
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  if (list.length === 0) return undefined
  if (list.length > 16) throw new ConfigError(`${name} lists at most 16 origins`)
  return list.map((o) => {
    const bad = () =>
      new ConfigError(
        `${name}: each origin is scheme://host[:port] as browsers load the site ` +
          `(https://cq.example.com), without a path; got "${o.slice(0, 200)}"`,
      )
    let url: URL
    try {
      url = new URL(o)
    } catch {
      throw bad()
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
    if (!/^https?:$/.test(url.protocol) || !bare || !/^https?:\/\/[^/]+\/?$/i.test(o)) throw bad()
    return url.origin
  })
}

// Colyseus hands this address to clients that matched a room here through another process,
// and colyseus.js opens `ws://<address>/<processId>/<roomId>`: so no scheme, and a host that
// other machines can reach, never a wildcard.
function publicAddress(env: NodeJS.ProcessEnv, host: string, port: number, redisUrl?: string) {
  const raw = env.PUBLIC_ADDRESS
  if (raw) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+)(:\d{1,5})?(\/\S*)?$/.test(raw)) {
      throw new ConfigError(
        `PUBLIC_ADDRESS must be host:port as clients reach this process (no scheme), got "${raw}"`,
      )
    }
    return raw
  }
  if (redisUrl === undefined) return undefined
  if (port === 0 || ['0.0.0.0', '::', '[::]'].includes(host)) {
    throw new ConfigError(
      `with REDIS_URL, set PUBLIC_ADDRESS (where clients reach this process): ${host}:${port} is not an address to connect to`,
    )
  }
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

function interest(env: NodeJS.ProcessEnv): Config['interest'] {
  const mode = env.AOI || 'on'
  if (mode !== 'on' && mode !== 'off') {
    throw new ConfigError(`AOI must be on or off, got "${mode}"`)
  }
  if (mode === 'off') return null
  return { radius: int(env, 'AOI_RADIUS', 40, 4, 4096), max: int(env, 'AOI_MAX', 32, 1, 2000) }
}
