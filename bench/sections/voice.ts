// Voice: what voice and the live stage cost and how well they carry, on loopback with the real
// parts (the product's server as a child process with its embedded Janus, werift peers in Node,
// Chromium for the ear). Writes bench/results/voice.json:
// {"listeners","publishers","janusProcesses","lossPct","mouthToEarMsP95","janusCpuPct",
//  "subscriptionsPerListener", "world":{…}, "stage":{…}, "ear":{…}, "targets":{…}, "notes"}
//
// 1. world (bench/voice/speakers.ts): VOICE_SPEAKERS bots in one world room, every one a
//    publisher (werift, opus-like RTP at 50 packets/s) standing on a grid VOICE_SPACING_M apart
//    around the spawn; every VOICE_LISTEN_EVERY-th also listens the way the client does (nearest
//    speakers within VOICE.radius, at most VOICE.cap, one multistream subscriber). Gives
//    subscriptionsPerListener (max over listeners of the most streams each ever held) and the
//    world's loss from RTP sequence numbers.
// 2. stage (bench/voice/stage.ts), against src/protocol/stage.ts: a host signs in, creates an
//    event (capacity VOICE_EVENT_CAPACITY, so VOICE_WATCHERS fill several instances) and goes
//    live with sound only; the server forwards it to Streaming mountpoints on its Janus and its
//    relay Janus (JANUS_RELAYS=VOICE_RELAYS). VOICE_WATCHERS werift watchers (guests, stage.watch
//    → a mountpoint) count RTP; janusProcesses = Janus processes whose watchers received media.
// 3. ear (bench/voice/ear.ts, earRuns.ts): mouth-to-ear by tone onset in Chromium (one browser,
//    one clock): on the stage path the host is a Chromium page sending a tone that is switched on
//    VOICE_EAR_REPEATS times, and VOICE_EAR_LISTENERS Chromium watchers time its onsets; on the
//    voice path the same with a speaker and listeners in a world's voice room.
// Top-level fields: the stage run when it ran, else the world run; mouthToEarMsP95 is the
// stage path's (the voice path's is in ear.voice). A part that fails is reported with its error
// and the others still run.
//
// Knobs (env): VOICE_PARTS=world,stage,ear  VOICE_SPEAKERS=100  VOICE_LISTEN_EVERY=4
// VOICE_SPACING_M=5  VOICE_WATCHERS=300  VOICE_EVENT_CAPACITY=100  VOICE_RELAYS=1
// VOICE_EAR_LISTENERS=3  VOICE_EAR_REPEATS=10  VOICE_WORKERS=2  VOICE_WINDOW_S=15
// VOICE_SETTLE_S=8  VOICE_QUIET_WAIT_S=20  VOICE_STAGE_WORLD=block-park-village
// VOICE_STAGE=village-stage
//
// One file (~500 lines): the three parts' runs and the summary; the bots, peers and pages are
// in bench/voice/.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { signIn, signInEnv, writeSignInRegistry } from '../../server/events/testKit'
import { worldRules } from '../../server/worlds'
import type { EventInfo } from '../../src/protocol/events'
import { VOICE } from '../../src/protocol/voice'
import { envList, envNumber, round, sleep, sleepUntil, waitForQuiet } from '../lib/section'
import { startServerProcess, type ServerProcess } from '../lib/server'
import { clock, withTimeout } from '../lib/swarm'
import { startSwarms } from '../lib/threads'
import { acceptAnswer, openEarBrowser, publisherPage, type EarResult } from '../voice/ear'
import { stageEar, voiceEar } from '../voice/earRuns'
import { goLive, publishOffer } from '../voice/seats'
import {
  StageHost,
  StageSwarm,
  type StageSwarmOptions,
  type WatchJoin,
  type WatchReport,
} from '../voice/stage'
import { cpuPct, cpuSeconds, janusPids, udpDropsByPid, udpRcvbufErrors } from '../voice/janusProcs'
import {
  SpeakerSwarm,
  type SpeakerJoin,
  type SpeakerReport,
  type SpeakerSwarmOptions,
} from '../voice/speakers'

