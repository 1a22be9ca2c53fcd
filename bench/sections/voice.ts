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
// Top-level fields: the stage run when it ran (part 2), else the world run.
//
// Knobs (env): VOICE_SPEAKERS=100  VOICE_LISTEN_EVERY=4  VOICE_SPACING_M=5  VOICE_WORKERS=2
// VOICE_WINDOW_S=15  VOICE_SETTLE_S=8  VOICE_QUIET_WAIT_S=20  VOICE_PARTS=world,stage,ear
import { worldRules } from '../../server/worlds'
import { VOICE } from '../../src/protocol/voice'
import { envList, envNumber, round, sleep, sleepUntil, waitForQuiet } from '../lib/section'
import { startServerProcess, type ServerProcess } from '../lib/server'
import { clock } from '../lib/swarm'
import { startSwarms } from '../lib/threads'
import { cpuPct, cpuSeconds, janusPids, udpRcvbufErrors } from '../voice/janusProcs'
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
        at: clock(),
      }
      log(`${label}: measuring for ${S.windowS} s…`)
      await sleepUntil(windowEnd)
      const cpuS = (clock() - cpu0.at) / 1000
      const janusCpu = cpuPct(cpu0.janus, cpuSeconds(pids), cpuS)
      const serverCpuPct = round(((server.cpuSeconds() - cpu0.server) / cpuS) * 100)
      const udpDrops = udpRcvbufErrors() - cpu0.udpDrops
      await sleepUntil(windowEnd + 300)
      const reports = await Promise.all(swarms.map((s) => s.stop()))
      const listeners = reports.flatMap((r) => r.listeners)
      const sentInWindow = reports.reduce((a, r) => a + r.sentInWindow, 0)
      const expected = listeners.reduce((a, l) => a + l.expected, 0)
      const received = listeners.reduce((a, l) => a + l.received, 0)
      const janusTotal = Object.values(janusCpu).reduce((a, b) => a + b, 0)
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
        renegotiations: reports.reduce((a, r) => a + r.renegotiations, 0),
        errors,
        firstErrors: reports.flatMap((r) => r.firstErrors).slice(0, 8),
        someListeners: listeners.slice(0, 3),
        joinFailed: join.failed,
        joinErrors: join.errors,
        joinS: round(joinS),
        rooms: join.roomIds.length,
        botLoopDelayMsP99: round(Math.max(...reports.map((r) => r.loopDelayMsP99))),
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

export async function voice() {
  const started = clock()
  const world = S.parts.includes('world') ? await worldPart() : null
  const top = world
  return {
    listeners: top?.listeners ?? 0,
    publishers: top?.publishers ?? 0,
    janusProcesses: top?.janusProcesses ?? 0,
    lossPct: top?.lossPct ?? null,
    mouthToEarMsP95: null,
    janusCpuPct: top?.janusCpuPctPer100Listeners ?? null,
    subscriptionsPerListener: world?.subscriptionsPerListener ?? null,
    world,
    targets: {
      lossPct: top?.lossPct !== null && top?.lossPct !== undefined && top.lossPct < TARGETS.lossPct,
      subscriptionsPerListener:
        world !== null && world.subscriptionsPerListener <= TARGETS.subscriptionsPerListener,
    },
    targetValues: TARGETS,
    settings: { ...S, world: WORLD, cap: VOICE.cap, radius: VOICE.radius },
    totalS: round((clock() - started) / 1000),
  }
}
