// The browser's session code (src/net/session.ts, run here in Node) against a real server that
// drains: told `server.shutdown` and closed with Colyseus' normal code, it sets out to join
// again instead of staying silently disconnected. (Own file: it stops its server mid-test.)
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WorldSession } from '../src/net/session'
import { useNet } from '../src/state/net'
import { startServer, type RunningServer } from './app'
import { testConfig } from './testConfig'

let server: RunningServer

beforeAll(async () => {
  server = await startServer(testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off' }))
})
afterAll(() => server.stop())

async function until(what: string, probe: () => boolean, ms = 20_000) {
  const end = Date.now() + ms
  while (!probe() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  if (!probe()) throw new Error(`gave up waiting for ${what}`)
}

it('joins again after the server it was on shut down', async () => {
  const session = new WorldSession(
    'block-park-village',
    { name: 'Ana', color: '#aa3322' },
    { endpoint: server.url.replace(/^http/, 'ws') },
  )
  try {
    await session.start()
    // The welcome arrives once the server holds the seat as joined (messages to a seat still
    // joining wait in Colyseus' queue, and a closing room drops them).
    await until('the welcome', () => useNet.getState().instance > 0)
    const statuses: string[] = []
    const unsubscribe = useNet.subscribe((s) => statuses.push(s.status))
    await server.stop(0)
    await until('the session to set out again', () => statuses.includes('reconnecting'))
    // Not a silent stop (4000 alone means the visitor left) and not a failure.
    expect(statuses).not.toContain('failed')
    unsubscribe()
  } finally {
    await session.leave()
  }
})

it('says the server restarts, with the seconds left, and rejoins once it is back however long it takes', async () => {
  let first: RunningServer | null = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off' }),
  )
  const port = first.port
  let second: RunningServer | null = null
  const session = new WorldSession(
    'block-park-village',
    { name: 'Ana', color: '#aa3322' },
    { endpoint: first.url.replace(/^http/, 'ws') },
  )
  try {
    await session.start()
    await until('the welcome', () => useNet.getState().instance > 0)
    const statuses: string[] = []
    const unsubscribe = useNet.subscribe((s) => statuses.push(s.status))

    const stopped = first.stop(4)
    await until('the restart notice', () => useNet.getState().restart !== null)
    // Told while still in the room: when it closes, about the notice's 4 s from now.
    const { restart, status } = useNet.getState()
    expect(status).toBe('online')
    expect(restart!.at - Date.now()).toBeGreaterThan(0)
    expect(restart!.at - Date.now()).toBeLessThanOrEqual(4000)
    await stopped
    first = null
    await until('the session to set out again', () => statuses.includes('reconnecting'))

    // Down for longer than three tries take (1–4 s, then 1.5 s and 3 s apart): the session keeps
    // trying and keeps saying why, instead of failing for good.
    // (The outage's length is the scenario here, not a check.)
    await new Promise((r) => setTimeout(r, 12_000))
    expect(statuses).not.toContain('failed')
    expect(useNet.getState().restart).not.toBeNull()

    second = await startServer(testConfig({ PORT: String(port), CLIENT: 'none', CHAIN: 'off' }))
    await until('the session back online', () => useNet.getState().status === 'online', 60_000)
    expect(useNet.getState().restart).toBeNull()
    expect(statuses).not.toContain('failed')
    unsubscribe()
  } finally {
    await session.leave()
    await first?.stop()
    await second?.stop()
  }
}, 120_000)
