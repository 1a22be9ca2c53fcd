// Tests only: the server's settings for a test server. Voice is off unless the test turns it
// on (`VOICE: 'on'`): with it on, every server starts an embedded Janus, which the tests that
// do not use voice would wait for at each stop and share the CPU with. Builder worlds' thumbnails
// are maps: no test server starts headless Chromium (server/headless/browser.test.ts does).
// The embedded chain is one chain (DEV_CHAINS=1) unless a test asks for the partner chain too.
import { loadConfig, type Config } from './config'

export function testConfig(env: NodeJS.ProcessEnv): Config {
  return loadConfig({ VOICE: 'off', THUMBNAILS: 'off', DEV_CHAINS: '1', ...env })
}
