// Writes the code-made test avatar (src/avatar/vrmFixture.ts) to a file, for trying the avatar
// upload by hand or from a test: `npx tsx scripts/write-vrm-fixture.ts out.vrm [0.x]`.
import fs from 'node:fs'
import { vrmFixture } from '../src/avatar/vrmFixture'

const [file, version] = process.argv.slice(2)
if (!file || (version !== undefined && version !== '0.x' && version !== '1.0')) {
  console.error('usage: tsx scripts/write-vrm-fixture.ts <file.vrm> [1.0|0.x]')
  process.exit(2)
}
fs.writeFileSync(file, vrmFixture({ version: version ?? '1.0' }))
console.log(`wrote ${file} (VRM ${version ?? '1.0'})`)
