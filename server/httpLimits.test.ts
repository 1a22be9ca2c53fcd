// Every per-client HTTP limit that docs/api.md (Limits) and docs/protocol.md (matchmaking)
// state, one table against the composed server over real HTTP: a burst from one client
// address goes through, the excess gets 429 with Retry-After and a JSON error as documented,
// and another client address (TRUST_PROXY=1, X-Forwarded-For) is not affected. The numbers
// come from the docs' text, so a limit the code does not enforce as written fails here.
import net from 'node:net'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer } from './app'
import { signIn } from './events/testKit'
import { startEventsServer, stopEventsServer } from './events/testServer'
import { apiDoc, protocolDoc, stated, withClockHeld } from './testLimits'

let tmp: string
let server: RunningServer
const tokens: string[] = []

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('httplimits', { TRUST_PROXY: '1' }))
  // Signed in from the socket's address (no X-Forwarded-For): no row below counts these.
  for (const i of [1, 2]) tokens[i] = await signIn(server.url, i)
}, 60_000)

afterAll(() => stopEventsServer(server, tmp))

interface Req {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}

interface Row {
  name: string
  burst: () => number
  retryAfterS: number
  /** The 429 body's error code field: `error` for the APIs, `code` for matchmaking. */
  codeField: 'error' | 'code'
  request: Req
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: Record<string, unknown>
}

const ROWS: Row[] = [
  {
    name: 'POST /api/auth/nonce',
    burst: () => stated(apiDoc, /`POST \/api\/auth\/nonce` (\d+) at once, then one every 2 s/)[0],
    retryAfterS: 5,
    codeField: 'error',
    request: { method: 'POST', path: '/api/auth/nonce' },
  },
  {
    name: 'GET /api/collectibles/:address',
    burst: () =>
      stated(apiDoc, /`GET \/api\/collectibles\/:address` (\d+) at once, then 2 a second/)[0],
    retryAfterS: 5,
    codeField: 'error',
    // 400 bad_address within the limit: no chain is read.
    request: { method: 'GET', path: '/api/collectibles/not-an-address' },
  },
  {
    name: 'the events routes (GET /api/events/:id)',
    burst: () => stated(apiDoc, /the events routes (\d+) at once, then 10 a second/)[0],
    retryAfterS: 5,
    codeField: 'error',
    // 400 bad_request (broken percent-encoding) within the limit: no database read.
    request: { method: 'GET', path: '/api/events/%E0%A4%A' },
  },
  {
    name: 'the builder routes (GET /api/builder/worlds/:id)',
    burst: () => stated(apiDoc, /The builder routes\s+(\d+) at once, then 20 a second/)[0],
    retryAfterS: 5,
    codeField: 'error',
    // 404 not_found (not a builder world's id) within the limit: no database read.
    request: { method: 'GET', path: '/api/builder/worlds/not-a-world' },
  },
  {
    name: 'the avatar routes (GET /api/avatars/vrm/:id)',
    burst: () => stated(apiDoc, /The avatar routes (\d+) at once, then 20 a second/)[0],
    retryAfterS: 5,
    codeField: 'error',
    // 400 bad_id within the limit: no database read.
    request: { method: 'GET', path: '/api/avatars/vrm/not-an-id' },
  },
  {
    name: 'matchmaking (POST /matchmake/…)',
    burst: () => stated(protocolDoc, /\| matchmaking requests +\| 10 a second, (\d+) at once/)[0],
    retryAfterS: 1,
    codeField: 'code',
    // 404 within the limit: no seat is reserved.
    request: { method: 'POST', path: '/matchmake/nothing/world', body: '{}' },
  },
]

/**
 * Sends `count` copies of a request from client address `from`: all connections open first,
 * then every request written in one go, so the server reads them together however slow the
 * machine is (fetches trickled in over seconds here, and the faster buckets refilled meanwhile).
 * One request per connection: matchmaking closes the connection of a refusal.
 */
async function burstFrom(req: Req, from: string, count: number): Promise<Answer[]> {
  const body = req.body ?? ''
  const text =
    `${req.method} ${req.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: ${from}\r\n` +
    Object.entries(req.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  const { port } = new URL(server.url)
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port), '127.0.0.1', () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
  const answers = sockets.map(
    (socket) =>
      new Promise<Answer>((resolve, reject) => {
        const chunks: Buffer[] = []
        socket.on('data', (d: Buffer) => chunks.push(d))
        socket.once('close', () => {
          try {
            resolve(parseResponses(Buffer.concat(chunks), 1)[0]!)
          } catch (err) {
            reject(err as Error)
          }
        })
      }),
  )
  // Not end(): a half-closed request is one whose client went away (matchmaking drops it).
  for (const socket of sockets) socket.write(text)
  return Promise.all(answers)
}

/** Splits HTTP/1.1 answers (Content-Length or chunked bodies). */
function parseResponses(buf: Buffer, count: number): Answer[] {
  const answers: Answer[] = []
  let at = 0
  while (answers.length < count) {
    const end = buf.indexOf('\r\n\r\n', at)
    if (end < 0) throw new Error(`${answers.length} of ${count} answers came back`)
    const [status, ...lines] = buf.subarray(at, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    at = end + 4
    let body: Buffer = Buffer.alloc(0)
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const eol = buf.indexOf('\r\n', at)
        const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16)
        at = eol + 2
        body = Buffer.concat([body, buf.subarray(at, at + size)])
        at += size + 2
        if (size === 0) break
      }
    } else {
      const size = Number(headers['content-length'] ?? 0)
      body = buf.subarray(at, at + size)
      at += size
    }
    answers.push({
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(status!)![1]),
      headers,
      body: JSON.parse(body.toString('utf8')) as Record<string, unknown>,
    })
  }
  return answers
}

