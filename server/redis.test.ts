// Several server processes sharing one Redis (REDIS_URL), with real parts only: Debian's
// redis-server on a free loopback port, server processes started as `npm start` starts them,
// and colyseus.js clients. Joins through different processes meet in one room, new rooms
// spread over the processes, and stopping leaves no process or Redis connection behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { matchMaker } from '@colyseus/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { descendants, freePort, isAlive, portOpen } from '../e2e/procs'
import { testConfig } from './testConfig'
import { startServer } from './app'
import { checkRedis } from './redis'
import { signInEnv, writeSignInRegistry } from './events/testKit'

interface Proc {
  child: ChildProcess
  output: string
  exited: Promise<number | null>
  /** Started in its own process group: stopped through the group. */
  detached: boolean
}

const procs: Proc[] = []
const rooms: Room[] = []
let tmp: string
let redisUrl: string
let admin: Redis
let servers: Array<{ port: number; url: string }> = []

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, detached = false): Proc {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  })
  const proc: Proc = {
    child,
    detached,
    output: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  }
  child.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
  procs.push(proc)
  return proc
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>) {
  // A child server compiles its TypeScript with tsx first: 21 s was seen on two busy cores.
  const deadline = Date.now() + 90_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function startServerProcess(port: number) {
  const proc = start(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    CLIENT: 'none',
    CHAIN: 'off',
    // Two seats a room: clients may not `create`, so a full room is how a join opens a new one.
    MAX_CLIENTS: '2',
    REDIS_URL: redisUrl,
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    DATA_DIR: path.join(tmp, `data-${port}`),
  })
  const url = await waitFor(`server on ${port}:\n${proc.output}`, () => {
    if (proc.child.exitCode !== null) throw new Error(`server on ${port} exited:\n${proc.output}`)
    return /Open (http\S+)/.exec(proc.output)?.[1]
  })
  return { port, url }
}

/** The URL colyseus.js opened its WebSocket to (the `ws` package's socket under Node 20). */
function socketUrl(room: Room) {
  const transport = room.connection.transport as unknown as { ws: { url: string } }
  return new URL(transport.ws.url)
}

async function join(serverUrl: string, options: object) {
  const room = await new Client(serverUrl.replace(/^http/, 'ws')).joinOrCreate('world', options)
  room.onMessage('*', () => {}) // this test reads only the state
  rooms.push(room)
  return room
}

function hasPlayer(room: Room, sessionId: string) {
  return room.state.players?.get(sessionId) ? true : undefined
}

