// Builder: twenty people building one Block Park world together, what one edit costs a page,
// what a built world weighs, and the world directory's search.
// {"builders","editsPerSec","editToOthersMsP95","remeshMsP95","worldBytes","directoryWorlds",
//  "searchMsP95", …extras,"targets","targetValues","settings","notes"}
//
// Builders (bench/builder/swarm.ts): the product's server as a child process (bench/lib/server.ts)
// in a temp folder (PGlite, sign-in against a registry whose chain is never called,
// TRUST_PROXY=loopback so that each wallet signs in from an address of its own), removed
// afterwards. Dev wallet 0 signs in, makes a world from the `village` template
// (POST /api/builder/worlds) and invites the others (POST …/builders). A world has at most
// MAX_BUILDERS invited builders (server/builder/store.ts): the invitations past that are refused
// (409, counted in invitesRefused) and those bots build as a second session of an invited
// builder (one person, two tabs), so BENCH_BUILDERS sessions edit all the same. An observer (a
// visitor keeping the grid as a page does) joins first and makes the room; then each bot joins,
// sends `auth` and, once signed in, `build.edit` at a human pace in its own square of the world.
// After BENCH_BUILDER_WARMUP_S the window runs BENCH_BUILDER_SECONDS; edits stop at its end.
// editsPerSec: changes the observer applied in the window, per second. editToOthersMs: send →
// the `build.applied` naming (by, ref) at each other builder, for edits sent in the window.
// worldBytes: the observer's grid after the edits, as stored (deflateRawSync(encodeGrid)); the
// stored version the room saves when it closes is read back (GET …/voxels) and compared.
//
// remeshMs (bench/builder/remesh.ts): the page worker's re-mesh after a single-block edit, in
// this process. directory (bench/builder/directory.ts): search over 1,000 worlds in PGlite.
//
// Knobs (env): BENCH_BUILDERS=20  BENCH_BUILDER_SECONDS=60  BENCH_BUILDER_WARMUP_S=3
// BENCH_BUILDER_RATE=2,4 (edits/s per bot, min,max)  BENCH_BUILDER_BOX_SHARE=0.25
// BENCH_BUILDER_REMOVE_SHARE=0.25  BENCH_BUILDER_REMESH_EDITS=500  BENCH_BUILDER_SEED=16
// BENCH_BUILDER_DIRECTORY=on  BENCH_BUILDER_QUIET_WAIT_S=30
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { MAX_BUILDERS } from '../../server/builder/store'
import { freshPgliteDir } from '../../server/db/testPglite'
import { devWallets } from '../../server/devchain'
import { signInEnv, writeSignInRegistry } from '../../server/events/testKit'
import { parseScene } from '../../src/protocol/scene'
import { encodeGrid } from '../../src/world/voxel/codec'
import { api, chainReady, clientAddressOf, signInWallet, storedVoxels } from '../builder/api'
import { measureDirectory } from '../builder/directory'
import { measureRemesh, percentile } from '../builder/remesh'
import { BuilderSwarm, Observer, type BuilderSeat } from '../builder/swarm'
import { envList, envNumber, round, sleep, sleepUntil, waitForQuiet } from '../lib/section'
import { machineCpuSeconds, startServerProcess } from '../lib/server'
import { clock } from '../lib/swarm'

const S = {
  builders: envNumber('BENCH_BUILDERS', 20),
  seconds: envNumber('BENCH_BUILDER_SECONDS', 60),
  warmupS: envNumber('BENCH_BUILDER_WARMUP_S', 3),
  rate: envList('BENCH_BUILDER_RATE', '2,4').map(Number) as [number, number],
  boxShare: envNumber('BENCH_BUILDER_BOX_SHARE', 0.25),
  removeShare: envNumber('BENCH_BUILDER_REMOVE_SHARE', 0.25),
  remeshEdits: envNumber('BENCH_BUILDER_REMESH_EDITS', 500),
  seed: envNumber('BENCH_BUILDER_SEED', 16),
  directory: (process.env.BENCH_BUILDER_DIRECTORY || 'on') !== 'off',
  quietWaitS: envNumber('BENCH_BUILDER_QUIET_WAIT_S', 30),
}
/** Largest side of a box edit, and of each bot's own square, in cells. */
const BOX_MAX = 3
const AREA_SIDE = 24
const JOIN_CONCURRENCY = 5
/** At the start: wait while other processes use more than this much CPU (100 = a core). */
const QUIET_PCT = 40

