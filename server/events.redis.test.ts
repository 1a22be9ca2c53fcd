// A live gathering over two server processes sharing Debian's redis-server (presence and room
// listings) and PostgreSQL (the events): the host in instance 1 on one process, an overflowing
// attendee in instance 2 on the other, who sees the host's screen, announcements (in order, no
// gaps), the host in the cast and the attendance of both instances, and is kicked from there.
// Wallet sign-in is shared too: a nonce, a session or a sign-out on one process holds on the other.
// Builders of one world in instances on both processes edit it together through its writer.
import fs from 'node:fs'
import { inflateRawSync } from 'node:zlib'
import { Client, type Room } from 'colyseus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSiweMessage } from '../src/chain/siwe'
import type { ScreenState } from '../src/protocol/events'
import { CLOSE_CODES, type ServerMessages } from '../src/protocol/messages'
import { parseScene } from '../src/protocol/scene'
import { decodeGrid } from '../src/world/voxel/codec'
import { applyEdit } from '../src/world/voxel/edits'
import { materialTable, VoxelGrid } from '../src/world/voxel/grid'
import { attend, attendees, createEvent, refusal, signIn, until, wallet } from './events/testKit'
import { hostOf, settleWithin, startTestCluster, type TestCluster } from './testCluster'

let cluster: TestCluster | undefined
let urls: string[] = []

beforeAll(async () => {
  // One visitor a world room: a builder world's second visitor opens a second instance.
  cluster = await startTestCluster('events-redis', { MAX_CLIENTS: '1' })
  urls = cluster.urls
}, 240_000)

// The processes stop whatever the leaves do (a leave to a process that died must not keep them).
afterAll(async () => {
  try {
    await settleWithin(
      5_000,
      attendees.splice(0).map((a) => a.leave()),
    )
  } finally {
    await cluster?.stop()
  }
}, 30_000)

