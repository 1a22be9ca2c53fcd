// The browser's session code (src/net/session.ts, run here in Node) against a real server that
// drains: told `server.shutdown` and closed with Colyseus' normal code, it sets out to join
// again instead of staying silently disconnected. (Own file: it stops its server mid-test.)
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WorldSession } from '../src/net/session'
import { useNet } from '../src/state/net'
import { startServer, type RunningServer } from './app'
import { loadConfig } from './config'

let server: RunningServer

beforeAll(async () => {
  server = await startServer(loadConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off' }))
})
afterAll(() => server.stop())

async function until(what: string, probe: () => boolean) {
  for (let i = 0; i < 400 && !probe(); i++) await new Promise((r) => setTimeout(r, 50))
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
