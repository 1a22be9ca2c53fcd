// The composed server over real HTTP and WebSocket: health, API errors, and a colyseus.js client
// joining a world room.
import { Client } from 'colyseus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from './testConfig'
import { startServer, type RunningServer } from './app'

let server: RunningServer

beforeAll(async () => {
  server = await startServer(testConfig({ PORT: '0', CLIENT: 'none', CHAIN: 'off' }))
})
afterAll(() => server.stop())

describe('server', () => {
  it('answers health and unknown API routes', async () => {
    const health = await fetch(new URL('/api/health', server.url))
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true })
    const missing = await fetch(new URL('/api/nope', server.url))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: 'not_found' })
  })

  it('lets a client join a world room and see itself in the state', async () => {
    const client = new Client(server.url.replace(/^http/, 'ws'))
    const room = await client.joinOrCreate('world', { world: 'block-park-village', name: '小明' })
    await new Promise<void>((resolve) => {
      if (room.state.players?.size) resolve()
      else room.onStateChange.once(() => resolve())
    })
    expect(room.state.world).toBe('block-park-village')
    expect(room.state.players.get(room.sessionId).name).toBe('小明')
    await room.leave()
  })

  it('rejects a malformed world id with a clear error', async () => {
    const client = new Client(server.url.replace(/^http/, 'ws'))
    await expect(client.joinOrCreate('world', { world: '../etc' })).rejects.toThrow(
      /invalid world id/,
    )
  })
})