describe('an event over two processes sharing Redis', () => {
  it('mirrors the stage into an instance on the other process', async () => {
    const [one, two] = urls as [string, string]
    const token = await signIn(one, 0)
    const event = await createEvent(one, token, { capacity: 2 })

    const host = await attend(one, event.id, 'Host', token)
    const a = await attend(two, event.id, 'A')
    const b = await attend(two, event.id, 'B')
    expect(a.room.roomId).toBe(host.room.roomId)
    expect(b.inbox['event.welcome'][0]).toMatchObject({ instance: 2, role: 'audience' })
    // The second instance went to the process that had no room yet.
    expect(hostOf(b.room)).not.toBe(hostOf(host.room))

    expect(await host.act('event.live', { live: true })).toBe(null)
    const video = { kind: 'video', url: '/assets/video/demo.mp4' }
    expect(await host.act('event.screen', { action: 'load', media: video })).toBe(null)
    expect(await host.act('event.screen', { action: 'play', position: 30 })).toBe(null)
    for (const text of ['one', 'two', 'three']) {
      host.room.send('event.announce', { text })
    }
    const screen = (r: typeof b) => JSON.parse(r.room.state.event?.screen ?? 'null') as ScreenState
    const seen = await until(() => (screen(b)?.playing ? screen(b) : null))
    expect(seen).toMatchObject({ media: video, position: 30 })
    await until(() => b.room.state.event.status === 'live')
    await until(() => b.inbox['event.announcement'].length === 3)
    expect(b.inbox['event.announcement'].map((n) => [n.seq, n.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ])
    await until(() => b.room.state.event.attendance === 3 && b.room.state.event.instances === 2)
    await until(() => host.room.state.event.attendance === 3)
    const cast = await until(() => b.room.state.event.cast.get(wallet(0).address))
    expect(cast).toMatchObject({ role: 'host', instance: 1 })

    // A late joiner on the second instance catches up on what was said.
    const late = await attend(one, event.id, 'Late')
    expect(late.room.roomId).toBe(b.room.roomId)
    expect(late.inbox['event.announcement'].map((n) => n.seq)).toEqual([1, 2, 3])

    // The host kicks B, who sits in an instance on the other process.
    expect(await host.act('event.moderate', { action: 'kick', session: b.room.sessionId })).toBe(
      null,
    )
    expect(await b.closed).toBe(CLOSE_CODES.kicked)
    await until(() => host.room.state.event.attendance === 3) // host, A, Late
  })

  it('takes a guide’s group tour to followers in an instance on the other process', async () => {
    const [one, two] = urls as [string, string]
    const token = await signIn(one, 1)
    const event = await createEvent(one, token, { capacity: 2 })
    const guide = await attend(one, event.id, 'Guide', token)
    await attend(two, event.id, 'Beside the guide')
    const follower = await attend(two, event.id, 'Follower')
    expect(follower.room.roomId).not.toBe(guide.room.roomId)
    expect(hostOf(follower.room)).not.toBe(hostOf(guide.room))
    const [tour] = JSON.parse(fs.readFileSync('scenes/block-park-village.json', 'utf8')).tours
    guide.room.send('tour.lead', { tour: tour.id, stop: 0 })
    guide.room.send('tour.lead', { tour: tour.id, stop: 1 })
    const stops = () => follower.inbox['tour.group'].map((g) => [g.name, g.tour, g.stop])
    await until(() => stops().length === 2)
    expect(stops()).toEqual([
      ['Guide', tour.id, 0],
      ['Guide', tour.id, 1],
    ])
    // Attendees in a third instance, opened after the tour began, hear of it on joining.
    await attend(one, event.id, 'Filling the second')
    const late = await attend(one, event.id, 'Late')
    expect(late.inbox['event.welcome'][0]).toMatchObject({ instance: 3 })
    await until(() => late.inbox['tour.group'].length === 1)
    expect(late.inbox['tour.group'][0]).toMatchObject({ name: 'Guide', tour: tour.id, stop: 1 })
    // The guide leaves: the group ends in every instance.
    await guide.leave()
    await until(() => follower.inbox['tour.group'].at(-1)?.tour === null)
    await until(() => late.inbox['tour.group'].at(-1)?.tour === null)
  })

  it('shares sign-in: nonce, session and sign-out hold on both processes', async () => {
    const [one, two] = urls as [string, string]
    const call = async (server: string, route: string, init?: RequestInit) => {
      const res = await fetch(new URL(route, server), init)
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    const w = wallet(2)
    const siwe = (await call(one, '/api/chain')).body['siwe'] as { domain: string; uri: string }

    // The nonce from process 1 is verified by process 2.
    const nonce = (await call(one, '/api/auth/nonce', { method: 'POST' })).body['nonce'] as string
    const message = buildSiweMessage({
      domain: siwe.domain,
      address: w.address,
      uri: siwe.uri,
      version: '1',
      chainId: 31337,
      nonce,
      issuedAt: new Date().toISOString(),
    })
    const verifyBody = JSON.stringify({ message, signature: await w.signMessage(message) })
    const verified = await call(two, '/api/auth/verify', { method: 'POST', body: verifyBody })
    expect(verified.status).toBe(200)
    const token = verified.body['token'] as string
    // A replay is refused on either process.
    for (const server of [one, two]) {
      const replay = await call(server, '/api/auth/verify', { method: 'POST', body: verifyBody })
      expect(replay).toMatchObject({ status: 401, body: { error: 'nonce_used' } })
    }

    // Process 2's token creates an event through process 1 and joins it through process 1.
    const auth = { authorization: `Bearer ${token}` }
    const session = await call(one, '/api/auth/session', { headers: auth })
    expect(session).toMatchObject({ status: 200, body: { address: w.address } })
    const event = await createEvent(one, token)
    const host = await attend(one, event.id, 'Host', token)
    expect(host.inbox['event.welcome'][0]).toMatchObject({ role: 'host' })

    // The world room's `auth` message, in a room on the process that did not issue the token:
    // the nonce comes from the room's process, the token from the other one.
    const guest = await attend(one, event.id, 'Guest')
    const roomHost = hostOf(guest.room)
    const [holder, issuer] = roomHost === new URL(one).host ? [one, two] : [two, one]
    expect(new URL(issuer).host).not.toBe(roomHost)
    const w3 = wallet(3)
    const late = await signInVia(holder, issuer, w3, siwe)
    guest.room.send('auth', { token: late })
    await until(() => guest.inbox.authed.length > 0 || guest.inbox.error.length > 0)
    expect(guest.inbox.error).toEqual([])
    expect(guest.inbox.authed[0]).toEqual({ address: w3.address })
    // Signing out through the process that does not hold the room unbinds the seat there.
    const signOut = { method: 'POST', headers: { authorization: `Bearer ${late}` } }
    expect((await call(issuer, '/api/auth/logout', signOut)).status).toBe(200)
    const unbound = await until(() => guest.inbox.error.find((e) => e.type === 'auth'))
    expect(unbound.code).toBe('bad_token')

    // Signing out on process 1 ends the session on process 2.
    expect((await call(one, '/api/auth/logout', { method: 'POST', headers: auth })).status).toBe(
      200,
    )
    const after = await call(two, '/api/auth/session', { headers: auth })
    expect(after).toMatchObject({ status: 401, body: { error: 'no_session' } })
    const create = await call(two, '/api/events', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(create).toMatchObject({ status: 401, body: { error: 'no_session' } })
    expect(await refusal(two, event.id, token)).toMatch(/^bad_token/)
  })

  it('takes a builder world’s edits from builders on both processes in one order', async () => {
    const [one, two] = urls as [string, string]
    const [owner, friend] = [await signIn(one, 4), await signIn(two, 5)]
    const call = (server: string, route: string, token: string, body?: unknown) =>
      fetch(new URL(route, server), {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }))
    const made = await call(one, '/api/builder/worlds', owner, {
      template: 'village',
      region: '浙江',
      title: { 'zh-CN': '两地村', en: 'Two Places' },
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const world = made.body.worldId!
    const added = await call(one, `/api/builder/worlds/${world}/builders`, owner, {
      address: wallet(5).address,
      add: true,
    })
    expect(added.status).toBe(200)
    const scene = parseScene(
      (await call(two, `/api/builder/worlds/${world}/scene`, owner)).body,
      'scene',
    )
    const table = materialTable(scene.voxel!.palette)

    /** A builder's page: the grid as synced plus the changes, in order, as the browser keeps it. */
    const page = async (server: string, token: string) => {
      const room: Room = await new Client(server.replace(/^http/, 'ws')).joinOrCreate('world', {
        world,
        name: 'B',
      })
      const p = {
        room,
        grid: null as VoxelGrid | null,
        seq: -1,
        mine: [] as number[],
        /** The numbers the writer gave this page's own edits (a no-op keeps the last one). */
        ackedSeqs: [] as number[],
        errors: [] as string[],
      }
      room.onMessage('build.sync', (m: ServerMessages['build.sync']) => {
        const d = decodeGrid(inflateRawSync(m.grid))
        p.grid = new VoxelGrid(d.dims, table, d.data)
        p.seq = m.seq
      })
      room.onMessage('build.applied', (m: ServerMessages['build.applied']) => {
        if (m.by === room.sessionId && m.ref !== undefined) {
          p.mine.push(m.ref)
          p.ackedSeqs.push(m.seq)
        }
        if (!m.edit || !p.grid) return
        expect(m.seq).toBe(p.seq + 1)
        p.seq = m.seq
        applyEdit(p.grid, m.edit)
      })
      room.onMessage('error', (e: ServerMessages['error']) => p.errors.push(e.message))
      room.onMessage('*', () => {})
      room.send('auth', { token })
      await until(() => p.grid, `the grid (${p.errors.join('; ')})`)
      return p
    }
    const a = await page(one, owner)
    const b = await page(one, friend)
    expect(b.room.roomId).not.toBe(a.room.roomId)
    expect(hostOf(b.room)).not.toBe(hostOf(a.room))

    for (let i = 0; i < 10; i++) {
      a.room.send('build.edit', {
        ref: i,
        edit: { from: [10 + i, 30, 10], to: [12 + i, 31, 12], material: 1 + (i % 3) },
      })
      b.room.send('build.edit', {
        ref: 100 + i,
        edit: { from: [11 + i, 30, 11], to: [11 + i, 32, 11], material: i % 2 },
      })
    }
    await until(() => a.mine.length === 10 && b.mine.length === 10, `acks (${b.errors.join('; ')})`)
    // Both pages reach the writer's last number. Not always 20: which process's edit comes first
    // varies, and B's clearing an air column before A's box covers it changes nothing (no number).
    const last = Math.max(...a.ackedSeqs, ...b.ackedSeqs)
    expect(last).toBeGreaterThanOrEqual(10)
    await until(() => a.seq === last && b.seq === last, `both pages at ${last}`)
    expect(Buffer.from(b.grid!.data).equals(Buffer.from(a.grid!.data))).toBe(true)
    await Promise.all([a.room.leave(), b.room.leave()])
  })
})

/** Sign-in with the nonce from `nonceFrom` and the verification on `verifier`, which issues the
 * token it returns. */
async function signInVia(
  nonceFrom: string,
  verifier: string,
  w: ReturnType<typeof wallet>,
  siwe: { domain: string; uri: string },
) {
  const post = async (server: string, route: string, body?: string) => {
    const res = await fetch(new URL(route, server), { method: 'POST', body })
    const json = (await res.json()) as Record<string, unknown>
    if (!res.ok) throw new Error(`${route}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const nonce = (await post(nonceFrom, '/api/auth/nonce'))['nonce'] as string
  const message = buildSiweMessage({
    domain: siwe.domain,
    address: w.address,
    uri: siwe.uri,
    version: '1',
    chainId: 31337,
    nonce,
    issuedAt: new Date().toISOString(),
  })
  const body = JSON.stringify({ message, signature: await w.signMessage(message) })
  return (await post(verifier, '/api/auth/verify', body))['token'] as string
}
