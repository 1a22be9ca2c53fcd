// The sign-in stores: one contract for nonces and sessions, held by the memory stores (one
// process) and the Redis stores (every process, REDIS_URL) against Debian's redis-server on a
// free loopback port. Two Sessions over the same stores stand for two server processes. Then
// sign-in through a whole server: bound to its origins, and signing out unbinds room seats.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { Wallet } from 'ethers'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../e2e/procs'
import {
  MemoryNonceStore,
  SiweError,
  buildSiweMessage,
  type SiweNonceStore,
} from '../src/chain/siwe'
import {
  AuthUnavailableError,
  MemorySessionStore,
  SESSION_TTL_MS,
  Sessions,
  signInSites,
  type SessionStore,
} from './auth'
import type { ServerMessages } from '../src/protocol/messages'
import { startServer, type RunningServer } from './app'
import { openRedisAuth, type RedisAuth } from './authRedis'
import { startChain } from './chain'
import { loadConfig } from './config'
import { testConfig } from './testConfig'
import { freshPgliteDir } from './db/testPglite'
import { captureLogs } from './log'
import { signInEnv, until, wallet, writeSignInRegistry } from './events/testKit'
import { checkRedis } from './redis'

const DOMAIN = 'cangqiong.test'
const CHAIN_ID = 31337
const INSTALL = 'sudo apt-get install -y redis-server'
const hasRedis = !spawnSync('redis-server', ['--version']).error

interface Stores {
  nonces: SiweNonceStore
  sessions: SessionStore
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function signedFor(sessions: Sessions, wallet: Pick<Wallet, 'address' | 'signMessage'>) {
  const n = await sessions.siwe.issueNonce()
  const message = buildSiweMessage({
    domain: DOMAIN,
    address: wallet.address,
    uri: `http://${DOMAIN}/`,
    version: '1',
    chainId: CHAIN_ID,
    nonce: n.nonce,
    issuedAt: n.issuedAt,
  })
  return { message, signature: await wallet.signMessage(message) }
}

async function siweCode(p: Promise<unknown>) {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(SiweError)
    return (err as SiweError).code
  }
  throw new Error('expected a SiweError')
}

