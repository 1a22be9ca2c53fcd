import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import {
  MemoryNonceStore,
  SiweError,
  SiweVerifier,
  buildSiweMessage,
  parseSiweMessage,
  parseSiweTime,
  type SiweErrorCode,
  type SiweFields,
} from './siwe'

const DOMAIN = 'cangqiong.example:2567'
const CHAIN = 31337
const T0 = Date.parse('2025-05-01T08:00:00.000Z')

function clock(start = T0) {
  const c = { t: start, now: () => c.t }
  return c
}

function fieldsFor(address: string, nonce: string, extra: Partial<SiweFields> = {}): SiweFields {
  return {
    domain: DOMAIN,
    address,
    statement: 'Sign in to Cangqiong (苍穹) with this wallet.',
    uri: `http://${DOMAIN}/`,
    version: '1',
    chainId: CHAIN,
    nonce,
    issuedAt: new Date(T0).toISOString(),
    ...extra,
  }
}

async function signed(wallet: Pick<Wallet, 'signMessage'>, fields: SiweFields) {
  const message = buildSiweMessage(fields)
  return { message, signature: await wallet.signMessage(message) }
}

function codeOf(fn: () => unknown): SiweErrorCode {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(SiweError)
    return (err as SiweError).code
  }
  throw new Error('expected a SiweError')
}

async function rejection(p: Promise<unknown>): Promise<SiweErrorCode> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(SiweError)
    return (err as SiweError).code
  }
  throw new Error('expected a SiweError')
}

const expectation = { domain: DOMAIN, chainId: CHAIN }

describe('buildSiweMessage / parseSiweMessage', () => {
  const address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'

  it('writes the EIP-4361 layout', () => {
    const text = buildSiweMessage({
      domain: 'service.org',
      address: address.toLowerCase(),
      statement: 'I accept the ServiceOrg Terms of Service: https://service.org/tos',
      uri: 'https://service.org/login',
      version: '1',
      chainId: 1,
      nonce: '32891756',
      issuedAt: '2021-09-30T16:25:24Z',
      resources: [
        'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
        'https://example.com/my-web2-claim.json',
      ],
    })
    expect(text).toBe(
      [
        'service.org wants you to sign in with your Ethereum account:',
        address,
        '',
        'I accept the ServiceOrg Terms of Service: https://service.org/tos',
        '',
        'URI: https://service.org/login',
        'Version: 1',
        'Chain ID: 1',
        'Nonce: 32891756',
        'Issued At: 2021-09-30T16:25:24Z',
        'Resources:',
        '- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
        '- https://example.com/my-web2-claim.json',
      ].join('\n'),
    )
  })

  it('writes three line breaks when there is no statement', () => {
    const text = buildSiweMessage({ ...fieldsFor(address, 'abcdefgh'), statement: undefined })
    expect(text).toContain(`${address}\n\n\nURI: `)
    expect(parseSiweMessage(text).statement).toBeUndefined()
  })

  it('round-trips every optional field', () => {
    const full: SiweFields = {
      scheme: 'https',
      domain: 'user@example.com:8443',
      address,
      statement: 'Sign in: read & write ($5 fee?) #1 [ok] 苍穹',
      uri: 'did:pkh:eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      version: '1',
      chainId: 5555,
      nonce: 'Zx81bQ2mP0kLr9aA',
      issuedAt: '2025-05-01T08:00:00.123Z',
      expirationTime: '2025-05-01T09:00:00+08:00',
      notBefore: '2025-05-01t07:59:00z',
      requestId: "req-1._~!$&'()*+,;=:@%20",
      resources: ['https://example.com/a?b=c#d', 'ipfs://bafy/x'],
    }
    expect(parseSiweMessage(buildSiweMessage(full))).toEqual(full)
    const minimal: SiweFields = {
      domain: 'localhost',
      address,
      uri: 'http://localhost/',
      version: '1',
      chainId: 1,
      nonce: '12345678',
      issuedAt: '2025-05-01T08:00:00Z',
    }
    expect(parseSiweMessage(buildSiweMessage(minimal))).toEqual(minimal)
    for (const extra of [
      { requestId: '' },
      { resources: [] },
      { expirationTime: '2030-01-01T00:00:00Z' },
      { notBefore: '2020-01-01T00:00:00Z' },
      { scheme: 'http' },
    ]) {
      const f = { ...minimal, ...extra }
      expect(parseSiweMessage(buildSiweMessage(f))).toEqual(f)
    }
  })

  it('refuses to build from bad fields', () => {
    const ok = fieldsFor(address, 'abcdefgh')
    for (const bad of [
      { nonce: 'short' },
      { nonce: 'has-dash-123' },
      { statement: 'two\nlines' },
      { statement: '' },
      { statement: 'rtl \u202e override' },
      { domain: 'a b' },
      { uri: 'not a uri' },
      { issuedAt: '2025-02-30T00:00:00Z' },
      { issuedAt: '2025-05-01 08:00:00Z' },
      { chainId: 0 },
      { resources: ['fine:x', 'bad uri'] },
      { address: '0x1234' },
      { address: address.replace('C02', 'c02') },
    ]) {
      expect(
        codeOf(() => buildSiweMessage({ ...ok, ...bad })),
        JSON.stringify(bad),
      ).toBe('bad_message')
    }
  })

  it('parses strictly', () => {
    const good = buildSiweMessage(fieldsFor(address, 'abcdefgh', { requestId: 'r1' }))
    const variants = [
      '',
      'hello',
      `${good}\n`,
      good.replace(/\n/g, '\r\n'),
      good.replace('wants you to sign in', 'would like you to sign in'),
      good.replace(address, address.toLowerCase()),
      good.replace('Version: 1', 'Version: 2'),
      good.replace('Chain ID: 31337', 'Chain ID: 031337'),
      good.replace('Chain ID: 31337', 'Chain ID: 0x7a69'),
      good.replace('Nonce: abcdefgh', 'Nonce: abc'),
      good.replace('Issued At: ', 'Issued At:  '),
      good.replace(/\nVersion: 1/, ''),
      good.replace('Request ID: r1', 'Request ID: r 1'),
      // Optional fields out of order.
      good.replace('Request ID: r1', 'Request ID: r1\nExpiration Time: 2030-01-01T00:00:00Z'),
      `${good}\nResources:\n- https://a.example/\nextra`,
      'x'.repeat(20_000),
    ]
    for (const text of variants) {
      expect(
        codeOf(() => parseSiweMessage(text)),
        JSON.stringify(text.slice(0, 80)),
      ).toBe('bad_message')
    }
  })

  it('reads RFC 3339 times', () => {
    expect(parseSiweTime('2025-05-01T08:00:00Z')).toBe(T0)
    expect(parseSiweTime('2025-05-01T16:00:00+08:00')).toBe(T0)
    expect(parseSiweTime('2025-05-01T08:00:00.5Z')).toBe(T0 + 500)
    expect(parseSiweTime('2024-02-29T00:00:00Z')).not.toBeNaN()
    for (const bad of [
      '2025-02-29T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-05-01T24:00:00Z',
      '2025-05-01T08:00:00',
      '2025-05-01T08:00Z',
      '2025-05-01T08:00:00+0800',
    ]) {
      expect(parseSiweTime(bad), bad).toBeNaN()
    }
  })
})

