// The live stage on one server with its embedded Janus (docs/stage.md): who may go live, what
// admits a publisher and a watcher on the media server (pass once, own feed id only, plugin-bound
// tokens, the mountpoint's pin), media from a werift publisher reaching a werift watcher through
// the forwarder and the mountpoint, the host taking over from a performer, stop, and the
// publisher leaving: `event.live` follows each of them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { JanusError, type JanusSession } from '../../src/protocol/janus'
import type { ClientMessage, ServerMessages } from '../../src/protocol/messages'
import {
  parseLive,
  type LiveState,
  type StagePublishTicket,
  type StageWatchTicket,
} from '../../src/protocol/stage'
import type { RunningServer } from '../app'
import { joinPublisher, mediaSession } from '../media/testJanus'
import {
  publishStage,
  watchStage,
  type StagePublisher,
  type StageWatcher,
} from '../media/testWerift'
import { STREAMING, VIDEOROOM } from '../media/tokens'
import { attend, createEvent, leaveAll, signIn, until, wallet, type Attendee } from './testKit'
import { startEventsServer, stopEventsServer } from './testServer'

let server: RunningServer
let tmp: string
let hostToken: string
let performerToken: string
const peers: (StagePublisher | StageWatcher | JanusSession)[] = []

type StageInbox = {
  [T in 'stage.publish' | 'stage.watch' | 'stage.token' | 'stage.ended']: ServerMessages[T][]
}

/** An attendee who also records the stage's server messages. */
async function seat(event: string, name: string, token?: string) {
  const a = await attend(server.url, event, name, token)
  const stage: StageInbox = {
    'stage.publish': [],
    'stage.watch': [],
    'stage.token': [],
    'stage.ended': [],
  }
  for (const t of Object.keys(stage) as (keyof StageInbox)[]) {
    a.room.onMessage(t, (m: never) => (stage[t] as unknown[]).push(m))
  }
  return Object.assign(a, { stage })
}
type Seat = Awaited<ReturnType<typeof seat>>

/** Sends a stage message; resolves with its answer of type `t`, or throws the error code. */
async function ask<T extends keyof StageInbox>(
  a: Seat,
  type: string,
  payload: object,
  t: T,
): Promise<StageInbox[T][number]> {
  const [n, errors] = [a.stage[t].length, a.inbox.error.length]
  a.room.send(type, payload)
  await until(() => a.stage[t].length > n || a.inbox.error.length > errors, type, 20_000)
  if (a.inbox.error.length > errors) throw new Error(a.inbox.error.at(-1)!.code)
  return a.stage[t].at(-1)!
}

const live = (a: Attendee): LiveState => parseLive(a.room.state.event.live)

async function refused(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'admitted',
    (e: unknown) => (e instanceof JanusError ? `janus ${e.code}` : (e as Error).message),
  )
}

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('stage', { VOICE: 'on' }))
  await server.voice.firstStart
  expect(server.voice.status()).toEqual({ available: true })
  hostToken = await signIn(server.url, 0)
  performerToken = await signIn(server.url, 1)
}, 90_000)

afterEach(async () => {
  await Promise.all(
    peers.splice(0).map((p) => ('close' in p ? p.close() : p.destroy().catch(() => {}))),
  )
  await leaveAll([])
})

afterAll(() => stopEventsServer(server, tmp), 30_000)

async function liveEvent() {
  const event = await createEvent(server.url, hostToken)
  const host = await seat(event.id, 'Host', hostToken)
  expect(await host.act('event.role', { address: wallet(1).address, role: 'performer' })).toBe(null)
  return { event, host }
}

/** `a` goes live and publishes with werift, sending `packets` packets a second once connected. */
async function goLive(a: Seat, media: ClientMessage<'stage.golive'>, packets = 5) {
  const ticket = (await ask(a, 'stage.golive', media, 'stage.publish')) as StagePublishTicket
  const pub = await publishStage(ticket, a.room.sessionId)
  peers.push(pub)
  pub.send(packets)
  return { ticket, pub }
}