/** What every store pair must do. `open` gives stores that forget a spent nonce `rememberMs` past its expiry. */
function contract(open: (rememberMs: number) => Stores | Promise<Stores>) {
  const expect_ = { domain: DOMAIN, chainId: CHAIN_ID }

  it('issues a nonce once and spends it once, atomically', async () => {
    const { nonces } = await open(60_000)
    const now = Date.now()
    expect(await nonces.add('aaaaaaaaaaaa1', now + 1000, now)).toBe(true)
    expect(await nonces.add('aaaaaaaaaaaa1', now + 1000, now)).toBe(false)
    expect(await nonces.add('aaaaaaaaaaaa2', now + 1000, now)).toBe(true)
    const spends = await Promise.all(
      Array.from({ length: 10 }, () => nonces.spend('aaaaaaaaaaaa2', now)),
    )
    expect(spends.filter((s) => s === 'fresh')).toHaveLength(1)
    expect(spends.filter((s) => s === 'used')).toHaveLength(9)
    expect(await nonces.spend('aaaaaaaaaaaa1', now + 1)).toBe('fresh')
    expect(await nonces.spend('aaaaaaaaaaaa1', now + 1)).toBe('used')
    expect(await nonces.spend('neverIssued123', now)).toBe('unknown')
  })

  it('tells an expired nonce from a spent one, and forgets both later', async () => {
    const { nonces } = await open(100)
    const now = Date.now()
    expect(await nonces.add('expiring00001', now + 100, now)).toBe(true)
    expect(await nonces.add('expiring00002', now + 100, now)).toBe(true)
    expect(await nonces.spend('expiring00001', now + 100)).toBe('expired')
    expect(await nonces.spend('expiring00001', now + 100)).toBe('used')
    await sleep(350) // past expiry + rememberMs (Redis drops the key on its own clock)
    const later = Date.now()
    await nonces.add('expiring00003', later + 100, later) // the memory store sweeps on use
    expect(await nonces.spend('expiring00001', later)).toBe('unknown')
    expect(await nonces.spend('expiring00002', later)).toBe('unknown')
  })

  it('keeps, reads and deletes sessions by token', async () => {
    const { sessions } = await open(60_000)
    const token = 'tok_' + 'x'.repeat(40)
    const session = { address: Wallet.createRandom().address, expiresAt: Date.now() + 60_000 }
    expect(await sessions.get(token)).toBeNull()
    expect(await sessions.signedIn(session.address)).toBe(false)
    await sessions.put(token, session)
    expect(await sessions.get(token)).toEqual(session)
    expect(await sessions.get(token + 'y')).toBeNull()
    // Known by address too (in any letter case), while a session of it lasts.
    expect(await sessions.signedIn(session.address.toLowerCase())).toBe(true)
    const second = 'tok_' + 'z'.repeat(40)
    await sessions.put(second, session)
    await sessions.delete(token)
    await sessions.delete(token) // twice is fine
    expect(await sessions.get(token)).toBeNull()
    expect(await sessions.signedIn(session.address)).toBe(true)
    await sessions.delete(second)
    expect(await sessions.signedIn(session.address)).toBe(false)
  })

  it('signs in on one "process" and is known, then signed out, on the other', async () => {
    const stores = await open(60_000)
    const one = new Sessions(stores)
    const two = new Sessions(stores)
    const wallet = Wallet.createRandom()
    const body = await signedFor(one, wallet)
    const { token, session } = await two.signIn(body, expect_)
    expect(session.address).toBe(wallet.address)
    expect(session.expiresAt - Date.now()).toBeGreaterThan(SESSION_TTL_MS - 60_000)
    // The nonce was spent by process two: a replay fails on either.
    expect(await siweCode(one.signIn(body, expect_))).toBe('nonce_used')
    expect(await siweCode(two.signIn(body, expect_))).toBe('nonce_used')

    const header = `Bearer ${token}`
    expect(await one.fromHeader(header)).toEqual(session)
    expect(await two.fromHeader(header)).toEqual(session)
    expect(await one.fromHeader('Bearer short')).toBeNull()
    expect(await one.fromHeader(undefined)).toBeNull()
    await one.signOut(header)
    expect(await two.fromHeader(header)).toBeNull()
    expect(await one.fromHeader(header)).toBeNull()
  })

  it('ends a session when it expires', async () => {
    const stores = await open(60_000)
    const clock = { t: Date.now() }
    const sessions = new Sessions({ ...stores, now: () => clock.t })
    const { token } = await sessions.signIn(await signedFor(sessions, Wallet.createRandom()), {
      domain: DOMAIN,
      chainId: CHAIN_ID,
    })
    expect(await sessions.fromHeader(`Bearer ${token}`)).not.toBeNull()
    clock.t += SESSION_TTL_MS
    expect(await sessions.fromHeader(`Bearer ${token}`)).toBeNull()
    clock.t -= SESSION_TTL_MS // gone for good, not just hidden by the clock
    expect(await sessions.fromHeader(`Bearer ${token}`)).toBeNull()
  })
}

describe('signInSites', () => {
  it("defaults to the server's own loopback origins, and only on loopback", () => {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `http://${h}:2567`)
    for (const url of ['http://127.0.0.1:2567/', 'http://localhost:2567/', 'http://[::1]:2567/']) {
      expect(signInSites(undefined, url)).toEqual({ origins: loopback })
    }
    for (const url of ['http://0.0.0.0:2567/', 'http://[::]:2567/', 'http://10.0.0.5:2567/']) {
      const sites = signInSites(undefined, url)
      expect('off' in sites && sites.off, url).toMatch(/set PUBLIC_ORIGIN/)
    }
    const configured = ['https://cq.example.com']
    expect(signInSites(configured, 'http://0.0.0.0:2567/')).toEqual({ origins: configured })
    expect(signInSites(configured, 'http://127.0.0.1:2567/')).toEqual({ origins: configured })
  })
})