const S = {
  speakers: envNumber('VOICE_SPEAKERS', 100),
  listenEvery: envNumber('VOICE_LISTEN_EVERY', 4),
  spacingM: envNumber('VOICE_SPACING_M', 5),
  workers: envNumber('VOICE_WORKERS', 2),
  windowS: envNumber('VOICE_WINDOW_S', 15),
  settleS: envNumber('VOICE_SETTLE_S', 8),
  quietWaitS: envNumber('VOICE_QUIET_WAIT_S', 20),
  parts: envList('VOICE_PARTS', 'world,stage,ear'),
  watchers: envNumber('VOICE_WATCHERS', 300),
  capacity: envNumber('VOICE_EVENT_CAPACITY', 100),
  relays: envNumber('VOICE_RELAYS', 1),
  earListeners: envNumber('VOICE_EAR_LISTENERS', 3),
  earRepeats: envNumber('VOICE_EAR_REPEATS', 10),
  stageWorld: process.env.VOICE_STAGE_WORLD || 'block-park-village',
  stage: process.env.VOICE_STAGE || 'village-stage',
}

const WORLD = 'block-park-village'
const JOIN_CONCURRENCY = 8
const QUIET_PCT = 40
const TARGETS = { lossPct: 1, mouthToEarMsP95: 250, subscriptionsPerListener: VOICE.cap }

const log = (s: string) => console.log(`[voice] ${s}`)

/** Waits until the server's media server is up (GET /api/voice/status), at most `ms`. */
export async function voiceReady(server: ServerProcess, ms = 60_000): Promise<void> {
  const url = server.url.replace(/^ws/, 'http') + '/api/voice/status'
  const deadline = clock() + ms
  let last = ''
  while (clock() < deadline) {
    try {
      const res = await fetch(url)
      const body = (await res.json()) as { available: boolean; reason?: string }
      if (body.available) return
      last = body.reason ?? ''
    } catch (err) {
      last = String(err)
    }
    await sleep(500)
  }
  throw new Error(`voice did not become available within ${ms / 1000} s: ${last}`)
}

/** A grid of `n` spots `spacing` apart centred on the spawn, inside the world's bounds. */
function grid(
  n: number,
  spacing: number,
  spawn: { x: number; z: number },
  bounds: { min: number[]; max: number[] },
): [number, number][] {
  const side = Math.ceil(Math.sqrt(n))
  const half = ((side - 1) * spacing) / 2
  const clampX = (v: number) => Math.min(bounds.max[0]! - 1, Math.max(bounds.min[0]! + 1, v))
  const clampZ = (v: number) => Math.min(bounds.max[2]! - 1, Math.max(bounds.min[2]! + 1, v))
  return Array.from({ length: n }, (_, i) => [
    clampX(spawn.x - half + (i % side) * spacing),
    clampZ(spawn.z - half + Math.floor(i / side) * spacing),
  ])
}

