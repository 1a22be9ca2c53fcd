// Failing parts never take a server process down: two processes (children running
// server/main.ts) share a real redis-server and a throwaway PostgreSQL. PostgreSQL is down
// when they boot (they wait and say so, then come up); with visitors in a world and an event,
// Redis is paused (SIGSTOP) for 30 s while PostgreSQL restarts, and later Redis is stopped
// and started again. Both processes live through it all, keep serving, and lose nothing stored.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePorts } from '../e2e/procs'
import type { ChatLine } from '../src/protocol/messages'
import { startTestPostgres, type TestPostgres } from './db/testPostgres'
import {
  attend,
  attendees,
  createEvent,
  signIn,
  signInEnv,
  until,
  writeSignInRegistry,
} from './events/testKit'
import { TEST_WORLD, writeTestScenes } from './events/testScenes'
import { checkRedis } from './redis'

interface Proc {
  child: ChildProcess
  output: string
  exited: Promise<void>
}

/** The JSON log lines a server wrote from character `from` of its output on (whole lines). */
function said(s: Proc, from = 0): Array<{ msg: string; [field: string]: unknown }> {
  return s.output
    .slice(from)
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as { msg: string })
}

const PAUSE_MS = 30_000
let tmp: string
let postgres: TestPostgres | undefined
let redis: Proc | undefined
let redisUrl = ''
let redisArgs: string[] = []
const servers: Proc[] = []
let urls: string[] = []
const worldRooms: Room[] = []

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: 'pipe' })
  const proc: Proc = {
    child,
    output: '',
    exited: new Promise((resolve) => child.on('exit', () => resolve())),
  }
  child.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
  return proc
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
) {
  const deadline = Date.now() + ms
  for (;;) {
    for (const s of servers) {
      if (!alive(s)) throw new Error(`a server exited while waiting for ${what}:\n${s.output}`)
    }
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) {
      const logs = servers.map((s, i) => `server ${i + 1}:\n${s.output.slice(-3000)}`)
      throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!p || !alive(p)) return
  p.child.kill(signal)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000)
  await p.exited
  clearTimeout(timer)
}

async function startRedis() {
  redis = start('redis-server', redisArgs)
  await waitFor(`redis-server:\n${redis.output}`, () =>
    checkRedis(redisUrl).then(
      () => true,
      () => undefined,
    ),
  )
}

const eventsStatus = async (url: string) => (await fetch(new URL('/api/events', url))).status

/** A visitor in the test world; `chat` holds what it heard. */
async function visit(url: string, name: string) {
  const client = new Client(url.replace(/^http/, 'ws'))
  const room = await client.joinOrCreate('world', { world: TEST_WORLD, name })
  worldRooms.push(room)
  const chat: ChatLine[] = []
  let welcomed = false
  room.onMessage('welcome', () => (welcomed = true))
  room.onMessage('chat', (m: ChatLine) => chat.push(m))
  room.onMessage('*', () => {})
  await until(() => welcomed, `${name}'s welcome`, 30_000)
  return { room, chat }
}

/** Two visitors of one world instance hear each other's chat. */
async function chatWorks(text: string, wait = 30_000) {
  const a = await visit(urls[0]!, 'A')
  const b = await visit(urls[1]!, 'B')
  expect(b.room.roomId).toBe(a.room.roomId)
  a.room.send('chat', { text })
  await until(() => b.chat.some((c) => c.text === text), `chat "${text}"`, wait)
  await Promise.all([a.room.leave(), b.room.leave()])
}

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'redis-server is not installed; these tests start a real Redis. ' +
        'Install it with: sudo apt-get install -y redis-server',
    )
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-faults-'))
  writeTestScenes(path.join(tmp, 'scenes'))
  writeSignInRegistry(path.join(tmp, 'registry.json'))
  // Distinct ports for Redis and both servers, taken at once: CI run 25 started both servers on
  // one port (two freePort() calls in a row gave the same one) and failed with EADDRINUSE.
  const [redisPort, ...serverPorts] = await freePorts(3)
  redisUrl = `redis://127.0.0.1:${redisPort}`
  // An append-only file, so that a stopped and restarted Redis keeps what it held.
  redisArgs = [
    ...['--port', String(redisPort), '--bind', '127.0.0.1', '--save', ''],
    ...['--appendonly', 'yes', '--appendfsync', 'always', '--dir', tmp],
  ]
  const [pg] = await Promise.all([startTestPostgres(), startRedis()])
  postgres = pg
  await pg.down() // the processes boot without their database
  const shared = {
    REDIS_URL: redisUrl,
    DATABASE_URL: pg.url,
    SIWE_DOMAIN: 'cangqiong.test',
    ...signInEnv(path.join(tmp, 'registry.json')),
  }
  urls = await Promise.all(
    serverPorts.map(async (port) => {
      const node = ['--import', 'tsx', 'server/main.ts']
      const proc = start(process.execPath, node, {
        PORT: String(port),
        HOST: '127.0.0.1',
        CLIENT: 'none',
        PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        DATA_DIR: path.join(tmp, `data-${port}`),
        SCENES_DIR: path.join(tmp, 'scenes'),
        ...shared,
      })
      servers.push(proc)
      return waitFor(`server on ${port}:\n${proc.output}`, () => {
        return /Open (http\S+)/.exec(proc.output)?.[1]
      })
    }),
  )
}, 180_000)

