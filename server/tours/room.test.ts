// The tours part of a room, on the village's real tour: who may start a stop's staged scene,
// who hears of it, and what a visitor who arrives while it plays is told. The room around it is
// a small stand-in (the rules of the scene file, and the messages it would send); the e2e
// (e2e/tours.spec.ts) runs it in the real room with two browsers.
import fs from 'node:fs'
import { LocalPresence } from '@colyseus/core'
import { describe, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import { parseScene } from '../../src/protocol/scene'
import type { RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { rulesOf } from '../worlds'
import { REFRESH_MS, RoomTours, STALE_MS } from './room'

const scene = parseScene(fs.readFileSync('scenes/block-park-village.json', 'utf8'), 'village')
const tour = scene.tours[0]!
const staged = tour.stops.find((s) => s.scene)!
const plain = tour.stops.find((s) => !s.scene)!

type Sent = { to: string; type: keyof ServerMessages; body: unknown }

/** The shared clock of the rooms a test makes (ms). */
const time = { now: 1_000_000 }

/**
 * A room's tours part, in a family of rooms sharing `presence` (Colyseus' own in-process
 * presence: what one process runs on; Redis carries the same calls between processes).
 */
async function room(world = scene, presence = new LocalPresence(), roomId = 'r1') {
  const sent: Sent[] = []
  const ticks: (() => void)[] = []
  const host = {
    roomId,
    family: 'cq:instances:event:test',
    presence,
    clock: { setInterval: (f: () => void) => ticks.push(f) },
    rules: rulesOf(world),
    reply: (client: { sessionId: string }, type: keyof ServerMessages, body: unknown) =>
      sent.push({ to: client.sessionId, type, body }),
    broadcast: (type: keyof ServerMessages, body: unknown) => sent.push({ to: '*', type, body }),
  }
  const part = new RoomTours(host as unknown as RoomHost, () => time.now)
  await part.start()
  const seat = (id: string, [x, y, z]: readonly number[]) =>
    ({ client: { sessionId: id }, guard: { x, y, z } }) as unknown as Seat
  /** The room's periodic sync, as its clock would run it; resolves when presence answered. */
  const tick = async () => {
    for (const f of ticks) f()
    await new Promise((r) => setTimeout(r, 20))
  }
  return { part, sent, seat, presence, tick, pass: (ms: number) => (time.now += ms) }
}

describe('tours in a room', () => {
  it('starts a staged scene for everyone when a visitor arrives, and tells latecomers how far it is', async () => {
    const { part, sent, seat, pass } = await room()
    const a = seat('a', staged.position)
    part.arrive(a, tour.id, staged.id)
    const startedAt = time.now
    expect(sent).toEqual([
      {
        to: '*',
        type: 'tour.scene',
        body: { tour: tour.id, stop: staged.id, elapsed: 0, startedAt },
      },
    ])
    pass(7_250)
    part.arrive(seat('b', [staged.position[0] + 2, 0, staged.position[2]]), tour.id, staged.id)
    expect(sent[1]).toEqual({
      to: 'b',
      type: 'tour.scene',
      body: { tour: tour.id, stop: staged.id, elapsed: 7_250, startedAt },
    })
    // A looping scene plays on; a later visitor still joins it where it is.
    pass(120_000)
    part.arrive(seat('c', staged.position), tour.id, staged.id)
    expect(sent[2]).toMatchObject({ to: 'c', body: { elapsed: 127_250 } })
  })

  it('refuses a visitor who is not at the stop, a stop without a scene, and unknown ones', async () => {
    const { part, sent, seat } = await room()
    const far = seat('far', [staged.position[0] + 40, 0, staged.position[2]])
    part.arrive(far, tour.id, staged.id)
    part.arrive(seat('p', plain.position), tour.id, plain.id)
    part.arrive(seat('x', staged.position), 'no-tour', staged.id)
    part.arrive(seat('y', staged.position), tour.id, 'no-stop')
    expect(sent.map((m) => [m.to, m.type, (m.body as { message: string }).message])).toEqual([
      ['far', 'error', 'you are not at that stop'],
      ['p', 'error', 'that stop has no staged scene'],
      ['x', 'error', 'there is no such tour stop in this world'],
      ['y', 'error', 'there is no such tour stop in this world'],
    ])
    expect(sent.every((m) => (m.body as { code: string }).code === 'tour_refused')).toBe(true)
  })

  it('starts a scene that plays once again after it has ended', async () => {
    const { part, sent, seat, pass } = await room()
    const once = { ...staged.scene!, loop: undefined }
    const rules = rulesOf({
      ...scene,
      tours: [
        { ...tour, stops: tour.stops.map((s) => (s === staged ? { ...s, scene: once } : s)) },
      ],
    })
    ;(part as unknown as { host: { rules: typeof rules } }).host.rules = rules
    const at = seat('a', staged.position)
    part.arrive(at, tour.id, staged.id)
    pass(10_000)
    part.arrive(at, tour.id, staged.id)
    expect(sent[1]).toMatchObject({ to: 'a', body: { elapsed: 10_000 } })
    pass(120_000)
    part.arrive(at, tour.id, staged.id)
    expect(sent[2]).toMatchObject({ to: '*', body: { elapsed: 0 } })
  })
})

describe('group tours in a room', () => {
  const seated = (id: string, address: string | null) =>
    ({
      client: { sessionId: id },
      guard: { x: 0, y: 0, z: 0 },
      address,
      player: { name: `Guide ${id}` },
    }) as unknown as Seat

  it('a signed-in guide leads: everyone hears each stop, joiners the groups under way, and it ends when they leave', async () => {
    const { part, sent } = await room()
    const guide = seated('g', '0xabc')
    part.lead(guide, tour.id, 0)
    part.lead(guide, tour.id, 2)
    const group = { guide: 'g', name: 'Guide g', tour: tour.id }
    expect(sent).toEqual([
      { to: '*', type: 'tour.group', body: { ...group, stop: 0 } },
      { to: '*', type: 'tour.group', body: { ...group, stop: 2 } },
    ])
    part.joined(seated('late', null))
    expect(sent[2]).toEqual({ to: 'late', type: 'tour.group', body: { ...group, stop: 2 } })
    part.left(guide)
    expect(sent[3]).toEqual({
      to: '*',
      type: 'tour.group',
      body: { ...group, tour: null, stop: 2 },
    })
    part.joined(seated('later', null))
    expect(sent).toHaveLength(4)
  })

  it('refuses a guest, an unknown tour or stop, and a ninth group', async () => {
    const { part, sent } = await room()
    part.lead(seated('guest', null), tour.id, 0)
    part.lead(seated('a', '0x1'), 'no-tour', 0)
    part.lead(seated('b', '0x2'), tour.id, tour.stops.length)
    expect(sent.map((m) => (m.body as { message: string }).message)).toEqual([
      'sign in to lead a group tour',
      'there is no such tour stop in this world',
      'there is no such tour stop in this world',
    ])
    for (let i = 0; i < 8; i++) part.lead(seated(`g${i}`, '0x3'), tour.id, 0)
    part.lead(seated('ninth', '0x4'), tour.id, 0)
    expect(sent.at(-1)?.body).toMatchObject({
      code: 'tour_refused',
      message: '8 group tours are under way here already',
    })
    // A guide already leading moves on even when the room is full.
    part.lead(seated('g0', '0x3'), tour.id, 1)
    expect(sent.at(-1)).toMatchObject({ to: '*', body: { guide: 'g0', stop: 1 } })
  })

  it('spans the instances of an event: followers anywhere hear each stop, later instances too', async () => {
    const presence = new LocalPresence()
    const a = await room(scene, presence, 'ra')
    const b = await room(scene, presence, 'rb')
    const guide = seated('g', '0xabc')
    a.part.lead(guide, tour.id, 1)
    const group = { guide: 'g', name: 'Guide g', tour: tour.id, stop: 1 }
    expect(b.sent).toEqual([{ to: '*', type: 'tour.group', body: group }])
    // An instance opened later takes in the group under way, and tells its joiners.
    await new Promise((r) => setTimeout(r, 20))
    const c = await room(scene, presence, 'rc')
    expect(c.sent).toEqual([{ to: '*', type: 'tour.group', body: group }])
    c.part.joined(seated('late', null))
    expect(c.sent[1]).toEqual({ to: 'late', type: 'tour.group', body: group })
    // The guide moves on, then leaves: every instance hears both; presence keeps nothing.
    a.part.lead(guide, tour.id, 2)
    a.part.left(guide)
    for (const r of [b, c])
      expect(r.sent.slice(-2).map((m) => m.body)).toEqual([
        { ...group, stop: 2 },
        { ...group, stop: 2, tour: null },
      ])
    await new Promise((r) => setTimeout(r, 20))
    expect(await presence.hgetall('cq:tours:cq:instances:event:test:groups')).toEqual({})
    // Only the guide's own room ends a group: another room's seat of that id ends nothing.
    a.part.lead(guide, tour.id, 0)
    b.part.left(seated('g', null))
    expect(c.sent.at(-1)?.body).toEqual({ ...group, stop: 0 })
  })

  it('drops a group whose instance stopped confirming it (its process died)', async () => {
    const presence = new LocalPresence()
    const a = await room(scene, presence, 'ra')
    const b = await room(scene, presence, 'rb')
    a.part.lead(seated('g', '0xabc'), tour.id, 0)
    // While the guide's instance confirms it, the group holds however long it runs.
    for (let t = 0; t < 3; t++) {
      a.pass(REFRESH_MS)
      await a.tick()
      await b.tick()
    }
    expect(b.sent).toHaveLength(1)
    // The guide's instance is gone without a word: after STALE_MS the others end the group.
    b.pass(STALE_MS + 1)
    await b.tick()
    expect(b.sent.at(-1)?.body).toMatchObject({ guide: 'g', tour: null })
    expect(await presence.hgetall('cq:tours:cq:instances:event:test:groups')).toEqual({})
  })
})
