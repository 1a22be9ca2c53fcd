// Matchmaking and connections bounded per client address, against the composed server over real
// HTTP and WebSocket: body caps, `create` refused, seats, connections, matchmaking rate and
// payload size; X-Forwarded-For counts only with TRUST_PROXY.
import net from 'node:net'
import { Client } from 'colyseus.js'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES } from '../src/protocol/messages'
import { startServer, type RunningServer } from './app'
import { testConfig } from './testConfig'
import { MAX_MATCHMAKE_BODY, MAX_WS_PAYLOAD } from './limits'

const WORLD = { world: 'block-park-village', name: 'tester' }

interface Seat {
  room: { processId: string; roomId: string }
  sessionId: string
}

async function matchmake(server: RunningServer, from: string | null, method = 'joinOrCreate') {
  const res = await fetch(new URL(`/matchmake/${method}/world`, server.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(from !== null && { 'x-forwarded-for': from }),
    },
    body: JSON.stringify(WORLD),
  })
  return { status: res.status, body: (await res.json()) as Partial<Seat> & { code?: unknown } }
}

async function seat(server: RunningServer, from: string | null): Promise<Seat> {
  const { status, body } = await matchmake(server, from)
  expect(status).toBe(200)
  expect(body.sessionId).toEqual(expect.any(String))
  return body as Seat
}

/** Opens the seat's WebSocket; resolves with the socket, or the HTTP status that refused it. */
function connect(server: RunningServer, s: Seat, from: string | null) {
  const url = new URL(`/${s.room.processId}/${s.room.roomId}`, server.url.replace(/^http/, 'ws'))
  url.searchParams.set('sessionId', s.sessionId)
  const ws = new WebSocket(url, { headers: from === null ? {} : { 'x-forwarded-for': from } })
  return new Promise<WebSocket | number>((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

/** Connects once the address is under its connection limit (the server counts a close when
 * the socket is gone, just after the client sees it). */
async function connectWhenFree(server: RunningServer, s: Seat, from: string | null) {
  for (let i = 0; i < 200; i++) {
    const ws = await connect(server, s, from)
    if (ws !== 429) return ws
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the connection limit never let go')
}

/** Takes a seat and leaves: a seat left reserved holds its room (and the server's stop) 45 s. */
async function useUp(server: RunningServer, s: Seat, from: string | null) {
  const ws = await connectWhenFree(server, s, from)
  expect(ws).toBeInstanceOf(WebSocket)
  ;(ws as WebSocket).close()
  await closed(ws as WebSocket)
}

function closed(ws: WebSocket) {
  return new Promise<number>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(1006)
    else ws.once('close', (code) => resolve(code))
  })
}

/** Sends raw HTTP head (and `body`) and resolves with the status line of the first answer. */
function rawRequest(server: RunningServer, head: string, body = '') {
  const { port } = new URL(server.url)
  const socket = net.connect(Number(port), '127.0.0.1')
  const answer = new Promise<{ status: number; ended: Promise<void> }>((resolve, reject) => {
    let text = ''
    const ended = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1')
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text)
      if (m && text.includes('\r\n\r\n')) resolve({ status: Number(m[1]), ended })
    })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error(`closed without an answer: ${text}`)))
  })
  socket.write(head + body)
  return { socket, answer }
}

/** Many concurrent reads of the events API (40 at once, then 10 a second per client). */
async function apiFlood(server: RunningServer, from: () => string, count = 120) {
  const answers = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(new URL('/api/events', server.url), { headers: { 'x-forwarded-for': from() } }),
    ),
  )
  await Promise.all(answers.map((r) => r.body?.cancel()))
  return answers.map((r) => r.status)
}