async function worldPart() {
  const label = `world, ${S.speakers} speakers`
  const otherCpuPctBefore = await waitForQuiet({
    label: `[voice] ${label}`,
    waitS: S.quietWaitS,
    quietPct: QUIET_PCT,
    log: (l) => console.log(l),
  })
  const started = clock()
  const server = await startServerProcess({ MAX_CLIENTS: String(Math.max(100, S.speakers + 10)) })
  try {
    await voiceReady(server)
    const janus = janusPids(server.pid)
    log(`${label}: server pid ${server.pid}, Janus ${janus.join(' ')}`)
    const { spawn, bounds } = await worldRules('scenes', WORLD)
    const opts: SpeakerSwarmOptions = {
      url: server.url,
      world: WORLD,
      spawn,
      spots: grid(S.speakers, S.spacingM, spawn, bounds),
      listenEvery: S.listenEvery,
    }
    const WORKER = new URL('../voice/speakersWorker.ts', import.meta.url)
    const swarms = startSwarms<SpeakerJoin, SpeakerReport>(
      S.workers,
      WORKER,
      opts,
      () => new SpeakerSwarm(opts),
    )
    try {
      const joinStart = clock()
      // The first bot creates the room alone, so that concurrent joins cannot create a second.
      const first = await swarms[0]!.join([0], 1)
      const count = swarms.length
      const joins = await Promise.all(
        swarms.map((s, w) =>
          s.join(
            Array.from({ length: S.speakers }, (_, i) => i).filter((i) => i > 0 && i % count === w),
            Math.max(1, Math.round(JOIN_CONCURRENCY / count)),
          ),
        ),
      )
      const join = [first, ...joins].reduce((a, b) => ({
        joined: a.joined + b.joined,
        failed: a.failed + b.failed,
        errors: [...a.errors, ...b.errors],
        roomIds: [...new Set([...a.roomIds, ...b.roomIds])],
      }))
      const joinS = (clock() - joinStart) / 1000
      log(
        `${label}: ${join.joined} in voice, ${join.failed} failed in ${round(joinS)} s ` +
          `(${join.roomIds.length} room(s))` +
          (join.errors.length ? `; first error: ${join.errors[0]}` : ''),
      )
      const windowStart = clock() + S.settleS * 1000
      const windowEnd = windowStart + S.windowS * 1000
      await Promise.all(swarms.map((s) => s.setWindow(windowStart, windowEnd)))
      await sleepUntil(windowStart)
      const pids = janusPids(server.pid)
      const cpu0 = {
        janus: cpuSeconds(pids),
        server: server.cpuSeconds(),
        udpDrops: udpRcvbufErrors(),
        drops: udpDropsByPid([process.pid, ...pids]),
        at: clock(),
      }
      log(`${label}: measuring for ${S.windowS} s…`)
      await sleepUntil(windowEnd)
      const cpuS = (clock() - cpu0.at) / 1000
      const janusCpu = cpuPct(cpu0.janus, cpuSeconds(pids), cpuS)
      const janusTotal = Object.values(janusCpu).reduce((a, b) => a + b, 0)
      // The server's process tree includes its Janus: the game server alone is the rest.
      const serverCpuPct = round(((server.cpuSeconds() - cpu0.server) / cpuS) * 100 - janusTotal)
      const udpDrops = udpRcvbufErrors() - cpu0.udpDrops
      const dropsWhere = dropsDelta(cpu0.drops, udpDropsByPid([process.pid, ...pids]))
      await sleepUntil(windowEnd + 300)
      const reports = await Promise.all(swarms.map((s) => s.stop()))
      const listeners = reports.flatMap((r) => r.listeners)
      const sentInWindow = reports.reduce((a, r) => a + r.sentInWindow, 0)
      const loopP99 = Math.max(...reports.map((r) => r.loopDelayMsP99))
      const expected = listeners.reduce((a, l) => a + l.expected, 0)
      const received = listeners.reduce((a, l) => a + l.received, 0)
      const streams = listeners.map((l) => l.maxStreams).sort((a, b) => a - b)
      const errors: Record<string, number> = {}
      for (const r of reports)
        for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v
      const result = {
        listeners: listeners.length,
        publishers: reports.reduce((a, r) => a + r.publishers, 0),
        publishersConnected: reports.reduce((a, r) => a + r.publishersConnected, 0),
        listenersConnected: listeners.filter((l) => l.connected).length,
        janusProcesses: pids.length,
        lossPct: expected ? round(((expected - received) / expected) * 100, 2) : null,
        subscriptionsPerListener: streams.length ? streams[streams.length - 1]! : 0,
        subscriptionsPerListenerMedian: streams.length
          ? streams[Math.floor(streams.length / 2)]!
          : 0,
        listenersWithoutStreams: streams.filter((s) => s === 0).length,
        maxAsked: Math.max(0, ...listeners.map((l) => l.maxAsked)),
        streamsInWindow: listeners.reduce((a, l) => a + l.streamsAtEnd, 0),
        packetsExpected: expected,
        packetsReceived: received,
        packetsSentInWindow: sentInWindow,
        // What the publishers sent against 50 packets/s each: under 100 % the bots' threads were
        // starved (the machine, not the media server), and loss then measures the bots as well.
        sentRatePct: round((sentInWindow / (S.speakers * 50 * S.windowS)) * 100),
        janusCpuPct: round(janusTotal),
        janusCpuPctByPid: janusCpu,
        janusCpuPctPer100Listeners: listeners.length
          ? round((janusTotal / listeners.length) * 100)
          : null,
        serverCpuPct,
        // Datagrams the kernel dropped on full receive buffers during the window, machine-wide
        // (the bots', Janus', anyone's): loss that no network caused.
        udpRcvbufDrops: udpDrops,
        udpDropsBench: dropsWhere.bench,
        udpDropsJanus: dropsWhere.janus,
        benchLimited: benchLimited(
          dropsWhere.bench,
          loopP99,
          sentInWindow / (S.speakers * 50 * S.windowS),
        ),
        renegotiations: reports.reduce((a, r) => a + r.renegotiations, 0),
        errors,
        firstErrors: reports.flatMap((r) => r.firstErrors).slice(0, 8),
        someListeners: listeners.slice(0, 3),
        joinFailed: join.failed,
        joinErrors: join.errors,
        joinS: round(joinS),
        rooms: join.roomIds.length,
        botLoopDelayMsP99: round(loopP99),
        otherCpuPctBefore,
        durationS: round((clock() - started) / 1000),
      }
      log(
        `${label}: ${result.listeners} listeners, loss ${result.lossPct}% ` +
          `(${received}/${expected}), streams per listener max ${result.subscriptionsPerListener} ` +
          `median ${result.subscriptionsPerListenerMedian}, Janus CPU ${result.janusCpuPct}%, ` +
          `server ${serverCpuPct}%, errors ${JSON.stringify(errors)}`,
      )
      return result
    } finally {
      await Promise.all(swarms.map((s) => s.close()))
    }
  } finally {
    await server.stop()
  }
}