describe('going live', () => {
  it('only the host and performers go live; the pass admits one join with its own feed', async () => {
    const { event, host } = await liveEvent()
    const guest = await seat(event.id, 'Guest')
    await expect(
      ask(guest, 'stage.golive', { audio: true, video: 'none' }, 'stage.publish'),
    ).rejects.toThrow('not_allowed')
    await expect(ask(guest, 'stage.watch', {}, 'stage.watch')).rejects.toThrow('stage_off')

    const ticket = (await ask(
      host,
      'stage.golive',
      { audio: true, video: 'camera' },
      'stage.publish',
    )) as StagePublishTicket
    expect(ticket.token).toMatch(/,janus,janus\.plugin\.videoroom:/)
    await until(() => live(host).by?.address === wallet(0).address, 'by set')
    expect(live(host).on).toBe(false)
    // A forged feed id with the real pass is admitted by Janus, then kicked by the sweep.
    const session = await mediaSession(ticket.url, ticket.token)
    peers.push(session)
    const forged = await joinPublisher(
      session,
      ticket.room,
      ticket.feed + 1,
      ticket.pass,
      host.room.sessionId,
    )
    expect(forged.privateId).toBeGreaterThan(0)
    const room = { id: ticket.room, secret: '', generation: server.voice.generation }
    const feeds = async () => (await server.voice.participants(room)).map((p) => p.id)
    expect(await feeds()).toContain(ticket.feed + 1)
    const end = Date.now() + 15_000
    while ((await feeds()).includes(ticket.feed + 1) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await feeds()).not.toContain(ticket.feed + 1)
    await until(() => host.stage['stage.ended'].length > 0, 'the host told')
    expect(host.stage['stage.ended'][0]!.reason).toMatch(/pass was used/)
    // The pass is spent once the sweep saw it used: the real feed cannot join with it now.
    expect(await refused(publishStage(ticket, host.room.sessionId))).toMatch(/janus 4\d\d/)
    // Going live again gives a fresh pass and feed; that one joins, publishes and goes on air.
    await goLive(host, { audio: true, video: 'camera' }, 10)
    await until(() => live(guest).on, 'on air', 15_000)
    expect(live(guest)).toMatchObject({ on: true, source: 'live', audio: true, video: 'camera' })
    expect(live(guest).since).toBeGreaterThan(Date.now() - 60_000)
  }, 120_000)

  it('tokens open only their plugin; a mountpoint needs its pin; media flows to the watcher', async () => {
    const { event, host } = await liveEvent()
    const guest = await seat(event.id, 'Guest')
    const { ticket, pub } = await goLive(host, { audio: true, video: 'camera' })
    await until(() => live(guest).on, 'on air', 15_000)
    const watch = (await ask(guest, 'stage.watch', {}, 'stage.watch')) as StageWatchTicket
    expect(watch.token).toMatch(/,janus,janus\.plugin\.streaming:/)
    // A watcher's token cannot open the VideoRoom; a publisher's cannot open the Streaming plugin.
    const w = await mediaSession(watch.url, watch.token)
    peers.push(w)
    expect(await refused(w.attach(VIDEOROOM))).toMatch(/janus|unauthorized|not/i)
    const p = await mediaSession(ticket.url, ticket.token)
    peers.push(p)
    expect(await refused(p.attach(STREAMING))).toMatch(/janus|unauthorized|not/i)
    // A voice token (VideoRoom only) cannot watch either.
    const v = await mediaSession(server.voice.publicUrl, server.voice.mediaToken().token)
    peers.push(v)
    expect(await refused(v.attach(STREAMING))).not.toBe('admitted')
    expect(await refused(watchStage(watch, 'wrong-pin'))).toMatch(/janus 4\d\d/)

    const watcher = await watchStage(watch)
    peers.push(watcher)
    const end = Date.now() + 15_000
    while (watcher.audio.size < 20 && Date.now() < end) {
      pub.send(5)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(watcher.audio.size).toBeGreaterThanOrEqual(20)
    // Renew: the publisher gets a VideoRoom token, the watcher a Streaming one.
    expect((await ask(host, 'stage.renew', {}, 'stage.token')).token).toMatch(/videoroom/)
    expect((await ask(guest, 'stage.renew', {}, 'stage.token')).token).toMatch(/streaming/)
  }, 120_000)
})

describe('who holds the stage', () => {
  it('a performer is busy while the host is live; the host takes over; stop; leaving ends it', async () => {
    const { event, host } = await liveEvent()
    const performer = await seat(event.id, 'Performer', performerToken)
    const guest = await seat(event.id, 'Guest')
    await goLive(performer, { audio: true, video: 'none' })
    await until(
      () => live(guest).on && live(guest).by?.address === wallet(1).address,
      'performer on air',
      15_000,
    )
    // The host takes over: the performer's feed is kicked and told.
    const t2 = (await ask(
      host,
      'stage.golive',
      { audio: true, video: 'screen' },
      'stage.publish',
    )) as StagePublishTicket
    await until(() => performer.stage['stage.ended'].length > 0, 'the performer told')
    expect(performer.stage['stage.ended'][0]!.reason).toMatch(/host took over/)
    const p2 = await publishStage(t2, host.room.sessionId)
    peers.push(p2)
    p2.send(5)
    await until(
      () => live(guest).on && live(guest).by?.address === wallet(0).address,
      'host on air',
      15_000,
    )
    // Now the performer is busy.
    await expect(
      ask(performer, 'stage.golive', { audio: true, video: 'none' }, 'stage.publish'),
    ).rejects.toThrow('stage_busy')
    // Host-only controls.
    expect(await host.act('stage.source', { source: 'file' })).toBe(null)
    expect(await host.act('stage.level', { db: -3 })).toBe(null)
    await until(
      () => live(guest).source === 'file' && live(guest).levelDb === -3,
      'source and level',
    )
    expect(await performer.act('stage.level', { db: 3 })).toBe('not_allowed')
    // Stop ends it everywhere.
    expect(await host.act('stage.stop', {})).toBe(null)
    await until(() => !live(guest).on && live(guest).by === null, 'off air')

    // The performer goes live again, then leaves the room: off air.
    await goLive(performer, { audio: true, video: 'none' })
    await until(() => live(guest).on, 'performer on air again', 15_000)
    await performer.leave()
    await until(() => !live(guest).on && live(guest).by === null, 'off air after leaving')
  }, 120_000)
})

describe('faults', () => {
  it('the media server restarting ends the stage for its publisher and watchers; it works again after', async () => {
    const { event, host } = await liveEvent()
    const guest = await seat(event.id, 'Guest')
    await goLive(host, { audio: true, video: 'none' })
    await until(() => live(guest).on, 'on air', 15_000)
    await ask(guest, 'stage.watch', {}, 'stage.watch')
    const generation = server.voice.generation
    process.kill(server.voice.embedded!.pid, 'SIGKILL')
    await until(() => host.stage['stage.ended'].length > 0, 'the publisher told', 15_000)
    expect(host.stage['stage.ended'][0]!.reason).toMatch(/media server went away/)
    await until(() => guest.stage['stage.ended'].length > 0, 'the watcher told', 15_000)
    expect(guest.stage['stage.ended'][0]!.reason).toBe('the media server restarted: watch again')
    await until(() => !live(guest).on && live(guest).by === null, 'off air', 15_000)
    // Back (restarted with backoff): going live works again.
    await until(
      () => server.voice.available && server.voice.generation > generation,
      'restart',
      30_000,
    )
    await goLive(host, { audio: true, video: 'none' })
    await until(() => live(guest).on, 'on air again', 15_000)
  }, 120_000)
})
