import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

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
      assign: [],
    })
    expect(() => loadConfig({ AOI: 'maybe' })).toThrow(/AOI must be on or off/)
    expect(() => loadConfig({ MAX_CLIENTS: '0' })).toThrow(/MAX_CLIENTS/)
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
})