describe('sign-in off', () => {
  it('answers 503 sign_in_off, saying what to set, on a server listening beyond loopback without PUBLIC_ORIGIN', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-auth-off-'))
    writeSignInRegistry(path.join(tmp, 'registry.json'))
    const logs = captureLogs()
    const chain = startChain(loadConfig(signInEnv(path.join(tmp, 'registry.json'))).chain, {
      dataDir: tmp,
      // Where app.ts says the server listens; nothing needs to listen there for this test.
      serverUrl: () => 'http://0.0.0.0:2567/',
      json: (res, status, body) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    })
    const httpServer = http.createServer((req, res) => {
      if (!chain.handle(req, res, new URL(req.url ?? '/', 'http://x'))) res.writeHead(404).end()
    })
    try {
      await chain.ready
      await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r))
      const base = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`
      for (const route of ['/api/auth/nonce', '/api/auth/verify']) {
        const res = await fetch(base + route, { method: 'POST', body: '{}' })
        expect(res.status, route).toBe(503)
        const body = (await res.json()) as { error: string; message: string }
        expect(body.error).toBe('sign_in_off')
        expect(body.message).toMatch(/set PUBLIC_ORIGIN/)
      }
      const off = logs.entries.find((e) => e.msg === 'sign-in off')
      expect(off).toMatchObject({ level: 'warn' })
      expect(off!.reason).toMatch(/sign-in is off/)
    } finally {
      logs.stop()
      httpServer.close()
      await chain.stop()
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
})

describe('memory stores', () => {
  contract((rememberMs) => ({
    nonces: new MemoryNonceStore({ rememberMs }),
    sessions: new MemorySessionStore(),
  }))

  it('keeps at most maxSessions: expired first, then the oldest', async () => {
    const clock = { t: 1_000_000 }
    const store = new MemorySessionStore({ now: () => clock.t, maxSessions: 3 })
    const s = (expiresAt: number) => ({ address: '0xA', expiresAt })
    await store.put('a', s(clock.t + 10))
    await store.put('b', s(clock.t + 1000))
    await store.put('c', s(clock.t + 1000))
    clock.t += 100
    await store.put('d', s(clock.t + 1000)) // a has expired: it goes
    expect(await store.get('a')).toBeNull()
    expect(store.size).toBe(3)
    await store.put('e', s(clock.t + 1000)) // none expired: the oldest (b) goes
    expect(await store.get('b')).toBeNull()
    expect(await store.get('c')).not.toBeNull()
    expect(store.size).toBe(3)
  })
})

describe.skipIf(!hasRedis)(
  `Redis stores${hasRedis ? '' : ` (skipped: redis-server is not installed: ${INSTALL})`}`,
  () => {
    let tmp: string
    let redisUrl: string
    let redis: ChildProcess | undefined
    let admin: Redis
    const opened: RedisAuth[] = []
    let n = 0

    const open = async (rememberMs: number, url = redisUrl): Promise<RedisAuth> => {
      // Each test under its own prefix, so tests cannot see each other's keys.
      const auth = await openRedisAuth(url, { rememberMs, prefix: `cq:auth:t${n++}:` })
      opened.push(auth)
      return auth
    }

    async function startRedis(port?: number): Promise<{ url: string; child: ChildProcess }> {
      port ??= await freePort()
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { cwd: tmp, stdio: 'ignore' },
      )
      const url = `redis://127.0.0.1:${port}`
      const deadline = Date.now() + 10_000
      for (;;) {
        try {
          await checkRedis(url)
          return { url, child }
        } catch (err) {
          if (Date.now() > deadline) throw err
          await sleep(50)
        }
      }
    }

    async function stopRedis(child: ChildProcess) {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-auth-redis-'))
      const started = await startRedis()
      redisUrl = started.url
      redis = started.child
      admin = new Redis(redisUrl)
    }, 20_000)

    afterAll(async () => {
      await Promise.all(opened.map((a) => a.close()))
      admin?.disconnect()
      if (redis) await stopRedis(redis)
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
    })

    contract(open)

    it('keys sessions by a hash of the token, under cq:auth:, with the session TTL', async () => {
      const auth = await openRedisAuth(redisUrl)
      opened.push(auth)
      const sessions = new Sessions(auth)
      const wallet = Wallet.createRandom()
      const { token } = await sessions.signIn(await signedFor(sessions, wallet), {
        domain: DOMAIN,
        chainId: CHAIN_ID,
      })
      const hash = createHash('sha256').update(token).digest('hex')
      const keys = await admin.keys('cq:auth:session:*')
      expect(keys).toContain(`cq:auth:session:${hash}`)
      for (const key of await admin.keys('*')) expect(key).not.toContain(token)
      const ttl = await admin.pttl(`cq:auth:session:${hash}`)
      expect(ttl).toBeGreaterThan(SESSION_TTL_MS - 60_000)
      expect(ttl).toBeLessThanOrEqual(SESSION_TTL_MS)
      expect(await admin.get(`cq:auth:session:${hash}`)).not.toContain(token)
      // A nonce lives its 5 minutes plus 5 remembered ones.
      const { nonce } = await sessions.siwe.issueNonce()
      const nonceTtl = await admin.pttl(`cq:auth:nonce:${nonce}`)
      expect(nonceTtl).toBeGreaterThan(9 * 60_000)
      expect(nonceTtl).toBeLessThanOrEqual(10 * 60_000)
    })

    it('answers AuthUnavailableError at once while Redis is down, and recovers', async () => {
      const own = await startRedis()
      const logs = captureLogs()
      const said = (msg: string) => logs.entries.filter((e) => e.msg === msg)
      const auth = await openRedisAuth(own.url, {
        prefix: 'cq:auth:outage:',
        // Longer than the test: a call left waiting for a timeout would fail it.
        commandTimeoutMs: 600_000,
      })
      opened.push(auth)
      const sessions = new Sessions(auth)
      await sessions.siwe.issueNonce()
      await stopRedis(own.child)
      await until(
        () => said('sign-in redis unavailable: sign-in answers 503').length > 0,
        'the outage line',
      )

      // Refused on the spot (no offline queue), not queued behind a reconnect or a timeout.
      const refusal = async (call: Promise<unknown>) => {
        const err = await call.then(
          () => null,
          (e: unknown) => e,
        )
        expect(err).toBeInstanceOf(AuthUnavailableError)
        return String(((err as Error).cause as Error | undefined)?.message)
      }
      const refusals = [
        await refusal(sessions.siwe.issueNonce()),
        await refusal(sessions.fromHeader(`Bearer ${'t'.repeat(43)}`)),
        await refusal(sessions.signOut(`Bearer ${'t'.repeat(43)}`)),
      ]
      for (const why of refusals) expect(why).toMatch(/enableOfflineQueue/)
      expect(said('sign-in redis unavailable: sign-in answers 503')).toHaveLength(1)

      // Back: the same connection reconnects on its own.
      const again = await startRedis(Number(new URL(own.url).port))
      const deadline = Date.now() + 10_000
      for (;;) {
        try {
          await sessions.siwe.issueNonce()
          break
        } catch (err) {
          if (Date.now() > deadline) throw err
          await sleep(100)
        }
      }
      expect(said('sign-in redis back')).toHaveLength(1)
      logs.stop()
      await auth.close()
      await stopRedis(again.child)

      // Nothing open on a Redis that is not there.
      await expect(openRedisAuth(`redis://127.0.0.1:${await freePort()}`)).rejects.toBeInstanceOf(
        AuthUnavailableError,
      )
    }, 20_000)

    it('closes its one connection', async () => {
      const count = async () =>
        String(await admin.client('LIST'))
          .trim()
          .split('\n').length
      const before = await count()
      const logs = captureLogs()
      const auth = await openRedisAuth(redisUrl)
      expect(await count()).toBe(before + 1)
      await auth.close() // resolves once the connection has ended: no event comes after it
      logs.stop()
      expect(logs.entries).toEqual([]) // a deliberate close is not an outage
      for (let i = 0; i < 400 && (await count()) !== before; i++) await sleep(25)
      expect(await count()).toBe(before)
    })
  },
)

