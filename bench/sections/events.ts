// Events: a live gathering with 1,000 colyseus.js bot attendees over several instances of one
// event and two server processes sharing Redis (presence, room listings) and PostgreSQL (the
// events), all on loopback. Measures how long the host's announcements and screen actions take
// to reach every attendee, whether any announcement is lost, what reactions cost, and the CPU of
// each server process.
// {"attendees","instances","processes","hostToAllMsP95","lostAnnouncements", …extras,
//  "baseline":{…the same with EVENTS_BASELINE attendees through one process},"ratios","targets"}
//
// What runs: redis-server and a throwaway PostgreSQL (Debian packages), two server processes
// (bench/lib/server.ts: children whose CPU is read from /proc; CHAIN=registry with a registry
// whose chain is never called: sign-in checks signatures only). The host (dev wallet #1) signs
// in through process 1, creates an event on the village stage (capacity EVENTS_CAPACITY per
// instance), joins with its token and goes live. Bots join as guests, bot i matchmaking through
// process i mod 2 (colyseus.js follows the seat reservation to the process holding the
// instance), spread over worker threads; each walks to a spot in the audience and stands there,
// 1 in EVENTS_WALK_EVERY keeps walking, 1 in EVENTS_CLAP_EVERY claps EVENTS_CLAP_HZ times a
// second. The host then makes EVENTS_ANNOUNCEMENTS announcements, one per EVENTS_INTERVAL_MS,
// and between them screen actions (load a video, play, seek, pause, play).
//
// Latency is host send → arrival at a bot, both on the machine clock (performance.timeOrigin +
// performance.now() in every thread): the announcement's text carries its send time. Screen
// latency is host send → the bot's state showing that screen (a state patch, so up to one patch
// interval later by design). Every admitted attendee counts (`attendees`: every bot that
// joined), those that dropped too: lostAnnouncements = announcements × attendees − distinct
// (attendee, announcement) pairs received; hostToAllMsP95 is the p95 over every (announcement,
// attendee) pair, a lost one counting as never arriving (null when over 5 % are lost);
// allHadItMs is, per announcement, the time until the last attendee had it (null: one never
// did). droppedBots counts attendees that left without being asked; lostAmongWholeWindow is the
// loss among those present for the whole window only. seqGaps counts holes in the seq each bot saw.
// reactionMsgsPerAttendeePerSec is server → client `event.reactions` messages: it should stay at
// about one per aggregation window (4/s) however many clap.
//
// A baseline in the same run (EVENTS_BASELINE attendees, one instance, matchmaking through one
// process) gives ratios: the machine is shared and noisy, single timings are indications.
//
// Knobs (env): EVENTS_ATTENDEES=1000  EVENTS_BASELINE=100 (0: none)  EVENTS_CAPACITY=200
// EVENTS_ANNOUNCEMENTS=20  EVENTS_INTERVAL_MS=1000  EVENTS_WORKERS=2  EVENTS_JOIN_CONCURRENCY=20
// EVENTS_WALK_EVERY=20  EVENTS_WALK_HZ=5  EVENTS_CLAP_EVERY=10  EVENTS_CLAP_HZ=1
// EVENTS_SPREAD_M=8  EVENTS_QUIET_WAIT_S=20  EVENTS_WORLD=block-park-village
// EVENTS_STAGE=village-stage  EVENTS_PROCESSES=2
//
// It is one file because it is the events bench's scenario (host, runs, summary, targets); the
// plumbing it shares with the net bench is in bench/lib/.
import { Client, type Room } from 'colyseus.js'
import { groupMembers, isAlive } from '../../e2e/procs'
import type { EventInfo } from '../../src/protocol/events'
import type { ServerMessages } from '../../src/protocol/messages'
import { signIn } from '../../server/events/testKit'
import { worldRules } from '../../server/worlds'
import { startCluster, type Cluster } from '../events/cluster'
import {
  EventSwarm,
  type BotReport,
  type EventSwarmOptions,
  type JoinResult,
  type SwarmReport,
} from '../events/swarm'
import { stats, tallyAnnouncements } from '../events/tally'
import { envNumber, round, sleep, sleepUntil, waitForQuiet } from '../lib/section'
import { machineCpuSeconds } from '../lib/server'
import { clock, withTimeout } from '../lib/swarm'
import { startSwarms } from '../lib/threads'

