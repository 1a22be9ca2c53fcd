// Composes the running product: one HTTP server carries the API, the Colyseus matchmaker and
// WebSocket rooms, and the client (Vite middleware in dev, dist/ when built). Every part
// registers a stop function so that shutdown leaves no process or port behind.
//
// It is one file because it is the composition root: every part's start and stop order reads in one
// place.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { Server, matchMaker, type ServerOptions } from '@colyseus/core'
import { WebSocketTransport } from '@colyseus/ws-transport'
import { startChain, type ChainPart } from './chain'
import { LookStore } from './avatars/looks'
import { openDatabaseRetrying, type Database } from './db/database'
import { migrate } from './db/migrations'
import { SpaceError, SpaceStore } from './spaces/store'
import { SpaceService, type SpaceChange } from './spaces/service'
import { spacesChannel } from './spaces/room'
import { roomFeatures } from './features'
import { giftItem } from './gifts/room'
import { MediaService } from './media/service'
import { StageMedia } from './media/stage'
import { StageMounts } from './events/mounts'
import type { StageServices } from './events/live'
import { broadcast } from './rooms/send'
import type { Config } from './config'
import { checkRedis, processWithFewestRooms, sharedRooms } from './redis'
import { openRedisAuth, type RedisAuth } from './authRedis'
import { SIGN_OUT_CHANNEL, type Sessions } from './auth'
import { staticHandler } from './static'
import { worldRoom } from './rooms/WorldRoom'
import { eventRoom } from './events/room'
import { eventAttendance } from './events/bus'
import type { EventServices } from './events/join'
import { eventsApi } from './events/http'
import { EventStore } from './events/store'
import { BuilderStore } from './builder/store'
import { builderApi } from './builder/http'
import { avatarsApi } from './avatars/http'
import { AvatarStore } from './avatars/store'
import { CollectibleAvatars, GRANT_ENDED_CHANNEL } from './avatars/wear'
import { WorldDirectory } from './builder/directory'
import { worldMaker } from './builder/maker'
import { builderChannel, isBuilderWorld, type BuilderNotice } from './builder/room'
import { ThumbnailJobs, worldRender } from './builder/thumbnailJobs'
import { HeadlessBrowser } from './headless/browser'
import { chromiumProblem } from './headless/chromium'
import type { ChainServices } from './chain'
import { rulesOf, UnknownWorldError, worldRules, type WorldRules } from './worlds'
import { background } from './background'
import { ClientGuard, MAX_WS_PAYLOAD } from './limits'
import { SEAT_RESERVATION_S } from './rooms/WorldRoom'
import type { ServerMessages } from '../src/protocol/messages'
import { clip, errorField, log, requestLogger } from './log'
import {
  metrics,
  serveMetrics,
  watchAttendance,
  watchDatabase,
  watchRedis,
  watchRooms,
} from './metrics'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

export interface RunningServer {
  url: string
  port: number
  /** The chain services (resolves when the chain is ready; rejects with CHAIN=off or on failure). */
  chain: ChainPart['ready']
  /** Wallet sessions and creator spaces (needs the chain and the database). */
  spaces: Promise<RoomServices>
  /** Live gatherings (needs the database; sign-in needs the chain). */
  events: Promise<EventStore>
  /** Voice: the media server (embedded Janus, JANUS_URL, or off with the reason). */
  voice: MediaService
  /** The live stage: the media servers (main and relays) and this process's mountpoints. */
  stage: StageServices
  /**
   * Drains and stops: new requests and connections get 503, visitors get `server.shutdown` and
   * `noticeS` seconds (or until they all left), then Colyseus closes the rooms and every part
   * stops. Later calls return the same promise.
   */
  stop(noticeS?: number): Promise<void>
}

const startedAt = Date.now()

/** Wallet sessions and creator spaces: both up once the chain and the database are. */
export interface RoomServices {
  sessions: Sessions
  spaces: SpaceService
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  })
  res.end(text)
}