// Sign-in bound to this site, through a whole server on loopback (no chain runs: the sign-in
// registry names one whose RPC is never called; spaces on PGlite in a temporary folder).
describe('sign-in over HTTP is bound to this site', () => {
  let tmp: string
  let server: RunningServer
  const rooms: Room[] = []

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-auth-http-'))
    writeSignInRegistry(path.join(tmp, 'registry.json'))
    server = await startServer(
      testConfig({
        PORT: '0',
        CLIENT: 'none',
        // A copied empty database, not initdb: on two busy cores this hook ran out of 60 s.
        DATA_DIR: await freshPgliteDir(path.join(tmp, 'data')),
        ...signInEnv(path.join(tmp, 'registry.json')),
      }),
    )
    await server.spaces
  }, 180_000)

  // Each test signs in from its own loopback address: the nonce route's per-client limit
  // (burst 10) would otherwise refuse the later tests.
  let from = 1
  beforeEach(() => void from++)

  afterAll(async () => {
    await Promise.all(rooms.map((r) => r.connection.isOpen && r.leave().catch(() => {})))
    await server?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  /** A request with whatever Host header an attacker likes (fetch does not let one set it). */
  function post(route: string, body: string, host?: string, token?: string) {
    return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const url = new URL(route, server.url)
      const req = http.request(
        url,
        {
          method: 'POST',
          localAddress: `127.0.0.${from}`,
          headers: {
            'content-type': 'application/json',
            ...(host && { host }),
            ...(token && { authorization: `Bearer ${token}` }),
          },
        },
        (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  async function attempt(
    w: Pick<Wallet, 'address' | 'signMessage'>,
    fields: { domain: string; uri: string; scheme?: string; expirationTime?: string },
    host?: string,
  ) {
    const { nonce, issuedAt } = (await post('/api/auth/nonce', '{}', host)).body as {
      nonce: string
      issuedAt: string
    }
    const message = buildSiweMessage({
      address: w.address,
      version: '1',
      chainId: CHAIN_ID,
      nonce,
      issuedAt,
      ...fields,
    })
    const body = JSON.stringify({ message, signature: await w.signMessage(message) })
    return post('/api/auth/verify', body, host)
  }

  const here = () => new URL(server.url).host // 127.0.0.1:<port>

  it('refuses a message naming a hostile site replayed with a forged Host header', async () => {
    // The victim signed on evil.example; the attacker replays it here, Host and all.
    const stolen = await attempt(
      wallet(1),
      { domain: 'evil.example', uri: 'https://evil.example/' },
      'evil.example',
    )
    expect(stolen).toMatchObject({ status: 401, body: { error: 'wrong_domain' } })
    expect(stolen.body['token']).toBeUndefined()
  })

  it("refuses another host, port, URI origin or scheme; accepts this server's loopback origins", async () => {
    const port = server.port
    const refused = [
      { domain: `127.0.0.1:${port + 1}`, uri: `http://127.0.0.1:${port + 1}/` },
      { domain: here(), uri: 'https://evil.example/' },
      { domain: here(), uri: `https://${here()}/` },
      { domain: here(), uri: `http://${here()}/`, scheme: 'https' },
      { domain: `192.168.1.9:${port}`, uri: `http://192.168.1.9:${port}/` },
    ]
    for (const fields of refused) {
      const r = await attempt(wallet(1), fields)
      expect(r, JSON.stringify(fields)).toMatchObject({
        status: 401,
        body: { error: 'wrong_domain' },
      })
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await attempt(wallet(1), { domain: host, uri: `http://${host}/`, scheme: 'http' })
      expect(r, host).toMatchObject({ status: 200, body: { address: wallet(1).address } })
    }
  })

  it('tells the client which origin to name, the one the browser used when it is ours', async () => {
    const chainFor = async (host: string) => {
      const res = await new Promise<string>((resolve, reject) => {
        http
          .get(new URL('/api/chain', server.url), { headers: { host } }, (r) => {
            let text = ''
            r.on('data', (d: Buffer) => (text += d.toString()))
            r.on('end', () => resolve(text))
          })
          .on('error', reject)
      })
      return (JSON.parse(res) as { siwe: { domain: string; uri: string; origins: string[] } }).siwe
    }
    const port = server.port
    expect(await chainFor(`localhost:${port}`)).toMatchObject({
      domain: `localhost:${port}`,
      uri: `http://localhost:${port}/`,
    })
    const forged = await chainFor('evil.example')
    expect(forged).toMatchObject({ domain: `127.0.0.1:${port}`, uri: `http://127.0.0.1:${port}/` })
    expect(forged.origins).toEqual([
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
    ])
  })

  it("ends the session at the message's Expiration Time when that comes first", async () => {
    const inTenMinutes = new Date(Date.now() + 10 * 60_000)
    const r = await attempt(wallet(1), {
      domain: here(),
      uri: `http://${here()}/`,
      expirationTime: inTenMinutes.toISOString(),
    })
    expect(r.status).toBe(200)
    expect(r.body['expiresAt']).toBe(inTenMinutes.toISOString())
    const session = await (
      await fetch(new URL('/api/auth/session', server.url), {
        headers: { authorization: `Bearer ${r.body['token'] as string}` },
      })
    ).json()
    expect(session).toMatchObject({ expiresAt: inTenMinutes.toISOString() })
  })

  it('signing out unbinds the room seats that authenticated with that token', async () => {
    const token = (await attempt(wallet(2), { domain: here(), uri: `http://${here()}/` })).body[
      'token'
    ] as string
    const other = (await attempt(wallet(3), { domain: here(), uri: `http://${here()}/` })).body[
      'token'
    ] as string
    const join = async (t: string) => {
      const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate('world', {
        world: 'cangqiong',
        name: 'Signer',
      })
      rooms.push(room)
      const inbox = {
        authed: [] as unknown[],
        error: [] as ServerMessages['error'][],
        ok: [] as ServerMessages['space.ok'][],
      }
      room.onMessage('authed', (m) => inbox.authed.push(m))
      room.onMessage('space.ok', (m: ServerMessages['space.ok']) => inbox.ok.push(m))
      room.onMessage('error', (m: ServerMessages['error']) => inbox.error.push(m))
      room.onMessage('*', () => {})
      room.send('auth', { token: t })
      await until(() => inbox.authed.length > 0 || inbox.error.length > 0)
      expect(inbox.error).toEqual([])
      return { room, inbox }
    }
    const [seat, bystander] = [await join(token), await join(other)]

    expect((await post('/api/auth/logout', '{}', undefined, token)).status).toBe(200)
    await until(() => seat.inbox.error.find((e) => e.type === 'auth'))
    expect(seat.inbox.error[0]).toMatchObject({ code: 'bad_token', type: 'auth' })

    seat.room.send('space.claim', { space: 'lakeside-gallery' })
    const refused = await until(() => seat.inbox.error.find((e) => e.type === 'space.claim'))
    expect(refused.code).toBe('not_signed_in')
    // Another wallet's seat keeps its address.
    bystander.room.send('space.history', { space: 'lakeside-gallery' })
    await until(() => bystander.inbox.ok.length > 0 || bystander.inbox.error.length > 0)
    expect(bystander.inbox.error.filter((e) => e.code === 'not_signed_in')).toEqual([])
  })
})