const S = {
  attendees: envNumber('EVENTS_ATTENDEES', 1000),
  baseline: envNumber('EVENTS_BASELINE', 100),
  capacity: envNumber('EVENTS_CAPACITY', 200),
  announcements: envNumber('EVENTS_ANNOUNCEMENTS', 20),
  intervalMs: envNumber('EVENTS_INTERVAL_MS', 1000),
  workers: envNumber('EVENTS_WORKERS', 2),
  joinConcurrency: envNumber('EVENTS_JOIN_CONCURRENCY', 20),
  walkEvery: envNumber('EVENTS_WALK_EVERY', 20),
  walkHz: envNumber('EVENTS_WALK_HZ', 5),
  clapEvery: envNumber('EVENTS_CLAP_EVERY', 10),
  clapHz: envNumber('EVENTS_CLAP_HZ', 1),
  spreadM: envNumber('EVENTS_SPREAD_M', 8),
  quietWaitS: envNumber('EVENTS_QUIET_WAIT_S', 20),
  processes: envNumber('EVENTS_PROCESSES', 2),
  world: process.env.EVENTS_WORLD || 'block-park-village',
  stage: process.env.EVENTS_STAGE || 'village-stage',
}

/** The bot threads' entry. */
const WORKER = new URL('../events/worker.ts', import.meta.url)
const TARGETS = { attendees: 1000, hostToAllMsP95: 250, lostAnnouncements: 0, droppedBots: 0 }
/** Host wallet: dev wallet #1 (#0 is the deployer in the dev chain). */
const HOST_WALLET = 1
/** After the last host action: time for stragglers (and the server's gap filling, 2 s). */
const SETTLE_MS = 3000
/** Other processes' CPU (100 = a core) under which the machine counts as quiet. */
const QUIET_PCT = 40

const log = (s: string) => console.log(`[events] ${s}`)

// ---- the host ----------------------------------------------------------------------------

class Host {
  readonly room: Room
  private oks = 0
  private errors: string[] = []
  /** Screen JSON → when the host sent the action that produced it (machine clock). */
  readonly screenSent = new Map<string, number>()
  private pendingScreen: number | null = null
  private screen: string | null = null
  /** Host's own view: what it received of its announcements (k → arrival latency). */
  readonly own = new Map<number, number>()

  private constructor(room: Room) {
    this.room = room
    room.onMessage('event.ok', () => this.oks++)
    room.onMessage('error', (m: ServerMessages['error']) =>
      this.errors.push(`${m.code}: ${m.message}`),
    )
    room.onMessage('event.announcement', (m: ServerMessages['event.announcement']) => {
      const [tag, k, sent] = m.text.split(' ')
      if (tag === 'bench') this.own.set(Number(k), clock() - Number(sent))
    })
    room.onMessage('*', () => {})
    room.onStateChange((state: { event?: { screen?: string } }) => {
      const s = state.event?.screen
      if (s === undefined || s === this.screen) return
      this.screen = s
      if (this.pendingScreen !== null) {
        this.screenSent.set(s, this.pendingScreen)
        this.pendingScreen = null
      }
    })
  }

  static async join(url: string, event: string, token: string) {
    const client = new Client(url)
    const room = await withTimeout(
      client.joinOrCreate('event', { event, name: 'bench host', color: '#ffcc00', token }),
      30_000,
      'host join',
    )
    return new Host(room)
  }

