// The chain side of the server: the trust registry, the verification service, wallet sessions
// and their HTTP API (docs/api.md).
//
// With CHAIN=embedded (the default) it first starts the local anvil with the demo collections
// (server/devchain) and uses the registry that seed writes; with TRUST_REGISTRY=<file> it reads
// that file instead. It starts in the background: the game is up at once, and until the chain
// is ready the chain API answers 503 "starting" with a retry hint.
import fs from 'node:fs/promises'
import type http from 'node:http'
import { parseTrustRegistryText, type TrustRegistry } from '../src/chain/registry'
import { PerClientLimit, clientKey, decodePathPart, readJson } from './httpKit'
import { ChainUnavailableError } from '../src/chain/types'
import {
  AUTH_UNAVAILABLE,
  AuthUnavailableError,
  SESSION_TTL_MS,
  Sessions,
  SiweError,
  signInSites,
  type SessionStore,
} from './auth'
import type { SiweNonceStore } from '../src/chain/siwe'
import { BadAddressError, CollectibleService } from './collectibles'
import { GiftRelay } from './gifts/relay'
import { Circulation } from './circulation'
import type { ChainConfig } from './config'
import { ipfsGateway } from './ipfsGateway'
import { clip, errorField, log as processLog, logFor, type Logger } from './log'

type Json = (res: http.ServerResponse, status: number, body: unknown) => void

export interface ChainPart {
  /** Answers /api/chain, /api/auth/*, /api/collectibles/*; false when the path is not its. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean
  /** The local gateway for the embedded chain's demo content (`/ipfs/…`), if any. */
  ipfs(req: http.IncomingMessage, res: http.ServerResponse): boolean
  /** Resolves once the chain is ready (or rejects with why it is not). */
  ready: Promise<ChainServices>
  stop(): Promise<void>
}

export interface ChainServices {
  registry: TrustRegistry
  collectibles: CollectibleService
  /** Prepares and relays the development wallet's gift transfers (local chains only). */
  giftRelay: GiftRelay
  circulation: Circulation
  sessions: Sessions
  devWallet: boolean
}

const SIWE_STATEMENT = 'Sign in to Cangqiong (苍穹) with this wallet.'
/** Per client address: sign-in attempts (nonces are a bounded store) and listings (RPC work). */
const LIMITS = {
  auth: { perSecond: 0.5, burst: 10 },
  collectibles: { perSecond: 2, burst: 20 },
}