afterAll(async () => {
  await Promise.all(attendees.splice(0).map((a) => a.leave()))
  await Promise.all(worldRooms.map((r) => r.connection.isOpen && r.leave().catch(() => {})))
  if (redis?.child.signalCode === null) redis.child.kill('SIGCONT')
  await Promise.all(servers.map((s) => stopProc(s)))
  await stopProc(redis)
  await postgres?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
}, 60_000)

describe('a server process when its parts fail', () => {
  it('waits for PostgreSQL that is down at boot, says so, and comes up when it appears', async () => {
    for (const s of servers) {
      await waitFor('the retry line', () =>
        said(s).some(
          (l) =>
            l.msg === 'database not reachable: retrying' &&
            /^PostgreSQL at \S+ not reachable \(ECONNREFUSED\)$/.test(String(l.reason)),
        )
          ? true
          : undefined,
      )
    }
    for (const url of urls) expect(await eventsStatus(url)).toBe(503)
    await postgres!.up()
    for (const url of urls) {
      await waitFor('events', async () => ((await eventsStatus(url)) === 200 ? true : undefined))
    }
  }, 120_000)

  it('lives through a 30 s Redis pause and a PostgreSQL restart, and loses nothing', async () => {
    const [one, two] = urls as [string, string]
    const token = await signIn(one, 0)
    const event = await createEvent(one, token, { capacity: 2 })
    const host = await attend(one, event.id, 'Host', token)
    const guest = await attend(two, event.id, 'Guest')
    const a = await visit(one, 'A')
    const b = await visit(two, 'B')
    expect(b.room.roomId).toBe(a.room.roomId)
    expect(await host.act('event.announce', { text: 'before' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].some((n) => n.text === 'before'))

    redis!.child.kill('SIGSTOP')
    const resumeAt = Date.now() + PAUSE_MS
    try {
      // A visitor's chat needs no Redis: the room goes on serving it.
      a.room.send('chat', { text: 'during the pause' })
      await until(() => b.chat.some((c) => c.text === 'during the pause'), 'chat', 20_000)
      // Sign-in needs Redis: it says so instead of hanging.
      const nonce = await fetch(new URL('/api/auth/nonce', one), { method: 'POST' })
      expect(nonce.status).toBe(503)
      expect(((await nonce.json()) as { error: string }).error).toBe('auth_unavailable')
      // An announcement waits for Redis (it is numbered there).
      host.room.send('event.announce', { text: 'paused' })
      await postgres!.down()
      // The events API says the database is away, and to try again (nothing changed).
      const away = await fetch(new URL('/api/events', two))
      expect(away.status).toBe(503)
      expect(await away.json()).toMatchObject({ error: 'storage_unavailable', retryAfterS: 5 })
      await postgres!.up()
    } finally {
      // The pause itself is a duration: wait it out, then let Redis go on.
      await new Promise((r) => setTimeout(r, Math.max(0, resumeAt - Date.now())))
      redis!.child.kill('SIGCONT')
    }

    for (const s of servers) expect(alive(s)).toBe(true)
    await until(
      () => guest.inbox['event.announcement'].some((n) => n.text === 'paused'),
      '',
      30_000,
    )
    expect(await host.act('event.announce', { text: 'after' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].some((n) => n.text === 'after'))
    expect(guest.inbox['event.announcement'].map((n) => n.seq)).toEqual([1, 2, 3])
    await chatWorks('after the pause')
    // What PostgreSQL stored before its restart is there; it takes new writes.
    const stored = await fetch(new URL(`/api/events/${event.id}`, two))
    expect(stored.status).toBe(200)
    const again = await signIn(two, 1)
    const second = await createEvent(two, again)
    const late = await attend(one, second.id, 'Late')
    expect(late.inbox['event.welcome'][0]).toMatchObject({ instance: 1 })
  }, 240_000)

  it('lives through Redis stopping (its calls fail) and starting again', async () => {
    const [one, two] = urls as [string, string]
    const token = await signIn(one, 2)
    const event = await createEvent(one, token)
    const host = await attend(one, event.id, 'Host', token)
    const guest = await attend(two, event.id, 'Guest')
    expect(await host.act('event.announce', { text: 'kept' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].length === 1)

    const seen = servers.map((s) => s.output.length)
    await stopProc(redis)
    // Event rooms report their attendance every second: those calls now fail (ioredis gives
    // up on a request after its retries). The processes log that and carry on.
    await waitFor(
      'failed presence calls',
      () =>
        servers.some((s, i) =>
          said(s, seen[i]).some(
            (l) => l.msg === 'background work failed' && l.work === '[events] attendance report',
          ),
        )
          ? true
          : undefined,
      60_000,
    )
    await startRedis()
    await waitFor('reconnections', () =>
      servers.every((s) =>
        said(s).some((l) => l.msg === 'redis connection back' && l.connection === 'presence'),
      )
        ? true
        : undefined,
    )
    for (const [i, s] of servers.entries()) {
      expect(alive(s)).toBe(true)
      const outage = s.output.slice(seen[i])
      // One line each way per connection, not one per failed reconnect.
      const lost = said(s, seen[i]).filter(
        (l) => l.msg === 'redis connection lost: reconnecting' && l.connection === 'presence',
      )
      expect(lost).toHaveLength(1)
      expect(outage).not.toContain('Unhandled error event')
    }

    expect(await host.act('event.announce', { text: 'back' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].some((n) => n.text === 'back'), '', 30_000)
    expect(guest.inbox['event.announcement'].map((n) => n.text)).toEqual(['kept', 'back'])
    await chatWorks('after the restart')
    const late = await attend(two, event.id, 'Late')
    expect(late.inbox['event.announcement'].map((n) => n.text)).toEqual(['kept', 'back'])
  }, 180_000)
})
