// Server configuration from environment variables, with the embedded defaults `npm start` uses.
// Every variable is documented in README.md; a bad value stops start-up with a clear message.
import path from 'node:path'

export type ClientMode = 'dev' | 'dist' | 'none'

export interface Config {
  host: string
  port: number
  /** Port of Vite's hot-reload socket in dev mode (Colyseus owns upgrades on `port`). */
  hmrPort: number
  client: ClientMode
  distDir: string
  dataDir: string
  rootDir: string
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return n
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, rootDir = process.cwd()): Config {
  const port = int(env, 'PORT', 2567, 0, 65535)
  const client = (env.CLIENT ?? 'dev') as ClientMode
  if (!['dev', 'dist', 'none'].includes(client)) {
    throw new ConfigError(`CLIENT must be one of dev, dist, none; got "${env.CLIENT}"`)
  }
  return {
    host: env.HOST || '127.0.0.1',
    port,
    hmrPort: int(env, 'HMR_PORT', port === 0 ? 0 : port + 1, 0, 65535),
    client,
    distDir: path.resolve(rootDir, env.DIST_DIR || 'dist'),
    dataDir: path.resolve(rootDir, env.DATA_DIR || 'data'),
    rootDir,
  }
}
