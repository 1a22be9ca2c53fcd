// The live stage over two server processes sharing Debian's redis-server and PostgreSQL, each
// with its own embedded Janus and one relay Janus (JANUS_RELAYS=1): the host goes live in
// instance 1 on one process with a werift publisher; attendees in instance 2 on the other
// process see the live state (on, since, source) and watch mountpoints on that process, the
// first on its main Janus and the second on its relay (the least-loaded one), and both receive
// the host's RTP through forwarders (counted by sequence number).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseLive, type StagePublishTicket, type StageWatchTicket } from '../src/protocol/stage'
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
  until,
  wallet,
  type Attendee,
} from './events/testKit'
import { hostOf, settleWithin, startTestCluster, type TestCluster } from './testCluster'

const peers: (StagePublisher | StageWatcher)[] = []
let cluster: TestCluster | undefined
let urls: string[] = []

beforeAll(async () => {
  // Each process runs its own embedded Janus and one relay Janus for stage watchers.
  cluster = await startTestCluster('stage-redis', { JANUS_RELAYS: '1' })
  urls = cluster.urls
}, 240_000)

// The processes stop whatever the peers and leaves do.
afterAll(async () => {
  try {
    await settleWithin(
      5_000,
      peers.splice(0).map((p) => p.close()),
    )
    await settleWithin(
      5_000,
      attendees.splice(0).map((a) => a.leave()),
    )
  } finally {
    await cluster?.stop()
  }
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
