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
})