/** Part 3, voice path: Chromium speaker and listeners in a world's voice room. */
async function earVoicePart(): Promise<EarResult> {
  const server = await startServerProcess({})
  try {
    await voiceReady(server)
    const r = await voiceEar(server.url, WORLD, S.earListeners, S.earRepeats)
    log(
      `ear, voice path: ${r.matched}/${r.onsetsSent * r.listeners} onsets heard, ` +
        `mouth-to-ear p50 ${r.msP50} ms, p95 ${r.msP95} ms`,
    )
    return r
  } finally {
    await server.stop()
  }
}

async function createEvent(http: string, token: string): Promise<EventInfo> {
  const now = Date.now()
  const res = await fetch(new URL('/api/events', http), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: { 'zh-CN': '语音压测', en: 'Voice bench' },
      description: { 'zh-CN': '', en: '' },
      world: S.stageWorld,
      stage: S.stage,
      startsAt: now + 60_000,
      endsAt: now + 3600_000,
      capacity: S.capacity,
    }),
  })
  const body = (await res.json()) as EventInfo
  if (res.status !== 201) throw new Error(`POST /api/events: ${res.status} ${JSON.stringify(body)}`)
  return body
}

async function eventSeat(url: string, event: string, name: string, token?: string): Promise<Room> {
  const room = await withTimeout(
    new Client(url).joinOrCreate('event', {
      event,
      name,
      color: '#ffcc00',
      ...(token && { token }),
    }),
    30_000,
    `${name} join`,
  )
  room.onMessage('*', () => {})
  return room
}

/**
 * Part 2 (and part 3's stage path): the host on air, S.watchers werift watchers over the
 * event's instances and the server's Janus processes (JANUS_RELAYS), loss from sequence numbers;
 * with `ear`, the host is a Chromium page sending the tone and a few Chromium watchers time it.
 */
