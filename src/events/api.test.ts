// The deep link's retries (getWithRetry) against a real HTTP server on a free loopback port that
// stalls, drops the connection or answers 503 before it answers, and one that answers 404.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../net/api'
import { getWithRetry, LINK_RETRY, retryDelay, type RetryOptions } from './api'

const ID = 'abcdef123456'
const EVENT = {
  id: ID,
  title: { 'zh-CN': '湖畔音乐会', en: 'Lakeside concert' },
  description: { 'zh-CN': '', en: '' },
  world: 'cangqiong',
  stage: 'lake-stage',
  startsAt: 1_800_000_000_000,
  endsAt: 1_800_003_600_000,
  capacity: 2,
  host: '0x' + '1'.repeat(40),
  performers: [],
  moderators: [],
  status: 'live',
  attendance: 1,
  createdAt: 1_700_000_000_000,
}

type Step = (req: http.IncomingMessage, res: http.ServerResponse) => void
const json =
  (status: number, body: unknown): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
/** Headers and half a body, then nothing: the answer "arrived" but never completes. */
const stallMidBody: Step = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"id":"abc')
}
const dropConnection: Step = (req) => req.socket.destroy()
const busy = (retryAfterS = 0) =>
  json(503, { error: 'storage_starting', message: 'the database is starting', retryAfterS })

let server: http.Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r) ?? r(null))
  server = null
})

/** A server that answers the n-th request with steps[n] (the last step repeats). */
async function serve(steps: Step[], onRequest?: (n: number) => void) {
  const seen: string[] = []
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    const n = seen.length
    steps[Math.min(n, steps.length) - 1]!(req, res)
    onRequest?.(n)
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { origin: `http://127.0.0.1:${port}`, seen }
}

/**
 * Fast backoff; the first try gives up soon (it stalls on purpose), later tries get long. The
 * server runs in this process: a first limit shorter than a busy machine's pauses would fire
 * before the request is even read (timers run before I/O), and the server's scripted answers
 * would then go to the wrong tries. 3 s leaves room for that and costs this file 3 s.
 */
const quick = (origin: string, more: Partial<RetryOptions> = {}): RetryOptions => ({
  attempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 20,
  timeoutsMs: [3000, 20_000],
  origin,
  ...more,
})

describe('getWithRetry', () => {
  it('gets through a stalled body, a dropped connection and a 503 to the event', async () => {
    const { origin, seen } = await serve([stallMidBody, dropConnection, busy(), json(200, EVENT)])
    const tries: Array<[number, number, string | null]> = []
    const info = await getWithRetry(ID, {
      ...quick(origin),
      onAttempt: (n, of, previous) => tries.push([n, of, previous?.code ?? null]),
    })
    expect(info.id).toBe(ID)
    expect(info.title.en).toBe('Lakeside concert')
    expect(seen).toEqual(Array(4).fill(`/api/events/${ID}`))
    // A body cut off by the time limit is a timeout (worth retrying), not a bad answer.
    expect(tries).toEqual([
      [1, 4, null],
      [2, 4, 'timeout'],
      [3, 4, 'network'],
      [4, 4, 'storage_starting'],
    ])
  })

  it('stops at once on 404 and says the event does not exist', async () => {
    const { origin, seen } = await serve([
      json(404, { error: 'unknown_event', message: `there is no event ${ID}` }),
    ])
    const err = await getWithRetry(ID, quick(origin)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'unknown_event', status: 404 })
    expect(seen).toHaveLength(1)
  })

  it('gives up after the last try with the last reason', async () => {
    const { origin, seen } = await serve([busy()])
    const tries: number[] = []
    const err = await getWithRetry(ID, {
      ...quick(origin, { attempts: 3 }),
      onAttempt: (n) => tries.push(n),
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'storage_starting', status: 503 })
    expect(seen).toHaveLength(3)
    expect(tries).toEqual([1, 2, 3])
  })

  it('ends at once, without another request, when the visitor leaves during the backoff', async () => {
    const ctl = new AbortController()
    // A long wait before try 2: only the abort can end it.
    const { origin, seen } = await serve([busy(60)], () => setImmediate(() => ctl.abort()))
    const err = await getWithRetry(ID, {
      ...quick(origin, { baseDelayMs: 60_000, maxDelayMs: 60_000 }),
      signal: ctl.signal,
    }).catch((e: unknown) => e)
    expect(ctl.signal.aborted).toBe(true)
    expect(err).not.toBeInstanceOf(ApiError)
    expect(seen).toHaveLength(1)
  })

  it('bounds a long server message', async () => {
    const { origin } = await serve([json(400, { error: 'bad_input', message: 'x'.repeat(5000) })])
    const err = (await getWithRetry(ID, quick(origin)).catch((e: unknown) => e)) as Error
    expect(err.message.length).toBeLessThanOrEqual(201)
  })
})

describe('retryDelay', () => {
  const prev = (retryAfterS: number | null = null) =>
    new ApiError('storage_starting', 503, 'busy', retryAfterS)

  it('doubles from the base up to the cap', () => {
    expect([2, 3, 4, 5, 6].map((n) => retryDelay(n, LINK_RETRY, prev()))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ])
  })

  it('waits as long as the server asked, within the cap', () => {
    expect(retryDelay(2, LINK_RETRY, prev(2))).toBe(2000)
    expect(retryDelay(2, LINK_RETRY, prev(600))).toBe(8000)
  })

  it('the deep link tries four times, later tries waiting longer for an answer', () => {
    expect(LINK_RETRY.attempts).toBe(4)
    expect(LINK_RETRY.timeoutsMs[1]).toBeGreaterThan(LINK_RETRY.timeoutsMs[0])
  })
})
