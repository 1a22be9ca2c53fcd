// A full-size instance: its shared state is far larger than @colyseus/schema's default 8 KB
// encode buffer, and every client, early or late, must still decode it intact.
import { Client, getStateCallbacks, type Room } from 'colyseus.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { POSE_FRAME, PoseBook } from '../../src/protocol/poseFrame'
import { startServer, type RunningServer } from '../app'
import { testConfig } from '../testConfig'
import { LOAD_TEST_LIMITS } from '../limits'
import { captureLogs } from '../log'
import type { WorldState } from './WorldState'

let server: RunningServer
const rooms: Room[] = []

beforeAll(async () => {
  server = await startServer(
    // 121 visitors from one address, 20 joining at once: over the per-address defaults.
    testConfig({
      PORT: '0',
      CLIENT: 'none',
      CHAIN: 'off',
      MAX_CLIENTS: '200',
      ...LOAD_TEST_LIMITS,
    }),
  )
})
afterAll(async () => {
  await Promise.all(rooms.map((r) => r.leave().catch(() => {})))
  await server.stop()
})

it('sends a room of 120 long-named visitors intact to a late joiner', async () => {
  const errors: unknown[] = []
  const origError = console.error
  console.error = (...args: unknown[]) => errors.push(args)
  const logs = captureLogs() // the rooms' own faults
  try {
    const url = server.url.replace(/^http/, 'ws')
    const name = (i: number) => `远方来的旅人·长长的名字${String(i).padStart(3, '0')}`
    for (let batch = 0; batch < 120; batch += 20) {
      const joined = await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          new Client(url).joinOrCreate('world', {
            world: 'block-park-village',
            name: name(batch + k),
          }),
        ),
      )
      for (const r of joined) r.onMessage('*', () => {})
      rooms.push(...joined)
    }
    const late = await new Client(url).joinOrCreate('world', {
      world: 'block-park-village',
      name: 'late',
    })
    late.onMessage('*', () => {})
    const seen = new PoseBook(late.sessionId)
    const $ = getStateCallbacks(late as Room<WorldState>)
    $(late.state as WorldState).players.onAdd((p, id) => seen.addPlayer(id, p.n))
    late.onMessage(POSE_FRAME, (bytes: Uint8Array) => seen.apply(bytes))
    rooms.push(late)
    // Waits on the state, not a clock: on a busy machine the 121 joins take as long as they
    // take (the test's own limit ends a run where they never arrive).
    while ((late.state.players?.size ?? 0) < 121) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(late.state.players.size).toBe(121)
    const names = new Set<string>()
    late.state.players.forEach((p: { name: string }) => names.add(p.name))
    for (let i = 0; i < 120; i++) expect(names.has(name(i))).toBe(true)
    // The late joiner receives the 32 nearest avatars' poses (all are at the spawn).
    while (seen.poses.size < 32) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(seen.poses.size).toBe(32)
    expect(seen.unknown).toBe(0)
    // An early joiner decoded every later join as patches.
    expect(rooms[0]!.state.players.size).toBe(121)
    expect(errors).toEqual([])
    expect(logs.entries.filter((e) => e.level === 'error' && e.roomId !== undefined)).toEqual([])
  } finally {
    logs.stop()
    console.error = origError
  }
}, 60_000)