describe('with TRUST_PROXY=1', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(
      testConfig({
        PORT: '0',
        CLIENT: 'none',
        CHAIN: 'off',
        TRUST_PROXY: '1',
        SEATS_PER_IP: '2',
        SOCKETS_PER_IP: '2',
        MATCHMAKE_RATE: '1',
        MATCHMAKE_BURST: '4',
      }),
    )
  })
  afterAll(() => server.stop())

  it('answers 413 to a body whose Content-Length is over the cap, before it is sent', async () => {
    const { socket, answer } = rawRequest(
      server,
      'POST /matchmake/joinOrCreate/world HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n',
    )
    const { status, ended } = await answer
    expect(status).toBe(413)
    await ended // the server closes the connection rather than read the rest
    socket.destroy()
  })

  it('answers 413 as soon as a streamed body passes the cap, and keeps serving', async () => {
    const chunk = 'x'.repeat(MAX_MATCHMAKE_BODY + 1)
    const { socket, answer } = rawRequest(
      server,
      'POST /matchmake/joinOrCreate/world HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.2\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`, // and never the last chunk
    )
    const { status, ended } = await answer
    expect(status).toBe(413)
    await ended
    socket.destroy()
    const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate('world', WORLD)
    expect(room.sessionId).toEqual(expect.any(String))
    await room.leave()
  })

  it('refuses create for world and event rooms with a clear error; joinOrCreate works', async () => {
    const client = new Client(server.url.replace(/^http/, 'ws'))
    await expect(client.create('world', WORLD)).rejects.toMatchObject({
      code: 403,
      message: expect.stringMatching(/rooms are made by joinOrCreate/),
    })
    await expect(client.create('event', { event: 'x' })).rejects.toMatchObject({ code: 403 })
    const room = await client.joinOrCreate('world', WORLD)
    await room.leave()
  })

  it('refuses the third outstanding seat from one address, not from another', async () => {
    const a = '203.0.113.10'
    const first = await seat(server, a)
    const second = await seat(server, a)
    const third = await matchmake(server, a)
    expect(third.status).toBe(429)
    expect(third.body.code).toBe('too_many_seats')
    await useUp(server, await seat(server, '203.0.113.11'), '203.0.113.11')
    // A taken seat no longer counts.
    const ws = await connect(server, first, a)
    expect(ws).toBeInstanceOf(WebSocket)
    const fourth = await seat(server, a)
    ;(ws as WebSocket).close()
    await closed(ws as WebSocket)
    await useUp(server, second, a)
    await useUp(server, fourth, a)
  })

  it('refuses the third connection from one address, not from another', async () => {
    const a = '203.0.113.20'
    const b = '203.0.113.21'
    const seats = [await seat(server, a), await seat(server, a)]
    const open = [await connect(server, seats[0]!, a), await connect(server, seats[1]!, a)]
    for (const ws of open) expect(ws).toBeInstanceOf(WebSocket)
    const spare = await seat(server, a)
    expect(await connect(server, spare, a)).toBe(429)
    const other = await connect(server, await seat(server, b), b)
    expect(other).toBeInstanceOf(WebSocket)
    // Once one closes, the address may connect again (the server counts the socket's close).
    const first = open[0] as WebSocket
    first.close()
    await closed(first)
    const again = await connectWhenFree(server, spare, a)
    expect(again).toBeInstanceOf(WebSocket)
    for (const ws of [open[1], other, again]) (ws as WebSocket).close()
  })

  it('rate-limits matchmaking per address', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => matchmake(server, '203.0.113.30', 'joinById')),
    )
    const limited = answers.filter((r) => r.status === 429)
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0]!.body.code).toBe('rate_limited')
    expect((await matchmake(server, '203.0.113.31', 'joinById')).status).toBe(200)
  })

  it('limits the HTTP APIs per client address by the same rule', async () => {
    // Every fourth request from B: 30 of them stay within B's burst, while A runs out.
    let i = 0
    const from = () => (i++ % 4 === 3 ? '203.0.113.61' : '203.0.113.60')
    const statuses = await apiFlood(server, from, 120)
    const a = statuses.filter((_, k) => k % 4 !== 3)
    const b = statuses.filter((_, k) => k % 4 === 3)
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(0)
    expect(b.filter((s) => s === 429)).toEqual([])
  })

  it('closes a connection whose frame is over MAX_WS_PAYLOAD; others go on', async () => {
    // A frame is the message type and its payload: the largest legitimate one fits with room.
    expect(MAX_WS_PAYLOAD).toBeGreaterThanOrEqual(2 * MAX_MESSAGE_BYTES + 256)
    const ws = (await connect(
      server,
      await seat(server, '203.0.113.40'),
      '203.0.113.40',
    )) as WebSocket
    const other = (await connect(
      server,
      await seat(server, '203.0.113.41'),
      '203.0.113.41',
    )) as WebSocket
    ws.send(Buffer.alloc(MAX_WS_PAYLOAD + 1))
    expect(await closed(ws)).toBe(1009)
    expect(other.readyState).toBe(WebSocket.OPEN)
    other.close()
  })
})

describe('without TRUST_PROXY', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(
      testConfig({
        PORT: '0',
        CLIENT: 'none',
        CHAIN: 'off',
        SEATS_PER_IP: '1',
        SOCKETS_PER_IP: '1',
      }),
    )
  })
  afterAll(() => server.stop())

  it('a forged X-Forwarded-For does not escape the HTTP APIs limits', async () => {
    let i = 0
    const statuses = await apiFlood(server, () => `198.51.100.${(i++ % 250) + 1}`)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
  })

  it('a forged X-Forwarded-For changes nothing: seats and connections count the socket', async () => {
    const first = await seat(server, '203.0.113.50')
    expect((await matchmake(server, '203.0.113.51')).status).toBe(429)
    const ws = await connect(server, first, '203.0.113.50')
    expect(ws).toBeInstanceOf(WebSocket)
    const second = await seat(server, '203.0.113.52')
    expect(await connect(server, second, '203.0.113.53')).toBe(429)
    ;(ws as WebSocket).close()
    await closed(ws as WebSocket)
    await useUp(server, second, null)
  })
})