  /** Sends an action and waits for its event.ok (throws on a refusal). */
  async act(type: string, payload: object, screen = false): Promise<number> {
    const [oks, errors] = [this.oks, this.errors.length]
    const sent = clock()
    if (screen) this.pendingScreen = sent
    this.room.send(type, payload)
    const deadline = Date.now() + 10_000
    while (this.oks === oks && this.errors.length === errors) {
      if (Date.now() > deadline) throw new Error(`host ${type}: no answer in 10 s`)
      await sleep(5)
    }
    if (this.errors.length > errors) throw new Error(`host ${type}: ${this.errors.at(-1)}`)
    return sent
  }

  /** Sends an announcement now without waiting (its text carries the send time). */
  announce(k: number) {
    this.room.send('event.announce', { text: `bench ${k} ${clock().toFixed(3)}` })
  }

  /** host:port of the process holding the host's instance. */
  get wsHost(): string {
    const transport = this.room.connection.transport as unknown as { ws: { url: string } }
    return new URL(transport.ws.url).host
  }

  get state() {
    return this.room.state as { event?: { instances?: number; attendance?: number } }
  }

  async leave() {
    if (this.room.connection.isOpen) await withTimeout(this.room.leave(true), 5000, 'host leave')
  }
}

// ---- one run -----------------------------------------------------------------------------

async function createEvent(http: string, token: string, capacity: number): Promise<EventInfo> {
  const now = Date.now()
  const res = await fetch(new URL('/api/events', http), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: { 'zh-CN': '压测活动', en: 'Bench gathering' },
      description: { 'zh-CN': '', en: '' },
      world: S.world,
      stage: S.stage,
      startsAt: now + 60_000,
      endsAt: now + 3600_000,
      capacity,
    }),
  })
  const body = (await res.json()) as EventInfo
  if (res.status !== 201) throw new Error(`POST /api/events: ${res.status} ${JSON.stringify(body)}`)
  return body
}

interface RunSettings {
  label: string
  attendees: number
  /** Server URLs bots matchmake through (bot i: urls[i % n]). */
  via: number[]
}

