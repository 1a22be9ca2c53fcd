// Operating the server, with real parts: /metrics of a running server after real clients sent
// real messages, who may read it, the RPC metrics of a real EVM adapter, and a SIGTERM drain of
// a server process started as `npm start` starts it, with a colyseus.js client in a room.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, portOpen } from '../e2e/procs'
import { EvmAdapter } from '../src/chain/evm'
import { startServer, type RunningServer } from './app'
import { testConfig } from './testConfig'
import { instrumentRpc, metricsAccess, scrape, watchDatabase } from './metrics'
import { openDatabase } from './db/database'
import { freshPgliteDir } from './db/testPglite'
import { startTestPostgres } from './db/testPostgres'

const WORLD = 'block-park-village'
const TOKEN = 'test-metrics-token-0123456789'
let server: RunningServer
const rooms: Room[] = []

beforeAll(async () => {
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off', METRICS_TOKEN: TOKEN }),
  )
})
afterEach(async () => {
  await Promise.all(rooms.map((r) => r.connection.isOpen && r.leave().catch(() => {})))
  rooms.length = 0
})
afterAll(() => server.stop())

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>) {
  for (let i = 0; i < 1200; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`gave up waiting for ${what}`)
}

async function join(url: string, name: string) {
  const room = await new Client(url.replace(/^http/, 'ws')).joinOrCreate('world', {
    world: WORLD,
    name,
  })
  room.onMessage('*', () => {})
  rooms.push(room)
  await until('the welcome state', () =>
    room.state.players?.has(room.sessionId) ? true : undefined,
  )
  return room
}

/** A sample's value from Prometheus text, e.g. `cangqiong_clients{name="world"}`; 0 if absent. */
function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1))
  }
  return 0
}

async function readMetrics(url: string) {
  const res = await fetch(new URL('/metrics', url), {
    headers: { authorization: `Bearer ${TOKEN}` },
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  return res.text()
}

describe('/metrics', () => {
  it('counts rooms, clients, messages by type, refusals by code and pose frames', async () => {
    const before = await readMetrics(server.url)
    const a = await join(server.url, 'Ana')
    const b = await join(server.url, 'Bo')
    for (let i = 0; i < 3; i++) a.send('ping', { t: i })
    a.send('no-such-type', {})
    b.send('pose', { x: 0, y: 0, z: 0, h: 0, a: 'idle' })

    const delta = (text: string, series: string) => sample(text, series) - sample(before, series)
    const text = await until('the messages to be counted', async () => {
      const t = await readMetrics(server.url)
      return delta(t, 'cangqiong_refusals_total{code="unknown_type"}') >= 1 &&
        delta(t, 'cangqiong_messages_total{type="pose"}') >= 1 &&
        delta(t, 'cangqiong_pose_frame_bytes_count') >= 1
        ? t
        : undefined
    })
    expect(delta(text, 'cangqiong_messages_total{type="ping"}')).toBe(3)
    // A client-chosen type never becomes a label of its own.
    expect(delta(text, 'cangqiong_messages_total{type="other"}')).toBe(1)
    expect(text).not.toContain('no-such-type')
    expect(delta(text, 'cangqiong_refusals_total{code="unknown_type"}')).toBe(1)
    expect(sample(text, 'cangqiong_rooms{name="world"}')).toBe(1)
    expect(sample(text, 'cangqiong_clients{name="world"}')).toBe(2)
    expect(sample(text, 'cangqiong_pose_frame_bytes_sum')).toBeGreaterThan(0)
    expect(sample(text, 'cangqiong_draining')).toBe(0)
    for (const name of [
      'cangqiong_process_cpu_seconds_total',
      'cangqiong_nodejs_eventloop_lag_seconds',
      'cangqiong_chain_rpc_seconds',
      'cangqiong_event_attendance',
    ]) {
      expect(text).toContain(`# TYPE ${name}`)
    }
  })

  it('answers only with the token when METRICS_TOKEN is set, and 403 without it', async () => {
    const url = new URL('/metrics', server.url)
    expect((await fetch(url)).status).toBe(403)
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })
    expect(wrong.status).toBe(403)
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
  })

  it('without a token answers loopback clients only, and 404 to anyone else', () => {
    // The addresses Node reports as req.socket.remoteAddress.
    for (const loopback of ['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1']) {
      expect(metricsAccess(loopback, undefined, undefined)).toBe(200)
    }
    for (const remote of ['203.0.113.5', '::ffff:10.0.0.2', 'fe80::1', '', undefined]) {
      expect(metricsAccess(remote, undefined, undefined)).toBe(404)
      // A token set: from anywhere with it, never without it (loopback included).
      expect(metricsAccess(remote, `Bearer ${TOKEN}`, TOKEN)).toBe(200)
      expect(metricsAccess(remote, undefined, TOKEN)).toBe(403)
    }
    expect(metricsAccess('127.0.0.1', 'Basic abc', TOKEN)).toBe(403)
  })

  it('times and counts the JSON-RPC requests of a real EVM adapter, failures too', async () => {
    // A loopback port nothing listens on: every request fails quickly, like a chain that is down.
    const port = await freePort()
    const adapter = instrumentRpc(
      new EvmAdapter({ chainId: 4242, rpcUrls: [`http://127.0.0.1:${port}`], timeoutMs: 2000 }),
      4242,
    )
    await expect(adapter.blockNumber()).rejects.toThrow(/unreachable/)
    adapter.destroy()
    const { body } = await scrape()
    const series = '{chain="4242",method="eth_blockNumber"}'
    expect(sample(body, `cangqiong_chain_rpc_seconds_count${series}`)).toBe(1)
    expect(sample(body, `cangqiong_chain_rpc_errors_total${series}`)).toBe(1)
  })
})