const TARGETS = {
  builders: 20,
  editToOthersMsP95: 150,
  remeshMsP95: 8,
  worldBytes: 1024 * 1024,
  directoryWorlds: 1000,
}

const NEW_WORLD = {
  template: 'village',
  region: '浙江',
  title: { 'zh-CN': '基准村', en: 'Bench Village' },
}

const log = (line: string) => console.log(`[builder] ${line}`)

async function runSwarm() {
  const started = clock()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-bench-builder-'))
  let server: Awaited<ReturnType<typeof startServerProcess>> | null = null
  let observer: Observer | null = null
  let swarm: BuilderSwarm | null = null
  try {
    const registry = path.join(tmp, 'registry.json')
    writeSignInRegistry(registry)
    server = await startServerProcess({
      ...signInEnv(registry),
      DATA_DIR: await freshPgliteDir(path.join(tmp, 'data')),
      DATABASE_URL: '', // PGlite in the temp folder, whatever the environment says
      TRUST_PROXY: 'loopback',
      VOICE: 'off',
      MAX_CLIENTS: String(Math.max(100, S.builders + 10)),
    })
    const http = server.url.replace(/^ws/, 'http')
    await chainReady(http)
    log(`server pid ${server.pid} ready in ${round((clock() - started) / 1000)} s`)

    // The owner makes the world and invites everyone else.
    const wallets = devWallets(undefined, S.builders)
    const from = (w: number) => clientAddressOf(w + 1)
    const ownerToken = await signInWallet(http, wallets[0]!, from(0))
    const made = await api(http, '/api/builder/worlds', {
      from: from(0),
      token: ownerToken,
      body: NEW_WORLD,
    })
    if (made.status !== 201) throw new Error(`create: ${made.status} ${JSON.stringify(made.body)}`)
    const world = made.body.worldId as string
    const editors = [0]
    const refused: Record<string, number> = {}
    let refusal = ''
    for (let w = 1; w < wallets.length; w++) {
      const r = await api(http, `/api/builder/worlds/${world}/builders`, {
        from: from(0),
        token: ownerToken,
        body: { address: wallets[w]!.address, add: true },
      })
      if (r.status === 200) editors.push(w)
      else {
        refused[r.status] = (refused[r.status] ?? 0) + 1
        refusal ||= `${r.status} ${String(r.body.error)}: ${String(r.body.message)}`
      }
    }
    if (refusal) log(`${wallets.length - editors.length} invitations refused (${refusal})`)
    // Published: the observer is a visitor (a draft's room shows its grid to its builders only).
    const published = await api(http, `/api/builder/worlds/${world}/publish`, {
      from: from(0),
      token: ownerToken,
      body: { published: true },
    })
    if (published.status !== 200)
      throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`)
    const tokens = new Map<number, string>([[0, ownerToken]])
    await Promise.all(
      editors
        .slice(1)
        .map(async (w) => tokens.set(w, await signInWallet(http, wallets[w]!, from(w)))),
    )
    // A bot whose wallet could not be invited builds as a second session of an invited one.
    const seats: BuilderSeat[] = Array.from({ length: S.builders }, (_, index) => {
      const k = index - editors.length
      const wallet =
        k < 0 ? editors[index]! : editors.length > 1 ? editors[1 + (k % (editors.length - 1))]! : 0
      return { index, wallet, token: tokens.get(wallet)! }
    })

    const scene = parseScene(
      (await api(http, `/api/builder/worlds/${world}/scene`, { from: from(0), token: ownerToken }))
        .body,
      'scene',
    )
    const voxel = scene.voxel!
    // The observer joins alone first, so that the builders' concurrent joins find its room.
    observer = await Observer.join(server.url, world, voxel)
    const seen = observer
    const templateBytes = deflateRawSync(encodeGrid(seen.grid!)).length
    swarm = new BuilderSwarm(
      {
        url: server.url,
        world,
        voxel,
        surface: (x, z) => seen.grid!.topSolid(x, z),
        total: S.builders,
        seed: S.seed,
        rate: S.rate,
        removeShare: S.removeShare,
        boxShare: S.boxShare,
        boxMax: BOX_MAX,
        areaSide: AREA_SIDE,
      },
      seen,
    )
    const joinStart = clock()
    const join = await swarm.join(seats, JOIN_CONCURRENCY)
    const joinS = (clock() - joinStart) / 1000
    log(
      `world ${world}: ${join.joined} builders joined and signed in, ${join.failed} failed in ` +
        `${round(joinS)} s (${editors.length} wallets)` +
        (join.errors.length ? `; first error: ${join.errors[0]}` : ''),
    )

    const windowStart = clock() + S.warmupS * 1000
    const windowEnd = windowStart + S.seconds * 1000
    swarm.setWindow(windowStart, windowEnd)
    swarm.stopSendingAt(windowEnd)
    await sleepUntil(windowStart)
    const cpu0 = {
      server: server.cpuSeconds(),
      bench: process.cpuUsage(),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    log(`editing for ${S.seconds} s…`)
    await sleepUntil(windowEnd)
    const cpu1 = {
      server: server.cpuSeconds(),
      bench: process.cpuUsage(cpu0.bench),
      machine: machineCpuSeconds(),
      at: clock(),
    }
    const cpuS = (cpu1.at - cpu0.at) / 1000
    await swarm.drain(10_000)
    await sleep(200) // the last changes reach the others too
    const report = await swarm.stop()
    swarm = null

    const grid = seen.grid!
    const bytes = encodeGrid(grid)
    const worldBytes = deflateRawSync(bytes).length
    const applied = seen.arrivals.filter((t) => t >= windowStart && t < windowEnd).length
    const { gaps, refused: refusedChanges, resyncs } = seen
    await seen.leave()
    observer = null

    // Everyone left: the room saves the last edits as a new version; read it back (bounded).
    const roomBytes = Buffer.from(bytes)
    let stored = await storedVoxels(http, world, ownerToken, from(0))
    const deadline = clock() + 20_000
    const matches = () => Buffer.from(inflateRawSync(stored.bytes)).equals(roomBytes)
    while (!matches() && clock() < deadline) {
      await sleep(250)
      stored = await storedVoxels(http, world, ownerToken, from(0))
    }

    const others = report.othersMs.sort((a, b) => a - b)
    const acks = report.ackMs.sort((a, b) => a - b)
    const serverCpuPct = ((cpu1.server - cpu0.server) / cpuS) * 100
    const benchCpuPct = ((cpu1.bench.user + cpu1.bench.system) / 1e6 / cpuS) * 100
    const machineCpuPct = ((cpu1.machine - cpu0.machine) / cpuS) * 100
    const result = {
      builders: report.builders,
      editsPerSec: round(applied / S.seconds),
      editToOthersMsP95: percentile(others, 95),
      // extras
      editToOthersMsP50: percentile(others, 50),
      editToOthersMsP99: percentile(others, 99),
      editToOthersMsMax: percentile(others, 100),
      editToOthersSamples: others.length,
      othersMissing: report.othersMissing,
      ackMsP50: percentile(acks, 50),
      ackMsP95: percentile(acks, 95),
      editsSent: report.sent,
      sentPerSec: round(report.sent / S.seconds),
      editsAnswered: report.answered,
      editsNoop: report.noops,
      changesApplied: applied,
      seqGaps: gaps,
      changesRefusedByPage: refusedChanges,
      resyncs,
      lateSends: report.lateSends,
      wallets: editors.length,
      maxBuildersPerWorld: MAX_BUILDERS,
      invitesRefused: refused,
      inviteRefusal: refusal || null,
      joinFailed: join.failed,
      joinS: round(joinS),
      serverErrors: report.serverErrors,
      dropped: report.dropped,
      bytesPerBuilderPerSec: report.builders
        ? Math.round(report.bytes / report.builders / S.seconds)
        : 0,
      worldBytes,
      templateBytes,
      storedBytes: stored.contentLength,
      storedVersion: stored.version,
      storedMatchesRoom: matches(),
      worldSize: voxel.size,
      serverCpuPct: round(serverCpuPct),
      benchCpuPct: round(benchCpuPct),
      // Everything else on the machine in the window (2 shared cores: 200 = all of them).
      otherCpuPct: round(Math.max(0, machineCpuPct - serverCpuPct - benchCpuPct)),
      loadAvg: os.loadavg().map((l) => round(l, 2)),
      benchLoopDelayMsP99: round(report.loopDelayMsP99),
      benchLoopDelayMsMax: round(report.loopDelayMsMax),
      world,
      swarmS: round((clock() - started) / 1000),
    }
    log(
      `${result.builders} builders: ${result.editsPerSec} changes/s applied, edit → others ` +
        `p50/p95/p99 ${result.editToOthersMsP50}/${result.editToOthersMsP95}/` +
        `${result.editToOthersMsP99} ms (${others.length} samples, ${report.othersMissing} missing), ` +
        `server CPU ${result.serverCpuPct}%, others ${result.otherCpuPct}%; world ${worldBytes} B ` +
        `(stored ${stored.contentLength} B, v${stored.version}, ` +
        `${result.storedMatchesRoom ? 'the room’s grid' : 'NOT the room’s grid'})`,
    )
    if (join.failed || Object.keys(report.dropped).length || gaps || refusedChanges) {
      const tail = server
        .output()
        .split('\n')
        .filter((l) => l.trim())
        .slice(-12)
      log(`server output (tail):\n  ${tail.join('\n  ')}`)
    }
    return result
  } finally {
    if (swarm) await swarm.stop().catch(() => {})
    if (observer) await observer.leave()
    await server?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** What `run` took, and what everything else on the machine used meanwhile (100 = a core). */
async function alongside<T>(run: () => T | Promise<T>) {
  const [m0, c0, t0] = [machineCpuSeconds(), process.cpuUsage(), clock()]
  const value = await run()
  const c = process.cpuUsage(c0)
  const s = (clock() - t0) / 1000
  const otherCpuPct = ((machineCpuSeconds() - m0 - (c.user + c.system) / 1e6) / s) * 100
  return { value, otherCpuPct: round(Math.max(0, otherCpuPct)) }
}

export async function builder() {
  const otherCpuPctBefore = await waitForQuiet({
    label: '[builder]',
    waitS: S.quietWaitS,
    quietPct: QUIET_PCT,
    log: (l) => console.log(l),
  })
  const started = clock()
  // The parts that time this process's own work run first, before the server and its bots.
  const directory = S.directory ? await measureDirectory() : null
  const { value: remesh, otherCpuPct: remeshOtherCpuPct } = await alongside(() =>
    measureRemesh(S.remeshEdits, S.seed),
  )
  const swarm = await runSwarm()
  const { builders, editsPerSec, editToOthersMsP95, worldBytes, ...swarmExtras } = swarm
  const result = {
    builders,
    editsPerSec,
    editToOthersMsP95,
    remeshMsP95: remesh.remeshMsP95,
    worldBytes,
    directoryWorlds: directory?.directoryWorlds ?? null,
    searchMsP95: directory?.searchMsP95 ?? null,
  }
  const targets = {
    builders: builders >= TARGETS.builders,
    editToOthersMsP95:
      editToOthersMsP95 !== null &&
      editToOthersMsP95 <= TARGETS.editToOthersMsP95 &&
      swarm.othersMissing === 0,
    remeshMsP95: remesh.remeshMsP95 <= TARGETS.remeshMsP95,
    worldBytes: worldBytes <= TARGETS.worldBytes && swarm.storedMatchesRoom,
    directoryWorlds:
      result.directoryWorlds !== null && result.directoryWorlds >= TARGETS.directoryWorlds,
  }
  return {
    ...result,
    ...swarmExtras,
    ...remesh,
    remeshOtherCpuPct,
    otherCpuPctBefore,
    searchMsP50: directory?.searchMsP50 ?? null,
    targets,
    targetValues: TARGETS,
    settings: {
      ...S,
      boxMax: BOX_MAX,
      areaSide: AREA_SIDE,
      joinConcurrency: JOIN_CONCURRENCY,
    },
    totalS: round((clock() - started) / 1000),
    notes:
      'Loopback, one server process (child; CPU from /proc, 100 = one core) with PGlite in a ' +
      'temp folder; the bots and the observer in the bench process (benchCpuPct), 2 shared ' +
      'cores. editsPerSec: changes (build.applied with an edit or patch) the observer applied in ' +
      'the window / its seconds. editToOthersMs: send -> build.applied (matched by by, ref) at ' +
      'each other builder, edits sent in the window; othersMissing: such arrivals that never ' +
      'came. No-op edits (the cell held that already) are answered to their sender only. ' +
      `A world takes at most ${MAX_BUILDERS} invited builders besides its owner: bots past ` +
      'that edit as a second session of an invited wallet (wallets: distinct wallets editing). ' +
      'remeshMs: applyChanges in this process after one-block edits on the surface of the ' +
      `village template (chunkSize² columns), the page worker's code. worldBytes: the ` +
      "observer's grid after the edits, deflated codec bytes (what the store keeps); storedBytes: " +
      'GET /voxels content-length of the version saved when the room closed.',
  }
}
