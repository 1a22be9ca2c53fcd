// Redis for running several server processes (REDIS_URL): a reachability check made once at
// start, so a missing Redis is one clear message instead of ioredis retrying forever, the
// shared presence and room listing with their outages logged, and the choice of process for a
// new room.
import { matchMaker } from '@colyseus/core'
import { RedisDriver } from '@colyseus/redis-driver'
import { RedisPresence } from '@colyseus/redis-presence'
import { Redis, type Cluster } from 'ioredis'
import { errorText } from './background'
import { log as processLog, type Logger } from './log'
import { redactUrl } from './urls'

/**
 * Logs one line when a connection to Redis is lost and one when it is back. Without an 'error'
 * listener ioredis prints every failed reconnect with a stack (several a second per
 * connection). ioredis reconnects by itself; calls made meanwhile fail or wait.
 */
export function watchConnection(redis: Redis | Cluster, name: string, log: Logger): void {
  let down = false
  const lost = (why: string) => {
    if (down) return
    down = true
    log.warn({ connection: name, reason: why }, 'redis connection lost: reconnecting')
  }
  redis.on('error', (err: unknown) => lost(errorText(err)))
  redis.on('reconnecting', () => lost('connection closed'))
  redis.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection back')
    down = false
  })
}

/** RedisPresence whose two connections log their outages (see watchConnection). */
class WatchedPresence extends RedisPresence {
  constructor(url: string, log: Logger) {
    super(url)
    watchConnection(this.pub, 'presence', log)
    watchConnection(this.sub, 'presence subscriber', log)
  }
}

/** Presence and room listing shared with the other processes through Redis at `url`. */
export function sharedRooms(url: string, log: Logger = processLog) {
  const presence = new WatchedPresence(url, log)
  const driver = new RedisDriver(url)
  // The driver keeps its connection private; it is an ioredis client all the same.
  watchConnection((driver as unknown as { _client: Redis })._client, 'room listing', log)
  return { presence, driver }
}

/** Resolves when Redis at `url` answers PING; rejects with a message that says what to do. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  let cause: unknown // the socket's error says more than the "Connection is closed." after it
  probe.on('error', (err) => (cause ??= err))
  try {
    await probe.connect()
    await probe.ping()
  } catch (err) {
    const first = cause ?? err
    const reason = first instanceof Error ? first.message : String(first)
    const port = URL.canParse(url) ? new URL(url).port || '6379' : '6379'
    throw new Error(
      `cannot reach Redis at ${redactUrl(url)} (${reason}): start one with ` +
        `\`redis-server --port ${port}\` (Debian: \`sudo apt-get install redis-server\`), ` +
        'or unset REDIS_URL to run a single process',
      { cause: err },
    )
  } finally {
    probe.disconnect()
  }
}

/**
 * Picks the process for a new room: the one holding the fewest rooms, this one on a tie.
 * Colyseus' default also picks the fewest rooms, but from counts each process writes to
 * Redis at most once a second (debounced), so a burst of new rooms all lands on one process.
 * The shared room listing (RedisDriver) has a room as soon as it exists: count that instead.
 */
export async function processWithFewestRooms(): Promise<string> {
  const [live, rooms] = await Promise.all([
    matchMaker.stats.fetchAll(),
    matchMaker.driver.query({}),
  ])
  const counts = new Map(live.map((p) => [p.processId, 0]))
  for (const room of rooms) {
    const n = counts.get(room.processId)
    if (n !== undefined) counts.set(room.processId, n + 1)
  }
  let best = matchMaker.processId
  let fewest = counts.get(best) ?? Infinity
  for (const [processId, n] of counts) {
    if (n < fewest) [best, fewest] = [processId, n]
  }
  return best
}
