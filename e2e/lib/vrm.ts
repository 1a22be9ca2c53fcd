// The code-made test avatar (src/avatar/vrmFixture.ts) as a file on disk, for a spec's file
// chooser (`setInputFiles`) or an upload: nothing downloaded.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { vrmFixture, type VrmFixtureOptions } from '../../src/avatar/vrmFixture'

/** Writes the avatar to `<dir>/<name>.vrm` (a fresh temporary folder by default); its path. */
export function writeVrmFixture(
  options: VrmFixtureOptions = {},
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-vrm-')),
): string {
  const file = path.join(dir, `${(options.name ?? 'avatar').replace(/[^\w-]+/g, '-')}.vrm`)
  fs.writeFileSync(file, vrmFixture(options))
  return file
}