describe('database metrics', () => {
  it('report the open database, and a PostgreSQL pool in use', async () => {
    const pg = await startTestPostgres()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-dbm-'))
    const lite = await openDatabase({ dataDir: await freshPgliteDir(dir) })
    const postgres = await openDatabase({ dataDir: dir, databaseUrl: pg.url })
    const unwatch = [watchDatabase(lite), watchDatabase(postgres)]
    try {
      // Hold one connection in a transaction while scraping.
      let scraped = ''
      await postgres.transaction(async (tx) => {
        await tx.query('select 1')
        scraped = (await scrape()).body
      })
      expect(sample(scraped, 'cangqiong_db_open{engine="pglite"}')).toBe(1)
      expect(sample(scraped, 'cangqiong_db_open{engine="postgres"}')).toBe(1)
      expect(sample(scraped, 'cangqiong_db_pool_connections{state="total"}')).toBe(1)
      expect(sample(scraped, 'cangqiong_db_pool_connections{state="idle"}')).toBe(0)
    } finally {
      unwatch.forEach((u) => u())
      await lite.close()
      await postgres.close()
      await pg.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
    expect((await scrape()).body).not.toContain('cangqiong_db_open{')
  }, 120_000)
})

/** A server process as `npm start` starts it, with these settings on top. */
function startChild(env: NodeJS.ProcessEnv) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-drain-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      CLIENT: 'none',
      CHAIN: 'off',
      DATA_DIR: tmp,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const proc = {
    child,
    output: '',
    exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
    url: () =>
      until(`the server to start:\n${proc.output}`, () => {
        if (child.exitCode !== null) throw new Error(`server exited:\n${proc.output}`)
        return /Open (http\S+)/.exec(proc.output)?.[1]
      }),
    /** The `msg` of every JSON line written so far (and the number of other lines). */
    said() {
      const lines = proc.output.trim().split('\n')
      const json = lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string })
      return { msgs: json.map((l) => l.msg), other: lines.length - json.length }
    },
    async end() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await proc.exited
      fs.rmSync(tmp, { recursive: true, force: true })
    },
  }
  child.stdout.on('data', (d: Buffer) => (proc.output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (proc.output += d.toString()))
  return proc
}

describe('SIGTERM', () => {
  it('drains: 503 to new requests, visitors told and closed normally, exit 0', async () => {
    const port = await freePort()
    const proc = startChild({ PORT: String(port), DRAIN_TIMEOUT_S: '20' })
    const { child, exited } = proc
    try {
      const url = await proc.url()
      const room = await join(url, 'Ana')
      const notices: Array<{ seconds: number }> = []
      room.onMessage('server.shutdown', (m: { seconds: number }) => notices.push(m))
      let closedWith: number | undefined
      room.onLeave((code) => (closedWith = code))

      // Twice, as `npm start` delivers one: to the whole group, and relayed by npm. The second
      // is the same request, not "exit now".
      child.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 50))
      child.kill('SIGTERM')
      await until('the shutdown notice', () => notices[0])
      // Half of DRAIN_TIMEOUT_S to leave (room for the checks below on a busy machine);
      // Colyseus closes whoever is left after that.
      expect(notices[0]).toEqual({ seconds: 10 })

      const health = await fetch(new URL('/api/health', url))
      expect(health.status).toBe(503)
      expect(health.headers.get('retry-after')).toBe('5')
      expect(await health.json()).toMatchObject({ ok: false, error: 'draining' })
      // No new visitors while draining: the matchmaker is refused too.
      await expect(
        new Client(url.replace(/^http/, 'ws')).joinOrCreate('world', { world: WORLD }),
      ).rejects.toThrow()

      // Colyseus' normal close (4000), and the process exits 0: it finished before its bound.
      expect(await until('the room to close', () => closedWith)).toBe(4000)
      expect(await exited).toBe(0)
      const { msgs, other } = proc.said()
      expect(msgs).toEqual(
        expect.arrayContaining(['draining', 'draining: visitors told', 'server stopped']),
      )
      expect(msgs).not.toContain('drain did not finish in time: exiting')
      expect(msgs).not.toContain('signal again: exiting now')
      // Every line the process wrote is one JSON object.
      expect(other).toBe(0)
    } finally {
      await proc.end()
    }
  }, 120_000)

  it('exits 1 at DRAIN_TIMEOUT_S when a part hangs (Redis stopped); /metrics still answers', async () => {
    if (spawnSync('redis-server', ['--version']).error) {
      throw new Error('redis-server is not installed: sudo apt-get install -y redis-server')
    }
    const redisPort = await freePort()
    const redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    const port = await freePort()
    let proc: ReturnType<typeof startChild> | undefined
    try {
      await until('redis-server', async () => ((await portOpen(redisPort)) ? true : undefined))
      proc = startChild({
        PORT: String(port),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        DRAIN_TIMEOUT_S: '2',
      })
      const url = await proc.url()
      expect(sample(await readMetrics(url), 'cangqiong_redis_up')).toBe(1)

      // Redis stops answering without closing its connections, as a hung host would.
      redis.kill('SIGSTOP')
      expect(sample(await readMetrics(url), 'cangqiong_redis_up')).toBe(0)
      proc.child.kill('SIGTERM')
      expect(await proc.exited).toBe(1)
      expect(proc.said().msgs).toContain('drain did not finish in time: exiting')
    } finally {
      redis.kill('SIGCONT')
      redis.kill('SIGKILL')
      await proc?.end()
    }
  }, 120_000)
})