/** Connections Redis has open, the admin connection not counted. */
async function redisClients() {
  return (
    String(await admin.client('LIST'))
      .trim()
      .split('\n').length - 1
  )
}

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'redis-server is not installed; these tests start a real Redis. ' +
        'Install it with: sudo apt-get install -y redis-server',
    )
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-redis-'))
  const redisPort = await freePort()
  redisUrl = `redis://127.0.0.1:${redisPort}`
  const redis = start('redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    tmp,
  ])
  await waitFor(`redis-server:\n${redis.output}`, () =>
    checkRedis(redisUrl).then(
      () => true,
      () => undefined,
    ),
  )
  admin = new Redis(redisUrl)
  servers = await Promise.all([
    startServerProcess(await freePort()),
    startServerProcess(await freePort()),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.allSettled(rooms.filter((r) => r.connection.isOpen).map((r) => r.leave()))
  admin?.disconnect()
  // Servers first (they clean their entries out of Redis), then redis-server.
  for (const group of [procs.slice(1), procs.slice(0, 1)]) {
    await Promise.all(
      group.map(async ({ child, exited, detached }) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const kill = (signal: NodeJS.Signals) =>
          process.kill(detached ? -child.pid! : child.pid!, signal)
        kill('SIGTERM')
        const timer = setTimeout(() => kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }),
    )
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
}, 30_000)

describe('several server processes sharing Redis', { timeout: 120_000 }, () => {
  it('puts clients that entered through different processes into one room', async () => {
    const [one, two] = servers as [{ url: string; port: number }, { url: string; port: number }]
    const a = await join(one.url, { world: 'block-park-village', name: 'A' })
    const b = await join(two.url, { world: 'block-park-village', name: 'B' })
    expect(b.roomId).toBe(a.roomId)

    // Both WebSockets go to the process that hosts the room, whichever process matched them:
    // colyseus.js opens ws://<publicAddress>/<processId>/<roomId> from the seat reservation.
    const [urlA, urlB] = [socketUrl(a), socketUrl(b)]
    expect(urlB.host).toBe(urlA.host)
    expect([`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`]).toContain(urlA.host)
    expect(urlA.pathname).toMatch(new RegExp(`^/[\\w-]+/${a.roomId}$`))
    expect(urlB.pathname).toBe(urlA.pathname)

    await waitFor('A to see B', () => hasPlayer(a, b.sessionId))
    await waitFor('B to see A', () => hasPlayer(b, a.sessionId))
    expect(a.state.players.get(b.sessionId).name).toBe('B')
    expect(b.state.players.get(a.sessionId).name).toBe('A')
  })

  it('spreads new rooms over both processes, whichever process is asked', async () => {
    const [one] = servers as [{ url: string; port: number }]
    /** Rooms per live process, as processWithFewestRooms counts them (the shared listing). */
    const roomsPerProcess = async () => {
      const counts = new Map(Object.keys(await admin.hgetall('roomcount')).map((id) => [id, 0]))
      for (const json of Object.values(await admin.hgetall('roomcaches'))) {
        const { processId } = JSON.parse(json) as { processId: string }
        const n = counts.get(processId)
        if (n !== undefined) counts.set(processId, n + 1)
      }
      return counts
    }
    // Whatever rooms earlier tests left: each room this test opens goes to a process that had
    // the fewest just before (two seats a room: the second cangqiong visitor opens none).
    const worlds = ['block-park-village', 'block-park-cloud-ridge', 'cangqiong', 'cangqiong']
    worlds.push('cangqiong', 'cangqiong')
    const mine: Room[] = []
    let opened = 0
    for (const world of worlds) {
      const before = await roomsPerProcess()
      const listed = Object.keys(await admin.hgetall('roomcaches'))
      const room = await join(one.url, { world, name: 'C' })
      mine.push(room)
      await waitFor(`own player in ${world}`, () => hasPlayer(room, room.sessionId))
      if (listed.includes(room.roomId)) continue
      opened++
      const processId = socketUrl(room).pathname.split('/')[1]!
      expect(before.get(processId), world).toBe(Math.min(...before.values()))
    }
    expect(opened).toBeGreaterThanOrEqual(3)

    // The shared room listing (RedisDriver) agrees on which process holds which room.
    const entries = Object.values(await admin.hgetall('roomcaches')).map(
      (json) => JSON.parse(json) as { roomId: string; processId: string; publicAddress: string },
    )
    for (const room of mine) {
      const entry = entries.find((r) => r.roomId === room.roomId)
      expect(entry?.publicAddress).toBe(socketUrl(room).host)
      expect(entry?.processId).toBe(socketUrl(room).pathname.split('/')[1])
    }
  })

  it('a stopped server lets go of Redis and takes its rooms out of the listing', async () => {
    const before = await redisClients()
    const port = await freePort()
    const env = { PORT: String(port), CLIENT: 'none', CHAIN: 'off', REDIS_URL: redisUrl }
    const server = await startServer(testConfig(env))
    const processId = matchMaker.processId
    // presence pub + sub, driver (the start-up check's probe connection is gone)
    await waitFor('3 connections', async () =>
      (await redisClients()) === before + 3 ? true : undefined,
    )
    expect(await admin.hget('roomcount', processId)).not.toBeNull()

    // Enough rooms that some land on this in-process server too.
    const here: Room[] = []
    for (let i = 0; i < 6; i++) {
      const room = await join(server.url, { world: 'block-park-cloud-ridge' })
      if (socketUrl(room).port === String(port)) here.push(room)
    }
    expect(here.length).toBeGreaterThan(0)

    await server.stop()
    await waitFor('Redis connections to close', async () =>
      (await redisClients()) === before ? true : undefined,
    )
    expect(await admin.hget('roomcount', processId)).toBeNull()
    const listed = Object.values(await admin.hgetall('roomcaches')).join('\n')
    expect(listed).not.toContain(processId)
    for (const room of here) expect(listed).not.toContain(room.roomId)
  })
})

describe('sign-in over Redis', { timeout: 120_000 }, () => {
  it('a server that signs wallets in opens one more connection for it and closes it on stop', async () => {
    const before = await redisClients()
    const registry = path.join(tmp, 'registry.json')
    writeSignInRegistry(registry)
    const env = {
      PORT: String(await freePort()),
      CLIENT: 'none',
      REDIS_URL: redisUrl,
      DATA_DIR: path.join(tmp, 'auth'),
      ...signInEnv(registry),
    }
    const server = await startServer(testConfig(env))
    // presence pub + sub, driver, and the sign-in stores
    await waitFor('4 connections', async () =>
      (await redisClients()) === before + 4 ? true : undefined,
    )
    await server.chain
    const res = await fetch(new URL('/api/auth/nonce', server.url), { method: 'POST' })
    const { nonce } = (await res.json()) as { nonce: string }
    expect(await admin.exists(`cq:auth:nonce:${nonce}`)).toBe(1)
    await server.stop()
    await waitFor('Redis connections to close', async () =>
      (await redisClients()) === before ? true : undefined,
    )
  })

  it('answers 503 auth_unavailable while its Redis is down, keeps running, and recovers', async () => {
    const port = await freePort()
    const own = `redis://127.0.0.1:${port}`
    const startOwn = async () => {
      const proc = start('redis-server', [
        ...['--port', String(port), '--bind', '127.0.0.1'],
        ...['--save', '', '--appendonly', 'no', '--dir', tmp],
      ])
      await waitFor('own redis-server', () =>
        checkRedis(own).then(
          () => true,
          () => undefined,
        ),
      )
      return proc
    }
    const redis = await startOwn()
    const registry = path.join(tmp, 'registry.json')
    writeSignInRegistry(registry)
    const server = await startServer(
      testConfig({
        PORT: String(await freePort()),
        CLIENT: 'none',
        REDIS_URL: own,
        DATA_DIR: path.join(tmp, 'auth-outage'),
        ...signInEnv(registry),
      }),
    )
    await server.chain
    const nonce = () => fetch(new URL('/api/auth/nonce', server.url), { method: 'POST' })
    const session = () =>
      fetch(new URL('/api/auth/session', server.url), {
        headers: { authorization: `Bearer ${'t'.repeat(43)}` },
      })
    expect((await nonce()).status).toBe(200)
    expect((await session()).status).toBe(401)

    redis.child.kill('SIGTERM')
    await redis.exited
    for (const res of [await nonce(), await session()]) {
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      expect(await res.json()).toMatchObject({ error: 'auth_unavailable' })
    }
    expect((await fetch(new URL('/api/health', server.url))).status).toBe(200)

    await startOwn() // afterAll stops it with the other processes
    await waitFor('sign-in to come back', async () =>
      (await nonce()).status === 200 ? true : undefined,
    )
    await server.stop()
  }, 120_000)
})

describe('npm run cluster', { timeout: 120_000 }, () => {
  it('starts several processes, prints their URLs, and Ctrl-C leaves none behind', async () => {
    // PORT and PORT+2 must both be free.
    let port = await freePort()
    while ((await portOpen(port + 2)) || port + 3 > 65535) port = await freePort()
    const proc = start(
      'npm',
      ['run', 'cluster', '--', '--processes', '2'],
      {
        PORT: String(port),
        CLIENT: 'none',
        CHAIN: 'off',
        REDIS_URL: redisUrl,
        DATA_DIR: path.join(tmp, 'c'),
      },
      true, // its own process group, like a shell job, so the group gets the Ctrl-C
    )
    const urls = await waitFor(`cluster URLs:\n${proc.output}`, () => {
      if (proc.child.exitCode !== null) throw new Error(`cluster exited:\n${proc.output}`)
      const found = [...proc.output.matchAll(/Open (http\S+) +\(server \d\)/g)].map((m) => m[1]!)
      return found.length === 2 ? found : undefined
    })
    expect(urls).toEqual([`http://127.0.0.1:${port}/`, `http://127.0.0.1:${port + 2}/`])
    for (const url of urls) {
      expect((await fetch(new URL('/api/health', url))).status).toBe(200)
    }

    const tree = descendants(proc.child.pid!)
    expect(tree.length).toBeGreaterThanOrEqual(3) // tsx, the cluster script, two servers
    process.kill(-proc.child.pid!, 'SIGINT')
    await waitFor('every process to exit', () => (tree.some(isAlive) ? undefined : true))
    expect(proc.output).toContain('[cluster] SIGINT: stopping 2 server processes')
    // Each server's JSON log line (server/log.ts) under its number.
    expect(proc.output).toMatch(/\[1\] \{.*"signal":"SIGINT".*"msg":"draining"/)
    expect(proc.output).toMatch(/\[2\] \{.*"signal":"SIGINT".*"msg":"draining"/)
    expect(await portOpen(port)).toBe(false)
    expect(await portOpen(port + 2)).toBe(false)
  })

  it('says how to start Redis when it cannot reach it', async () => {
    const closed = await freePort()
    const proc = start('npm', ['run', 'cluster'], { REDIS_URL: `redis://127.0.0.1:${closed}` })
    expect(await proc.exited).toBe(1)
    expect(proc.output).toContain(`cannot reach Redis at redis://127.0.0.1:${closed}`)
    expect(proc.output).toContain(`redis-server --port ${closed}`)
    expect(proc.output).toContain('sudo apt-get install redis-server')
  })
})
