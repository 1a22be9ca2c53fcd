// The live stage over two server processes sharing Debian's redis-server and PostgreSQL, each
// with its own embedded Janus and one relay Janus (JANUS_RELAYS=1): the host goes live in
// instance 1 on one process with a werift publisher; attendees in instance 2 on the other
// process see the live state (on, since, source) and watch mountpoints on that process, the
// first on its main Janus and the second on its relay (the least-loaded one), and both receive
// the host's RTP through forwarders (counted by sequence number).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Room } from 'colyseus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/procs'
import { parseLive, type StagePublishTicket, type StageWatchTicket } from '../src/protocol/stage'
import { startTestPostgres, type TestPostgres } from './db/testPostgres'
import {
  publishStage,
  watchStage,
  type StagePublisher,
  type StageWatcher,
} from './media/testWerift'
import {
  attend,
  attendees,
  createEvent,
  signIn,
  signInEnv,
  until,
  wallet,
  writeSignInRegistry,
  type Attendee,
} from './events/testKit'
import { writeTestScenes } from './events/testScenes'
import { checkRedis } from './redis'

interface Proc {
  child: ChildProcess
  output: string
  exited: Promise<void>
}

const procs: Proc[] = []
const peers: (StagePublisher | StageWatcher)[] = []
let tmp: string
let postgres: TestPostgres | undefined
let urls: string[] = []

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const proc: Proc = {
    child,
    output: '',
    exited: new Promise((resolve) => child.on('exit', () => resolve())),
  }
  child.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
  procs.push(proc)
  return proc
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  // A child server compiles its TypeScript with tsx first: 30 s ran out on two busy cores.
  const deadline = Date.now() + 90_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function serverProcess(env: NodeJS.ProcessEnv): Promise<string> {
  const port = await freePort()
  const proc = start(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    CLIENT: 'none',
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    DATA_DIR: path.join(tmp, `data-${port}`),
    SCENES_DIR: path.join(tmp, 'scenes'),
    ...env,
  })
  const url = await waitFor(`server on ${port}:\n${proc.output}`, () => {
    if (proc.child.exitCode !== null) throw new Error(`server on ${port} exited:\n${proc.output}`)
    return /Open (http\S+)/.exec(proc.output)?.[1]
  })
  // Events are up once the database is.
  await waitFor(`events on ${port}:\n${proc.output}`, async () =>
    (await fetch(new URL('/api/events', url))).status === 200 ? true : undefined,
  )
  return url
}

/** The process a room's WebSocket went to. */
const hostOf = (room: Room) =>
  new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).host

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'redis-server is not installed; these tests start a real Redis. ' +
        'Install it with: sudo apt-get install -y redis-server',
    )
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-stage-redis-'))
  writeTestScenes(path.join(tmp, 'scenes'))
  writeSignInRegistry(path.join(tmp, 'registry.json'))
  const redisPort = await freePort()
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  const redis = start('redis-server', [
    ...['--port', String(redisPort), '--bind', '127.0.0.1'],
    ...['--save', '', '--appendonly', 'no', '--dir', tmp],
  ])
  const [pg] = await Promise.all([
    startTestPostgres(),
    waitFor(`redis-server:\n${redis.output}`, () =>
      checkRedis(redisUrl).then(
        () => true,
        () => undefined,
      ),
    ),
  ])
  postgres = pg
  // Behind one load balancer both processes see the same Host: SIWE_DOMAIN stands for it.
  const shared = {
    REDIS_URL: redisUrl,
    DATABASE_URL: pg.url,
    SIWE_DOMAIN: 'cangqiong.test',
    ...signInEnv(path.join(tmp, 'registry.json')),
  }
  // Each process runs its own embedded Janus and one relay Janus for stage watchers.
  const stage = { ...shared, JANUS_RELAYS: '1' }
  urls = await Promise.all([serverProcess(stage), serverProcess(stage)])
}, 240_000)

afterAll(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()))
  await Promise.all(attendees.splice(0).map((a) => a.leave()))
  // Servers first (they clean their entries out of Redis), then redis-server.
  for (const group of [procs.slice(1), procs.slice(0, 1)]) {
    await Promise.all(
      group.map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }),
    )
  }
  await postgres?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
}, 30_000)

/** Sends a stage message; resolves with the newest reply of type `t`, or throws the error code. */
async function ask<T extends 'stage.publish' | 'stage.watch'>(
  a: Attendee,
  type: string,
  t: T,
  payload: object = {},
) {
  const [n, errors] = [a.inbox[t].length, a.inbox.error.length]
  a.room.send(type, payload)
  await until(() => a.inbox[t].length > n || a.inbox.error.length > errors, type, 30_000)
  if (a.inbox.error.length > errors) throw new Error(a.inbox.error.at(-1)!.message)
  return a.inbox[t].at(-1)! as T extends 'stage.publish' ? StagePublishTicket : StageWatchTicket
}

const live = (a: Attendee) => parseLive(a.room.state.event.live)

describe('the live stage over two processes sharing Redis', () => {
  it('reaches watchers in another instance on another process, over its main Janus and its relay', async () => {
    const [one, two] = urls as [string, string]
    const token = await signIn(one, 0)
    const event = await createEvent(one, token, { capacity: 2 })
    const host = await attend(one, event.id, 'Host', token)
    const a = await attend(two, event.id, 'A')
    const b = await attend(two, event.id, 'B')
    const c = await attend(one, event.id, 'C')
    expect(a.room.roomId).toBe(host.room.roomId)
    expect(c.room.roomId).toBe(b.room.roomId)
    expect(hostOf(b.room)).not.toBe(hostOf(host.room))

    const ticket = await ask(host, 'stage.golive', 'stage.publish', {
      audio: true,
      video: 'camera',
    })
    const pub = await publishStage(ticket, host.room.sessionId)
    peers.push(pub)
    pub.send(5)
    await until(() => live(b).on && live(host).on, 'on air in both instances', 30_000)
    for (const x of [host, b]) {
      expect(live(x)).toMatchObject({ on: true, source: 'live', audio: true, video: 'camera' })
      expect(live(x).by?.address).toBe(wallet(0).address)
    }
    expect(live(b).since).toBe(live(host).since)

    // Two watchers on the other process: its main Janus, then its relay (the least loaded).
    const tb = await ask(b, 'stage.watch', 'stage.watch')
    const tc = await ask(c, 'stage.watch', 'stage.watch')
    expect(tb.url).not.toBe(tc.url)
    expect(tb.url).not.toBe(ticket.url)
    const watchers = [await watchStage(tb), await watchStage(tc)]
    peers.push(...watchers)
    const end = Date.now() + 30_000
    while (watchers.some((w) => w.audio.size < 20) && Date.now() < end) {
      pub.send(5)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(watchers.map((w) => w.audio.size >= 20)).toEqual([true, true])
    expect(watchers.every((w) => w.video.n > 0)).toBe(true)

    // The host stops: off air in the other process too.
    host.room.send('stage.stop', {})
    await until(() => !live(b).on && live(b).by === null, 'off air on the other process', 15_000)
  }, 180_000)
})