describe('SiweVerifier', () => {
  it('signs in a wallet that signed a message with a fresh nonce', async () => {
    const c = clock()
    const v = new SiweVerifier({ now: c.now })
    const wallet = Wallet.createRandom()
    const n = await v.issueNonce()
    expect(n.nonce).toMatch(/^[A-Za-z0-9]{22}$/)
    expect(n.issuedAt).toBe(new Date(T0).toISOString())
    expect(Date.parse(n.expiresAt) - T0).toBe(5 * 60_000)
    const body = await signed(
      wallet,
      fieldsFor(wallet.address, n.nonce, { issuedAt: n.issuedAt, expirationTime: n.expiresAt }),
    )
    c.t += 10_000
    const result = await v.verify(body, { ...expectation, uri: `http://${DOMAIN}/login` })
    expect(result.address).toBe(wallet.address)
    expect(result.nonce).toBe(n.nonce)
    expect(result.expiresAt).toBe(T0 + 5 * 60_000)
    expect(result.fields.chainId).toBe(CHAIN)
  })

  it('refuses a signature from another wallet, and spends the nonce', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const alice = Wallet.createRandom()
    const mallory = Wallet.createRandom()
    const n = await v.issueNonce()
    const message = buildSiweMessage(fieldsFor(alice.address, n.nonce))
    const forged = { message, signature: await mallory.signMessage(message) }
    expect(await rejection(v.verify(forged, expectation))).toBe('bad_signature')
    // Alice's real signature now finds the nonce spent.
    const real = { message, signature: await alice.signMessage(message) }
    expect(await rejection(v.verify(real, expectation))).toBe('nonce_used')
  })

  it('refuses a tampered message', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const wallet = Wallet.createRandom()
    const n = await v.issueNonce()
    const body = await signed(wallet, fieldsFor(wallet.address, n.nonce))
    const tampered = {
      ...body,
      message: body.message.replace('Sign in to Cangqiong', 'Sign in to Cangqiang'),
    }
    expect(await rejection(v.verify(tampered, expectation))).toBe('bad_signature')
    expect(
      await rejection(v.verify({ ...body, signature: '0x1234' }, expectation)),
      'malformed signature',
    ).toBe('nonce_used')
    const n2 = await v.issueNonce()
    const body2 = await signed(wallet, fieldsFor(wallet.address, n2.nonce))
    expect(await rejection(v.verify({ ...body2, signature: '0x1234' }, expectation))).toBe(
      'bad_signature',
    )
  })

  it('refuses a replayed nonce', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const wallet = Wallet.createRandom()
    const n = await v.issueNonce()
    const body = await signed(wallet, fieldsFor(wallet.address, n.nonce))
    expect((await v.verify(body, expectation)).address).toBe(wallet.address)
    expect(await rejection(v.verify(body, expectation))).toBe('nonce_used')
  })

  it('refuses an expired nonce and an unknown one', async () => {
    const c = clock()
    const v = new SiweVerifier({ now: c.now, nonceTtlMs: 60_000 })
    const wallet = Wallet.createRandom()
    const n = await v.issueNonce()
    const body = await signed(wallet, fieldsFor(wallet.address, n.nonce))
    c.t += 60_000
    expect(await rejection(v.verify(body, expectation))).toBe('nonce_expired')
    expect(await rejection(v.verify(body, expectation))).toBe('nonce_used')
    const made = await signed(wallet, fieldsFor(wallet.address, 'madeUpNonce123'))
    expect(await rejection(v.verify(made, expectation))).toBe('unknown_nonce')
    // Long after, the spent nonce is forgotten altogether.
    c.t += 10 * 60_000
    await v.issueNonce()
    expect(await rejection(v.verify(body, expectation))).toBe('unknown_nonce')
  })

  it('refuses a message for another domain, URI or chain', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const wallet = Wallet.createRandom()
    const cases: [Partial<SiweFields>, SiweErrorCode, object?][] = [
      [{ domain: 'evil.example' }, 'wrong_domain'],
      [{ domain: 'cangqiong.example' }, 'wrong_domain'],
      [{ uri: 'https://evil.example/' }, 'wrong_domain', { uri: `http://${DOMAIN}/` }],
      [{ scheme: 'http' }, 'wrong_domain', { scheme: 'https' }],
      [{ chainId: 1 }, 'wrong_chain'],
    ]
    for (const [extra, code, expect2] of cases) {
      const n = await v.issueNonce()
      const body = await signed(wallet, fieldsFor(wallet.address, n.nonce, extra))
      expect(await rejection(v.verify(body, { ...expectation, ...expect2 })), code).toBe(code)
      // Named, so spent.
      expect(await rejection(v.verify(body, { ...expectation, ...expect2 }))).toBe('nonce_used')
    }
    const n = await v.issueNonce()
    const upper = await signed(
      wallet,
      fieldsFor(wallet.address, n.nonce, { domain: DOMAIN.toUpperCase() }),
    )
    expect((await v.verify(upper, expectation)).address).toBe(wallet.address)
  })

  it('binds a message to the origins this server signs in for: domain, scheme and URI', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const wallet = Wallet.createRandom()
    const site = {
      origins: ['https://cq.example.com', 'http://127.0.0.1:2567', 'http://[::1]:2567'],
      chainId: CHAIN,
    }
    const at = (domain: string, uri: string, scheme?: string): Partial<SiweFields> => ({
      domain,
      uri,
      ...(scheme !== undefined && { scheme }),
    })
    const refused: Partial<SiweFields>[] = [
      at('evil.example', 'https://evil.example/'),
      at('cq.example.com.evil.example', 'https://cq.example.com/'),
      at('evil@cq.example.com', 'https://cq.example.com/'),
      at('cq.example.com:8443', 'https://cq.example.com:8443/'),
      at('127.0.0.1:2568', 'http://127.0.0.1:2568/'),
      at('cq.example.com', 'https://evil.example/'),
      at('cq.example.com', 'http://cq.example.com/'), // the right host over the wrong scheme
      at('cq.example.com', 'https://cq.example.com/', 'http'),
      at('127.0.0.1:2567', 'https://127.0.0.1:2567/'),
      at('cq.example.com', 'did:pkh:eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'),
    ]
    for (const extra of refused) {
      const n = await v.issueNonce()
      const body = await signed(wallet, fieldsFor(wallet.address, n.nonce, extra))
      expect(await rejection(v.verify(body, site)), JSON.stringify(extra)).toBe('wrong_domain')
    }
    const accepted: Partial<SiweFields>[] = [
      at('cq.example.com', 'https://cq.example.com/'),
      at('CQ.Example.com:443', 'https://cq.example.com/login?x=1', 'https'),
      at('127.0.0.1:2567', 'http://127.0.0.1:2567/'),
      at('[::1]:2567', 'http://[::1]:2567/', 'http'),
    ]
    for (const extra of accepted) {
      const n = await v.issueNonce()
      const body = await signed(wallet, fieldsFor(wallet.address, n.nonce, extra))
      expect((await v.verify(body, site)).address, JSON.stringify(extra)).toBe(wallet.address)
    }
    // No origin at all: nothing is accepted.
    const n = await v.issueNonce()
    const body = await signed(wallet, fieldsFor(wallet.address, n.nonce, accepted[0]))
    expect(await rejection(v.verify(body, { origins: [], chainId: CHAIN }))).toBe('wrong_domain')
  })

  it('honours Expiration Time, Not Before and Issued At', async () => {
    const c = clock()
    const v = new SiweVerifier({ now: c.now, clockSkewMs: 1000 })
    const wallet = Wallet.createRandom()
    const iso = (t: number) => new Date(t).toISOString()
    const cases: [Partial<SiweFields>, SiweErrorCode][] = [
      [{ expirationTime: iso(T0) }, 'message_expired'],
      [{ notBefore: iso(T0 + 60_000) }, 'not_yet_valid'],
      [{ issuedAt: iso(T0 + 60_000) }, 'not_yet_valid'],
    ]
    for (const [extra, code] of cases) {
      const n = await v.issueNonce()
      const body = await signed(wallet, fieldsFor(wallet.address, n.nonce, extra))
      expect(await rejection(v.verify(body, expectation)), code).toBe(code)
    }
    const n = await v.issueNonce()
    const fine = await signed(
      wallet,
      fieldsFor(wallet.address, n.nonce, {
        notBefore: iso(T0 + 500),
        expirationTime: iso(T0 + 1),
      }),
    )
    expect((await v.verify(fine, expectation)).expiresAt).toBe(T0 + 1)
  })

  it('refuses malformed messages without touching any nonce', async () => {
    const v = new SiweVerifier({ now: clock().now })
    for (const message of ['', 'hello', '\u0000'.repeat(100), 'x'.repeat(1e6)]) {
      expect(await rejection(v.verify({ message, signature: '0x' }, expectation))).toBe(
        'bad_message',
      )
    }
    const junk = { message: 42, signature: null } as unknown as {
      message: string
      signature: string
    }
    expect(await rejection(v.verify(junk, expectation))).toBe('bad_message')
    const none = null as unknown as { message: string; signature: string }
    expect(await rejection(v.verify(none, expectation))).toBe('bad_message')
  })

  it('keeps the nonce store bounded', async () => {
    const c = clock()
    const nonces = new MemoryNonceStore({ maxNonces: 100, rememberMs: 1000 })
    const v = new SiweVerifier({ now: c.now, nonceTtlMs: 1000, nonces })
    const first = (await v.issueNonce()).nonce
    for (let i = 0; i < 1000; i++) await v.issueNonce()
    expect(nonces.size).toBe(100)
    // Under a flood, the oldest pending nonce made room.
    const body = { message: buildSiweMessage(fieldsFor(Wallet.createRandom().address, first)) }
    expect(await rejection(v.verify({ ...body, signature: '0x' }, expectation))).toBe(
      'unknown_nonce',
    )
    // Expired ones are swept once they are a TTL past expiry.
    c.t += 2000
    await v.issueNonce()
    expect(nonces.size).toBe(1)
    const issued = await Promise.all(Array.from({ length: 50 }, () => v.issueNonce()))
    expect(new Set(issued.map((n) => n.nonce)).size).toBe(50)
  })

  it('spends a nonce once when two verifications race for it', async () => {
    const v = new SiweVerifier({ now: clock().now })
    const wallet = Wallet.createRandom()
    const n = await v.issueNonce()
    const body = await signed(wallet, fieldsFor(wallet.address, n.nonce))
    const outcomes = await Promise.allSettled([
      v.verify(body, expectation),
      v.verify(body, expectation),
    ])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected'])
  })

  it('passes on a nonce store that cannot be reached', async () => {
    const down = new Error('store down')
    const v = new SiweVerifier({
      now: clock().now,
      nonces: { add: () => Promise.reject(down), spend: () => Promise.reject(down) },
    })
    await expect(v.issueNonce()).rejects.toBe(down)
    const wallet = Wallet.createRandom()
    const body = await signed(wallet, fieldsFor(wallet.address, 'someNonce123'))
    await expect(v.verify(body, expectation)).rejects.toBe(down)
  })
})