export function startChain(
  config: ChainConfig,
  opts: {
    dataDir: string
    serverUrl: () => string
    json: Json
    log?: Logger
    /** Shared nonce and session stores (Redis with REDIS_URL); default: this process's memory. */
    auth?: { nonces: SiweNonceStore; sessions: SessionStore }
    /** Told the token hash of each session signed out (rooms unbind its seats). */
    onSignOut?: (hash: string) => Promise<void> | void
    /**
     * Announce ready only once this settles: opening PGlite blocks the event loop for seconds,
     * which must happen before /api/chain says "ready", not right after.
     */
    storage?: () => Promise<unknown>
  },
): ChainPart {
  const log = opts.log ?? processLog
  // The origins sign-in messages must name (docs/api.md): fixed at start, the port is known.
  const sites = signInSites(config.publicOrigins, opts.serverUrl())
  if (config.mode !== 'off') {
    if ('off' in sites) log.warn({ reason: sites.off }, 'sign-in off')
    else if (config.publicOrigins?.length) log.info({ origins: sites.origins }, 'sign-in sites')
    // The default needs no list (and the one URL a person should open stays the only URL).
    else log.info({ origins: 'loopback names (127.0.0.1, localhost, [::1])' }, 'sign-in sites')
    if (config.siweDomain !== undefined) {
      log.warn(
        {
          siweDomain: config.siweDomain,
          reason: `read as PUBLIC_ORIGIN=https://${config.siweDomain}; set PUBLIC_ORIGIN (with the scheme browsers use) instead`,
        },
        'SIWE_DOMAIN is deprecated',
      )
    }
  }
  const stops: Array<() => Promise<void> | void> = []
  let services: ChainServices | null = null
  let failure: string | null = null
  let ipfsHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null =
    config.ipfsDir ? ipfsGateway(config.ipfsDir) : null

  const ready = (async (): Promise<ChainServices> => {
    if (config.mode === 'off') throw new Error('this server runs without a chain (CHAIN=off)')
    let registry: TrustRegistry
    let devWallet: boolean
    let gateways = config.ipfsGateways
    if (config.mode === 'embedded') {
      const { startDevChain } = await import('./devchain/index')
      const started = Date.now()
      const chain = await startDevChain({
        dataDir: opts.dataDir,
        port: config.anvilPort,
        partner: config.devChains === 2,
      })
      stops.push(() => chain.stop())
      // The port, not the URL: npm start's output holds one URL, the one to open.
      const anvilPort = Number(new URL(chain.rpcUrl).port)
      log.info(
        { anvilPort, chains: chain.partner ? 2 : 1, ms: Date.now() - started },
        'local anvil ready',
      )
      registry = await readRegistry(chain.registryPath)
      devWallet = true
      ipfsHandler = ipfsGateway(chain.ipfsDir)
      gateways ??= [new URL('ipfs/', opts.serverUrl()).href]
    } else {
      registry = await readRegistry(config.registryPath!)
      // anvil's well-known accounts are only worth offering for a local development chain.
      devWallet = registry.chains.some((c) => c.local)
      gateways ??= ['https://ipfs.io/ipfs/', 'https://dweb.link/ipfs/']
    }
    const collectibles = new CollectibleService(registry, {
      ipfsGateways: gateways,
      pollMs: config.pollMs,
      rpcTimeoutMs: config.rpcTimeoutMs,
      log,
    })
    collectibles.start()
    stops.push(() => collectibles.stop())
    const circulation = new Circulation(registry, collectibles)
    // A transfer the watcher saw is the next line of that token's history.
    collectibles.onTransfer((t) => {
      for (const tokenId of t.tokenIds)
        circulation.forget({ chainId: t.chainId, contract: t.contract, tokenId })
    })
    const sessions = new Sessions({
      ...(opts.auth && { nonces: opts.auth.nonces, sessions: opts.auth.sessions }),
      ...(opts.onSignOut && { onSignOut: opts.onSignOut }),
      log,
    })
    if (opts.storage) await opts.storage().catch(() => {})
    const giftRelay = new GiftRelay(registry, (chainId) => collectibles.evmAdapter(chainId))
    services = { registry, collectibles, circulation, giftRelay, sessions, devWallet }
    return services
  })()
  ready.catch((err: unknown) => {
    failure = err instanceof Error ? err.message : String(err)
    if (config.mode !== 'off')
      log.error({ part: 'chain', reason: clip(failure) }, 'chain not available')
  })

  const authLimit = new PerClientLimit(LIMITS.auth.perSecond, LIMITS.auth.burst)
  const listLimit = new PerClientLimit(LIMITS.collectibles.perSecond, LIMITS.collectibles.burst)
  const slowDown = (res: http.ServerResponse) => {
    res.setHeader('retry-after', '5')
    opts.json(res, 429, { error: 'rate_limited', message: 'too many requests', retryAfterS: 5 })
  }

  const unavailable = (res: http.ServerResponse) => {
    if (config.mode === 'off') {
      opts.json(res, 503, {
        error: 'chain_off',
        message: 'this server runs without a chain (CHAIN=off)',
      })
    } else if (failure) {
      opts.json(res, 503, { error: 'chain_unavailable', message: failure, retryAfterS: 10 })
    } else {
      opts.json(res, 503, {
        error: 'chain_starting',
        message: 'the chain is starting',
        retryAfterS: 2,
      })
    }
  }

  const authUnavailable = (res: http.ServerResponse) => {
    res.setHeader('retry-after', String(AUTH_UNAVAILABLE.retryAfterS))
    opts.json(res, 503, AUTH_UNAVAILABLE)
  }

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean => {
    const path = url.pathname
    if (
      path !== '/api/chain' &&
      !path.startsWith('/api/auth/') &&
      !path.startsWith('/api/collectibles/')
    ) {
      return false
    }
    if (!services) {
      unavailable(res)
      return true
    }
    void route(services, req, res, url).catch((err: unknown) => {
      if (res.headersSent) return
      if (err instanceof AuthUnavailableError) return authUnavailable(res)
      const at = { method: clip(req.method, 16), path: clip(path, 120) }
      logFor(req).error({ ...at, error: errorField(err) }, 'chain api request failed')
      opts.json(res, 500, { error: 'internal', message: 'internal error' })
    })
    return true
  }

  const route = async (
    s: ChainServices,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ) => {
    const path = url.pathname
    const method = req.method ?? 'GET'
    const only = (m: string) => {
      if (method === m) return true
      res.setHeader('allow', m)
      opts.json(res, 405, { error: 'method_not_allowed', message: `${path} takes ${m}` })
      return false
    }
    const primary = s.registry.chains[0]!
    if (path === '/api/chain') {
      if (!only('GET')) return
      // The origin the browser used when it is one of ours (the Host only picks among them).
      const origins = 'origins' in sites ? sites.origins : []
      const host = (req.headers.host ?? '').toLowerCase()
      const site = origins.find((o) => new URL(o).host === host) ?? origins[0]
      const siteUrl = site ? new URL(site) : null
      opts.json(res, 200, {
        chains: s.registry.chains.map((c) => ({
          chainId: c.chainId,
          name: c.name,
          local: c.local ?? false,
        })),
        devWallet: s.devWallet,
        siwe: {
          // With sign-in off these name no site of ours: /api/auth/nonce says why.
          domain: siteUrl?.host ?? (host.slice(0, 255) || 'localhost'),
          uri: siteUrl ? `${siteUrl.origin}/` : `http://${host.slice(0, 255) || 'localhost'}/`,
          chainId: primary.chainId,
          statement: SIWE_STATEMENT,
          origins,
        },
      })
      return
    }
    const client = clientKey(req)
    const signInOff = (res: http.ServerResponse) => {
      if (!('off' in sites)) return false
      opts.json(res, 503, { error: 'sign_in_off', message: sites.off })
      return true
    }
    if (path === '/api/auth/nonce') {
      if (!only('POST')) return
      if (signInOff(res)) return
      if (!authLimit.take(client)) return slowDown(res)
      const issued = await s.sessions.siwe.issueNonce()
      // The longest session a sign-in opens: the message's Expiration Time may be up to this.
      const sessionExpiresAt = new Date(Date.parse(issued.issuedAt) + SESSION_TTL_MS)
      opts.json(res, 200, { ...issued, sessionExpiresAt: sessionExpiresAt.toISOString() })
      return
    }
    if (path === '/api/auth/verify') {
      if (!only('POST')) return
      if (signInOff(res)) return
      const body = await readJson(req)
      if (!body.ok) {
        opts.json(res, body.status, { error: 'bad_request', message: body.message })
        return
      }
      const { message, signature } = body.value as { message?: unknown; signature?: unknown }
      if (typeof message !== 'string' || typeof signature !== 'string') {
        opts.json(res, 400, {
          error: 'bad_request',
          message: 'body must be {message, signature} strings',
        })
        return
      }
      try {
        const { token, session } = await s.sessions.signIn(
          { message, signature },
          { origins: 'origins' in sites ? sites.origins : [], chainId: primary.chainId },
        )
        opts.json(res, 200, {
          address: session.address,
          token,
          expiresAt: new Date(session.expiresAt).toISOString(),
        })
      } catch (err) {
        if (!(err instanceof SiweError)) throw err
        const status = err.code === 'bad_message' ? 400 : 401
        opts.json(res, status, { error: err.code, message: err.message })
      }
      return
    }
    if (path === '/api/auth/session') {
      if (!only('GET')) return
      const session = await s.sessions.fromHeader(req.headers.authorization)
      if (!session) {
        opts.json(res, 401, {
          error: 'no_session',
          message: 'not signed in (or the session expired)',
        })
        return
      }
      opts.json(res, 200, {
        address: session.address,
        expiresAt: new Date(session.expiresAt).toISOString(),
      })
      return
    }
    if (path === '/api/auth/logout') {
      if (!only('POST')) return
      await s.sessions.signOut(req.headers.authorization)
      opts.json(res, 200, { ok: true })
      return
    }
    const history = /^\/api\/collectibles\/(\d{1,16})\/([^/]{1,128})\/(\d{1,78})\/history$/.exec(
      path,
    )
    if (history) {
      if (!only('GET')) return
      if (!listLimit.take(client)) return slowDown(res)
      const contract = decodePathPart(history[2]!)
      if (contract === null) {
        opts.json(res, 400, { error: 'bad_request', message: 'malformed percent-encoding in path' })
        return
      }
      const token = { chainId: Number(history[1]), contract, tokenId: history[3]! }
      if (!s.registry.issuer(token.chainId, token.contract)) {
        opts.json(res, 404, {
          error: 'not_allowlisted',
          message: 'histories are kept for collectibles of trusted issuers',
        })
        return
      }
      try {
        opts.json(res, 200, { ...token, transfers: await s.circulation.history(token) })
      } catch (err) {
        if (!(err instanceof ChainUnavailableError)) throw err
        opts.json(res, 503, { error: 'chain_unavailable', message: err.message, retryAfterS: 5 })
      }
      return
    }
    const address = /^\/api\/collectibles\/([^/]+)$/.exec(path)?.[1]
    if (address !== undefined) {
      if (!only('GET')) return
      if (!listLimit.take(client)) return slowDown(res)
      const decoded = decodePathPart(address)
      if (decoded === null) {
        opts.json(res, 400, { error: 'bad_request', message: 'malformed percent-encoding in path' })
        return
      }
      try {
        // ?fresh=1: a person asked to check again; the service bounds how often that reads.
        const fresh = url.searchParams.get('fresh') === '1'
        opts.json(res, 200, await s.collectibles.list(decoded, fresh ? { maxAgeMs: 0 } : {}))
      } catch (err) {
        if (err instanceof BadAddressError) {
          opts.json(res, 400, { error: 'bad_address', message: err.message })
        } else if (err instanceof ChainUnavailableError) {
          opts.json(res, 503, { error: 'chain_unavailable', message: err.message, retryAfterS: 5 })
        } else throw err
      }
      return
    }
    opts.json(res, 404, { error: 'not_found', message: `no API route ${path}` })
  }

  return {
    handle,
    ipfs(req, res) {
      if (!(req.url ?? '').startsWith('/ipfs/') || !ipfsHandler) return false
      ipfsHandler(req, res)
      return true
    },
    ready,
    async stop() {
      await ready.catch(() => {})
      for (const stop of stops.reverse()) {
        try {
          await stop()
        } catch (err) {
          log.error({ part: 'chain', error: errorField(err) }, 'error while stopping')
        }
      }
    },
  }
}

async function readRegistry(file: string): Promise<TrustRegistry> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`cannot read the trust registry ${file}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  // `${NAME}` in rpcUrls comes from the environment (API keys stay out of the file).
  return parseTrustRegistryText(text, file, { env: process.env })
}
