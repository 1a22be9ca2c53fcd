// Tests only: a whole server for the event, limit and seat tests (kept out of testKit.ts, which
// the e2e specs import too and which must stay free of the server's modules).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Stage } from '../../src/protocol/scene'
import { startServer, type RunningServer } from '../app'
import { freshPgliteDir } from '../db/testPglite'
import { testConfig } from '../testConfig'
import { signInEnv, writeSignInRegistry } from './testKit'
import { writeTestScenes } from './testScenes'

/**
 * A whole server in a fresh temporary folder: the test scenes, sign-in without a chain, PGlite
 * storage, voice off (`VOICE: 'on'` in `env` starts an embedded Janus); resolves once its chain
 * and events are ready. `env` adds or overrides settings.
 */
export async function startEventsServer(
  name: string,
  env: Record<string, string> = {},
): Promise<{ server: RunningServer; tmp: string; stage: Stage }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cq-${name}-`))
  const stage = writeTestScenes(path.join(tmp, 'scenes'))
  writeSignInRegistry(path.join(tmp, 'registry.json'))
  const server = await startServer(
    testConfig({
      PORT: '0',
      CLIENT: 'none',
      DATA_DIR: await freshPgliteDir(path.join(tmp, 'data')),
      SCENES_DIR: path.join(tmp, 'scenes'),
      ...signInEnv(path.join(tmp, 'registry.json')),
      ...env,
    }),
  )
  await Promise.all([server.chain, server.events])
  return { server, tmp, stage }
}

/** After the file: stops the server and removes its folder (either unset if the start failed). */
export async function stopEventsServer(server: RunningServer | undefined, tmp: string | undefined) {
  await server?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
}
