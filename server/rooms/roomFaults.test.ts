// A world room whose message handler and timer throw, on a real Colyseus server over WebSocket:
// onUncaughtException logs one short line and the room keeps serving; nothing reaches the
// process. Its own file: Colyseus' matchmaker is one per process, and this server is bare.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from '@colyseus/core'
import { WebSocketTransport } from '@colyseus/ws-transport'
import { Client } from 'colyseus.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import { captureLogs } from '../log'
import { worldRoom } from './WorldRoom'

const WORLD = 'block-park-village'
let gameServer: Server
let url = ''
const crashes: unknown[] = []
const onCrash = (err: unknown) => crashes.push(err)

/** Throws from a message handler (chat) and from a room timer (once), with long messages. */
class FaultyRoom extends worldRoom({
  scenesDir: 'scenes',
  maxClients: 10,
  reconnectS: 20,
  interest: null,
}) {
  override async onCreate(options: { world?: unknown }) {
    await super.onCreate(options)
    this.clock.setTimeout(() => {
      throw new Error(`timer ${'y'.repeat(5000)}`)
    }, 10)
  }
  protected override onChat(): void {
    throw new Error(`handler \u001b[31m${'x'.repeat(5000)}`)
  }
}

beforeAll(async () => {
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  const httpServer = http.createServer()
  gameServer = new Server({
    transport: new WebSocketTransport({ server: httpServer }),
    gracefullyShutdown: false,
    greet: false,
  })
  gameServer.define('world', FaultyRoom).filterBy(['world'])
  await gameServer.listen(0, '127.0.0.1')
  url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
})
afterAll(async () => {
  await gameServer.gracefullyShutdown(false)
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
})

async function until(ok: () => unknown, what: string) {
  const end = Date.now() + 10_000
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

it('logs a throwing handler or timer in one short line and keeps the room', async () => {
  const logged = captureLogs()
  const room = await new Client(url).joinOrCreate('world', { world: WORLD, name: 'A' })
  const other = await new Client(url).joinOrCreate('world', { world: WORLD, name: 'B' })
  const pongs: ServerMessages['pong'][] = []
  room.onMessage('*', () => {})
  other.onMessage('*', () => {})
  room.onMessage('pong', (m: ServerMessages['pong']) => pongs.push(m))
  let closed: number | null = null
  room.onLeave((code) => (closed = code))

  room.send('chat', { text: 'hello' })
  room.send('ping', { t: 1 })
  await until(() => pongs.length === 1, 'a pong after the throwing handler')
  const faults = () => logged.entries.filter((e) => e.msg === 'room handler threw')
  await until(() => faults().length >= 2, 'the fault lines')
  const lines = faults()
  logged.stop()

  expect(crashes).toEqual([])
  expect(closed).toBeNull()
  expect(other.connection.isOpen).toBe(true)
  const handler = lines.find((l) => l.where === 'onMessage')
  expect(handler).toMatchObject({ level: 'error', room: 'world', roomId: room.roomId })
  expect(handler!.error).toMatch(/^Error: handler \[31mx+$/)
  expect(lines.find((l) => l.where === 'setTimeout')?.error).toMatch(/^Error: timer y+$/)
  for (const line of lines) expect(String(line.error).length).toBeLessThan(300)
  await Promise.all([room.leave(), other.leave()])
})