async function runOnce(cluster: Cluster, token: string, run: RunSettings) {
  const label = run.label
  const started = clock()
  const event = await createEvent(cluster.http[0]!, token, S.capacity)
  const rules = await worldRules('scenes', S.world)
  const stage = rules.stages.get(S.stage)
  if (!stage) throw new Error(`${S.world} has no stage ${S.stage}`)
  const ourCpu = () =>
    cluster.servers.reduce((a, s) => a + s.cpuSeconds(), 0) +
    cluster.redis.cpuSeconds() +
    cluster.postgres.cpuSeconds() +
    (process.cpuUsage().user + process.cpuUsage().system) / 1e6
  const otherCpuPctBefore = await waitForQuiet({
    label,
    waitS: S.quietWaitS,
    quietPct: QUIET_PCT,
    log,
    ours: ourCpu,
  })

  const host = await Host.join(cluster.servers[0]!.url, event.id, token)
  await host.act('event.live', { live: true })
  log(
    `${label}: event ${event.id} live, host in instance ${(host.room.state as { instance?: number }).instance}`,
  )

  const [x, y, z] = stage.audience.position
  const opts: EventSwarmOptions = {
    urls: run.via.map((i) => cluster.servers[i]!.url),
    event: event.id,
    audience: { x, y, z, heading: stage.audience.heading },
    stageArea: stage.area,
    spread: S.spreadM,
    bounds: [
      rules.bounds.min[0] + 1,
      rules.bounds.min[2] + 1,
      rules.bounds.max[0] - 1,
      rules.bounds.max[2] - 1,
    ],
    walkEvery: S.walkEvery,
    clapEvery: S.clapEvery,
    clapHz: S.clapHz,
    walkHz: S.walkHz,
  }
  const swarms = startSwarms(S.workers, WORKER, opts, () => new EventSwarm(opts))
  const count = swarms.length
  try {
    const joinStart = clock()
    const progress = setInterval(
      () => log(`${label}: joining… ${round((clock() - joinStart) / 1000)} s`),
      10_000,
    )
    // Bot i matchmakes through urls[i % n]; threads take consecutive runs of n, so that each
    // thread has bots of every process.
    const n = opts.urls.length
    const shares = swarms.map((_, w) =>
      Array.from({ length: run.attendees }, (_, i) => i).filter(
        (i) => Math.floor(i / n) % count === w,
      ),
    )
    const joins = await Promise.all(
      swarms.map((s, w) => s.join(shares[w]!, Math.max(1, Math.round(S.joinConcurrency / count)))),
    ).finally(() => clearInterval(progress))
    const join = joins.reduce((a, b) => ({
      joined: a.joined + b.joined,
      failed: a.failed + b.failed,
      errors: [...a.errors, ...b.errors],
      joinMs: [...a.joinMs, ...b.joinMs],
    }))
    const joinS = (clock() - joinStart) / 1000
    log(
      `${label}: ${join.joined} joined, ${join.failed} failed in ${round(joinS)} s` +
        (join.errors.length ? `; first error: ${join.errors[0]}` : ''),
    )
    // Bots walk to their spots (a few seconds) and attendance reports settle (1 s each).
    await sleep(4000)
    const instancesSeen = host.state.event?.instances ?? 0
    const attendanceSeen = host.state.event?.attendance ?? 0

    // The window: announcements at start + k·interval, screen actions half-way between.
    const windowStart = clock() + 1000
    const lastSend = windowStart + (S.announcements - 1) * S.intervalMs
    const windowEnd = lastSend + SETTLE_MS
    await Promise.all(swarms.map((s) => s.setWindow(windowStart, windowEnd)))
    const screenAt = new Map<number, [string, object]>([
      [
        1,
        [
          'load',
          { action: 'load', media: { kind: 'video', url: '/assets/video/cangqiong-stage.webm' } },
        ],
      ],
      [3, ['play', { action: 'play', position: 0 }]],
      [Math.floor(S.announcements / 2), ['seek', { action: 'seek', position: 12 }]],
      [S.announcements - 4, ['pause', { action: 'pause' }]],
      [S.announcements - 2, ['play', { action: 'play' }]],
    ])
    await sleepUntil(windowStart)
    const cpu0 = {
      servers: cluster.servers.map((s) => s.cpuSeconds()),
      redis: cluster.redis.cpuSeconds(),
      postgres: cluster.postgres.cpuSeconds(),
      bench: process.cpuUsage(),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    log(`${label}: ${S.announcements} announcements, one every ${S.intervalMs} ms…`)
    const screenOps: string[] = []
    const hostOps: Promise<unknown>[] = []
    for (let k = 0; k < S.announcements; k++) {
      await sleepUntil(windowStart + k * S.intervalMs)
      host.announce(k)
      const screen = screenAt.get(k)
      if (screen) {
        await sleepUntil(windowStart + (k + 0.5) * S.intervalMs)
        screenOps.push(screen[0])
        hostOps.push(host.act('event.screen', screen[1], true))
      }
    }
    await Promise.all(hostOps)
    await sleepUntil(windowEnd)
    const cpu1 = {
      servers: cluster.servers.map((s) => s.cpuSeconds()),
      redis: cluster.redis.cpuSeconds(),
      postgres: cluster.postgres.cpuSeconds(),
      bench: process.cpuUsage(cpu0.bench),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    await sleep(200)
    const reports = await Promise.all(swarms.map((s) => s.stop()))
    const bots = reports.flatMap((r) => r.bots)
    return {
      ...summarize(run, bots, reports, host, {
        windowStart,
        windowEnd,
        join,
        joinS,
        instancesSeen,
        attendanceSeen,
        screenOps,
        cpu0,
        cpu1,
        otherCpuPctBefore,
        cluster,
      }),
      durationS: round((clock() - started) / 1000),
    }
  } finally {
    await Promise.all(swarms.map((s) => s.close()))
    // End the event (every instance closes) and leave.
    await host.act('event.live', { live: false }).catch(() => {})
    await host.leave().catch(() => {})
  }
}

interface Measured {
  windowStart: number
  windowEnd: number
  join: JoinResult
  joinS: number
  instancesSeen: number
  attendanceSeen: number
  screenOps: string[]
  cpu0: { servers: number[]; redis: number; postgres: number; machine: number; at: number }
  cpu1: {
    servers: number[]
    redis: number
    postgres: number
    bench: NodeJS.CpuUsage
    machine: number
    at: number
  }
  otherCpuPctBefore: number
  cluster: Cluster
}

function summarize(
  run: RunSettings,
  bots: BotReport[],
  reports: SwarmReport[],
  host: Host,
  m: Measured,
) {
  const N = S.announcements
  const windowS = (m.cpu1.at - m.cpu0.at) / 1000
  // Every admitted attendee counts (dropped ones too): see bench/events/tally.ts.
  const admitted = bots
  const t = tallyAnnouncements(admitted, N, { start: m.windowStart, end: m.windowEnd })
  const { present, expected, latencies, serverMs, byHost } = t
  const lat = t.latency
  const allHad = t.allHad

  // Screen actions: host send → the bot's state shows the new screen.
  const screenLat: number[] = []
  let screenChanges = 0
  for (const b of admitted) {
    for (const [json, at] of b.screens) {
      const sent = host.screenSent.get(json)
      if (sent === undefined) continue
      screenChanges++
      screenLat.push(at - sent)
    }
  }
  const screenChangesExpected = host.screenSent.size * admitted.length
  const screen = stats(screenLat, screenChangesExpected - screenChanges)

  // Reactions.
  const clappers = present.filter((b) => b.clapper)
  const reactsSent = bots.reduce((a, b) => a + b.reactsSent, 0)
  const reactionMsgs = present.reduce((a, b) => a + b.reactionMsgs, 0)
  const reactionCounts = present.reduce((a, b) => a + b.reactionCountSum, 0)

  const perProcess = m.cluster.servers.map((s, i) => {
    const addr = new URL(s.url).host
    const here = bots.filter((b) => b.host === addr)
    const lat = stats(byHost.get(addr) ?? [])
    const loop = m.cluster.loop(i).filter((l) => l.t > m.windowStart && l.t <= m.windowEnd + 1000)
    return {
      process: i + 1,
      /** The host's instance is on this process (the others hear it through Redis). */
      hostsTheHost: host.wsHost === addr,
      cpuPct: round(((m.cpu1.servers[i]! - m.cpu0.servers[i]!) / windowS) * 100),
      /** The server's event-loop delay in the window (worst 1-s p99, and max), ms. */
      loopDelayMsP99: loop.length ? Math.max(...loop.map((l) => l.p99)) : null,
      loopDelayMsMax: loop.length ? Math.max(...loop.map((l) => l.max)) : null,
      hostToAllMsP50: lat.p50,
      hostToAllMsP95: lat.p95,
      attendees: here.length,
      instances: new Set(here.map((b) => b.roomId)).size,
      matchmadeHere: bots.filter((b) => b.via === i).length,
    }
  })
  const serversCpu = perProcess.reduce((a, p) => a + p.cpuPct, 0)
  const redisCpuPct = round(((m.cpu1.redis - m.cpu0.redis) / windowS) * 100)
  const postgresCpuPct = round(((m.cpu1.postgres - m.cpu0.postgres) / windowS) * 100)
  const benchCpuPct = round(((m.cpu1.bench.user + m.cpu1.bench.system) / 1e6 / windowS) * 100)
  const machineCpuPct = ((m.cpu1.machine - m.cpu0.machine) / windowS) * 100
  const rooms = new Set(bots.map((b) => b.roomId))
  const instanceSizes = [...rooms].map((r) => bots.filter((b) => b.roomId === r).length)
  const dropped: Record<string, number> = {}
  for (const b of bots) if (b.droppedAt) dropped[b.dropCode] = (dropped[b.dropCode] ?? 0) + 1
  const serverErrors: Record<string, number> = {}
  for (const b of bots)
    for (const [c, n] of Object.entries(b.errors)) serverErrors[c] = (serverErrors[c] ?? 0) + n
  const joinMs = stats(m.join.joinMs)

  const result = {
    attendees: m.join.joined,
    instances: rooms.size,
    processes: new Set(bots.map((b) => b.host)).size,
    hostToAllMsP95: lat.p95,
    /** Over every admitted attendee, those that dropped included. */
    lostAnnouncements: t.lost,
    /** Admitted attendees that left without being asked (by close code in `dropped`). */
    droppedBots: t.droppedBots,
    // extras
    hostToAllMsP50: lat.p50,
    hostToAllMsP99: lat.p99,
    hostToAllMsMax: lat.max,
    /** Per announcement: until the last admitted attendee had it (null: one never did). */
    allHadItMs: allHad,
    /** Host send → the server handling it (the announcement's `at`): the host's own leg. */
    hostToServerMsP95: stats(serverMs).p95,
    /** The server handling it → arrival: Redis (INCR, HSET, PUBLISH), fan-out, the bot's thread. */
    serverToAttendeeMsP95: stats(latencies.map((v, i) => v - serverMs[i]!)).p95,
    announcements: N,
    attendeesWholeWindow: present.length,
    /** Lost among those present for the whole window only (the count before drops counted). */
    lostAmongWholeWindow: t.lostAmongWholeWindow,
    expectedDeliveries: expected,
    delivered: t.received,
    duplicates: t.duplicates,
    seqGaps: t.seqGaps,
    outOfOrder: t.outOfOrder,
    hostReceivedOwn: host.own.size,
    screenActions: m.screenOps,
    screenMs: screen,
    screenChangesSeen: screenChanges,
    screenChangesExpected,
    reactions: {
      clappers: clappers.length,
      reactsSentPerSec: round(reactsSent / windowS),
      /** server → client event.reactions messages per attendee per second (≈ 4: one per 250 ms window). */
      msgsPerAttendeePerSec: present.length ? round(reactionMsgs / present.length / windowS, 2) : 0,
      /** Summed counts an attendee saw / reacts sent by everyone (≈ 1: every clap reaches everyone). */
      countsSeenPerReactSent:
        present.length && reactsSent ? round(reactionCounts / present.length / reactsSent, 3) : 0,
    },
    bytesPerAttendeePerSec: present.length
      ? Math.round(present.reduce((a, b) => a + b.bytes, 0) / present.length / windowS)
      : 0,
    joinsFailed: m.join.failed,
    joinErrors: m.join.errors.slice(0, 3),
    joinS: round(m.joinS),
    joinMs,
    dropped,
    serverErrors,
    corrections: bots.reduce((a, b) => a + b.corrections, 0),
    instanceSizes: instanceSizes.sort((a, b) => b - a),
    instancesReportedToHost: m.instancesSeen,
    attendanceReportedToHost: m.attendanceSeen,
    perProcess,
    serversCpuPct: round(serversCpu),
    redisCpuPct,
    postgresCpuPct,
    benchCpuPct,
    otherCpuPct: round(
      Math.max(0, machineCpuPct - serversCpu - redisCpuPct - postgresCpuPct - benchCpuPct),
    ),
    otherCpuPctBefore: m.otherCpuPctBefore,
    botThreads: reports.length,
    botLoopDelayMsP99: round(Math.max(...reports.map((r) => r.loopDelayMsP99))),
    botLoopDelayMsMax: round(Math.max(...reports.map((r) => r.loopDelayMsMax))),
    /** Garbage collection in the bot threads inside the window: ms per second per thread, longest. */
    botGcMsPerSec: round(reports.reduce((a, r) => a + r.gcMs, 0) / reports.length / windowS),
    botGcMsMax: round(Math.max(...reports.map((r) => r.gcMsMax))),
    windowS: round(windowS),
    matchmakingVia: run.via.map((i) => i + 1),
  }
  log(
    `${run.label}: ${result.attendees} attendees in ${result.instances} instances on ` +
      `${result.processes} processes; host→all p50/p95/p99 ${lat.p50}/${lat.p95}/${lat.p99} ms, ` +
      `all had it p95 ${allHad.p95} ms; lost ${result.lostAnnouncements}, ` +
      `dropped ${result.droppedBots}; screen p95 ${screen.p95} ms; ` +
      `reactions ${result.reactions.msgsPerAttendeePerSec}/s per attendee; servers ` +
      perProcess.map((p) => `${p.cpuPct}%`).join(' + ') +
      ` CPU, bench ${benchCpuPct}%, others ${result.otherCpuPct}%`,
  )
  return result
}

export async function events() {
  const started = clock()
  log(`starting redis-server, PostgreSQL and ${S.processes} server processes…`)
  const cluster = await startCluster(S.processes, log)
  const pids = cluster.pids()
  const serverGroups = cluster.servers.map((s) => s.pid)
  let baseline: Awaited<ReturnType<typeof runOnce>> | null = null
  let main: Awaited<ReturnType<typeof runOnce>>
  try {
    log(`up in ${round((clock() - started) / 1000)} s: ${cluster.http.join(', ')}`)
    const token = await signIn(cluster.http[0]!, HOST_WALLET)
    if (S.baseline > 0) {
      baseline = await runOnce(cluster, token, {
        label: `baseline ${S.baseline}`,
        attendees: S.baseline,
        via: [0],
      })
    }
    main = await runOnce(cluster, token, {
      label: `${S.attendees} attendees`,
      attendees: S.attendees,
      via: cluster.servers.map((_, i) => i),
    })
  } finally {
    await cluster.stop()
    const left = [...pids.filter(isAlive), ...serverGroups.flatMap((g) => groupMembers(g))]
    if (left.length) console.error(`[events] processes left behind: ${left.join(' ')}`)
  }
  const ratio = (a: number | null, b: number | null | undefined) =>
    a !== null && b ? round(a / b, 2) : null
  return {
    // The fields come first (summarize() puts them there), then the extras.
    ...main,
    baseline,
    ratios: baseline
      ? {
          hostToAllP95: ratio(main.hostToAllMsP95, baseline.hostToAllMsP95),
          allHadItP95: ratio(main.allHadItMs.p95, baseline.allHadItMs.p95),
          screenP95: ratio(main.screenMs.p95, baseline.screenMs.p95),
          reactionMsgsPerAttendee: ratio(
            main.reactions.msgsPerAttendeePerSec,
            baseline.reactions.msgsPerAttendeePerSec,
          ),
        }
      : null,
    targets: {
      attendees: main.attendees >= TARGETS.attendees,
      severalInstances: main.instances > 1,
      twoProcesses: main.processes >= 2,
      hostToAllMsP95: main.hostToAllMsP95 !== null && main.hostToAllMsP95 <= TARGETS.hostToAllMsP95,
      lostAnnouncements: main.lostAnnouncements === TARGETS.lostAnnouncements,
      droppedBots: main.droppedBots === TARGETS.droppedBots,
    },
    targetValues: TARGETS,
    settings: S,
    totalS: round((clock() - started) / 1000),
    notes:
      'Loopback; redis-server, PostgreSQL, 2 server processes (CPU from /proc, 100 = one core) ' +
      'and the bots (bench process, worker threads) share 2 cores with whatever else runs ' +
      '(otherCpuPct). Latency: host send → arrival at each attendee, same machine clock; ' +
      'hostToAllMsP95 over every (announcement, attendee) pair of every admitted attendee, ' +
      'dropped ones included (a lost pair counts as never arriving); allHadItMs per ' +
      'announcement until the last of them had it. Screen: host ' +
      'send → the state patch showing it (patches go out every 50 ms). Reactions: server → ' +
      'client messages per attendee per second (one per 250 ms window with any reaction).',
  }
}