export async function startServer(config: Config): Promise<RunningServer> {
  const stops: Array<() => Promise<void> | void> = []
  let stopping: Promise<void> | undefined
  let drainingSince: number | null = null
  let chain: ChainPart | null = null
  let roomServices: RoomServices | null = null
  let chainServices: ChainServices | null = null
  let eventStore: EventStore | null = null
  let eventsFailure: string | null = null
  let builderStore: BuilderStore | null = null
  let lookStore: LookStore | null = null
  let directory: WorldDirectory | null = null
  let builderFailure: string | null = null
  let thumbnails: ThumbnailJobs | null = null
  let avatarStore: AvatarStore | null = null
  let collectibleAvatars: CollectibleAvatars | null = null
  const eventServices = (): EventServices | null =>
    eventStore && { store: eventStore, sessions: chainServices?.sessions ?? null }
  const events = eventsApi({
    json,
    store: () => eventStore,
    failure: () => eventsFailure,
    sessions: () => chainServices?.sessions ?? null,
    attendance: async (id) => (await eventAttendance(matchMaker.presence, id)).attendance,
  })
  const builder = builderApi({
    json,
    store: () => builderStore,
    failure: () => builderFailure,
    sessions: () => chainServices?.sessions ?? null,
    maker: worldMaker,
    directory: () => directory,
    thumbnails: () => thumbnails,
    live: async () => {
      // Every world room on every process reports its clients through the matchmaker.
      const rooms = await matchMaker.query({ name: 'world' })
      const live = new Map<string, number>()
      for (const r of rooms) {
        const world = (r.metadata as { world?: unknown } | undefined)?.world
        if (typeof world === 'string' && isBuilderWorld(world) && r.clients > 0)
          live.set(world, (live.get(world) ?? 0) + r.clients)
      }
      return live
    },
    accessChanged: (worldId) => {
      const notice: BuilderNotice = { kind: 'members' }
      background(matchMaker.presence.publish(builderChannel(worldId), notice), '[builder] publish')
    },
  })
  const avatars = avatarsApi({
    json,
    store: () => avatarStore,
    // The database's failure, which the builder's part records.
    failure: () => builderFailure,
    sessions: () => chainServices?.sessions ?? null,
    wear: () => collectibleAvatars,
  })
  /** A builder world's rules come from its stored scene; other worlds' from their files. */
  const worlds = (id: string): Promise<WorldRules> | null => {
    if (!isBuilderWorld(id)) return null
    return (async () => {
      if (!builderStore) throw new UnknownWorldError('builder worlds are starting: try again')
      const current = await builderStore.current(id)
      if (!current) throw new UnknownWorldError(`unknown world "${id}"`)
      return rulesOf(current.content.scene)
    })()
  }
  let client: Handler = (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('client disabled (CLIENT=none)')
  }

  const api: Handler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/api/health') {
      json(res, 200, { ok: true, uptimeS: Math.round((Date.now() - startedAt) / 1000) })
      return
    }
    if (url.pathname === '/api/voice/status' && req.method === 'GET') {
      json(res, 200, voice.status())
      return
    }
    if (chain?.handle(req, res, url)) return
    if (events(req, res, url)) return
    if (builder(req, res, url)) return
    if (avatars(req, res, url)) return
    json(res, 404, { error: 'not_found', message: `no API route ${url.pathname}` })
  }

  // The guard answers /matchmake/ (bounded, per client address) and tags every request with its
  // client (TRUST_PROXY) for the APIs' own limits.
  const guard = new ClientGuard(config.limits, config.trustProxy, SEAT_RESERVATION_S)
  const route: Handler = (req, res) => {
    const path = req.url ?? '/'
    // One id per request, on its log lines and in the answer, so a user's report can be found.
    const rlog = requestLogger(req.headers['x-request-id'], req)
    res.setHeader('x-request-id', String(rlog.bindings().reqId))
    res.on('finish', () => {
      const line = { method: req.method, path: clip(path), status: res.statusCode }
      if (res.statusCode >= 500) rlog.warn(line, 'http request failed')
      else rlog.debug(line, 'http request')
    })
    if (path === '/metrics' || path.startsWith('/metrics?')) {
      serveMetrics(req, res, config.ops.metricsToken).catch((err: unknown) => {
        log.error({ error: errorField(err) }, 'metrics scrape failed')
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
      return
    }
    if (path.startsWith('/api/')) api(req, res)
    else if (!chain?.ipfs(req, res)) client(req, res)
  }
  const httpServer = http.createServer()

  // With REDIS_URL, processes share room listings (driver) and pub/sub (presence): a join made
  // through any process reserves a seat in a room on any process, and colyseus.js then opens
  // its WebSocket to the hosting process's publicAddress. New rooms go to the process with the
  // fewest rooms.
  let scale: ServerOptions = {}
  let auth: RedisAuth | null = null
  if (config.redisUrl) {
    await checkRedis(config.redisUrl)
    // Sign-in nonces and sessions too, so a token from any process works on every process
    // (one more connection, only when this process signs wallets in at all).
    if (config.chain.mode !== 'off') auth = await openRedisAuth(config.redisUrl)
    scale = {
      ...sharedRooms(config.redisUrl),
      publicAddress: config.publicAddress,
      selectProcessIdToCreateRoom: processWithFewestRooms,
    }
  }
  const gameServer = new Server({
    transport: new WebSocketTransport({
      server: httpServer,
      maxPayload: MAX_WS_PAYLOAD,
      verifyClient: guard.verifyClient,
    }),
    gracefullyShutdown: false,
    greet: false,
    ...scale,
  })
  // In place of Colyseus' matchmaking route, which reads any body whole.
  httpServer.removeAllListeners('request')
  httpServer.on('request', guard.requests(route))
  // Voice starts beside the chain, in the background: rooms say voice_off until it is up.
  const voice = new MediaService(config.voice, { dataDir: config.dataDir })
  // The live stage: relays (JANUS_RELAYS) are embedded Janus processes for stage watchers only.
  const binary = config.voice.mode === 'embedded' ? config.voice.binary : undefined
  const relays = Array.from(
    { length: config.voice.mode === 'off' ? 0 : config.stage.relays },
    () => new MediaService({ mode: 'embedded', binary }, { dataDir: config.dataDir }),
  )
  const stageMedia = new StageMedia(voice, relays, config.stage.rtpHost)
  const mounts = new StageMounts(stageMedia, matchMaker.presence, matchMaker.processId)
  const stage = { media: stageMedia, mounts }
  stops.push(() => mounts.dispose())
  stops.push(() => voice.stop())
  for (const relay of relays) stops.push(() => relay.stop())
  const features = roomFeatures(
    () => roomServices?.spaces ?? null,
    () => voice,
    () => builderStore,
    config.scenesDir,
    () => thumbnails,
    () =>
      chainServices && {
        circulation: chainServices.circulation,
        watch: (listener) => chainServices!.collectibles.onTransfer(listener),
        relay: chainServices.giftRelay,
        signedIn: (address) => chainServices!.sessions.signedIn(address),
        describe: async (owner, token) =>
          giftItem(
            await chainServices!.collectibles.verify(owner, token),
            chainServices!.registry.issuer(token.chainId, token.contract)?.name ?? null,
          ),
      },
    () => lookStore,
    () => avatarStore,
  )
  gameServer
    .define(
      'world',
      worldRoom({
        scenesDir: config.scenesDir,
        worlds,
        maxClients: config.maxClients,
        reconnectS: config.reconnectS,
        interest: config.interest,
        services: () => roomServices,
        features,
      }),
    )
    .filterBy(['world'])
  gameServer
    .define(
      'event',
      eventRoom({
        scenesDir: config.scenesDir,
        worlds,
        maxClients: config.maxClients,
        reconnectS: config.reconnectS,
        interest: config.interest,
        services: () => roomServices,
        features,
        events: eventServices,
        kickMinutes: config.kickMinutes,
        stage: () => stage,
      }),
    )
    .filterBy(['event'])

  if (config.client === 'dev') {
    const { createServer } = await import('vite')
    const vite = await createServer({
      root: config.rootDir,
      server: { middlewareMode: true, hmr: { port: config.hmrPort, host: config.host } },
      appType: 'spa',
      clearScreen: false,
      logLevel: 'warn',
    })
    client = (req, res) => vite.middlewares(req, res)
    stops.push(() => vite.close())
  } else if (config.client === 'dist') {
    client = staticHandler(config.distDir)
  }

  await gameServer.listen(config.port, config.host)
  gateWhileDraining(httpServer, () => drainingSince !== null)
  metrics.draining(false)
  const unwatch = [watchRooms()]
  if (config.redisUrl) unwatch.push(watchRedis(() => matchMaker.presence.exists('cq:metrics')))
  unwatch.push(
    watchAttendance(async () => {
      const here = await matchMaker.query({ name: 'event', processId: matchMaker.processId })
      const ids = new Set(here.map((r) => (r.metadata as { event?: unknown } | undefined)?.event))
      const out = new Map<string, number>()
      for (const id of ids) {
        if (typeof id === 'string') {
          out.set(id, (await eventAttendance(matchMaker.presence, id)).attendance)
        }
      }
      return out
    }),
  )
  stops.push(() => unwatch.forEach((u) => u()))
  const port = (httpServer.address() as AddressInfo).port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`
  chain = startChain(config.chain, {
    dataDir: config.dataDir,
    serverUrl: () => url,
    json,
    ...(auth && { auth }),
    onSignOut: (hash) => matchMaker.presence.publish(SIGN_OUT_CHANNEL, hash),
    // PGlite's start blocks the event loop: the chain waits for it before it says "ready".
    // (dbReady is assigned below, before this is first called.)
    ...(!config.databaseUrl && { storage: () => dbReady }),
  })
  stops.push(() => chain?.stop())
  if (auth) stops.push(() => auth.close())

  void chain.ready.then(
    (services) => (chainServices = services),
    () => {},
  )

  // The database starts in the background; events need only it, spaces also the chain (to
  // verify placements). Rooms and routes pick the services up once they are ready.
  const dbReady = (async () => {
    if (config.chain.mode === 'off' && !config.databaseUrl) {
      throw new Error('this server runs without a chain (CHAIN=off) and without DATABASE_URL')
    }
    if (config.redisUrl && !config.databaseUrl) {
      // PGlite is one process's database: processes sharing rooms must share PostgreSQL.
      throw new Error(
        'creator spaces and events need DATABASE_URL (PostgreSQL) when processes share ' +
          'REDIS_URL; without it they are off',
      )
    }
    // PostgreSQL down at boot is waited for (logged, with backoff), not given up on.
    const waiting = new AbortController()
    stops.push(() => waiting.abort())
    const db: Database = await openDatabaseRetrying(
      { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
      { signal: waiting.signal },
    )
    if (stopping) {
      await db.close()
      throw new Error('the server stopped while the database was opening')
    }
    stops.push(() => db.close())
    stops.push(watchDatabase(db))
    await migrate(db)
    return db
  })()
  const eventsReady = (async () => {
    const db = await dbReady
    eventStore = new EventStore(db, {
      scenesDir: config.scenesDir,
      worlds,
      createPerHour: config.eventsPerHour,
    })
    return eventStore
  })()
  eventsReady.catch((err: unknown) => {
    eventsFailure = (err as Error).message
    if (config.chain.mode !== 'off' || config.databaseUrl) {
      log.error({ part: 'events', reason: eventsFailure }, 'events not available')
    }
  })
  // Builder worlds' pictures come from this process's own page, through loopback.
  const noRender =
    config.thumbnails === 'off'
      ? 'THUMBNAILS=off'
      : config.client === 'none'
        ? 'this process serves no client (CLIENT=none)'
        : chromiumProblem()
  const headless = noRender ? null : new HeadlessBrowser({ origin: ownOrigin(config.host, port) })
  if (config.client !== 'none') {
    if (noRender) log.info({ part: 'thumbnails', reason: noRender }, 'thumbnails are maps')
    else log.info({ part: 'thumbnails' }, 'thumbnails are rendered by headless Chromium')
  }
  stops.push(async () => {
    thumbnails?.stop()
    await headless?.stop()
  })
  dbReady.then(
    (db) => {
      builderStore = new BuilderStore(db)
      lookStore = new LookStore(db)
      avatarStore = new AvatarStore(db)
      directory = new WorldDirectory(db)
      thumbnails = new ThumbnailJobs({
        store: () => builderStore,
        render: headless && worldRender(headless, `${ownOrigin(config.host, port)}/`),
        renderEveryMs: config.thumbnailEveryMs,
      })
    },
    (err: unknown) => (builderFailure = (err as Error).message),
  )
  // Wearing collectibles needs both the chain (ownership, the model) and the database.
  const wearReady = (async () => {
    const services = await chain.ready
    const db = await dbReady
    const wearing = new CollectibleAvatars({
      store: avatarStore ?? new AvatarStore(db),
      looks: lookStore ?? new LookStore(db),
      collectibles: services.collectibles,
      publish: (ended) => matchMaker.presence.publish(GRANT_ENDED_CHANNEL, ended),
    })
    stops.unshift(wearing.watch())
    collectibleAvatars = wearing
  })()
  // The chain or the database is off or failed: their own parts say so; wearing answers 503.
  wearReady.catch(() => {})
  const spacesReady = (async () => {
    const services = await chain.ready
    const db = await dbReady
    const store = new SpaceStore(db)
    for (const a of config.spaces.assign) {
      const rules = await worldRules(config.scenesDir, a.world)
      if (!rules.spaces.has(a.space)) {
        const reason = 'the world has no such space'
        log.warn({ world: a.world, space: a.space, reason }, 'SPACE_ASSIGN skipped')
        continue
      }
      try {
        await store.assign(a.space, a.world, a.address)
      } catch (err) {
        // Someone already owns it: keep spaces (and sign-in) on, skip this one, say so.
        if (!(err instanceof SpaceError) || err.code === 'bad_data') throw err
        const at = { world: a.world, space: a.space, address: a.address }
        log.warn({ ...at, reason: clip(err.message) }, 'SPACE_ASSIGN skipped')
      }
    }
    const spaces = new SpaceService(store, services.collectibles, {
      limitPerAddress: config.spaces.limitPerAddress,
      recheckMs: config.spaces.recheckMs,
      claimTtlMs: config.spaces.claimTtlMs,
      publish: (change: SpaceChange) =>
        background(
          matchMaker.presence.publish(spacesChannel(change.world), change),
          '[spaces] publish',
        ),
    })
    stops.unshift(() => spaces.stop())
    roomServices = { sessions: services.sessions, spaces }
    return roomServices
  })()
  spacesReady.catch((err: unknown) => {
    if (config.chain.mode !== 'off') {
      log.error({ part: 'spaces', error: errorField(err) }, 'spaces not available')
    }
  })
  stops.unshift(async () => {
    // Colyseus disconnects clients and closes the transport (and with it the HTTP server); with
    // REDIS_URL it also takes this process's rooms out of Redis and quits its connections.
    await gameServer.gracefullyShutdown(false)
    httpServer.closeAllConnections()
  })

  return {
    url,
    port,
    chain: chain.ready,
    spaces: spacesReady,
    events: eventsReady,
    voice,
    stage,
    stop(noticeS = 0) {
      stopping ??= (async () => {
        drainingSince = Date.now()
        metrics.draining(true)
        await tellVisitors(noticeS)
        for (const stop of stops) {
          try {
            await stop()
          } catch (err) {
            log.error({ error: errorField(err) }, 'error while stopping')
          }
        }
        log.info({ ms: Date.now() - drainingSince }, 'server stopped')
      })()
      return stopping
    },
  }
}

/** Where this process's own pages are reached from itself: loopback where it listens on all. */
function ownOrigin(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`
  if (host === '::') return `http://[::1]:${port}`
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** Seconds a refused client is asked to wait before it tries again (Retry-After). */
const DRAIN_RETRY_AFTER_S = 5

/**
 * While the process drains, every new request and WebSocket upgrade gets 503 with Retry-After:
 * the matchmaker (/matchmake/) and reconnections included, and /api/health too, so a load
 * balancer takes the process out. Only /metrics still answers. Wraps the listeners Colyseus
 * installed, so call it after `listen`.
 */
function gateWhileDraining(server: http.Server, draining: () => boolean) {
  const onRequest = server.listeners('request') as Handler[]
  server.removeAllListeners('request')
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (draining() && !/^\/metrics(\?|$)/.test(req.url ?? '')) {
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': String(DRAIN_RETRY_AFTER_S),
        connection: 'close',
      })
      res.end(
        JSON.stringify({
          ok: false,
          error: 'draining',
          message: 'this server is shutting down: try again in a few seconds',
        }),
      )
      return
    }
    for (const listener of onRequest) listener(req, res)
  })
  type Upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void
  const onUpgrade = server.listeners('upgrade') as Upgrade[]
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (draining()) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\n' +
          `Retry-After: ${DRAIN_RETRY_AFTER_S}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      )
      return
    }
    for (const listener of onUpgrade) listener(req, socket, head)
  })
}

/**
 * Sends `server.shutdown` to everyone in this process's rooms, then waits until they all left or
 * `noticeS` passed (Colyseus closes whoever is left right after).
 */
async function tellVisitors(noticeS: number) {
  let here: Awaited<ReturnType<typeof matchMaker.query>>
  try {
    here = await matchMaker.query({ processId: matchMaker.processId })
  } catch (err) {
    log.warn({ error: errorField(err) }, 'draining: cannot list rooms to tell visitors')
    return
  }
  const notice: ServerMessages['server.shutdown'] = { seconds: noticeS }
  let told = 0
  for (const listing of here) {
    const room = matchMaker.getLocalRoomById(listing.roomId)
    if (!room) continue
    broadcast(room, 'server.shutdown', notice)
    told += room.clients.length
  }
  log.info({ rooms: here.length, clients: told, noticeS }, 'draining: visitors told')
  const deadline = Date.now() + noticeS * 1000
  while (matchMaker.stats.local.ccu > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
