// The tours part of a room, on the village's real tour: who may start a stop's staged scene,
// who hears of it, and what a visitor who arrives while it plays is told. The room around it is
// a small stand-in (the rules of the scene file, and the messages it would send); the e2e
// (e2e/tours.spec.ts) runs it in the real room with two browsers.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import { parseScene } from '../../src/protocol/scene'
import type { RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { rulesOf } from '../worlds'
import { RoomTours } from './room'

const scene = parseScene(fs.readFileSync('scenes/block-park-village.json', 'utf8'), 'village')
const tour = scene.tours[0]!
const staged = tour.stops.find((s) => s.scene)!
const plain = tour.stops.find((s) => !s.scene)!

type Sent = { to: string; type: keyof ServerMessages; body: unknown }

function room(world = scene) {
  const sent: Sent[] = []
  let clock = 1_000_000
  const host = {
    rules: rulesOf(world),
    reply: (client: { sessionId: string }, type: keyof ServerMessages, body: unknown) =>
      sent.push({ to: client.sessionId, type, body }),
    broadcast: (type: keyof ServerMessages, body: unknown) => sent.push({ to: '*', type, body }),
  }
  const part = new RoomTours(host as unknown as RoomHost, () => clock)
  const seat = (id: string, [x, y, z]: readonly number[]) =>
    ({ client: { sessionId: id }, guard: { x, y, z } }) as unknown as Seat
  return { part, sent, seat, pass: (ms: number) => (clock += ms) }
}

describe('tours in a room', () => {
  it('starts a staged scene for everyone when a visitor arrives, and tells latecomers how far it is', () => {
    const { part, sent, seat, pass } = room()
    const a = seat('a', staged.position)
    part.arrive(a, tour.id, staged.id)
    expect(sent).toEqual([
      { to: '*', type: 'tour.scene', body: { tour: tour.id, stop: staged.id, elapsed: 0 } },
    ])
    pass(7_250)
    part.arrive(seat('b', [staged.position[0] + 2, 0, staged.position[2]]), tour.id, staged.id)
    expect(sent[1]).toEqual({
      to: 'b',
      type: 'tour.scene',
      body: { tour: tour.id, stop: staged.id, elapsed: 7_250 },
    })
    // A looping scene plays on; a later visitor still joins it where it is.
    pass(120_000)
    part.arrive(seat('c', staged.position), tour.id, staged.id)
    expect(sent[2]).toMatchObject({ to: 'c', body: { elapsed: 127_250 } })
  })

  it('refuses a visitor who is not at the stop, a stop without a scene, and unknown ones', () => {
    const { part, sent, seat } = room()
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

  it('starts a scene that plays once again after it has ended', () => {
    const { part, sent, seat, pass } = room()
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