async function stagePart(ear: boolean) {
  const label = `stage, ${S.watchers} watchers`
  const otherCpuPctBefore = await waitForQuiet({
    label: `[voice] ${label}`,
    waitS: S.quietWaitS,
    quietPct: QUIET_PCT,
    log: (l) => console.log(l),
  })
  const started = clock()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-voice-bench-'))
  const registry = path.join(dataDir, 'registry.json')
  writeSignInRegistry(registry)
  const server = await startServerProcess({
    ...signInEnv(registry),
    DATA_DIR: dataDir,
    JANUS_RELAYS: String(S.relays),
    MAX_CLIENTS: String(S.capacity),
  })
  const browser = ear ? await openEarBrowser() : null
  let werift: StageHost | null = null
  const rooms: Room[] = []
  try {
    await voiceReady(server)
    const http = server.url.replace(/^ws/, 'http')
    // Sign-in needs the chain registry loaded (/api/chain answers 503 until then).
    for (let i = 0; i < 120 && (await fetch(`${http}/api/chain`)).status !== 200; i++)
      await sleep(500)
    const token = await signIn(http, 1)
    const event = await createEvent(http, token)
    const host = await eventSeat(server.url, event.id, 'bench host', token)
    rooms.push(host)
    host.send('event.live', { live: true })
    // The host on air: a Chromium page with the tone (part 3), or a werift publisher.
    let hostPage = null
    if (browser) {
      const live = await goLive(host)
      const { page, offer } = await publisherPage(browser)
      await acceptAnswer(page, await publishOffer(live.pub, offer))
      hostPage = page
    } else {
      werift = new StageHost(host)
      await werift.goLive()
    }
    host.send('stage.source', { source: 'live' })
    log(`${label}: event ${event.id}, host on air (${browser ? 'Chromium' : 'werift'})`)

    const opts: StageSwarmOptions = { url: server.url, event: event.id, watchWaitMs: 30_000 }
    const WORKER = new URL('../voice/stageWorker.ts', import.meta.url)
    const swarms = startSwarms<WatchJoin, WatchReport>(
      S.workers,
      WORKER,
      opts,
      () => new StageSwarm(opts),
    )
    try {
      const joinStart = clock()
      const count = swarms.length
      const joins = await Promise.all(
        swarms.map((s, w) =>
          s.join(
            Array.from({ length: S.watchers }, (_, i) => i).filter((i) => i % count === w),
            Math.max(1, Math.round(JOIN_CONCURRENCY / count)),
          ),
        ),
      )
      const join = joins.reduce((a, b) => ({
        joined: a.joined + b.joined,
        failed: a.failed + b.failed,
        errors: [...a.errors, ...b.errors],
        byJanus: merge(a.byJanus, b.byJanus),
        byRoom: merge(a.byRoom, b.byRoom),
      }))
      const joinS = (clock() - joinStart) / 1000
      log(
        `${label}: ${join.joined} watching, ${join.failed} failed in ${round(joinS)} s, ` +
          `by Janus ${JSON.stringify(Object.values(join.byJanus))}, ` +
          `${Object.keys(join.byRoom).length} instance(s)` +
          (join.errors.length ? `; first error: ${join.errors[0]}` : ''),
      )
      const windowStart = clock() + S.settleS * 1000
      const windowEnd = windowStart + S.windowS * 1000
      await Promise.all(swarms.map((s) => s.setWindow(windowStart, windowEnd)))
      await sleepUntil(windowStart)
      const pids = janusPids(server.pid)
      const cpu0 = {
        janus: cpuSeconds(pids),
        udpDrops: udpRcvbufErrors(),
        drops: udpDropsByPid([process.pid, ...pids]),
        at: clock(),
      }
      log(`${label}: measuring for ${S.windowS} s…`)
      await sleepUntil(windowEnd)
      const cpuS = (clock() - cpu0.at) / 1000
      const janusCpu = cpuPct(cpu0.janus, cpuSeconds(pids), cpuS)
      const udpDrops = udpRcvbufErrors() - cpu0.udpDrops
      const dropsWhere = dropsDelta(cpu0.drops, udpDropsByPid([process.pid, ...pids]))
      await sleepUntil(windowEnd + 300)
      const reports = await Promise.all(swarms.map((s) => s.stop()))
      const perJanus: WatchReport['perJanus'] = {}
      for (const r of reports)
        for (const [url, j] of Object.entries(r.perJanus)) {
          const into = (perJanus[url] ??= { watchers: 0, expected: 0, received: 0 })
          into.watchers += j.watchers
          into.expected += j.expected
          into.received += j.received
        }
      const expected = reports.reduce((a, r) => a + r.expected, 0)
      const received = reports.reduce((a, r) => a + r.received, 0)
      const watchers = reports.reduce((a, r) => a + r.watchers, 0)
      const janusTotal = Object.values(janusCpu).reduce((a, b) => a + b, 0)
      const errors: Record<string, number> = {}
      for (const r of reports)
        for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v
      // The ear on the stage path, once the crowd has left: its timing is measured on its own.
      let earResult: (EarResult & { janus: string[] }) | null = null
      if (browser && hostPage) {
        const earRooms: Room[] = []
        for (let i = 0; i < S.earListeners; i++)
          earRooms.push(await eventSeat(server.url, event.id, `ear-watcher-${i}`))
        rooms.push(...earRooms)
        earResult = await stageEar(browser, hostPage, earRooms, S.earRepeats)
        log(
          `ear, stage path: ${earResult.matched}/${earResult.onsetsSent * earResult.listeners} ` +
            `onsets heard, mouth-to-ear p50 ${earResult.msP50} ms, p95 ${earResult.msP95} ms`,
        )
      }
      const result = {
        listeners: watchers,
        publishers: 1,
        janusProcesses: Object.values(perJanus).filter((j) => j.received > 0).length,
        janusProcessesRunning: pids.length,
        lossPct: expected ? round(((expected - received) / expected) * 100, 2) : null,
        janusCpuPct: round(janusTotal),
        janusCpuPctByPid: janusCpu,
        janusCpuPctPer100Listeners: watchers ? round((janusTotal / watchers) * 100) : null,
        perJanus: Object.fromEntries(
          Object.entries(perJanus).map(([url, j]) => [
            url,
            {
              ...j,
              lossPct: j.expected ? round(((j.expected - j.received) / j.expected) * 100, 2) : null,
            },
          ]),
        ),
        instances: Object.keys(join.byRoom).length,
        connected: reports.reduce((a, r) => a + r.connected, 0),
        withoutPackets: reports.reduce((a, r) => a + r.withoutPackets, 0),
        packetsExpected: expected,
        packetsReceived: received,
        udpRcvbufDrops: udpDrops,
        udpDropsBench: dropsWhere.bench,
        udpDropsJanus: dropsWhere.janus,
        benchLimited: benchLimited(
          dropsWhere.bench,
          Math.max(...reports.map((r) => r.loopDelayMsP99)),
          1,
        ),
        errors,
        firstErrors: reports.flatMap((r) => r.firstErrors).slice(0, 8),
        joinFailed: join.failed,
        joinErrors: join.errors,
        joinS: round(joinS),
        botLoopDelayMsP99: round(Math.max(...reports.map((r) => r.loopDelayMsP99))),
        ear: earResult,
        otherCpuPctBefore,
        durationS: round((clock() - started) / 1000),
      }
      log(
        `${label}: ${watchers} watchers over ${result.janusProcesses} Janus, loss ${result.lossPct}% ` +
          `(${received}/${expected}), Janus CPU ${result.janusCpuPct}%`,
      )
      return result
    } finally {
      await Promise.all(swarms.map((s) => s.close()))
    }
  } finally {
    await werift?.stop()
    await Promise.all(rooms.map((r) => r.leave(true).catch(() => {})))
    await browser?.close()
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Whether the bench itself limited what it measured: the kernel dropped datagrams on its own
 * sockets, its threads stalled for over half a second, or its publishers sent under 95 % of
 * their packets. Loss is then the bench machine's as much as the media server's.
 */
function benchLimited(benchDrops: number, loopP99Ms: number, sentRatio: number): boolean {
  return benchDrops > 0 || loopP99Ms > 500 || sentRatio < 0.95
}

/** Drops during the window on the bench's own sockets and on Janus' (udpDropsByPid). */
function dropsDelta(before: Map<number, number>, after: Map<number, number>) {
  let bench = 0
  let janus = 0
  for (const [pid, n] of after) {
    const d = Math.max(0, n - (before.get(pid) ?? 0))
    if (pid === process.pid) bench += d
    else janus += d
  }
  return { bench, janus }
}

function merge(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v
  return out
}

/** Runs one part; a part that fails is reported with its error, the others still run. */
async function part<T>(name: string, run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run()
  } catch (err) {
    log(`${name} failed: ${err instanceof Error ? err.message : String(err)}`)
    return { error: err instanceof Error ? err.message : String(err) }
  }
}

const ok = <T extends object>(r: T | { error: string } | null): T | null =>
  r && !('error' in r) ? r : null

export async function voice() {
  const started = clock()
  const want = (p: string) => S.parts.includes(p)
  const worldRun = want('world') ? await part('world', worldPart) : null
  const stageRun = want('stage') ? await part('stage', () => stagePart(want('ear'))) : null
  const earVoice = want('ear') ? await part('ear (voice path)', earVoicePart) : null
  const world = ok(worldRun)
  const stage = ok(stageRun)
  const earStage = stage?.ear ?? null
  const top = stage ?? world
  const mouthToEar = earStage?.msP95 ?? null
  return {
    listeners: top?.listeners ?? 0,
    publishers: top?.publishers ?? 0,
    janusProcesses: top?.janusProcesses ?? 0,
    lossPct: top?.lossPct ?? null,
    mouthToEarMsP95: mouthToEar,
    janusCpuPct: top?.janusCpuPctPer100Listeners ?? null,
    subscriptionsPerListener: world?.subscriptionsPerListener ?? null,
    from: { top: stage ? 'stage' : world ? 'world' : null, mouthToEar: earStage ? 'stage' : null },
    benchLimited: top?.benchLimited ?? null,
    world: worldRun,
    stage: stageRun,
    ear: { stage: earStage, voice: earVoice },
    targets: {
      lossPct: top?.lossPct !== null && top?.lossPct !== undefined && top.lossPct < TARGETS.lossPct,
      mouthToEarMsP95: mouthToEar !== null && mouthToEar <= TARGETS.mouthToEarMsP95,
      subscriptionsPerListener:
        world !== null && world.subscriptionsPerListener <= TARGETS.subscriptionsPerListener,
      listenersOverTwoJanus: stage !== null && stage.listeners >= 300 && stage.janusProcesses >= 2,
    },
    targetValues: TARGETS,
    settings: { ...S, world: WORLD, cap: VOICE.cap, radius: VOICE.radius },
    totalS: round((clock() - started) / 1000),
    notes:
      'Loopback; the product server as a child process with its embedded Janus (and a relay ' +
      'Janus with JANUS_RELAYS for the stage). janusCpuPct: Janus CPU (all its processes, ' +
      '/proc/<pid>/stat over the window, 100 = one core) per 100 listeners. Top-level fields ' +
      'come from the stage run when it ran, else from the world run (see from); ' +
      'mouthToEarMsP95 is the stage path, the voice path is in ear.voice. lossPct is from the ' +
      "listeners' RTP sequence numbers inside the window. benchLimited: the kernel dropped " +
      "datagrams on the bench's own sockets (udpDropsBench; udpDropsJanus for Janus'), its " +
      'threads stalled over 500 ms (botLoopDelayMsP99) or its publishers sent under 95 % of 50 ' +
      'packets/s (world.sentRatePct): loss then measures the bench machine, not the media server.',
  }
}
