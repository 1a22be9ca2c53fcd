import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type http from 'node:http'
import { ConfigError, loadConfig } from './config'
import { clientAddress, limitKey } from './httpKit'

/** A request as clientAddress sees it: the socket's peer and the headers. */
function request(peer: string, forwardedFor?: string) {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as http.IncomingMessage
}

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({}, '/r')
    expect(c).toMatchObject({ host: '127.0.0.1', port: 2567, hmrPort: 2568, client: 'dev' })
    expect(c.dataDir).toBe(path.resolve('/r/data'))
  })

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        HMR_PORT: '9000',
        HOST: '0.0.0.0',
        CLIENT: 'dist',
        DATA_DIR: '/d',
        DIST_DIR: 'out',
      },
      '/r',
    )
    expect(c).toMatchObject({
      port: 8080,
      hmrPort: 9000,
      host: '0.0.0.0',
      client: 'dist',
      dataDir: '/d',
    })
    expect(c.distDir).toBe(path.resolve('/r/out'))
  })

  it('rejects bad values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be an integer/)
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError)
    expect(() => loadConfig({ CLIENT: 'prod' })).toThrow(/CLIENT must be one of/)
    expect(() => loadConfig({ THUMBNAILS: 'yes' })).toThrow(/THUMBNAILS must be auto or off/)
    expect([loadConfig({}).thumbnails, loadConfig({ THUMBNAILS: 'off' }).thumbnails]).toEqual([
      'auto',
      'off',
    ])
  })

  it('reads PUBLIC_ORIGIN as a list of origins, and SIWE_DOMAIN as its deprecated https form', () => {
    expect(loadConfig({}).chain.publicOrigins).toBeUndefined()
    expect(
      loadConfig({ PUBLIC_ORIGIN: 'https://CQ.example.com/, http://10.0.0.5:2567 ,' }).chain,
    ).toMatchObject({ publicOrigins: ['https://cq.example.com', 'http://10.0.0.5:2567'] })
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://cq.example.com:443' }).chain.publicOrigins).toEqual(
      ['https://cq.example.com'],
    )
    for (const bad of [
      'cq.example.com',
      'ftp://cq.example.com',
      'https://cq.example.com/play',
      'https://cq.example.com?x=1',
      'https://u:p@cq.example.com',
      'https://',
    ]) {
      expect(() => loadConfig({ PUBLIC_ORIGIN: bad }), bad).toThrow(/PUBLIC_ORIGIN: each origin/)
    }
    expect(() => loadConfig({ PUBLIC_ORIGIN: Array(17).fill('http://a.b').join(',') })).toThrow(
      /at most 16/,
    )
    expect(loadConfig({ SIWE_DOMAIN: 'cq.example.com' }).chain).toMatchObject({
      publicOrigins: ['https://cq.example.com'],
      siweDomain: 'cq.example.com',
    })
    expect(() =>
      loadConfig({ SIWE_DOMAIN: 'cq.example.com', PUBLIC_ORIGIN: 'https://cq.example.com' }),
    ).toThrow(/SIWE_DOMAIN is replaced by PUBLIC_ORIGIN/)
  })

  it('runs as one process without REDIS_URL', () => {
    const c = loadConfig({})
    expect(c.redisUrl).toBeUndefined()
    expect(c.publicAddress).toBeUndefined()
  })

  it('derives PUBLIC_ADDRESS from HOST and PORT when REDIS_URL is set', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', PORT: '2569' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      publicAddress: '127.0.0.1:2569',
    })
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@r.example:6380/2', HOST: '::1' })).toMatchObject({
      redisUrl: 'rediss://u:p@r.example:6380/2',
      publicAddress: '[::1]:2567',
    })
  })

  it('takes PUBLIC_ADDRESS as given', () => {
    const redis = { REDIS_URL: 'redis://localhost' }
    for (const address of ['game.example.org', '10.0.0.5:2567', '[fd00::5]:80', 'g.example/n1']) {
      expect(loadConfig({ ...redis, PUBLIC_ADDRESS: address }).publicAddress).toBe(address)
    }
    expect(
      loadConfig({ ...redis, PORT: '0', HOST: '0.0.0.0', PUBLIC_ADDRESS: '192.168.1.9:2567' })
        .publicAddress,
    ).toBe('192.168.1.9:2567')
  })

  it('rejects Redis settings that cannot work', () => {
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(
      /REDIS_URL must start with redis:\/\/ or rediss:\/\//,
    )
    expect(() => loadConfig({ REDIS_URL: 'http://localhost:6379' })).toThrow(ConfigError)
    expect(() => loadConfig({ REDIS_URL: 'redis://localhost', PORT: '0' })).toThrow(
      /set PUBLIC_ADDRESS/,
    )
    expect(() => loadConfig({ REDIS_URL: 'redis://localhost', HOST: '0.0.0.0' })).toThrow(
      /set PUBLIC_ADDRESS/,
    )
    for (const address of ['ws://h:1', 'h:port', 'a b:1', 'h:123456']) {
      expect(() => loadConfig({ REDIS_URL: 'redis://localhost', PUBLIC_ADDRESS: address })).toThrow(
        /PUBLIC_ADDRESS must be host:port/,
      )
    }
  })

  it('reads room capacity and interest management', () => {
    const d = loadConfig({})
    expect(d.maxClients).toBe(100)
    expect(d.interest).toEqual({ radius: 40, max: 32 })
    const c = loadConfig({ MAX_CLIENTS: '500', AOI_RADIUS: '25', AOI_MAX: '16' })
    expect(c.maxClients).toBe(500)
    expect(c.interest).toEqual({ radius: 25, max: 16 })
    expect(loadConfig({ AOI: 'off' }).interest).toBeNull()
  })

  it('reads space assignments and refuses malformed ones', () => {
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    expect(
      loadConfig({ SPACE_ASSIGN: `block-park-village/village-plot-1=${address}` }).spaces.assign,
    ).toEqual([{ world: 'block-park-village', space: 'village-plot-1', address }])
    expect(() => loadConfig({ SPACE_ASSIGN: 'village-plot-1=0x12' })).toThrow(/SPACE_ASSIGN/)
    expect(loadConfig({}).spaces).toMatchObject({
      limitPerAddress: 1,
      recheckMs: 300_000,
      claimTtlMs: 86_400_000,
      assign: [],
    })
    expect(loadConfig({ SPACE_TTL_S: '0' }).spaces.claimTtlMs).toBe(0)
    expect(loadConfig({}).eventsPerHour).toBe(60)
    expect(loadConfig({ EVENTS_PER_HOUR: '5' }).eventsPerHour).toBe(5)
    expect(() => loadConfig({ EVENTS_PER_HOUR: '0' })).toThrow(/EVENTS_PER_HOUR/)
    expect(loadConfig({}).kickMinutes).toBe(10)
    expect(loadConfig({}).reconnectS).toBe(20)
    expect(loadConfig({ RECONNECT_SECONDS: '8' }).reconnectS).toBe(8)
    expect(() => loadConfig({ RECONNECT_SECONDS: '0' })).toThrow(/RECONNECT_SECONDS/)
    expect(loadConfig({ KICK_MINUTES: '0' }).kickMinutes).toBe(0)
    expect(() => loadConfig({ KICK_MINUTES: 'soon' })).toThrow(/KICK_MINUTES/)
    expect(() => loadConfig({ SPACE_TTL_S: '-1' })).toThrow(/SPACE_TTL_S/)
    expect(() => loadConfig({ AOI: 'maybe' })).toThrow(/AOI must be on or off/)
    expect(() => loadConfig({ MAX_CLIENTS: '0' })).toThrow(/MAX_CLIENTS/)
  })

  it('reads the per-address limits', () => {
    expect(loadConfig({}).limits).toEqual({
      matchmakePerSecond: 10,
      matchmakeBurst: 40,
      seatsPerAddress: 16,
      connectionsPerAddress: 50,
    })
    expect(
      loadConfig({
        MATCHMAKE_RATE: '100',
        MATCHMAKE_BURST: '2000',
        SEATS_PER_IP: '2000',
        SOCKETS_PER_IP: '5000',
      }).limits,
    ).toEqual({
      matchmakePerSecond: 100,
      matchmakeBurst: 2000,
      seatsPerAddress: 2000,
      connectionsPerAddress: 5000,
    })
    expect(() => loadConfig({ SEATS_PER_IP: '0' })).toThrow(/SEATS_PER_IP/)
    expect(() => loadConfig({ SOCKETS_PER_IP: 'many' })).toThrow(/SOCKETS_PER_IP/)
  })

  it('reads TRUST_PROXY as a hop count or trusted ranges, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBeNull()
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 })
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1, loopback' }).trustProxy).toMatchObject({
      text: '10.0.0.0/8, ::1, loopback',
    })
    for (const bad of ['0', '17', 'true', '10.0.0.0/33', '::/129', 'example.com', '1.2.3/8']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })

  it('finds the client: the socket without TRUST_PROXY, X-Forwarded-For only as trusted', () => {
    const none = loadConfig({}).trustProxy
    expect(clientAddress(request('::ffff:127.0.0.1', '203.0.113.9'), none)).toBe('127.0.0.1')

    // Hop count: the Nth entry from the right; fewer entries, the leftmost.
    const one = loadConfig({ TRUST_PROXY: '1' }).trustProxy
    const two = loadConfig({ TRUST_PROXY: '2' }).trustProxy
    const chain = '198.51.100.7, 203.0.113.9, 192.0.2.1'
    expect(clientAddress(request('10.0.0.2', chain), one)).toBe('192.0.2.1')
    expect(clientAddress(request('10.0.0.2', chain), two)).toBe('203.0.113.9')
    expect(clientAddress(request('10.0.0.2', '203.0.113.9'), two)).toBe('203.0.113.9')
    expect(clientAddress(request('10.0.0.2'), one)).toBe('10.0.0.2')
    expect(clientAddress(request('10.0.0.2', 'not-an-ip'), one)).toBe('10.0.0.2')
    expect(clientAddress(request('10.0.0.2', '[2001:db8::1]:443'), one)).toBe('2001:db8::1')

    // Ranges: walk from the right past trusted proxies; a forged entry beyond the client is
    // never reached, and an untrusted peer's header is ignored.
    const ranges = loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy
    const forged = '1.1.1.1, 203.0.113.9, 10.0.0.3'
    expect(clientAddress(request('10.0.0.2', forged), ranges)).toBe('203.0.113.9')
    expect(clientAddress(request('198.51.100.7', forged), ranges)).toBe('198.51.100.7')
    expect(clientAddress(request('10.0.0.2', '10.0.0.9, 10.0.0.3'), ranges)).toBe('10.0.0.9')
  })

  it('counts IPv6 clients by /64', () => {
    expect(limitKey('203.0.113.9')).toBe('203.0.113.9')
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(limitKey('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64')
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(limitKey('::1')).toBe('0:0:0:0::/64')
  })

  it('reads the operations settings: metrics token, log level, drain bound', () => {
    expect(loadConfig({}).ops).toEqual({
      metricsToken: undefined,
      logLevel: 'info',
      drainTimeoutS: 10,
    })
    const token = 'a'.repeat(16)
    expect(
      loadConfig({ METRICS_TOKEN: token, LOG_LEVEL: 'debug', DRAIN_TIMEOUT_S: '30' }).ops,
    ).toEqual({ metricsToken: token, logLevel: 'debug', drainTimeoutS: 30 })
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 16/)
    expect(() => loadConfig({ METRICS_TOKEN: `${token} x` })).toThrow(/METRICS_TOKEN/)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/)
    expect(() => loadConfig({ DRAIN_TIMEOUT_S: '0' })).toThrow(/DRAIN_TIMEOUT_S/)
  })

  it('reads the live stage settings: relays and the RTP address of this process', () => {
    expect(loadConfig({}).stage).toEqual({ relays: 0, rtpHost: '127.0.0.1' })
    expect(loadConfig({ JANUS_RELAYS: '1', JANUS_RTP_HOST: '10.0.0.7' }).stage).toEqual({
      relays: 1,
      rtpHost: '10.0.0.7',
    })
    expect(() => loadConfig({ JANUS_RELAYS: '-1' })).toThrow(/JANUS_RELAYS must be an integer/)
    expect(() => loadConfig({ JANUS_RELAYS: '1', VOICE: 'off' })).toThrow(/unset VOICE=off/)
    expect(() => loadConfig({ JANUS_RTP_HOST: 'janus.local' })).toThrow(/JANUS_RTP_HOST/)
    expect(() => loadConfig({ JANUS_RTP_HOST: '10.0.0.300' })).toThrow(/JANUS_RTP_HOST/)
  })

  it('reads the voice settings: embedded, external Janus with its secrets, or off', () => {
    expect(loadConfig({}).voice).toEqual({ mode: 'embedded' })
    expect(loadConfig({ JANUS_BIN: '/opt/janus/bin/janus' }).voice).toEqual({
      mode: 'embedded',
      binary: '/opt/janus/bin/janus',
    })
    expect(loadConfig({ VOICE: 'off', JANUS_URL: 'nonsense' }).voice).toEqual({ mode: 'off' })
    const secret = 's'.repeat(16)
    const key = 'k'.repeat(16)
    const ext = {
      JANUS_URL: 'ws://10.0.0.5:8188',
      JANUS_TOKEN_SECRET: secret,
      JANUS_ADMIN_KEY: key,
    }
    expect(loadConfig(ext).voice).toEqual({
      mode: 'external',
      url: 'ws://10.0.0.5:8188',
      publicUrl: 'ws://10.0.0.5:8188',
      tokenSecret: secret,
      adminKey: key,
    })
    expect(
      loadConfig({ ...ext, JANUS_PUBLIC_URL: 'wss://voice.example.com/janus' }).voice,
    ).toMatchObject({ publicUrl: 'wss://voice.example.com/janus' })
    expect(() => loadConfig({ VOICE: 'maybe' })).toThrow(/VOICE must be on or off/)
    expect(() => loadConfig({ ...ext, JANUS_URL: 'http://x:8088' })).toThrow(
      /JANUS_URL is the WebSocket URL/,
    )
    expect(() => loadConfig({ ...ext, JANUS_TOKEN_SECRET: '' })).toThrow(
      /JANUS_URL needs JANUS_TOKEN_SECRET/,
    )
    expect(() => loadConfig({ ...ext, JANUS_ADMIN_KEY: 'short' })).toThrow(
      /JANUS_ADMIN_KEY must be 16/,
    )
    expect(() => loadConfig({ JANUS_TOKEN_SECRET: secret })).toThrow(/set JANUS_URL too/)
  })
})