function expectRefusals(
  answers: Answer[],
  burst: number,
  retryAfterS: number,
  codeField: 'error' | 'code',
) {
  const refused = answers.filter((a) => a.status === 429)
  expect(answers.length - refused.length, 'exactly the burst goes through').toBe(burst)
  for (const r of refused) {
    expect(r.headers['retry-after']).toBe(String(retryAfterS))
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(r.body[codeField]).toBe('rate_limited')
    if (codeField === 'error') expect(r.body['retryAfterS']).toBe(retryAfterS)
  }
}

describe('per-client HTTP limits', () => {
  it.each(ROWS.map((r, i) => [r.name, i] as const))(
    '%s: 429 past the stated burst, with Retry-After and a JSON error; another address is served',
    async (_name, i) => {
      const row = ROWS[i]!
      const burst = row.burst()
      const a = `203.0.113.${100 + i}`
      const b = `198.51.100.${100 + i}`
      // Twice the burst at once, the clock held: exactly the burst is served.
      const answers = await withClockHeld(() => burstFrom(row.request, a, 2 * burst))
      expectRefusals(answers, burst, row.retryAfterS, row.codeField)
      const other = await burstFrom(row.request, b, 1)
      expect(other[0]!.status).not.toBe(429)
    },
    60_000,
  )

  it('POST /api/events: 429 past the stated burst per host (Retry-After 30); another host is served', async () => {
    const burst = stated(apiDoc, /creating events (\d+) at once per host, then one every 30 s/)[0]
    expect(apiDoc).toContain('with a `Retry-After` header (30 s for creating events)')
    // An invalid draft (400) still counts: the limit is taken before the body is read.
    const create = (token: string): Req => ({
      method: 'POST',
      path: '/api/events',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    })
    // Within the events routes' own burst for that address (40): only the host's limit bites.
    const answers = await withClockHeld(() =>
      burstFrom(create(tokens[1]!), '203.0.113.200', burst + 10),
    )
    expectRefusals(answers, burst, 30, 'error')
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 400)).toBe(true)
    // Another host from the same address is served; the first host is held from any address.
    expect((await burstFrom(create(tokens[2]!), '203.0.113.200', 1))[0]!.status).toBe(400)
    expect((await burstFrom(create(tokens[1]!), '198.51.100.200', 1))[0]!.status).toBe(429)
  }, 60_000)
  it('POST /api/avatars/vrm: 429 past the stated burst per wallet and per address (Retry-After 60)', async () => {
    const burst = stated(
      apiDoc,
      /avatar uploads (\d+) at once per wallet and per client address, then one a minute \(`retryAfterS` 60\)/,
    )[0]
    // A refused file (400 bad_vrm) still counts: the limit is taken before the body is read.
    const upload = (token: string): Req => ({
      method: 'POST',
      path: '/api/avatars/vrm',
      headers: { authorization: `Bearer ${token}` },
      body: 'not a vrm',
    })
    const answers = await withClockHeld(() =>
      burstFrom(upload(tokens[1]!), '203.0.113.220', burst + 5),
    )
    expectRefusals(answers, burst, 60, 'error')
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 400)).toBe(true)
    // The wallet is held from any address, and the address for any wallet; others are served.
    expect((await burstFrom(upload(tokens[1]!), '198.51.100.220', 1))[0]!.status).toBe(429)
    expect((await burstFrom(upload(tokens[2]!), '203.0.113.220', 1))[0]!.status).toBe(429)
    expect((await burstFrom(upload(tokens[2]!), '198.51.100.220', 1))[0]!.status).toBe(400)
  }, 60_000)
  it('matchmaking: 429 too_many_seats past the stated seats per address (Retry-After 5); another address is served', async () => {
    const [seatsPerAddress, retryAfterS] = stated(
      protocolDoc,
      /\| seats reserved, WebSocket not yet open +\| (\d+) \(a seat waits 45 s\) +\| `SEATS_PER_IP` +\| `429 too_many_seats`, `Retry-After: (\d+)`/,
    ) as [number, number]
    const join: Req = {
      method: 'POST',
      path: '/matchmake/joinOrCreate/world',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ world: 'block-park-village', name: 'seat' }),
    }
    const a = '203.0.113.210'
    const seats: Answer[] = []
    for (let i = 0; i < seatsPerAddress; i++) seats.push((await burstFrom(join, a, 1))[0]!)
    expect(seats.map((s) => s.status)).toEqual(seats.map(() => 200))
    const refused = (await burstFrom(join, a, 1))[0]!
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toBe(String(retryAfterS))
    expect(refused.headers['content-type']).toMatch(/^application\/json/)
    expect(refused.body['code']).toBe('too_many_seats')
    const other = (await burstFrom(join, '198.51.100.210', 1))[0]!
    expect(other.status).toBe(200)
    // Take every seat and leave: a seat left reserved would hold the server's stop for 45 s.
    for (const [seat, from] of [
      ...seats.map((s) => [s, a] as const),
      [other, '198.51.100.210'] as const,
    ]) {
      const { room, sessionId } = seat.body as {
        room: { processId: string; roomId: string }
        sessionId: string
      }
      const url = new URL(`/${room.processId}/${room.roomId}`, server.url.replace(/^http/, 'ws'))
      url.searchParams.set('sessionId', sessionId)
      const ws = new WebSocket(url, { headers: { 'x-forwarded-for': from } })
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      ws.close()
      await new Promise((resolve) => ws.once('close', resolve))
    }
  }, 120_000)
})
